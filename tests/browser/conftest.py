"""Browser tests: Debian's Chromium driven by Playwright against a real `croupier serve` process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright

from tests.servers import CroupierProcess

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
def server(settings_env, db):
    """A real server process on the test's database (seed it through `db` first)."""
    process = CroupierProcess({**settings_env, "CROUPIER_RUN_WORKER": "true"})
    yield process
    process.stop()
