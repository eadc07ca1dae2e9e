"""The console is used by browsers: every request here asks for HTML, as a browser does."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _browser_accept(client):
    client.headers["accept"] = "text/html,application/xhtml+xml"
    return client
