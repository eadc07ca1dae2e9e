"""The two data-driven reports, computed from what the operator posted.

Payout report. Measured RTP = total payout / total stake. A fair game's measured RTP scatters around its
theoretical RTP; with n rounds and a per-round standard deviation σ (from the game's maths sheet) the
scatter is about σ/√n, so a fair game lands within theoretical ± 1.96·σ/√n (percent points ×100) in 95%
of samples. Verdicts:
  * no_play   — no stakes in the period;
  * too_small — fewer than MIN_ROUNDS rounds, or that range is wider than ±MAX_MARGIN points: chance alone
                could explain almost any figure, so the sample says little either way;
  * consistent / outside — the measured RTP is inside / outside that range.

Payment-method report. Over the transactions requested in the last N days, per method and direction:
success rate = succeeded / (succeeded + failed) (pending ones are not finished, so not counted), and the
median and 90th percentile of the processing time (completed_at − requested_at) of the succeeded ones,
interpolated between ranks (`statistics.quantiles(method="inclusive")`).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from croupier.models import Direction, Game, GameMonth, PaymentMethod, TransactionStatus

Z95 = 1.96
MIN_ROUNDS = 1_000
MAX_MARGIN = 2.0  # percent points
CENT = Decimal("0.01")


def _pct(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class PayoutRow:
    game: Game
    month: date | None  # None: the game's total over the report's months
    rounds: int
    total_stake: Decimal
    total_payout: Decimal
    measured_rtp: Decimal | None
    expected_low: Decimal | None
    expected_high: Decimal | None
    verdict: str

    @property
    def margin(self) -> Decimal | None:
        return None if self.expected_high is None else self.expected_high - self.game.theoretical_rtp


def payout_row(game: Game, month: date | None, rounds: int, stake: Decimal, payout: Decimal) -> PayoutRow:
    if rounds <= 0 or stake <= 0:
        return PayoutRow(game, month, rounds, stake, payout, None, None, None, "no_play")
    measured = _pct(payout * 100 / stake)
    margin = Z95 * float(game.std_dev) / math.sqrt(rounds) * 100
    low, high = _pct(float(game.theoretical_rtp) - margin), _pct(float(game.theoretical_rtp) + margin)
    if rounds < MIN_ROUNDS or margin > MAX_MARGIN:
        verdict = "too_small"
    else:
        verdict = "consistent" if low <= measured <= high else "outside"
    return PayoutRow(game, month, rounds, stake, payout, measured, low, high, verdict)


@dataclass(frozen=True)
class PayoutReport:
    months: list[date]  # newest first
    totals: list[PayoutRow]  # one per game with data, by name
    rows: list[PayoutRow]  # per game and month, newest month first


def payout_report(games: list[Game], months: list[GameMonth]) -> PayoutReport:
    by_id = {g.id: g for g in games}
    rows = [payout_row(by_id[m.game_id], m.month, m.rounds, Decimal(m.total_stake), Decimal(m.total_payout))
            for m in months if m.game_id in by_id]
    rows.sort(key=lambda r: (-r.month.toordinal(), r.game.name.casefold(), r.game.id))
    sums: dict[int, list] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for r in rows:
        total = sums[r.game.id]
        total[0] += r.rounds
        total[1] += r.total_stake
        total[2] += r.total_payout
    totals = [payout_row(g, None, *sums[g.id]) for g in games if g.id in sums]
    totals.sort(key=lambda r: (r.game.name.casefold(), r.game.id))
    return PayoutReport(months=sorted({r.month for r in rows}, reverse=True), totals=totals, rows=rows)


@dataclass(frozen=True)
class MethodFigures:
    direction: Direction
    succeeded: int
    failed: int
    pending: int
    success_rate: Decimal | None  # percent
    median_seconds: int | None
    p90_seconds: int | None

    @property
    def transactions(self) -> int:
        return self.succeeded + self.failed + self.pending


@dataclass(frozen=True)
class MethodReport:
    method: PaymentMethod
    figures: list[MethodFigures]  # deposits, then withdrawals (only directions with transactions)

    def figure(self, direction: str) -> MethodFigures | None:
        return next((f for f in self.figures if f.direction == direction), None)


Fact = tuple[int, str, str, datetime, datetime | None]  # method id, direction, status, requested, completed


def method_figures(direction: Direction, facts: list[Fact]) -> MethodFigures:
    statuses = [f[2] for f in facts]
    succeeded = statuses.count(TransactionStatus.succeeded)
    failed = statuses.count(TransactionStatus.failed)
    seconds = [(f[4] - f[3]).total_seconds() for f in facts if f[2] == TransactionStatus.succeeded and f[4]]
    median = p90 = None
    if seconds:
        median = round(statistics.median(seconds))
        p90 = round(statistics.quantiles(seconds, n=10, method="inclusive")[8] if len(seconds) > 1 else seconds[0])
    rate = _pct(Decimal(succeeded) * 100 / (succeeded + failed)) if succeeded + failed else None
    return MethodFigures(direction, succeeded, failed, statuses.count(TransactionStatus.pending), rate, median, p90)


def payment_report(methods: list[PaymentMethod], facts: list[Fact]) -> list[MethodReport]:
    grouped: dict[tuple[int, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        grouped[(fact[0], fact[1])].append(fact)
    return [MethodReport(m, [method_figures(d, grouped[(m.id, d)]) for d in Direction if grouped.get((m.id, d))])
            for m in methods]
