"""The transparency API on the wire: batches of items the operator posts (each item validated on its own)
and the reports computed from them."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from babel import Locale
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from croupier.kit.i18n import available_locales
from croupier.models import Direction, MethodKind, TransactionStatus

MAX_ITEMS = 1000
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64,
                                        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}  # regions and placeholders babel also names


def _country(code: str) -> str:
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or code in NOT_COUNTRIES or code not in Locale("en").territories:
        raise ValueError("not an ISO 3166-1 alpha-2 country code, e.g. MT, FI, PL")
    return code


def _web_address(url: str) -> str:
    url = url.strip()
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", url, flags=re.IGNORECASE):
        raise ValueError("not a web address starting with https:// or http://")
    return url


Country = Annotated[str, AfterValidator(_country)]
WebAddress = Annotated[str, StringConstraints(max_length=500), AfterValidator(_web_address)]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GameIn(_Item):
    code: Code = Field(description="The operator's id of the game; posting it again updates the game")
    name: Name
    provider: Name
    theoretical_rtp: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2,
                                     description="Return to player in percent, from the certified maths, e.g. 96.20")
    std_dev: Decimal = Field(gt=0, le=1000, max_digits=8, decimal_places=3,
                             description="Standard deviation of one round's return per unit staked (from the "
                                         "game's maths sheet); sets how many rounds it takes to judge the RTP")


class GameMonthIn(_Item):
    game: Code = Field(description="The code of a game posted before")
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="Calendar month, YYYY-MM")
    rounds: int = Field(ge=0, le=10**15)
    total_stake: Amount
    total_payout: Amount

    @model_validator(mode="after")
    def _consistent(self) -> GameMonthIn:
        if self.rounds == 0 and (self.total_stake or self.total_payout):
            raise ValueError("stakes or payouts without any rounds")
        return self

    @property
    def first_day(self) -> date:
        return date(int(self.month[:4]), int(self.month[5:]), 1)


class PaymentMethodIn(_Item):
    code: Code = Field(description="The operator's id of the method; posting it again updates the method")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    kind: MethodKind
    currency: Currency = Field(description="Currency of the limits, ISO 4217")
    deposit_min: Amount | None = None
    deposit_max: Amount | None = None
    withdrawal_min: Amount | None = Field(None, description="Leave both withdrawal limits out for a deposit-only method")
    withdrawal_max: Amount | None = None
    fees: dict[str, Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]] = Field(
        default_factory=dict, description="What the player pays, per language: {\"en\": \"Free\", \"fi\": \"Maksuton\"}")

    @model_validator(mode="after")
    def _check(self) -> PaymentMethodIn:
        for low, high in ((self.deposit_min, self.deposit_max), (self.withdrawal_min, self.withdrawal_max)):
            if low is not None and high is not None and low > high:
                raise ValueError("a minimum is above its maximum")
        unknown = sorted(set(self.fees) - set(available_locales()))
        if unknown:
            raise ValueError(f"fees in unsupported languages: {', '.join(unknown)}")
        return self


class TransactionIn(_Item):
    external_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)] = Field(
        description="The operator's id; a transaction posted again is ignored unless it was pending and is now final")
    method: Code = Field(description="The code of a payment method posted before")
    direction: Direction
    amount: Decimal = Field(gt=0, max_digits=18, decimal_places=2)
    currency: Currency
    requested_at: datetime
    completed_at: datetime | None = Field(None, description="When it succeeded or failed; none while pending")
    status: TransactionStatus

    @model_validator(mode="after")
    def _times(self) -> TransactionIn:
        for value in (self.requested_at, self.completed_at):
            if value is not None and value.tzinfo is None:
                raise ValueError("times need a time zone, e.g. 2026-03-01T12:00:00Z")
        if self.status == TransactionStatus.pending and self.completed_at is not None:
            raise ValueError("a pending transaction has no completed_at")
        if self.status != TransactionStatus.pending and self.completed_at is None:
            raise ValueError("a succeeded or failed transaction needs completed_at")
        if self.completed_at is not None and self.completed_at < self.requested_at:
            raise ValueError("completed_at is before requested_at")
        return self


class LicenceIn(_Item):
    licence_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    regulator: Name
    jurisdiction: Country
    register_url: WebAddress = Field(description="The licence's entry in the regulator's public register")
    valid_until: date | None = None


class HelplineIn(_Item):
    country: Country
    name: Name
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40,
                                            pattern=r"^\+?[0-9][0-9 ()-]*$")] | None = None
    url: WebAddress | None = None
    hours: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = Field(
        None, description="When it answers, e.g. 24/7")

    @model_validator(mode="after")
    def _reachable(self) -> HelplineIn:
        if not self.phone and not self.url:
            raise ValueError("a helpline needs a phone number or a web address")
        return self


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_ITEMS,
                                        description=f"Up to {MAX_ITEMS} items; each is checked on its own")


class ItemProblem(BaseModel):
    index: int = Field(description="Position of the refused item in `items`, from 0")
    key: str | None = Field(description="The item's code or external id, when it had one")
    problems: list[dict[str, str]] = Field(description="[{field, problem}]")


class BatchOut(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = Field(0, description="Replays of items already stored as they are")
    rejected: list[ItemProblem] = Field(default_factory=list, description="Items refused, with the reasons; "
                                                                          "the others were stored")


class PayoutRowOut(BaseModel):
    game: str
    name: str
    provider: str
    month: str | None = Field(description="YYYY-MM; null for the game's total over the period")
    rounds: int
    total_stake: Decimal
    total_payout: Decimal
    theoretical_rtp: Decimal
    measured_rtp: Decimal | None
    expected_low: Decimal | None = Field(description="Lower end of the range a fair game lands in 95% of the time")
    expected_high: Decimal | None
    verdict: Literal["consistent", "outside", "too_small", "no_play"]


class PayoutReportOut(BaseModel):
    months: list[str]
    totals: list[PayoutRowOut]
    rows: list[PayoutRowOut]


class MethodFiguresOut(BaseModel):
    direction: Direction
    transactions: int
    succeeded: int
    failed: int
    pending: int
    success_rate: Decimal | None = Field(description="Percent of the finished (succeeded or failed) transactions")
    median_seconds: int | None = Field(description="Processing time of succeeded transactions")
    p90_seconds: int | None


class MethodReportOut(BaseModel):
    code: str
    name: str
    kind: MethodKind
    currency: str
    deposit_min: Decimal | None
    deposit_max: Decimal | None
    withdrawal_min: Decimal | None
    withdrawal_max: Decimal | None
    fees: dict[str, str]
    figures: list[MethodFiguresOut]


class PaymentReportOut(BaseModel):
    days: int
    methods: list[MethodReportOut]
