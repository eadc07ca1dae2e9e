"""Player actions from the conversation sidebar: merging two records of one person."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.console.rendering import go
from croupier.console.staff import HOME, Staff, safe_next, signed_in
from croupier.errors import BadRequest
from croupier.kit.i18n import N_
from croupier.player.service import player_service
from croupier.web import session_dep

router = APIRouter()


@router.post("/players/{player_id:int}/merge")
async def merge(player_id: int, request: Request, staff: Staff = Depends(signed_in),
                session: AsyncSession = Depends(session_dep)) -> Response:
    """Fold this player into player #target_id (the target keeps every identity and conversation)."""
    form = await request.form()
    target = form.get("target_id")
    target = target.strip().lstrip("#") if isinstance(target, str) else ""
    if not target.isdigit() or len(target) > 18:
        raise BadRequest(N_("Enter the number of the player to merge into."), code="merge_target_missing")
    await player_service.merge(session, staff.principal, player_id, int(target))
    back = form.get("next")
    return go(request, safe_next(back if isinstance(back, str) else None, HOME))
