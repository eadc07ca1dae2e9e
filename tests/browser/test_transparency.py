"""The payout report in a real browser (Chromium) against a real server, in Finnish: the chart is drawn
with its accessible name, the figures table is there, and the CSV downloads."""

from __future__ import annotations

import csv
import io
import random

from playwright.async_api import expect

from croupier.kit.clock import utcnow
from tests.transparency.data import GAMES, game_months, operator

TIMEOUT = 15_000


async def test_finnish_payout_report_shows_the_chart_and_downloads_the_csv(browser, server, client, db):
    op = await operator(client, db, slug="nordic")
    await op.post("games", GAMES)
    posted = game_months(random.Random(3), utcnow().date())
    assert (await op.post("game-months", posted)).json()["created"] == len(posted)
    server.start()
    errors: list[str] = []
    page = await (await browser.new_context(locale="fi-FI", accept_downloads=True)).new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await page.goto(f"{server.url}/transparency/nordic/fi/payouts")
    await expect(page.locator("h1")).to_have_text("Palautusraportti")
    chart = page.get_by_role("img", name="Mitattu palautusprosentti peleittäin viimeisten 6 kuukauden ajalta")
    await expect(chart).to_be_visible(timeout=TIMEOUT)
    assert await page.locator("#payout-chart .chart__row rect").count() == len(GAMES)
    await expect(page.locator("#payout-totals tbody tr")).to_have_count(len(GAMES))
    async with page.expect_download() as info:
        await page.click("text=Lataa CSV")
    download = await info.value
    rows = list(csv.DictReader(io.StringIO((await download.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(posted) and {r["game_code"] for r in rows} == {g["code"] for g in GAMES}
    assert errors == []
