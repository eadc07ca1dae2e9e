"""A brand's assistant settings: on or off, the facts provider, the team for each hand-off reason.

`configure` sets them without a principal (the demo seed, tests); `current` and `change` are what staff
use (the console's settings page, GET/PUT /api/v1/brands/{id}/assistant): supervisors of the brand and
administrators (assistant:supervise), every change audited. Teams are named as stored (the hand-off looks
the team up by name, see handoff.team_for); a name that is not a team is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant.facts import PROVIDERS
from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.brand.service import brand_service
from croupier.errors import CroupierError
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.models import AssistantSettings, HandoffReason, Team

REASONS = tuple(HandoffReason)
SCOPE = "assistant:supervise"


class InvalidSetting(CroupierError):
    """A value the settings cannot take; `field` names the form field or JSON member at fault."""

    status_code, code = 422, "invalid_setting"

    def __init__(self, message: str, *, code: str, field: str, **details: Any) -> None:
        super().__init__(message, code=code, **details)
        self.field = field
        self.details["fields"] = [{"field": field, "problem": self.render()}]  # as a 422 of the API's validation


@dataclass(frozen=True)
class BrandAssistant:
    """A brand's settings as staff see them: every hand-off reason, None where no team is named."""

    brand_id: int
    enabled: bool
    facts_provider: str | None
    teams: dict[HandoffReason, str | None]
    updated_at: datetime | None


def _view(brand_id: int, stored: AssistantSettings | None) -> BrandAssistant:
    teams = dict(stored.teams or {}) if stored else {}
    return BrandAssistant(
        brand_id=brand_id, enabled=bool(stored and stored.enabled),
        facts_provider=stored.facts_provider if stored else None,
        teams={r: teams.get(r.value) if isinstance(teams.get(r.value), str) and teams.get(r.value) else None
               for r in REASONS},
        updated_at=stored.updated_at if stored else None)


def _check_provider(facts_provider: str | None) -> None:
    if facts_provider is not None and facts_provider not in PROVIDERS:
        raise InvalidSetting(N_("There is no facts provider '%(provider)s'. Known providers: %(known)s."),
                             code="unknown_facts_provider", field="facts_provider", provider=facts_provider[:40],
                             known=", ".join(PROVIDERS))


async def configure(session: AsyncSession, brand_id: int, *, enabled: bool, facts_provider: str | None = None,
                    teams: dict[HandoffReason, str] | None = None) -> AssistantSettings:
    """Set a brand's settings as given (no principal, no audit, teams not checked): the seed and tests."""
    if facts_provider is not None and facts_provider not in PROVIDERS:
        raise ValueError(f"unknown facts provider {facts_provider!r} (known: {', '.join(PROVIDERS)})")
    found = await session.get(AssistantSettings, brand_id)
    if found is None:
        found = AssistantSettings(brand_id=brand_id)
        session.add(found)
    found.enabled, found.facts_provider, found.updated_at = enabled, facts_provider, utcnow()
    found.teams = {reason.value: name for reason, name in (teams or {}).items()}
    await session.flush()
    return found


async def current(session: AsyncSession, principal: Principal, brand_id: int) -> BrandAssistant:
    """The brand's settings (not found: a brand the principal does not work on)."""
    principal.require(SCOPE)
    brand = await brand_service.get(session, principal, brand_id)
    return _view(brand.id, await session.get(AssistantSettings, brand.id))


async def team_names(session: AsyncSession) -> list[str]:
    """Every team's name, alphabetically: what a hand-off reason can be routed to."""
    return list(await session.scalars(select(Team.name).order_by(Team.name)))


async def change(session: AsyncSession, principal: Principal, brand_id: int, *, enabled: bool,
                 facts_provider: str | None, teams: dict[HandoffReason, str | None],
                 ip: str | None = None) -> BrandAssistant:
    """Replace the brand's settings (reasons left out of `teams` route to no team); audited if anything changed.

    Refuses (422) an unknown facts provider or a team name that is not a team, naming the field."""
    principal.require(SCOPE)
    brand = await brand_service.get(session, principal, brand_id)
    facts_provider = facts_provider or None
    _check_provider(facts_provider)
    wanted = {reason: (name or "").strip() or None for reason, name in teams.items()}
    named = {name for name in wanted.values() if name}
    known = set(await session.scalars(select(Team.name).where(Team.name.in_(named)))) if named else set()
    for reason in REASONS:
        name = wanted.get(reason)
        if name and name not in known:
            raise InvalidSetting(N_("There is no team '%(team)s' to hand off '%(reason)s' conversations to."),
                                 code="unknown_team", field=f"teams.{reason.value}", team=name[:120],
                                 reason=reason.value)
    stored = await session.get(AssistantSettings, brand.id)
    before = _view(brand.id, stored)
    after = BrandAssistant(brand_id=brand.id, enabled=enabled, facts_provider=facts_provider,
                           teams={r: wanted.get(r) for r in REASONS}, updated_at=before.updated_at)
    changes = _changes(before, after)
    if not changes:
        return before
    if stored is None:
        stored = AssistantSettings(brand_id=brand.id)
        session.add(stored)
    stored.enabled, stored.facts_provider, stored.updated_at = enabled, facts_provider, utcnow()
    stored.teams = {r.value: name for r, name in after.teams.items() if name}
    await session.flush()
    await audit_service.record(session, "assistant.settings_changed", principal=principal, target_type="brand",
                               target_id=brand.id, brand_id=brand.id, ip=ip, changes=changes)
    return _view(brand.id, stored)


def _changes(before: BrandAssistant, after: BrandAssistant) -> dict[str, list[Any]]:
    """{field: [old, new]} of what differs (teams as teams.<reason>)."""
    changes: dict[str, list[Any]] = {}
    if before.enabled != after.enabled:
        changes["enabled"] = [before.enabled, after.enabled]
    if before.facts_provider != after.facts_provider:
        changes["facts_provider"] = [before.facts_provider, after.facts_provider]
    for reason in REASONS:
        if before.teams[reason] != after.teams[reason]:
            changes[f"teams.{reason.value}"] = [before.teams[reason], after.teams[reason]]
    return changes
