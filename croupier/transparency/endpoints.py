"""REST API v1 of the transparency centre: the operator's backend posts games, monthly round aggregates,
payment methods, transactions, licences and helplines in batches, and reads the reports computed from them
(HTTP only; rules live in service.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.dependencies import api_principal
from croupier.auth.principal import Principal
from croupier.kit.error_schemas import API_ERRORS
from croupier.kit.ids import PathId
from croupier.kit.json_route import JsonRoute
from croupier.transparency.reports import PayoutRow
from croupier.transparency.schemas import (
    BatchIn,
    BatchOut,
    MethodFiguresOut,
    MethodReportOut,
    PaymentReportOut,
    PayoutReportOut,
    PayoutRowOut,
)
from croupier.transparency.service import transparency_service
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/api/v1/transparency/brands/{brand_id}", tags=["transparency"], route_class=JsonRoute,
                   responses=API_ERRORS)
BATCH_NOTE = ("Each item is checked on its own: valid items are stored, refused ones are listed in `rejected` "
              "with the reasons. Needs the transparency:write scope.")
Poster = Callable[..., Awaitable[BatchOut]]


async def _post(poster: Poster, brand_id: int, data: BatchIn, request: Request, principal: Principal,
                session: AsyncSession) -> BatchOut:
    return await poster(session, principal, brand_id, data.items, ip=client_ip(request))


@router.post("/games", response_model=BatchOut, summary="Add or update games with their theoretical RTP",
             description=BATCH_NOTE)
async def post_games(brand_id: PathId, data: BatchIn, request: Request,
                     principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return await _post(transparency_service.post_games, brand_id, data, request, principal, session)


@router.post("/game-months", response_model=BatchOut,
             summary="Post rounds, stakes and payouts per game and month (a month posted again is replaced)",
             description=BATCH_NOTE)
async def post_game_months(brand_id: PathId, data: BatchIn, request: Request,
                           principal: Principal = Depends(api_principal),
                           session: AsyncSession = Depends(session_dep)):
    return await _post(transparency_service.post_game_months, brand_id, data, request, principal, session)


@router.post("/payment-methods", response_model=BatchOut,
             summary="Add or update payment methods with their limits and fees", description=BATCH_NOTE)
async def post_payment_methods(brand_id: PathId, data: BatchIn, request: Request,
                               principal: Principal = Depends(api_principal),
                               session: AsyncSession = Depends(session_dep)):
    return await _post(transparency_service.post_methods, brand_id, data, request, principal, session)


@router.post("/transactions", response_model=BatchOut,
             summary="Post deposits and withdrawals (a replay is ignored; a pending one may become final)",
             description=BATCH_NOTE)
async def post_transactions(brand_id: PathId, data: BatchIn, request: Request,
                            principal: Principal = Depends(api_principal),
                            session: AsyncSession = Depends(session_dep)):
    return await _post(transparency_service.post_transactions, brand_id, data, request, principal, session)


@router.post("/licences", response_model=BatchOut, summary="Add or update the brand's licences",
             description=BATCH_NOTE)
async def post_licences(brand_id: PathId, data: BatchIn, request: Request,
                        principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return await _post(transparency_service.post_licences, brand_id, data, request, principal, session)


@router.post("/helplines", response_model=BatchOut,
             summary="Add or update responsible-gambling helplines per country", description=BATCH_NOTE)
async def post_helplines(brand_id: PathId, data: BatchIn, request: Request,
                         principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return await _post(transparency_service.post_helplines, brand_id, data, request, principal, session)


def _payout_out(row: PayoutRow) -> PayoutRowOut:
    return PayoutRowOut(game=row.game.code, name=row.game.name, provider=row.game.provider,
                        month=row.month.strftime("%Y-%m") if row.month else None, rounds=row.rounds,
                        total_stake=row.total_stake, total_payout=row.total_payout,
                        theoretical_rtp=Decimal(row.game.theoretical_rtp), measured_rtp=row.measured_rtp,
                        expected_low=row.expected_low, expected_high=row.expected_high, verdict=row.verdict)


@router.get("/reports/payouts", response_model=PayoutReportOut,
            summary="Theoretical against measured RTP per game and month, and per game over the period")
async def payout_report(brand_id: PathId, months: int = Query(6, ge=1, le=36, description="Full calendar "
                                                                "months before this one, which is included too"),
                        principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    brand = await transparency_service.readable_brand(session, principal, brand_id)
    report = await transparency_service.payouts(session, brand, months)
    return PayoutReportOut(months=[m.strftime("%Y-%m") for m in report.months],
                           totals=[_payout_out(r) for r in report.totals], rows=[_payout_out(r) for r in report.rows])


@router.get("/reports/payment-methods", response_model=PaymentReportOut,
            summary="Per payment method: limits, fees, success rate and processing times over 30 or 90 days")
async def payment_report(brand_id: PathId, days: int = Query(30, ge=1, le=365),
                         principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    brand = await transparency_service.readable_brand(session, principal, brand_id)
    methods = await transparency_service.payments(session, brand, days)
    out: list[MethodReportOut] = []
    for report in methods:
        m = report.method
        out.append(MethodReportOut(
            code=m.code, name=m.name, kind=m.kind, currency=m.currency, deposit_min=m.deposit_min,
            deposit_max=m.deposit_max, withdrawal_min=m.withdrawal_min, withdrawal_max=m.withdrawal_max,
            fees=m.fees, figures=[MethodFiguresOut(direction=f.direction, transactions=f.transactions,
                                                   succeeded=f.succeeded, failed=f.failed, pending=f.pending,
                                                   success_rate=f.success_rate, median_seconds=f.median_seconds,
                                                   p90_seconds=f.p90_seconds) for f in report.figures]))
    return PaymentReportOut(days=days, methods=out)
