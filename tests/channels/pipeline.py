"""Steps every provider channel's tests share: count rows, run due jobs, reply as an agent, read a
message back, make queued jobs due, and sign requests the way Meta or an operator does."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta

from sqlalchemy import func, select

from croupier.conversation.service import conversation_service
from croupier.kit.clock import utcnow
from croupier.models import Job, JobState, Message
from croupier.worker.runner import Runner


async def count(db, model) -> int:  # noqa: ANN001
    async with db.transaction() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def run(db) -> int:  # noqa: ANN001
    return await Runner(db, tasks=[]).run_due_jobs()


async def reply(db, principal, cid: int, text: str) -> int:  # noqa: ANN001
    async with db.transaction() as s:
        return (await conversation_service.reply(s, principal, cid, text)).id


async def stored_message(db, mid: int) -> Message:  # noqa: ANN001
    async with db.transaction() as s:
        return await s.get(Message, mid)


async def make_due(db) -> None:  # noqa: ANN001
    """Bring every queued job's backoff to an end, as if its wait had passed."""
    async with db.transaction() as s:
        for job in await s.scalars(select(Job).where(Job.state == JobState.queued)):
            job.run_after = utcnow() - timedelta(seconds=1)


def meta_signature(body: bytes, secret: str) -> str:
    """X-Hub-Signature-256 as Meta computes it."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def croupier_signed(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """What an operator or voice provider does: HMAC-SHA256 of "{timestamp}.{body}" with the channel secret."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Croupier-Timestamp": ts, "X-Croupier-Signature": f"sha256={mac}", "Content-Type": "application/json"}


async def agent_on_first_conversation(db, brand):  # noqa: ANN001, ANN201
    """After an inbound webhook: process it, and give the brand an agent; (agent's principal, conversation id)."""
    from croupier.models import Conversation, Role
    from tests.factories import make_user, principal_of

    await run(db)
    agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
    async with db.transaction() as s:
        cid = await s.scalar(select(Conversation.id))
    return await principal_of(db, agent), cid
