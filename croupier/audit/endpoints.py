"""REST API v1: the audit log and its chain verification (HTTP only; rules live in service.py)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.repository import AuditFilter
from croupier.audit.schemas import AuditEntryOut, ChainOut
from croupier.audit.service import audit_service
from croupier.auth.dependencies import api_principal
from croupier.auth.principal import Principal
from croupier.errors import BadRequest
from croupier.kit.error_schemas import API_ERRORS
from croupier.kit.i18n import N_
from croupier.kit.ids import MAX_ID
from croupier.kit.json_route import JsonRoute
from croupier.kit.pagination import Page, decode_cursor, encode_cursor
from croupier.web import session_dep

router = APIRouter(prefix="/api/v1", tags=["audit"], route_class=JsonRoute,
                   responses=API_ERRORS)


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise BadRequest(N_("Give %(name)s with a time zone, e.g. 2026-01-31T12:00:00Z."), code="naive_datetime",
                         name=name)
    return value


def audit_filter(action: str | None = Query(None, min_length=1, max_length=80,
                                            description="Exact action, or a prefix ending in .* such as auth.*"),
                 actor_user_id: int | None = Query(None, ge=1, le=MAX_ID),
                 target_type: str | None = Query(None, min_length=1, max_length=40),
                 target_id: str | None = Query(None, min_length=1, max_length=64),
                 brand_id: int | None = Query(None, ge=1, le=MAX_ID),
                 since: datetime | None = Query(None, description="From this time (inclusive), with a time zone"),
                 until: datetime | None = Query(None, description="Before this time, with a time zone")) -> AuditFilter:
    return AuditFilter(action=action, actor_user_id=actor_user_id, target_type=target_type, target_id=target_id,
                       brand_id=brand_id, since=_aware(since, "since"), until=_aware(until, "until"))


@router.get("/audit", response_model=Page[AuditEntryOut], summary="List audit-log entries, newest first")
async def list_entries(f: AuditFilter = Depends(audit_filter), cursor: str | None = Query(None, max_length=500),
                       limit: int = Query(50, ge=1, le=500), principal: Principal = Depends(api_principal),
                       session: AsyncSession = Depends(session_dep)):
    before = decode_cursor(cursor, int)[0] if cursor else None
    found = await audit_service.entries(session, principal, f, before_id=before, limit=limit + 1)
    more = len(found) > limit
    found = found[:limit]
    return Page[AuditEntryOut](items=[AuditEntryOut.model_validate(e) for e in found],
                               next_cursor=encode_cursor(found[-1].id) if more else None)


@router.get("/audit/verify", response_model=ChainOut,
            summary="Check that no audit-log entry was changed or deleted (recomputes the hash chain)")
async def verify_chain(principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    broken, checked = await audit_service.verify(session, principal)
    return ChainOut(intact=broken is None, entries=checked, first_broken_id=broken)
