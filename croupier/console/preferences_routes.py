"""The signed-in user's own preferences: the console's language."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.users import user_service
from croupier.console.rendering import go
from croupier.console.staff import Staff, safe_next, signed_in, use_locale
from croupier.web import client_ip, session_dep

router = APIRouter()


@router.post("/preferences/locale")
async def set_locale(request: Request, staff: Staff = Depends(signed_in),
                     session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    locale, back = form.get("locale"), form.get("next")
    user = await user_service.set_own_locale(session, staff.principal, locale if isinstance(locale, str) else "",
                                             ip=client_ip(request))
    use_locale(user)
    return go(request, safe_next(back if isinstance(back, str) else None))
