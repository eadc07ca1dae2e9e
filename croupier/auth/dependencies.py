"""Resolving the acting principal for the REST API: a bearer API token."""

from __future__ import annotations

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.auth.tokens import token_service
from croupier.errors import Unauthorized
from croupier.kit.i18n import N_
from croupier.web import rate_limit, session_dep


async def api_principal(request: Request, session: AsyncSession = Depends(session_dep)) -> Principal:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise Unauthorized(N_("Send an API token in the Authorization header: 'Bearer crp_…'."),
                           code="token_missing", headers={"WWW-Authenticate": "Bearer"})
    principal = await token_service.resolve(session, header[7:].strip())
    await rate_limit(request, "api", "api_rate_limit", key=principal.via)
    return principal
