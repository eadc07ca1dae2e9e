"""Playbook rules: editors (playbooks:write) keep one playbook per brand and intent, every change a new
immutable version and an audit entry; agents follow the playbook matched to a conversation (or one they
pick) and tick its steps; supervisors (playbooks:supervise) read the adherence report. Blocking the
resolution of a conversation with unticked mandatory steps lives in matching.py, called by the
conversation service. The service never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.brand.service import brand_service
from croupier.conversation import repository as conversations
from croupier.conversation.service import ENDED, conversation_service
from croupier.errors import BadRequest, Conflict, NotFound
from croupier.intents import INTENTS
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_, current_locale
from croupier.kit.localized import check_locales, pick
from croupier.models import Brand, Conversation, Playbook, PlaybookTick, PlaybookVersion
from croupier.playbook import repository
from croupier.playbook.matching import Match, matched, start_run
from croupier.playbook.schemas import PlaybookIn, PlaybookUpdate, StepIn

MAX_TITLE = 200
MAX_STEP_TITLE = 300
MAX_HELP = 2_000


@dataclass(frozen=True)
class StepView:
    number: int
    title: str
    help: str
    mandatory: bool
    tick: PlaybookTick | None


@dataclass(frozen=True)
class Panel:
    """What the conversation's playbook panel shows, in the reader's language."""

    conversation: Conversation
    match: Match | None
    title: str | None
    steps: list[StepView]
    choices: list[tuple[Playbook, str]]  # the brand's active playbooks an agent may pick, with their titles

    @property
    def complete(self) -> bool:
        return self.match is not None and not self.match.missing_mandatory()


@dataclass(frozen=True)
class AdherenceLine:
    playbook: Playbook
    title: str
    agent_id: int | None
    agent_name: str | None
    conversations: int
    all_mandatory_done: float  # share, 0..1
    overridden: int
    average_steps_done: float
    average_steps_total: float


def shown(texts: dict[str, Any], brand: Brand) -> str:
    """The text in the reader's language, else the brand's default language's."""
    found = pick(texts, current_locale.get(), brand.default_locale)
    return found[1] if found else ""


def _localized(texts: dict[str, str], brand: Brand, *, limit: int, missing: str | None = None,
               multiline: bool = False) -> dict[str, str]:
    """The texts tidied, in the brand's languages, within `limit`; the default language's required when
    `missing` (the message saying so) is given."""
    check_locales(texts, brand.locales)
    clean = {}
    for locale, text in sorted(texts.items()):
        text = text.replace("\r\n", "\n").strip() if multiline else " ".join(text.split())
        if len(text) > limit:
            raise BadRequest(N_("The %(locale)s text is too long: at most %(limit)s characters."),
                             code="text_too_long", locale=locale, limit=limit)
        if text:
            clean[locale] = text
    if missing and brand.default_locale not in clean:
        raise BadRequest(missing, code="default_text_missing", locale=brand.default_locale)
    return clean


def _steps(steps: list[StepIn], brand: Brand) -> list[dict[str, Any]]:
    if not steps:
        raise BadRequest(N_("A playbook needs at least one step."), code="no_steps")
    missing = N_("Every step needs a title in the brand's default language (%(locale)s).")
    return [{"titles": _localized(s.titles, brand, limit=MAX_STEP_TITLE, missing=missing),
             "help": _localized(s.help, brand, limit=MAX_HELP, multiline=True),
             "mandatory": s.mandatory} for s in steps]


def _titles(titles: dict[str, str], brand: Brand) -> dict[str, str]:
    return _localized(titles, brand, limit=MAX_TITLE,
                      missing=N_("Give the playbook a title in the brand's default language (%(locale)s)."))


class PlaybookService:
    # -- editing -------------------------------------------------------------------------
    async def list(self, session: AsyncSession, principal: Principal, brand_id: int
                   ) -> list[tuple[Playbook, PlaybookVersion]]:
        brand = await self._brand(session, principal, brand_id)
        playbooks = await repository.of_brand(session, brand.id)
        current = await repository.current_versions(session, playbooks)
        return [(p, current[p.id]) for p in playbooks]

    async def get(self, session: AsyncSession, principal: Principal, playbook_id: int
                  ) -> tuple[Playbook, PlaybookVersion]:
        principal.require("playbooks:read")
        playbook = await repository.get(session, principal, playbook_id)
        if playbook is None:
            raise NotFound(N_("There is no playbook %(id)s."), id=playbook_id)
        return playbook, await repository.version(session, playbook.id, playbook.version)

    async def versions(self, session: AsyncSession, principal: Principal, playbook_id: int
                       ) -> list[PlaybookVersion]:
        playbook, _current = await self.get(session, principal, playbook_id)
        return await repository.versions(session, playbook.id)

    async def create(self, session: AsyncSession, principal: Principal | None, data: PlaybookIn, *,
                     ip: str | None = None) -> tuple[Playbook, PlaybookVersion]:
        """A new playbook at version 1; `principal` None means the demo seed."""
        if principal is not None:
            principal.require("playbooks:write")
            brand = await self._brand(session, principal, data.brand_id)
        else:
            brand = await session.get(Brand, data.brand_id)
        if data.intent not in INTENTS:
            raise BadRequest(N_("Unknown intent: %(intents)s. Known intents: %(known)s."), code="unknown_intent",
                             intents=data.intent, known=", ".join(INTENTS))
        if await repository.for_intent(session, brand.id, data.intent) is not None:
            raise Conflict(N_("This brand already has a playbook for %(intent)s."), code="playbook_exists",
                           intent=data.intent)
        titles, steps = _titles(data.titles, brand), _steps(data.steps, brand)
        playbook = Playbook(brand_id=brand.id, intent=data.intent, version=1, is_active=data.is_active,
                            updated_at=utcnow())
        session.add(playbook)
        await session.flush()
        version = PlaybookVersion(playbook_id=playbook.id, number=1, titles=titles, steps=steps,
                                  author_user_id=principal.user_id if principal else None)
        session.add(version)
        await session.flush()
        await audit_service.record(session, "playbook.created", principal=principal, actor="cli",
                                   target_type="playbook", target_id=playbook.id, brand_id=brand.id, ip=ip,
                                   intent=playbook.intent, version=1, steps=len(steps))
        return playbook, version

    async def update(self, session: AsyncSession, principal: Principal, playbook_id: int, data: PlaybookUpdate, *,
                     ip: str | None = None) -> tuple[Playbook, PlaybookVersion]:
        principal.require("playbooks:write")
        playbook, current = await self.get(session, principal, playbook_id)
        brand = await session.get(Brand, playbook.brand_id)
        changes: dict[str, object] = {}
        titles = _titles(data.titles, brand) if data.titles is not None else current.titles
        steps = _steps(data.steps, brand) if data.steps is not None else current.steps
        if titles != current.titles or steps != current.steps:
            current = PlaybookVersion(playbook_id=playbook.id, number=playbook.version + 1, titles=titles,
                                      steps=steps, author_user_id=principal.user_id)
            session.add(current)
            playbook.version = current.number
            changes["version"] = current.number
            changes["steps"] = len(steps)
        if data.is_active is not None and data.is_active != playbook.is_active:
            playbook.is_active = changes["is_active"] = data.is_active
        if changes:
            playbook.updated_at = utcnow()
            await session.flush()
            await audit_service.record(session, "playbook.updated", principal=principal, target_type="playbook",
                                       target_id=playbook.id, brand_id=playbook.brand_id, ip=ip, changes=changes)
        return playbook, current

    # -- in a conversation ---------------------------------------------------------------
    async def panel(self, session: AsyncSession, principal: Principal, conversation_id: int) -> Panel:
        principal.require("playbooks:read")
        conversation = await conversation_service.get(session, principal, conversation_id)
        return await self._panel(session, conversation, await matched(session, conversation))

    async def pick(self, session: AsyncSession, principal: Principal, conversation_id: int,
                   playbook_id: int | None, *, ip: str | None = None) -> Panel:
        """Follow `playbook_id` in this conversation whatever its intent (None: the intent's playbook again)."""
        principal.require("playbooks:read")
        principal.require("conversations:write")
        conversation = await self._open(session, principal, conversation_id)
        await repository.unpick_all(session, conversation.id)
        if playbook_id is not None:
            playbook = await repository.get(session, principal, playbook_id)
            if playbook is None or playbook.brand_id != conversation.brand_id or not playbook.is_active:
                raise NotFound(N_("There is no playbook %(id)s."), id=playbook_id)
            run = await repository.run_for(session, conversation.id, playbook.id)
            if run is None:
                run = await start_run(session, conversation, Match(
                    playbook, await repository.version(session, playbook.id, playbook.version), None, []))
            run.picked, run.chosen_at = True, utcnow()
            await session.flush()
        await audit_service.record(session, "conversation.playbook_picked", principal=principal,
                                   target_type="conversation", target_id=conversation.id,
                                   brand_id=conversation.brand_id, ip=ip, playbook_id=playbook_id)
        return await self._panel(session, conversation, await matched(session, conversation))

    async def tick(self, session: AsyncSession, principal: Principal, conversation_id: int, step: int,
                   done: bool) -> Panel:
        """Tick (or untick) step `step` of the conversation's playbook, recording who and when."""
        principal.require("playbooks:read")
        principal.require("conversations:write")
        conversation = await self._open(session, principal, conversation_id)
        match = await matched(session, conversation)
        if match is None:
            raise Conflict(N_("No playbook applies to this conversation: set its intent or pick one."),
                           code="no_playbook")
        if not 1 <= step <= len(match.version.steps):
            raise BadRequest(N_("The playbook has no step %(step)s."), code="unknown_step", step=step)
        run = await start_run(session, conversation, match)
        existing = await repository.tick(session, run.id, step)
        if done and existing is None:
            session.add(PlaybookTick(run_id=run.id, step=step, user_id=principal.user_id, ticked_at=utcnow()))
        elif not done and existing is not None:
            await session.delete(existing)
        await session.flush()
        match.ticks = await repository.ticks(session, run.id)
        return await self._panel(session, conversation, match)

    # -- supervision ---------------------------------------------------------------------
    async def adherence(self, session: AsyncSession, principal: Principal, *, brand_id: int | None,
                        since: datetime, until: datetime) -> list[AdherenceLine]:
        """Per playbook and agent: conversations resolved or closed in [since, until) under the playbook."""
        principal.require("playbooks:supervise")
        if brand_id is not None:
            await self._brand(session, principal, brand_id)
        if since >= until:
            raise BadRequest(N_("The period must end after it starts."), code="empty_period")
        rows = await repository.adherence(session, principal, brand_id=brand_id, since=since, until=until)
        names = await conversations.user_names(session, {r.agent_id for r in rows if r.agent_id})
        lines = []
        for row in rows:
            playbook = await session.get(Playbook, row.playbook_id)
            brand = await session.get(Brand, playbook.brand_id)
            version = await repository.version(session, playbook.id, playbook.version)
            lines.append(AdherenceLine(
                playbook=playbook, title=shown(version.titles, brand), agent_id=row.agent_id,
                agent_name=names.get(row.agent_id or 0), conversations=row.conversations,
                all_mandatory_done=row.all_mandatory_done / row.conversations, overridden=row.overridden,
                average_steps_done=row.average_steps_done, average_steps_total=row.average_steps_total))
        return sorted(lines, key=lambda x: (x.playbook.intent, x.playbook.brand_id, x.agent_name or ""))

    # -- internals -----------------------------------------------------------------------
    async def _brand(self, session: AsyncSession, principal: Principal, brand_id: int) -> Brand:
        principal.require("playbooks:read")
        return await brand_service.get(session, principal, brand_id)

    async def _open(self, session: AsyncSession, principal: Principal, conversation_id: int) -> Conversation:
        conversation = await conversation_service.get(session, principal, conversation_id, for_update=True)
        if conversation.status in ENDED:
            raise Conflict(N_("Reopen the conversation to change its playbook."), code="conversation_ended")
        return conversation

    async def _panel(self, session: AsyncSession, conversation: Conversation, match: Match | None) -> Panel:
        brand = await session.get(Brand, conversation.brand_id)
        playbooks = await repository.of_brand(session, brand.id, active_only=True)
        current = await repository.current_versions(session, playbooks)
        choices = [(p, shown(current[p.id].titles, brand)) for p in playbooks]
        if match is None:
            return Panel(conversation, None, None, [], choices)
        ticks = {t.step: t for t in match.ticks}
        steps = [StepView(n, shown(s["titles"], brand), shown(s["help"], brand), s["mandatory"], ticks.get(n))
                 for n, s in enumerate(match.version.steps, 1)]
        return Panel(conversation, match, shown(match.version.titles, brand), steps, choices)


playbook_service = PlaybookService()
