"""The console's own behaviour in a real browser (Chromium) against a real server: typing both ways,
private notes that never reach the player, and the properties panel following the conversation live."""

from __future__ import annotations

from playwright.async_api import Page, expect

from croupier.models import Role
from tests.factories import PASSWORD, make_brand, make_user

TIMEOUT = 15_000


async def player_says(page: Page, text: str) -> None:
    await page.fill("#croupier-input", text)
    await page.click("#croupier-send")
    await expect(page.locator('.croupier-message[data-author="player"]').last).to_contain_text(text, timeout=TIMEOUT)


async def test_typing_notes_and_status_follow_live(browser, server, db):
    brand, _channel = await make_brand(db, slug="lucky", name="Lucky Star Casino")
    agent = await make_user(db, "agent@lucky.test", Role.agent, [brand], name="Maria Nowak")
    server.start()
    errors: list[str] = []

    player = await (await browser.new_context(locale="fi-FI")).new_page()
    await player.goto(f"{server.url}/demo/lucky")
    await player.click("#croupier-launcher")
    await player_says(player, "Missä nostoni on?")

    console = await (await browser.new_context(locale="en-GB")).new_page()
    console.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    await console.goto(f"{server.url}/console/login")
    await console.fill('input[name="email"]', agent.email)
    await console.fill('input[name="password"]', PASSWORD)
    await console.press('input[name="password"]', "Enter")
    await console.click("text=Missä nostoni on?")
    await console.wait_for_url("**/console/conversations/*")
    await expect(console.locator("#live-status")).to_have_attribute("data-state", "live", timeout=TIMEOUT)

    # The player types: the agent sees it. The agent types a reply: the player sees it.
    await player.type("#croupier-input", "Odotan", delay=50)
    await expect(console.locator("#typing-indicator")).to_be_visible(timeout=TIMEOUT)
    await console.type("#reply-body", "Tarkistan", delay=50)
    await expect(player.locator("#croupier-typing")).not_to_be_empty(timeout=TIMEOUT)

    # A private note is marked as such and never reaches the player; the reply after it does.
    await console.fill("#reply-body", "")
    await console.click("label[for=mode-note]")
    await expect(console.locator("#reply-send")).to_have_text("Add note")
    await console.fill("#reply-body", "KYC pending, do not pay out")
    await console.click("#reply-send")
    await expect(console.locator("#messages .message--note")).to_contain_text("KYC pending", timeout=TIMEOUT)
    await console.click("label[for=mode-reply]")
    await console.fill("#reply-body", "Nosto on käsittelyssä.")
    await console.press("#reply-body", "Control+Enter")
    await expect(player.locator('.croupier-message[data-author="agent"]').last).to_contain_text(
        "Nosto on käsittelyssä.", timeout=TIMEOUT)
    assert "KYC pending" not in await player.locator("#croupier-messages").inner_text()
    await expect(console.locator("#reply-body")).to_have_value("")

    # Resolving, then the player writing again, reopens it on the agent's screen without a reload.
    await console.click("#resolve")
    await expect(console.locator("#reopen")).to_be_visible(timeout=TIMEOUT)
    await player.fill("#croupier-input", "")
    await player_says(player, "Kiitos, vielä yksi kysymys")
    await expect(console.locator("#resolve")).to_be_visible(timeout=TIMEOUT)
    await expect(console.locator("#messages .message").last).to_contain_text("vielä yksi kysymys", timeout=TIMEOUT)
    assert errors == []
