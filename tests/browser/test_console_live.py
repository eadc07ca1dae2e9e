"""The console's own behaviour in a real browser (Chromium) against a real server: typing both ways,
private notes that never reach the player, and the properties panel following the conversation live."""

from __future__ import annotations

import asyncio

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Route, expect

from croupier.models import Role
from tests.factories import PASSWORD, make_brand, make_user

TIMEOUT = 15_000


async def player_says(page: Page, text: str) -> None:
    await page.fill("#croupier-input", text)
    await page.click("#croupier-send")
    await expect(page.locator('.croupier-message[data-author="player"]').last).to_contain_text(text, timeout=TIMEOUT)


async def chat_and_open(browser, server, db, player_locale: str, first_words: str,  # noqa: ANN001
                        console_errors: list[str] | None = None) -> tuple[Page, Page]:
    """A player of the Lucky Star brand writes `first_words`; its agent logs in and opens the conversation,
    live. Returns (player's page, console page)."""
    brand, _channel = await make_brand(db, slug="lucky", name="Lucky Star Casino")
    agent = await make_user(db, "agent@lucky.test", Role.agent, [brand], name="Maria Nowak")
    server.start()

    player = await (await browser.new_context(locale=player_locale)).new_page()
    await player.goto(f"{server.url}/demo/lucky")
    await player.click("#croupier-launcher")
    await player_says(player, first_words)

    console = await (await browser.new_context(locale="en-GB")).new_page()
    if console_errors is not None:
        console.on("console", lambda m: console_errors.append(m.text) if "Content Security Policy" in m.text else None)
    await console.goto(f"{server.url}/console/login")
    await console.fill('input[name="email"]', agent.email)
    await console.fill('input[name="password"]', PASSWORD)
    await console.press('input[name="password"]', "Enter")
    await console.click(f"text={first_words}")
    await console.wait_for_url("**/console/conversations/*")
    await expect(console.locator("#live-status")).to_have_attribute("data-state", "live", timeout=TIMEOUT)
    return player, console


async def test_typing_notes_and_status_follow_live(browser, server, db):
    errors: list[str] = []
    player, console = await chat_and_open(browser, server, db, "fi-FI", "Missä nostoni on?", errors)

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


async def test_a_refresh_crossing_the_agents_change_never_undoes_it(browser, server, db):
    """A live refresh of the properties panel read before the agent resolved the conversation must not
    put the panel back to "Open", whether it lands while the agent's change is in flight or after it."""
    player, console = await chat_and_open(browser, server, db, "en-GB", "Where is my withdrawal?")

    # The first refresh is read from the server at once, and handed to the page only once the
    # agent's "Resolve" has been sent; the answer to "Resolve" is handed over after it.
    held: list[str] = []
    resolving = asyncio.Event()
    stale_delivered = asyncio.Event()

    async def hold_first_refresh(route: Route) -> None:
        if held:
            await route.continue_()
            return
        response = await route.fetch()
        held.append(await response.text())
        await resolving.wait()
        try:
            await route.fulfill(response=response)
        except PlaywrightError:
            pass  # the page cancelled it: as good as delivered, for this test
        finally:
            stale_delivered.set()

    async def hold_resolve(route: Route) -> None:
        resolving.set()
        response = await route.fetch()
        await stale_delivered.wait()
        await asyncio.sleep(0.3)
        await route.fulfill(response=response)

    await console.route("**/properties", hold_first_refresh)
    await console.route("**/update", hold_resolve)
    await player_says(player, "It has been three days")  # the player's message makes the console refresh
    await expect(console.locator("#messages .message").last).to_contain_text("three days", timeout=TIMEOUT)
    for _ in range(150):
        if held:
            break
        await asyncio.sleep(0.1)
    assert held and 'id="resolve"' in held[0]  # read while the conversation was still open

    await console.click("#resolve")
    await asyncio.wait_for(stale_delivered.wait(), timeout=TIMEOUT / 1000)
    await expect(console.locator("#reopen")).to_be_visible(timeout=TIMEOUT)
    await expect(console.locator("#conversation-properties .panel__status")).to_contain_text("Resolved")
    await console.wait_for_timeout(500)  # time for any later refresh to land, were it to undo the change
    await expect(console.locator("#reopen")).to_be_visible()
