"""A long-lived process (`croupier serve`) builds every route at start-up, so its first requests do not wait
while FastAPI builds them; an app made for a test builds them lazily, as FastAPI does by default."""

from __future__ import annotations

import httpx
import pytest
from fastapi import routing

from croupier.app import create_app
from croupier.kit import gc as gc_tuning


@pytest.fixture
def builds(monkeypatch):
    """How many API routes FastAPI has built (dependencies, response models) since the last clear."""
    calls = []
    original = routing._EffectiveRouteContext.from_api_route

    def counted(**kwargs):
        calls.append(kwargs["original_route"].path)
        return original(**kwargs)

    monkeypatch.setattr(routing._EffectiveRouteContext, "from_api_route", staticmethod(counted))
    return calls


async def _first_request_builds(settings, builds) -> tuple[int, int]:
    """(routes built at start-up, routes built by the first request to a late console page)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        at_start = len(builds)
        builds.clear()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            assert (await c.get("/console/login")).status_code == 200
        return at_start, len(builds)


async def test_a_long_lived_app_builds_every_route_before_its_first_request(settings, builds, monkeypatch):
    monkeypatch.setattr(gc_tuning, "_long_lived", True)
    monkeypatch.setattr(gc_tuning, "settle", lambda: None)  # never freeze the test process
    at_start, first_request = await _first_request_builds(settings, builds)
    assert at_start > 100 and first_request == 0


async def test_an_app_made_for_a_test_builds_them_on_demand(settings, builds):
    at_start, first_request = await _first_request_builds(settings, builds)
    assert at_start == 0 and first_request > 100
