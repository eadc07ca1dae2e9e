"""The transparency centre of a brand: versioned text pages per locale, licences, helplines, and the data
the operator posts for the payout and payment-method reports (games with monthly round aggregates,
payment methods with their transactions)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from croupier.models.base import Base, BigId, CreatedMixin, IdMixin

Money = Numeric(18, 2)


class PageKind(enum.StrEnum):
    licences = "licences"
    privacy = "privacy"
    terms = "terms"
    bonus_terms = "bonus-terms"
    game_rules = "game-rules"
    player_guides = "player-guides"
    security = "security"
    responsible_gambling = "responsible-gambling"


class PageVersion(IdMixin, CreatedMixin, Base):
    """One published version of a text page; versions are never edited, a change is a new version."""

    __tablename__ = "transparency_page_versions"
    __table_args__ = (UniqueConstraint("brand_id", "kind", "locale", "version"),)

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    kind: Mapped[PageKind] = mapped_column(Enum(PageKind, native_enum=False, length=32))
    locale: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # Markdown
    effective_from: Mapped[date] = mapped_column(Date)
    change_summary: Mapped[str] = mapped_column(String(500))
    author_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200))


class Licence(IdMixin, CreatedMixin, Base):
    __tablename__ = "transparency_licences"
    __table_args__ = (UniqueConstraint("brand_id", "licence_number"),)

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    licence_number: Mapped[str] = mapped_column(String(100))
    regulator: Mapped[str] = mapped_column(String(200))
    jurisdiction: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    register_url: Mapped[str] = mapped_column(String(500))
    valid_until: Mapped[date | None] = mapped_column(Date)


class Helpline(IdMixin, CreatedMixin, Base):
    """A responsible-gambling helpline in one country."""

    __tablename__ = "transparency_helplines"
    __table_args__ = (UniqueConstraint("brand_id", "country", "name"),)

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    url: Mapped[str | None] = mapped_column(String(500))
    hours: Mapped[str | None] = mapped_column(String(100))


class Game(IdMixin, CreatedMixin, Base):
    __tablename__ = "transparency_games"
    __table_args__ = (UniqueConstraint("brand_id", "code"),)

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))  # the operator's game id
    name: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    theoretical_rtp: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # percent, e.g. 96.20
    # Standard deviation of one round's return per unit staked, from the game's certified maths sheet.
    std_dev: Mapped[Decimal] = mapped_column(Numeric(8, 3))


class GameMonth(IdMixin, Base):
    """Rounds of one game in one calendar month, as the operator aggregates them; posted again, replaced."""

    __tablename__ = "transparency_game_months"
    __table_args__ = (UniqueConstraint("game_id", "month"),)

    game_id: Mapped[int] = mapped_column(BigId, ForeignKey("transparency_games.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    rounds: Mapped[int] = mapped_column(BigId)
    total_stake: Mapped[Decimal] = mapped_column(Money)
    total_payout: Mapped[Decimal] = mapped_column(Money)
    updated_at: Mapped[datetime]


class MethodKind(enum.StrEnum):
    card = "card"
    bank_transfer = "bank_transfer"
    e_wallet = "e_wallet"
    instant_banking = "instant_banking"
    mobile = "mobile"
    voucher = "voucher"
    crypto = "crypto"


class PaymentMethod(IdMixin, CreatedMixin, Base):
    __tablename__ = "transparency_payment_methods"
    __table_args__ = (UniqueConstraint("brand_id", "code"),)

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[MethodKind] = mapped_column(Enum(MethodKind, native_enum=False, length=32))
    currency: Mapped[str] = mapped_column(String(3))
    deposit_min: Mapped[Decimal | None] = mapped_column(Money)
    deposit_max: Mapped[Decimal | None] = mapped_column(Money)
    withdrawal_min: Mapped[Decimal | None] = mapped_column(Money)  # None with max None: no withdrawals
    withdrawal_max: Mapped[Decimal | None] = mapped_column(Money)
    fees: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {locale: text}


class Direction(enum.StrEnum):
    deposit = "deposit"
    withdrawal = "withdrawal"


class TransactionStatus(enum.StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"


class PaymentTransaction(IdMixin, Base):
    __tablename__ = "transparency_transactions"
    __table_args__ = (UniqueConstraint("brand_id", "external_id"),
                      Index("ix_transparency_transactions_method_requested", "method_id", "requested_at"))

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(128))
    method_id: Mapped[int] = mapped_column(BigId, ForeignKey("transparency_payment_methods.id",
                                                             ondelete="CASCADE"))
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=16))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    requested_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    status: Mapped[TransactionStatus] = mapped_column(Enum(TransactionStatus, native_enum=False, length=16))
