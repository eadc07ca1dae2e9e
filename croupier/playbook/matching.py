"""Which playbook a conversation follows, and the check the conversation service makes before a
conversation is resolved or closed.

A conversation follows the playbook an agent picked for it last; otherwise its brand's active playbook
for the conversation's intent (set by an agent or the assistant). Its run (created at the first tick or
pick) keeps the playbook version it started on. Ending a conversation whose playbook has unticked
mandatory steps is refused (409) unless a supervisor overrides; either way the run's outcome is recorded
for the adherence report. Imports no service, so the conversation service can call it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.errors import Conflict
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_, current_locale
from croupier.kit.localized import pick
from croupier.models import Brand, Conversation, Playbook, PlaybookRun, PlaybookTick, PlaybookVersion
from croupier.playbook import repository

MAX_LISTED_STEPS = 5


@dataclass
class Match:
    playbook: Playbook
    version: PlaybookVersion
    run: PlaybookRun | None
    ticks: list[PlaybookTick]

    @property
    def ticked(self) -> set[int]:
        return {t.step for t in self.ticks}

    def missing_mandatory(self) -> list[int]:
        return [n for n, step in enumerate(self.version.steps, 1) if step["mandatory"] and n not in self.ticked]


async def matched(session: AsyncSession, conversation: Conversation) -> Match | None:
    run = await repository.picked_run(session, conversation.id)
    if run is not None:
        playbook = await session.get(Playbook, run.playbook_id)
    else:
        playbook = conversation.intent and await repository.for_intent(session, conversation.brand_id,
                                                                         conversation.intent)
        if not playbook or not playbook.is_active:
            return None
        run = await repository.run_for(session, conversation.id, playbook.id)
    version = await repository.version(session, playbook.id, run.version if run else playbook.version)
    return Match(playbook, version, run, await repository.ticks(session, run.id) if run else [])


async def start_run(session: AsyncSession, conversation: Conversation, match: Match) -> PlaybookRun:
    """The match's run, created on the playbook's version it shows if there is none yet."""
    if match.run is None:
        match.run = PlaybookRun(conversation_id=conversation.id, playbook_id=match.playbook.id,
                                version=match.version.number, picked=False, chosen_at=utcnow())
        session.add(match.run)
        await session.flush()
    return match.run


def step_title(step: dict[str, Any], brand: Brand) -> str:
    found = pick(step["titles"], current_locale.get(), brand.default_locale)
    return found[1] if found else ""


async def before_ending(session: AsyncSession, principal: Principal, conversation: Conversation, *,
                        override: bool) -> dict[str, object]:
    """Refuse to end the conversation while mandatory steps are unticked (unless a supervisor overrides);
    record the run's outcome. Returns what the conversation's audit entry should add."""
    match = await matched(session, conversation)
    if match is None:
        return {}
    missing = match.missing_mandatory()
    if missing and not override:
        brand = await session.get(Brand, conversation.brand_id)
        titles = [step_title(match.version.steps[n - 1], brand) for n in missing]
        shown = "; ".join(titles[:MAX_LISTED_STEPS]) + ("; …" if len(titles) > MAX_LISTED_STEPS else "")
        raise Conflict(N_("Tick the playbook's mandatory steps before resolving or closing the conversation: %(steps)s."),
                       code="playbook_incomplete", steps=shown, missing_steps=missing)
    if missing:
        principal.require("playbooks:supervise")
    run = await start_run(session, conversation, match)
    run.ended_at, run.ended_by_id = utcnow(), principal.user_id
    run.steps_done, run.steps_total = len(match.ticked), len(match.version.steps)
    run.mandatory_done, run.overridden = not missing, bool(missing)
    return {"playbook_id": match.playbook.id, "playbook_override": True} if missing else {}
