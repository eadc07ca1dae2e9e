"""Console routes: every page and partial of the staff console under /console, and its static files."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from croupier.console import (
    auth_routes,
    conversation_routes,
    events_routes,
    inbox_routes,
    player_routes,
    preferences_routes,
)
from croupier.console.rendering import STATIC_DIR
from croupier.console.staff import HOME


class ConsoleStatic(StaticFiles):
    """Static files revalidated by ETag (their URLs carry the version, so a release is picked up at once)."""

    async def get_response(self, path: str, scope: Scope):  # noqa: ANN201
        response = await super().get_response(path, scope)
        response.headers.setdefault("cache-control", "no-cache")
        return response


router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("")
@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse(HOME, status_code=303)


for module in (auth_routes, inbox_routes, conversation_routes, player_routes, events_routes, preferences_routes):
    router.include_router(module.router)
router.mount("/static", ConsoleStatic(directory=STATIC_DIR), name="console-static")
