"""What the conversation's playbook panel shows: the playbook it follows with its steps and ticks, the
playbooks an agent may pick, and whether the reader may resolve without the required steps."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.console import repository
from croupier.console.staff import Staff
from croupier.intents import INTENTS
from croupier.playbook.service import Panel


async def context(session: AsyncSession, staff: Staff, panel: Panel) -> dict[str, Any]:
    users = await repository.users_by_id(session, {s.tick.user_id for s in panel.steps if s.tick and s.tick.user_id})
    return {
        "panel": panel,
        "conversation": panel.conversation,
        "tickers": {user_id: user.name for user_id, user in users.items()},
        "intents": INTENTS,
        "can_override": staff.principal.allows("playbooks:supervise"),
    }
