"""Test data for the transparency centre: a brand, its administrator's token, and generated operator data
(games with monthly rounds, payment methods with transactions) posted through the public API."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from croupier.db import Database
from croupier.models import Brand, Role
from tests.api.world import bearer
from tests.factories import api_token, make_brand, make_user


@dataclass
class Operator:
    client: httpx.AsyncClient
    brand: Brand
    token: str

    async def post(self, what: str, items: list[dict[str, Any]]) -> httpx.Response:
        return await self.client.post(f"/api/v1/transparency/brands/{self.brand.id}/{what}", json={"items": items},
                                      headers=bearer(self.token))

    async def get(self, what: str) -> httpx.Response:
        return await self.client.get(f"/api/v1/transparency/brands/{self.brand.id}/{what}",
                                     headers=bearer(self.token))


async def operator(client: httpx.AsyncClient, db: Database, slug: str = "lucky",
                   locales: tuple[str, ...] = ("en", "ru", "pl", "az", "fi")) -> Operator:
    brand, _channel = await make_brand(db, slug=slug, name=f"{slug.title()} Casino", locales=locales)
    admin = await make_user(db, f"admin@{slug}.test", Role.admin)
    token = await api_token(db, admin, ["brands:read", "transparency:write"])
    return Operator(client, brand, token)


def month_before(today: date, back: int) -> date:
    first = today.replace(day=1)
    for _ in range(back):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


GAMES = [
    {"code": "book-of-stars", "name": "Book of Stars", "provider": "Nebula", "theoretical_rtp": "96.21",
     "std_dev": "9.5"},
    {"code": "roulette-eu", "name": "European Roulette", "provider": "Wheelhouse", "theoretical_rtp": "97.30",
     "std_dev": "5.8"},
    {"code": "blackjack", "name": "Blackjack Classic", "provider": "Wheelhouse", "theoretical_rtp": "99.41",
     "std_dev": "1.15"},
]


def game_months(rng: random.Random, today: date, months: int = 3) -> list[dict[str, Any]]:
    out = []
    for back in range(1, months + 1):
        for game in GAMES:
            rounds = rng.choice([150, 40_000, 2_500_000])
            stake = Decimal(rounds) * Decimal(rng.randint(20, 300)) / 100
            payout = (stake * Decimal(game["theoretical_rtp"]) / 100 * Decimal(rng.uniform(0.97, 1.03))
                      ).quantize(Decimal("0.01"))
            out.append({"game": game["code"], "month": month_before(today, back).strftime("%Y-%m"),
                        "rounds": rounds, "total_stake": str(stake.quantize(Decimal("0.01"))),
                        "total_payout": str(payout)})
    return out


METHODS = [
    {"code": "visa", "name": "Visa", "kind": "card", "currency": "EUR", "deposit_min": "10", "deposit_max": "5000",
     "withdrawal_min": "20", "withdrawal_max": "5000", "fees": {"en": "Free", "fi": "Maksuton"}},
    {"code": "skrill", "name": "Skrill", "kind": "e_wallet", "currency": "EUR", "deposit_min": "10",
     "deposit_max": "10000", "withdrawal_min": "10", "withdrawal_max": "10000", "fees": {"en": "Free"}},
    {"code": "paysafe", "name": "Paysafecard", "kind": "voucher", "currency": "EUR", "deposit_min": "10",
     "deposit_max": "1000", "fees": {"en": "Free"}},
]


def transactions(rng: random.Random, now: datetime, count: int = 400) -> list[dict[str, Any]]:
    out = []
    for i in range(count):
        method = rng.choice(METHODS)
        direction = "withdrawal" if "withdrawal_max" in method and rng.random() < 0.4 else "deposit"
        requested = now - timedelta(days=rng.uniform(0, 120), seconds=rng.randint(0, 3600))
        status = rng.choices(["succeeded", "failed", "pending"], [85, 10, 5])[0]
        took = timedelta(seconds=rng.randint(2, 40) if direction == "deposit" else rng.randint(600, 200_000))
        completed = None if status == "pending" else requested + took
        if completed and completed > now:
            completed = now
        out.append({"external_id": f"T-{i}", "method": method["code"], "direction": direction,
                    "amount": str(rng.randint(10, 900)), "currency": "EUR",
                    "requested_at": requested.isoformat(), "status": status,
                    "completed_at": completed.isoformat() if completed else None})
    return out


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
