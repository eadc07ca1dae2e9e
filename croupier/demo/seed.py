"""`croupier demo`: two casino brands, their teams and staff, about forty conversations in five languages,
and each brand's transparency centre (pages, licences, helplines, game rounds and payments).

Everything is created through the services, as the product would create it. Running it again changes
nothing: brands, teams and staff are looked up by slug, name and e-mail first, and a brand's
conversations are written only in the run that creates the brand. The services stamp everything
"now"; the seed then spreads each conversation over the past days so the inbox looks lived in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pyotp
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant import settings as assistant_settings
from croupier.audit.service import audit_service
from croupier.auth import repository as staff_repository
from croupier.auth import totp
from croupier.auth.principal import Principal
from croupier.auth.service import auth_service
from croupier.auth.users import user_service
from croupier.brand import repository as brand_repository
from croupier.brand.schemas import BrandIn
from croupier.brand.service import brand_service
from croupier.config import Settings
from croupier.conversation.schemas import ConversationUpdate
from croupier.conversation.service import conversation_service
from croupier.db import Database
from croupier.demo import repository
from croupier.demo.cast import ASSISTANT_TEAMS, BRANDS, DEMO_DOMAIN, DEMO_PASSWORD, STAFF, TEAMS, StaffSpec
from croupier.demo.dialogue import Dialogue
from croupier.demo.dialogues import ALL
from croupier.demo.knowledge_base import seed_knowledge_base
from croupier.demo.players import DEMO_PLAYERS
from croupier.demo.procedures import seed_macros, seed_playbooks
from croupier.demo.transparency.seed import seed_transparency
from croupier.kit import secrets
from croupier.kit.clock import utcnow
from croupier.models import Brand, Conversation, Message, Status, Team, User
from croupier.player.service import player_service

GAP_MINUTES = {"player": 2, "agent": 6, "note": 1}


@dataclass(frozen=True)
class Login:
    email: str
    password: str
    role: str
    name: str
    brands: list[str]
    totp_secret: str | None = None
    otpauth_uri: str | None = None


@dataclass
class _World:
    brands: dict[str, Brand]
    teams: dict[str, Team]
    users: dict[str, User] = field(default_factory=dict)
    principals: dict[str, Principal] = field(default_factory=dict)


async def seed(settings: Settings) -> list[Login]:
    db = Database(settings)
    try:
        async with db.transaction() as session:
            world, new_brands = await _brands_and_teams(session)
            for spec in STAFF:
                world.users[spec.key] = await _staff_member(session, spec, world)
            for dialogue in ALL:
                if dialogue.brand in new_brands:
                    await _play(session, world, dialogue)
            for slug in sorted(new_brands):
                await seed_transparency(session, world.brands[slug])
            for brand in world.brands.values():
                await seed_knowledge_base(session, brand)
                await seed_playbooks(session, brand)  # after the dialogues: they end conversations freely
            await seed_macros(session)
            for brand in world.brands.values():  # after the dialogues: the assistant answers only new messages
                await assistant_settings.configure(session, brand.id, enabled=True, facts_provider="demo",
                                                   teams=ASSISTANT_TEAMS)
            return [_login(spec, world) for spec in STAFF]
    finally:
        await db.dispose()


async def demo_totp_code(settings: Settings, email: str) -> str | None:
    """The current two-factor code of a demo account (None for any other account, or one without 2FA)."""
    if not email.strip().lower().endswith(f"@{DEMO_DOMAIN}"):
        return None
    db = Database(settings)
    try:
        async with db.transaction() as session:
            user = await staff_repository.user_by_email(session, email)
    finally:
        await db.dispose()
    if user is None or not user.totp_enabled or not user.totp_secret:
        return None
    return pyotp.TOTP(user.totp_secret).now()


def print_logins(logins: list[Login], base_url: str) -> None:
    base = base_url.rstrip("/")
    lines = ["", "Croupier demo is ready.", "", f"  Agent console   {base}/console",
             f"  Demo casinos    {base}/demo"]
    pages = {b: f"{base}/demo/{b.slug}" for b in BRANDS}
    width = max(len(url) for url in pages.values())
    lines += [f"                  {url:<{width}}  ({b.name}; logged-in player: {DEMO_PLAYERS[b.slug].name})"
              for b, url in pages.items()]
    lines += ["", f"  Staff logins (password for every account: {DEMO_PASSWORD})", ""]
    width = max(len(login.email) for login in logins)
    for login in logins:
        lines.append(f"  {login.role:<11} {login.email:<{width}}  {login.name:<18} {', '.join(login.brands)}")
    for login in logins:
        if login.totp_secret:
            lines += ["", f"  {login.email} signs in with two-factor authentication:",
                      f"    TOTP secret   {login.totp_secret}", f"    otpauth URI   {login.otpauth_uri}",
                      f"    current code  croupier totp-code {login.email}"]
    print("\n".join(lines) + "\n", flush=True)


async def _brands_and_teams(session: AsyncSession) -> tuple[_World, set[str]]:
    brands, new = {}, set()
    for spec in BRANDS:
        brand = await brand_repository.brand_by_slug(session, spec.slug)
        if brand is None:
            brand = await brand_service.create(session, None, BrandIn(
                slug=spec.slug, name=spec.name, locales=list(spec.locales), default_locale=spec.default_locale,
                website_url=spec.website_url))
            new.add(spec.slug)
        brands[spec.slug] = brand
    teams = {}
    for name, description in TEAMS.items():
        teams[name] = await repository.team_by_name(session, name) or \
            await user_service.create_team(session, None, name, description)
    return _World(brands, teams), new


async def _staff_member(session: AsyncSession, spec: StaffSpec, world: _World) -> User:
    user = await staff_repository.user_by_email(session, spec.email)
    if user is not None:
        return user
    user = await user_service.create(session, None, email=spec.email, name=spec.name, role=spec.role,
                                     password=DEMO_PASSWORD, locale=spec.locale,
                                     brand_ids=[world.brands[slug].id for slug in spec.brands],
                                     team_ids=[world.teams[name].id for name in spec.teams])
    if spec.totp:
        # Enrolled here rather than at a first login, so the printed secret works straight away.
        user.totp_secret, user.totp_enabled = totp.new_secret(), True
        await audit_service.record(session, "auth.mfa_enrolled", actor="cli", target_type="user",
                                   target_id=user.id, via="demo seed")
    return user


async def _principal(session: AsyncSession, world: _World, key: str) -> Principal:
    if key not in world.principals:
        world.principals[key] = await auth_service.principal_for(session, world.users[key])
    return world.principals[key]


async def _play(session: AsyncSession, world: _World, d: Dialogue) -> None:
    brand = world.brands[d.brand]
    channel = await brand_repository.webchat_channel(session, brand.id)
    if d.player is None:
        identity = await player_service.resolve_identity(session, channel, f"visitor:{secrets.token(16)}",
                                                         locale=d.language)
    else:
        player_id, name = d.player
        demo = DEMO_PLAYERS.get(d.brand)
        identity = await player_service.resolve_identity(
            session, channel, f"player:{player_id}", display_name=name, player_external_id=player_id,
            email=demo.email if demo and demo.id == player_id else None, locale=d.language)
    sent: list[tuple[str, Message]] = []
    conversation_id = 0
    for turn in d.turns:
        if turn.kind == "player":
            message, _ = await conversation_service.receive(session, channel=channel, identity=identity,
                                                            body=turn.text, language=d.language)
            conversation_id = message.conversation_id
        else:
            agent = world.users[turn.agent or ""]
            message = await conversation_service.reply(
                session, await _principal(session, world, turn.agent or ""), conversation_id, turn.text,
                private=turn.kind == "note", author_name=agent.name.split()[0])
        sent.append((turn.kind, message))
    triager = next((t.agent for t in d.turns if t.agent), "supervisor")
    now = utcnow()
    await conversation_service.update(session, await _principal(session, world, triager), conversation_id,
                                      ConversationUpdate(
                                          status=None if d.status == Status.open else d.status,
                                          snoozed_until=now + timedelta(hours=16) if d.status == Status.snoozed
                                          else None,
                                          priority=d.priority, team_id=world.teams[d.team].id if d.team else None,
                                          add_tags=list(d.tags), intent=d.intent))
    await _spread_over_time(session, d, sent)


async def _spread_over_time(session: AsyncSession, d: Dialogue, sent: list[tuple[str, Message]]) -> None:
    conversation = await session.get(Conversation, sent[0][1].conversation_id)
    latest = utcnow() - timedelta(minutes=1)
    at = utcnow() - timedelta(hours=d.hours_ago)
    conversation.created_at = at
    conversation.first_response_at = None
    for index, (kind, message) in enumerate(sent):
        if index:
            at = min(at + timedelta(minutes=GAP_MINUTES[kind] * (1 + index % 3)), latest)
        message.created_at = at
        if kind == "player":
            conversation.last_player_message_at = at
        if kind != "note":
            conversation.last_message_at = at
        if kind == "agent" and conversation.first_response_at is None:
            conversation.first_response_at = at
    if conversation.resolved_at is not None:
        conversation.resolved_at = min(at + timedelta(minutes=5), latest)
    await session.flush()


def _login(spec: StaffSpec, world: _World) -> Login:
    user = world.users[spec.key]
    names = [world.brands[slug].name for slug in spec.brands] or ["every brand"]
    secret = user.totp_secret if user.totp_enabled else None
    return Login(email=user.email, password=DEMO_PASSWORD, role=spec.role.value, name=user.name, brands=names,
                 totp_secret=secret, otpauth_uri=totp.provisioning_uri(secret, user.email) if secret else None)
