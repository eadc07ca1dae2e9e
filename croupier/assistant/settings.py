"""A brand's assistant settings: on or off, the facts provider, the team for each hand-off reason."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant.facts import PROVIDERS
from croupier.kit.clock import utcnow
from croupier.models import AssistantSettings, HandoffReason


async def configure(session: AsyncSession, brand_id: int, *, enabled: bool, facts_provider: str | None = None,
                    teams: dict[HandoffReason, str] | None = None) -> AssistantSettings:
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
