"""The demo's logged-in players: the demo page signs their ids as an operator's backend would, and the seed
gives them a history, so logging in on the demo page shows their earlier conversation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class DemoWithdrawal:
    """The player's latest withdrawal, approved today: what the assistant's demo facts provider tells them."""

    amount: Decimal
    currency: str
    method: str
    arrives_within_hours: int


@dataclass(frozen=True)
class DemoPlayer:
    id: str  # the operator's player id
    name: str
    email: str
    withdrawal: DemoWithdrawal | None = None


DEMO_PLAYERS = {
    "lucky-star": DemoPlayer("LS-20417", "Anna Kowalska", "anna.kowalska@example.com",
                             DemoWithdrawal(Decimal("250"), "EUR", "Skrill", 24)),
    "nordic-spins": DemoPlayer("NS-31008", "Mikko Heikkinen", "mikko.heikkinen@example.com",
                               DemoWithdrawal(Decimal("180"), "EUR", "Trustly", 1)),
}
ANY_BRAND = DemoPlayer("DEMO-1001", "Alex Morgan", "alex.morgan@example.com")


def demo_player(brand_slug: str) -> DemoPlayer:
    return DEMO_PLAYERS.get(brand_slug, ANY_BRAND)
