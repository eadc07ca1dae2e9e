"""Transparency rules: publishing versions of the text pages, and taking in the operator's batches of
games, monthly round aggregates, payment methods, transactions, licences and helplines.

A batch is checked item by item: the valid items are stored, the others come back with their reasons.
Posting an item again is idempotent (games, methods, licences and helplines are updated by their key; a
month of rounds is replaced; a transaction is ignored unless it was pending and is now final)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.brand import repository as brands
from croupier.errors import BadRequest, NotFound
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.models import (
    Brand,
    Game,
    GameMonth,
    Helpline,
    Licence,
    PageKind,
    PageVersion,
    PaymentMethod,
    PaymentTransaction,
    TransactionStatus,
    User,
)
from croupier.transparency import reports, repository
from croupier.transparency.schemas import (
    BatchOut,
    GameIn,
    GameMonthIn,
    HelplineIn,
    ItemProblem,
    LicenceIn,
    PaymentMethodIn,
    TransactionIn,
)

MAX_BODY_CHARS = 100_000
CLOCK_SKEW = timedelta(minutes=5)
Item = TypeVar("Item", bound=BaseModel)


class _Batch:
    """The items of one batch that passed their checks, and the outcome being counted."""

    def __init__(self) -> None:
        self.out = BatchOut()

    def refuse(self, index: int, key: object, field: str, problem: str) -> None:
        self.out.rejected.append(ItemProblem(index=index, key=key if isinstance(key, str) else None,
                                             problems=[{"field": field, "problem": problem}]))

    def parse(self, items: list[dict[str, Any]], schema: type[Item], key: Callable[[Item], Hashable],
              key_field: str) -> list[tuple[int, Item]]:
        valid, seen = [], set()
        for index, raw in enumerate(items):
            label = raw.get(key_field) if isinstance(raw, dict) else None
            try:
                item = schema.model_validate(raw)
            except ValidationError as exc:
                self.out.rejected.append(ItemProblem(index=index, key=label if isinstance(label, str) else None,
                                                     problems=[_problem(e) for e in exc.errors()]))
                continue
            if key(item) in seen:
                self.refuse(index, label, key_field, "appears earlier in this batch")
                continue
            seen.add(key(item))
            valid.append((index, item))
        self.out.rejected.sort(key=lambda p: p.index)
        return valid

    def count(self, existing: object, changed: bool) -> bool:
        """Count one item; True when it has to be written."""
        if existing is None:
            self.out.created += 1
        elif changed:
            self.out.updated += 1
        else:
            self.out.unchanged += 1
        return existing is None or changed


def _problem(error: Any) -> dict[str, str]:
    field = ".".join(str(p) for p in error.get("loc", ())) or "item"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return {"field": field, "problem": message}


def _differs(row: object, values: dict[str, Any]) -> bool:
    return any(getattr(row, name) != value for name, value in values.items())


class TransparencyService:
    # -- text pages -----------------------------------------------------------------------------------
    async def publish(self, session: AsyncSession, principal: Principal | None, brand_id: int, kind: PageKind,
                      locale: str, *, title: str, body: str, effective_from: date, change_summary: str,
                      ip: str | None = None) -> PageVersion:
        """Publish a new version of a page; `principal` None is the demo seed. Earlier versions stay as they
        were, so the change log shows what players were shown and when."""
        brand = await self._brand_in(session, principal, brand_id, locale)
        title, body, change_summary = title.strip(), body.strip(), change_summary.strip()
        if not title or len(title) > 200:
            raise BadRequest(N_("Give the page a title of at most 200 characters."), code="invalid_title")
        if not body or len(body) > MAX_BODY_CHARS:
            raise BadRequest(N_("The page text must be between 1 and %(max)s characters."), code="invalid_body",
                             max=MAX_BODY_CHARS)
        if len(change_summary) > 500:
            raise BadRequest(N_("Keep the summary of changes to at most 500 characters."), code="invalid_summary")
        history = await repository.versions(session, brand.id, kind, locale)
        if history and not change_summary:
            raise BadRequest(N_("Say what changed: players read it in the change log."), code="summary_required")
        if principal is not None and effective_from < utcnow().date():
            raise BadRequest(N_("A new version cannot take effect in the past."), code="effective_in_past")
        if history and effective_from < history[0].effective_from:
            raise BadRequest(N_("A new version cannot take effect before the previous one (%(date)s)."),
                             code="effective_before_previous", date=history[0].effective_from.isoformat())
        author = await session.get(User, principal.user_id) if principal else None
        version = PageVersion(brand_id=brand.id, kind=kind, locale=locale,
                              version=(history[0].version if history else 0) + 1, title=title, body=body,
                              effective_from=effective_from, change_summary=change_summary,
                              author_user_id=author.id if author else None,
                              author_name=author.name if author else brand.name)
        session.add(version)
        await session.flush()
        await audit_service.record(session, "transparency.page_published", principal=principal, actor="demo seed",
                                   target_type="transparency_page", target_id=version.id, brand_id=brand.id, ip=ip,
                                   kind=kind.value, locale=locale, version=version.version,
                                   effective_from=effective_from.isoformat())
        return version

    async def page_history(self, session: AsyncSession, principal: Principal, brand_id: int, kind: PageKind,
                           locale: str) -> tuple[Brand, list[PageVersion]]:
        brand = await self._brand_in(session, principal, brand_id, locale)
        return brand, await repository.versions(session, brand.id, kind, locale)

    async def overview(self, session: AsyncSession, principal: Principal
                       ) -> tuple[list[Brand], dict[tuple[int, PageKind, str], tuple[int, date]]]:
        """The brands the principal may edit, with the latest version of each of their pages."""
        principal.require("transparency:write")
        visible = await brands.visible_brands(session, principal)
        return visible, await repository.page_summary(session, [b.id for b in visible])

    # -- the operator's data --------------------------------------------------------------------------
    async def post_games(self, session: AsyncSession, principal: Principal | None, brand_id: int,
                         items: list[dict[str, Any]], *, ip: str | None = None) -> BatchOut:
        brand = await self._brand(session, principal, brand_id)
        batch = _Batch()
        valid = batch.parse(items, GameIn, lambda g: g.code, "code")
        existing = {g.code: g for g in await repository.all_of(session, Game, brand.id)}
        rows = [{"brand_id": brand.id, **item.model_dump()} for _i, item in valid]
        await self._write(session, batch, Game, rows, existing, lambda r: r["code"], ("brand_id", "code"))
        return await self._audited(session, principal, brand, "games", batch, ip)

    async def post_game_months(self, session: AsyncSession, principal: Principal | None, brand_id: int,
                               items: list[dict[str, Any]], *, ip: str | None = None) -> BatchOut:
        brand = await self._brand(session, principal, brand_id)
        batch = _Batch()
        valid = batch.parse(items, GameMonthIn, lambda m: (m.game, m.month), "game")
        games = {g.code: g for g in await repository.all_of(session, Game, brand.id)}
        this_month = utcnow().date().replace(day=1)
        rows = []
        for index, item in valid:
            if item.game not in games:
                batch.refuse(index, item.game, "game", "no game with this code: post the game first")
            elif item.first_day > this_month:
                batch.refuse(index, item.game, "month", "this month has not started yet")
            else:
                rows.append({"game_id": games[item.game].id, "month": item.first_day, "rounds": item.rounds,
                             "total_stake": item.total_stake, "total_payout": item.total_payout})
        existing = await repository.months_of(session, [r["game_id"] for r in rows], [r["month"] for r in rows])
        now = utcnow()
        for row in rows:
            row["updated_at"] = now
        await self._write(session, batch, GameMonth, rows, existing, lambda r: (r["game_id"], r["month"]),
                          ("game_id", "month"), ignore=("updated_at",))
        return await self._audited(session, principal, brand, "game_months", batch, ip)

    async def post_methods(self, session: AsyncSession, principal: Principal | None, brand_id: int,
                           items: list[dict[str, Any]], *, ip: str | None = None) -> BatchOut:
        brand = await self._brand(session, principal, brand_id)
        batch = _Batch()
        valid = batch.parse(items, PaymentMethodIn, lambda m: m.code, "code")
        existing = {m.code: m for m in await repository.all_of(session, PaymentMethod, brand.id)}
        rows = [{"brand_id": brand.id, **item.model_dump()} for _i, item in valid]
        await self._write(session, batch, PaymentMethod, rows, existing, lambda r: r["code"], ("brand_id", "code"))
        return await self._audited(session, principal, brand, "payment_methods", batch, ip)

    async def post_transactions(self, session: AsyncSession, principal: Principal | None, brand_id: int,
                                items: list[dict[str, Any]], *, ip: str | None = None) -> BatchOut:
        brand = await self._brand(session, principal, brand_id)
        batch = _Batch()
        valid = batch.parse(items, TransactionIn, lambda t: t.external_id, "external_id")
        methods = {m.code: m for m in await repository.all_of(session, PaymentMethod, brand.id)}
        latest = utcnow() + CLOCK_SKEW
        accepted = []
        for index, item in valid:
            if item.method not in methods:
                batch.refuse(index, item.external_id, "method", "no payment method with this code: post it first")
            elif item.requested_at > latest or (item.completed_at and item.completed_at > latest):
                batch.refuse(index, item.external_id, "requested_at", "this time is in the future")
            else:
                accepted.append(item)
        states = await repository.transaction_states(session, brand.id, [t.external_id for t in accepted])
        rows = []
        for item in accepted:
            stored = states.get(item.external_id)
            final_now = stored == TransactionStatus.pending and item.status != TransactionStatus.pending
            if batch.count(stored, final_now):
                rows.append({"brand_id": brand.id, "method_id": methods[item.method].id,
                             **item.model_dump(exclude={"method"})})
        if rows:
            await repository.upsert(session, PaymentTransaction, rows, ("brand_id", "external_id"),
                                    ("status", "completed_at"), only_pending=True)
        return await self._audited(session, principal, brand, "transactions", batch, ip)

    async def post_licences(self, session: AsyncSession, principal: Principal | None, brand_id: int,
                            items: list[dict[str, Any]], *, ip: str | None = None) -> BatchOut:
        brand = await self._brand(session, principal, brand_id)
        batch = _Batch()
        valid = batch.parse(items, LicenceIn, lambda licence: licence.licence_number, "licence_number")
        existing = {x.licence_number: x for x in await repository.all_of(session, Licence, brand.id)}
        rows = [{"brand_id": brand.id, **item.model_dump()} for _i, item in valid]
        await self._write(session, batch, Licence, rows, existing, lambda r: r["licence_number"],
                          ("brand_id", "licence_number"))
        return await self._audited(session, principal, brand, "licences", batch, ip)

    async def post_helplines(self, session: AsyncSession, principal: Principal | None, brand_id: int,
                             items: list[dict[str, Any]], *, ip: str | None = None) -> BatchOut:
        brand = await self._brand(session, principal, brand_id)
        batch = _Batch()
        valid = batch.parse(items, HelplineIn, lambda h: (h.country, h.name), "name")
        existing = {(h.country, h.name): h for h in await repository.all_of(session, Helpline, brand.id)}
        rows = [{"brand_id": brand.id, **item.model_dump()} for _i, item in valid]
        await self._write(session, batch, Helpline, rows, existing, lambda r: (r["country"], r["name"]),
                          ("brand_id", "country", "name"))
        return await self._audited(session, principal, brand, "helplines", batch, ip)

    # -- reports -------------------------------------------------------------------------------------------
    async def readable_brand(self, session: AsyncSession, principal: Principal, brand_id: int) -> Brand:
        principal.require("brands:read")
        brand = await brands.brand_for(session, principal, brand_id)
        if brand is None:
            raise NotFound(N_("There is no brand %(id)s."), id=brand_id)
        return brand

    async def payouts(self, session: AsyncSession, brand: Brand, months: int) -> reports.PayoutReport:
        """The payout report over the last `months` full calendar months and the current one so far."""
        first = utcnow().date().replace(day=1)
        for _ in range(months):
            first = (first - timedelta(days=1)).replace(day=1)
        return reports.payout_report(await repository.games(session, brand.id),
                                     await repository.game_months(session, brand.id, first))

    async def payments(self, session: AsyncSession, brand: Brand, days: int) -> list[reports.MethodReport]:
        """The payment-method report over the transactions requested in the last `days` days."""
        since = utcnow() - timedelta(days=days)
        return reports.payment_report(await repository.methods(session, brand.id),
                                      await repository.transactions_since(session, brand.id, since))

    # -- internals ------------------------------------------------------------------------------------
    async def _brand(self, session: AsyncSession, principal: Principal | None, brand_id: int) -> Brand:
        if principal is not None:
            principal.require("transparency:write")
        brand = await session.get(Brand, brand_id) if principal is None or principal.sees_brand(brand_id) else None
        if brand is None:
            raise NotFound(N_("There is no brand %(id)s."), id=brand_id)
        return brand

    async def _brand_in(self, session: AsyncSession, principal: Principal | None, brand_id: int,
                        locale: str) -> Brand:
        brand = await self._brand(session, principal, brand_id)
        if locale not in brand.locales:
            raise BadRequest(N_("%(brand)s does not publish in '%(locale)s'. Its languages: %(locales)s."),
                             code="unknown_locale", brand=brand.name, locale=locale[:16],
                             locales=", ".join(brand.locales))
        return brand

    async def _write(self, session: AsyncSession, batch: _Batch, model: Any, rows: list[dict[str, Any]],
                     existing: dict[Any, Any], key: Callable[[dict[str, Any]], Any], keys: tuple[str, ...],
                     ignore: tuple[str, ...] = ()) -> None:
        """Insert new rows and update changed ones (by `keys`), counting created, updated and unchanged."""
        changing = []
        for row in rows:
            stored = existing.get(key(row))
            compared = {k: v for k, v in row.items() if k not in keys and k not in ignore}
            if batch.count(stored, stored is not None and _differs(stored, compared)):
                changing.append(row)
        if changing:
            update = tuple(k for k in changing[0] if k not in keys)
            await repository.upsert(session, model, changing, keys, update)

    async def _audited(self, session: AsyncSession, principal: Principal | None, brand: Brand, what: str,
                       batch: _Batch, ip: str | None) -> BatchOut:
        out = batch.out
        await audit_service.record(session, f"transparency.{what}_posted", principal=principal, actor="demo seed",
                                   target_type="brand", target_id=brand.id, brand_id=brand.id, ip=ip, created=out.created,
                                   updated=out.updated, unchanged=out.unchanged, rejected=len(out.rejected))
        return out


transparency_service = TransparencyService()
