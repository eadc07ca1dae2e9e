"""Every playbook query. Staff reads are scoped by the acting principal's brands here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, Integer, cast, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.models import Playbook, PlaybookRun, PlaybookTick, PlaybookVersion


async def get(session: AsyncSession, principal: Principal, playbook_id: int) -> Playbook | None:
    playbook = await session.get(Playbook, playbook_id)
    return playbook if playbook is not None and principal.sees_brand(playbook.brand_id) else None


async def of_brand(session: AsyncSession, brand_id: int, *, active_only: bool = False) -> list[Playbook]:
    query = select(Playbook).where(Playbook.brand_id == brand_id)
    if active_only:
        query = query.where(Playbook.is_active.is_(True))
    return list(await session.scalars(query.order_by(Playbook.intent)))


async def for_intent(session: AsyncSession, brand_id: int, intent: str) -> Playbook | None:
    return await session.scalar(select(Playbook).where(Playbook.brand_id == brand_id, Playbook.intent == intent))


async def version(session: AsyncSession, playbook_id: int, number: int) -> PlaybookVersion:
    return await session.scalar(select(PlaybookVersion).where(PlaybookVersion.playbook_id == playbook_id,
                                                              PlaybookVersion.number == number))


async def current_versions(session: AsyncSession, playbooks: list[Playbook]) -> dict[int, PlaybookVersion]:
    if not playbooks:
        return {}
    found = await session.scalars(select(PlaybookVersion).where(
        PlaybookVersion.playbook_id.in_([p.id for p in playbooks]),
        PlaybookVersion.number.in_({p.version for p in playbooks})))
    wanted = {(p.id, p.version) for p in playbooks}
    return {v.playbook_id: v for v in found if (v.playbook_id, v.number) in wanted}


async def versions(session: AsyncSession, playbook_id: int) -> list[PlaybookVersion]:
    return list(await session.scalars(select(PlaybookVersion).where(PlaybookVersion.playbook_id == playbook_id)
                                      .order_by(PlaybookVersion.number.desc())))


async def picked_run(session: AsyncSession, conversation_id: int) -> PlaybookRun | None:
    """The run of the playbook an agent chose for the conversation last, if any."""
    return await session.scalar(select(PlaybookRun).where(PlaybookRun.conversation_id == conversation_id,
                                                          PlaybookRun.picked.is_(True))
                                .order_by(PlaybookRun.chosen_at.desc(), PlaybookRun.id.desc()).limit(1))


async def run_for(session: AsyncSession, conversation_id: int, playbook_id: int) -> PlaybookRun | None:
    return await session.scalar(select(PlaybookRun).where(PlaybookRun.conversation_id == conversation_id,
                                                          PlaybookRun.playbook_id == playbook_id))


async def unpick_all(session: AsyncSession, conversation_id: int) -> None:
    await session.execute(update(PlaybookRun).where(PlaybookRun.conversation_id == conversation_id)
                          .values(picked=False))


async def ticks(session: AsyncSession, run_id: int) -> list[PlaybookTick]:
    return list(await session.scalars(select(PlaybookTick).where(PlaybookTick.run_id == run_id)
                                      .order_by(PlaybookTick.step)))


async def tick(session: AsyncSession, run_id: int, step: int) -> PlaybookTick | None:
    return await session.scalar(select(PlaybookTick).where(PlaybookTick.run_id == run_id, PlaybookTick.step == step))


@dataclass(frozen=True)
class AdherenceRow:
    playbook_id: int
    agent_id: int | None
    conversations: int
    all_mandatory_done: int
    overridden: int
    average_steps_done: float
    average_steps_total: float


async def adherence(session: AsyncSession, principal: Principal, *, brand_id: int | None, since: datetime,
                    until: datetime) -> list[AdherenceRow]:
    """Per playbook and the agent who ended the conversation: runs of conversations resolved or closed in
    [since, until)."""
    query = (select(PlaybookRun.playbook_id, PlaybookRun.ended_by_id, func.count(),
                    func.sum(cast(PlaybookRun.mandatory_done, Integer)), func.sum(cast(PlaybookRun.overridden, Integer)),
                    func.avg(cast(PlaybookRun.steps_done, Float)), func.avg(cast(PlaybookRun.steps_total, Float)))
             .join(Playbook, Playbook.id == PlaybookRun.playbook_id)
             .where(PlaybookRun.ended_at >= since, PlaybookRun.ended_at < until)
             .group_by(PlaybookRun.playbook_id, PlaybookRun.ended_by_id))
    if principal.brand_ids is not None:
        query = query.where(Playbook.brand_id.in_(principal.brand_ids))
    if brand_id is not None:
        query = query.where(Playbook.brand_id == brand_id)
    return [AdherenceRow(p, a, n, int(m or 0), int(o or 0), float(d or 0), float(t or 0))
            for p, a, n, m, o, d, t in (await session.execute(query))]
