"""The payout and payment-method figures equal those computed independently, with plain Python and the
statistics module, from the rows the operator posted — through the API, the public pages and the CSV."""

from __future__ import annotations

import csv
import io
import math
import random
import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from croupier.kit.clock import utcnow
from tests.transparency.data import GAMES, METHODS, game_months, operator, transactions, utc


def _percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (the 'inclusive' definition), written out by hand."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _expected_payouts(posted: list[dict]) -> dict[tuple[str, str], dict]:
    games = {g["code"]: g for g in GAMES}
    out = {}
    for row in posted:
        stake, payout = Decimal(row["total_stake"]), Decimal(row["total_payout"])
        game = games[row["game"]]
        margin = 1.96 * float(game["std_dev"]) / math.sqrt(row["rounds"]) * 100
        measured = float(payout) / float(stake) * 100
        rtp = float(game["theoretical_rtp"])
        if row["rounds"] < 1000 or margin > 2:
            verdict = "too_small"
        else:
            verdict = "consistent" if rtp - margin - 0.005 <= measured <= rtp + margin + 0.005 else "outside"
        out[(row["game"], row["month"])] = {"rounds": row["rounds"], "measured": measured, "verdict": verdict,
                                            "low": rtp - margin, "high": rtp + margin}
    return out


def _expected_payments(posted: list[dict], now: datetime, days: int) -> dict[tuple[str, str], dict]:
    since = now - timedelta(days=days)
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for t in posted:
        if utc(t["requested_at"]) >= since:
            grouped[(t["method"], t["direction"])].append(t)
    out = {}
    for key, items in grouped.items():
        succeeded = [t for t in items if t["status"] == "succeeded"]
        failed = sum(t["status"] == "failed" for t in items)
        seconds = [(utc(t["completed_at"]) - utc(t["requested_at"])).total_seconds() for t in succeeded]
        out[key] = {"transactions": len(items), "succeeded": len(succeeded), "failed": failed,
                    "pending": sum(t["status"] == "pending" for t in items),
                    "success_rate": 100 * len(succeeded) / (len(succeeded) + failed),
                    "median": statistics.median(seconds), "p90": _percentile(seconds, 0.9)}
    return out


class TestPayoutReport:
    async def test_figures_equal_an_independent_computation(self, client, db):
        op = await operator(client, db)
        assert (await op.post("games", GAMES)).json()["created"] == 3
        posted = game_months(random.Random(7), utcnow().date())
        r = await op.post("game-months", posted)
        assert r.status_code == 200 and r.json()["created"] == len(posted), r.text
        expected = _expected_payouts(posted)

        report = (await op.get("reports/payouts?months=6")).json()
        assert len(report["rows"]) == len(posted)
        for row in report["rows"]:
            want = expected[(row["game"], row["month"])]
            assert row["rounds"] == want["rounds"]
            assert abs(float(row["measured_rtp"]) - want["measured"]) <= 0.005
            assert abs(float(row["expected_low"]) - want["low"]) <= 0.005
            assert row["verdict"] == want["verdict"]
        assert {r["verdict"] for r in report["rows"]} >= {"too_small", "consistent"}

        totals = {t["game"]: t for t in report["totals"]}
        for game in GAMES:
            mine = [p for p in posted if p["game"] == game["code"]]
            stake = sum(Decimal(p["total_stake"]) for p in mine)
            payout = sum(Decimal(p["total_payout"]) for p in mine)
            assert totals[game["code"]]["rounds"] == sum(p["rounds"] for p in mine)
            assert abs(float(totals[game["code"]]["measured_rtp"]) - float(payout / stake * 100)) <= 0.005

        download = await client.get(f"/transparency/{op.brand.slug}/fi/payouts.csv?months=6")
        assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(download.text.lstrip("\ufeff"))))
        assert len(rows) == len(posted)
        for row in rows:
            want = expected[(row["game_code"], row["month"])]
            assert int(row["rounds"]) == want["rounds"]
            assert abs(float(row["measured_rtp"]) - want["measured"]) <= 0.005
            assert row["verdict"] == want["verdict"]

    async def test_posting_a_month_again_replaces_it(self, client, db):
        op = await operator(client, db)
        await op.post("games", GAMES[:1])
        month = (utcnow().date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        first = {"game": "book-of-stars", "month": month, "rounds": 10_000, "total_stake": "10000.00",
                 "total_payout": "9000.00"}
        assert (await op.post("game-months", [first])).json()["created"] == 1
        assert (await op.post("game-months", [first])).json() == {"created": 0, "updated": 0, "unchanged": 1,
                                                                  "rejected": []}
        again = {**first, "rounds": 20_000, "total_stake": "20000.00", "total_payout": "19300.00"}
        assert (await op.post("game-months", [again])).json()["updated"] == 1
        [row] = (await op.get("reports/payouts?months=3")).json()["rows"]
        assert (row["rounds"], row["measured_rtp"]) == (20_000, "96.50")


class TestPaymentReport:
    async def test_figures_equal_an_independent_computation(self, client, db):
        op = await operator(client, db)
        assert (await op.post("payment-methods", METHODS)).json()["created"] == 3
        now = utcnow()
        posted = transactions(random.Random(11), now)
        r = await op.post("transactions", posted)
        assert r.json() == {"created": len(posted), "updated": 0, "unchanged": 0, "rejected": []}

        for days in (30, 90):
            expected = _expected_payments(posted, now, days)
            report = (await op.get(f"reports/payment-methods?days={days}")).json()
            seen = set()
            for method in report["methods"]:
                for f in method["figures"]:
                    want = expected[(method["code"], f["direction"])]
                    seen.add((method["code"], f["direction"]))
                    for field in ("transactions", "succeeded", "failed", "pending"):
                        assert f[field] == want[field], (method["code"], f["direction"], field)
                    assert abs(float(f["success_rate"]) - want["success_rate"]) <= 0.005
                    assert abs(f["median_seconds"] - want["median"]) <= 0.5
                    assert abs(f["p90_seconds"] - want["p90"]) <= 0.5
            assert seen == set(expected)

        download = await client.get(f"/transparency/{op.brand.slug}/en/payment-methods.csv?days=90")
        rows = list(csv.DictReader(io.StringIO(download.text.lstrip("\ufeff"))))
        expected = _expected_payments(posted, now, 90)
        assert {(r["method_code"], r["direction"]) for r in rows} == set(expected)
        for row in rows:
            want = expected[(row["method_code"], row["direction"])]
            assert int(row["transactions"]) == want["transactions"]
            assert abs(int(row["p90_seconds"]) - want["p90"]) <= 0.5

    async def test_a_replay_is_a_no_op_and_a_pending_payment_may_become_final(self, client, db):
        op = await operator(client, db)
        await op.post("payment-methods", METHODS[:1])
        requested = datetime.now(UTC) - timedelta(hours=5)
        pending = {"external_id": "W-1", "method": "visa", "direction": "withdrawal", "amount": "50.00",
                   "currency": "EUR", "requested_at": requested.isoformat(), "status": "pending"}
        assert (await op.post("transactions", [pending])).json()["created"] == 1
        assert (await op.post("transactions", [pending])).json()["unchanged"] == 1
        paid = {**pending, "status": "succeeded", "completed_at": (requested + timedelta(hours=2)).isoformat()}
        assert (await op.post("transactions", [paid])).json()["updated"] == 1
        failed_later = {**paid, "status": "failed"}
        assert (await op.post("transactions", [failed_later])).json()["unchanged"] == 1
        [method] = (await op.get("reports/payment-methods?days=30")).json()["methods"]
        [figures] = method["figures"]
        assert (figures["succeeded"], figures["failed"], figures["median_seconds"]) == (1, 0, 7200)
