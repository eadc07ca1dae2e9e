"""Facts about the player that personalise the assistant's answers ("your withdrawal of €250 by Skrill was
approved today …").

A provider is chosen per brand by name (`AssistantSettings.facts_provider`, one of PROVIDERS). The demo's
reads the demo players' data; the operator connector (PAM) will add the real one under its own name."""

from __future__ import annotations

from typing import Protocol

from babel.numbers import format_currency
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.demo.players import DEMO_PLAYERS
from croupier.kit import i18n
from croupier.models import Brand, Player


class FactsProvider(Protocol):
    async def facts(self, session: AsyncSession, *, brand: Brand, player: Player, intent: str,
                    language: str) -> list[str]:
        """Sentences about this player relevant to `intent`, written in `language` (none: an empty list)."""
        ...


class DemoFacts:
    """The demo brands' logged-in players (croupier/demo/players.py): their latest withdrawal."""

    async def facts(self, session: AsyncSession, *, brand: Brand, player: Player, intent: str,
                    language: str) -> list[str]:
        demo = DEMO_PLAYERS.get(brand.slug)
        if intent != "withdrawal_status" or demo is None or demo.id != player.external_id or not demo.withdrawal:
            return []
        w = demo.withdrawal
        return [i18n.ngettext(
            "Your withdrawal of %(amount)s by %(method)s was approved today and usually arrives within "
            "%(hours)s hour.",
            "Your withdrawal of %(amount)s by %(method)s was approved today and usually arrives within "
            "%(hours)s hours.", w.arrives_within_hours, language) % {
            "amount": format_currency(w.amount, w.currency, locale=language), "method": w.method,
            "hours": w.arrives_within_hours}]


PROVIDERS: dict[str, FactsProvider] = {"demo": DemoFacts()}
