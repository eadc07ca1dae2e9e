"""A Polish reader browses the help centre: lands in Polish, searches, opens an article, says it helped,
and asks for a callback from the contact page, all with the keyboard and mouse of a real Chromium."""

from __future__ import annotations

from playwright.async_api import expect
from sqlalchemy import select

from croupier.models import ArticleTranslation, Conversation, Message
from tests.factories import make_brand
from tests.kb.content import seed_kb

TIMEOUT = 15_000


async def test_polish_reader_searches_reads_votes_and_requests_a_callback(browser, server, db):
    brand, _channel = await make_brand(db, slug="lucky", name="Lucky Star Casino")
    await seed_kb(db, brand)
    server.start()

    context = await browser.new_context(locale="pl-PL", viewport={"width": 390, "height": 844})  # a phone
    page = await context.new_page()
    await page.goto(f"{server.url}/help/lucky")
    await page.wait_for_url("**/help/lucky/pl/")
    assert await page.get_attribute("html", "lang") == "pl"
    await expect(page.get_by_role("heading", level=1)).to_be_visible()

    await page.get_by_role("searchbox").fill("wypłata przelewem")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/help/lucky/pl/search?q=*")
    result = page.get_by_role("link", name="Ile trwa wypłata?")
    await expect(result).to_be_visible(timeout=TIMEOUT)
    await result.click()
    await page.wait_for_url("**/help/lucky/pl/a/withdrawal-times")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ile trwa wypłata?")
    await expect(page.get_by_role("heading", name="Przelew bankowy")).to_be_visible()

    await page.locator('button[name="helpful"][value="yes"]').click()
    await page.wait_for_url("**/a/withdrawal-times?voted=yes#helpful")
    await expect(page.locator(".helpful__thanks")).to_be_visible()
    async with db.transaction() as s:
        polish = await s.scalar(select(ArticleTranslation).where(ArticleTranslation.locale == "pl"))
    assert (polish.helpful_yes, polish.helpful_no) == (1, 0)

    await page.locator("footer a[href$='/contact']").click()
    await page.wait_for_url("**/help/lucky/pl/contact")
    phone = page.locator("#cb-phone")
    await phone.fill("601 234 567")  # national: read as Polish from the page's language
    await page.select_option("#cb-time", "evening")
    await phone.press("Enter")
    await expect(page.get_by_text("+48 601 234 567").first).to_be_visible(timeout=TIMEOUT)
    async with db.transaction() as s:
        bodies = list(await s.scalars(select(Message.body)))
        conversations = list(await s.scalars(select(Conversation)))
    assert any("+48 601 234 567" in b for b in bodies)
    assert len(conversations) == 1 and conversations[0].brand_id == brand.id
    await context.close()
