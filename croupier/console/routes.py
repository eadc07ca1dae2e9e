"""Console routes: every page and partial of the staff console under /console, and its static files."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from croupier.console import (
    assistant_routes,
    auth_routes,
    call_routes,
    channel_admin_routes,
    conversation_routes,
    events_routes,
    inbox_routes,
    kb_routes,
    macro_admin_routes,
    macro_routes,
    message_routes,
    playbook_admin_routes,
    playbook_routes,
    player_routes,
    preferences_routes,
    static_routes,
    transparency_routes,
)
from croupier.console.staff import HOME

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("")
@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse(HOME, status_code=303)


for module in (auth_routes, inbox_routes, conversation_routes, call_routes, message_routes, player_routes, events_routes,
               preferences_routes, channel_admin_routes, kb_routes, transparency_routes, macro_routes, playbook_routes,
               macro_admin_routes, playbook_admin_routes, assistant_routes, static_routes):
    router.include_router(module.router)
