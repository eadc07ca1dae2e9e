"""A player asks for a call back from the widget: the form opens in place of the chat, a wrong number is
refused with the server's message in the player's language, a national number is accepted and read in
the player's country, and the request appears in the chat and in the agent's inbox, tagged `callback`."""

from __future__ import annotations

from playwright.async_api import expect
from sqlalchemy import select

from croupier.conversation import repository as conversations
from croupier.models import AuthorType, Message
from tests.factories import make_brand

TIMEOUT = 15_000


async def test_player_requests_a_call_back_from_the_widget(browser, server, db):
    await make_brand(db, slug="lucky", name="Lucky Star Casino")
    server.start()
    context = await browser.new_context(locale="pl-PL", timezone_id="Europe/Warsaw")
    page = await context.new_page()
    await page.goto(f"{server.url}/demo/lucky")
    await page.click("#croupier-launcher")
    opener = page.locator("#croupier-callback")
    await expect(opener).to_have_attribute("aria-label", "Poproś o oddzwonienie", timeout=TIMEOUT)
    await opener.click()
    await expect(opener).to_have_attribute("aria-expanded", "true")
    await expect(page.locator("#croupier-callback-phone")).to_be_focused()
    await expect(page.locator("#croupier-input")).to_be_hidden()

    await page.fill("#croupier-callback-phone", "12")
    await page.click("#croupier-callback-submit")
    error = page.locator("#croupier-callback-error")
    await expect(error).to_have_text(
        "Nie możemy zadzwonić pod numer 12. Sprawdź go lub wpisz z + i numerem kierunkowym kraju.", timeout=TIMEOUT)
    await expect(page.locator("#croupier-callback-phone")).to_have_attribute("aria-invalid", "true")

    await page.fill("#croupier-callback-phone", "601 234 567")
    await page.select_option("#croupier-callback-time", "evening")
    await page.fill("#croupier-callback-note", "W sprawie wypłaty")
    await page.click("#croupier-callback-submit")
    system = page.locator('.croupier-message[data-author="system"]')
    await expect(system).to_contain_text("Prośba o oddzwonienie na +48 601 234 567", timeout=TIMEOUT)
    await expect(system).to_contain_text("wieczorem (17:00–21:00), Europe/Warsaw")
    await expect(page.locator("#croupier-callback-form")).to_be_hidden()
    await expect(page.locator("#croupier-input")).to_be_visible()
    await expect(opener).to_be_focused()

    # Escape closes the form, not the chat.
    await opener.click()
    await page.keyboard.press("Escape")
    await expect(page.locator("#croupier-callback-form")).to_be_hidden()
    await expect(page.locator("#croupier-panel")).to_be_visible()

    async with db.transaction() as s:
        message = await s.scalar(select(Message).where(Message.author_type == AuthorType.system))
        tags = await conversations.tags_for(s, [message.conversation_id])
    assert "+48 601 234 567" in message.body and "W sprawie wypłaty" in message.body
    assert tags[message.conversation_id] == ["callback"]
    await context.close()
