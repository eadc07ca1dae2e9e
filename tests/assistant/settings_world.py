"""Two brands for the assistant settings' tests: Alpha (the demo's Lucky Star, whose demo player the demo
facts provider knows: the assistant enabled, with teams and one article on withdrawals) and Bravo (never
configured); an administrator, Alpha's supervisor and agent, Bravo's supervisor."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from croupier.assistant import settings as assistant_settings
from croupier.auth.users import user_service
from croupier.kb.schemas import ArticleIn
from croupier.kb.service import kb_service
from croupier.models import AssistantSettings, AuditEntry, Brand, Channel, HandoffReason, Role, User
from tests.factories import make_brand, make_user

WITHDRAWALS = ("## When will my withdrawal arrive?\n\nApproved withdrawals arrive within a day by e-wallet and "
               "within three working days by card or bank transfer.")


@dataclass
class SettingsWorld:
    alpha: Brand
    alpha_channel: Channel
    bravo: Brand
    teams: dict[str, int]
    admin: User
    supervisor: User  # of Alpha
    agent: User  # of Alpha
    bravo_supervisor: User


async def settings_world(db) -> SettingsWorld:  # noqa: ANN001
    alpha, channel = await make_brand(db, slug="lucky-star", name="Lucky Star Casino")
    bravo, _channel = await make_brand(db, slug="bravo", name="Bravo Casino")
    async with db.transaction() as s:
        teams = {name: (await user_service.create_team(s, None, name)).id
                 for name in ("Responsible gambling", "Security", "Complaints")}
        await assistant_settings.configure(s, alpha.id, enabled=True, facts_provider="demo", teams={
            HandoffReason.responsible_gambling: "Responsible gambling",
            HandoffReason.account_security: "Security", HandoffReason.complaint: "Complaints"})
        for locale, title in (("en", "Withdrawal times"), ("pl", "Czas wypłaty")):
            article = await kb_service.create_article(s, None, ArticleIn(
                brand_id=alpha.id, slug=f"withdrawal-times-{locale}", locale=locale, title=title,
                body=WITHDRAWALS, intents=["withdrawal_status"]))
            await kb_service.publish(s, None, article.id, locale)
    return SettingsWorld(
        alpha=alpha, alpha_channel=channel, bravo=bravo, teams=teams,
        admin=await make_user(db, "admin@lucky.test", Role.admin, totp=True),  # administrators need 2FA
        supervisor=await make_user(db, "super@lucky.test", Role.supervisor, [alpha]),
        agent=await make_user(db, "agent@lucky.test", Role.agent, [alpha]),
        bravo_supervisor=await make_user(db, "super@bravo.test", Role.supervisor, [bravo]))


async def stored(db, brand_id: int) -> tuple[bool, str | None, dict] | None:  # noqa: ANN001
    async with db.transaction() as s:
        found = await s.get(AssistantSettings, brand_id)
        return (found.enabled, found.facts_provider, dict(found.teams)) if found else None


async def audited(db) -> list[AuditEntry]:  # noqa: ANN001
    async with db.transaction() as s:
        return list(await s.scalars(select(AuditEntry).where(AuditEntry.action == "assistant.settings_changed")
                                    .order_by(AuditEntry.id)))
