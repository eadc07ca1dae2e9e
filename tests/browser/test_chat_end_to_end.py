"""A player writes in the widget on the casino page; an agent logs in with 2FA, sees it arrive
without reloading, replies; the player sees the reply. Both sides stay live."""

from __future__ import annotations

from playwright.async_api import expect

from croupier.models import Role
from tests.browser.sign_in import sign_in
from tests.factories import make_brand, make_user

TIMEOUT = 15_000


async def test_player_and_agent_chat_live(browser, server, db):
    brand, _channel = await make_brand(db, slug="lucky", name="Lucky Star Casino")
    agent = await make_user(db, "agent@lucky.test", Role.agent, [brand], totp=True, name="Maria Nowak")
    server.start()

    player_ctx = await browser.new_context(locale="pl-PL")
    player = await player_ctx.new_page()
    await player.goto(f"{server.url}/demo/lucky")
    await player.click("#croupier-launcher")
    await player.fill("#croupier-input", "Gdzie jest moja wypłata? Czekam od wczoraj.")
    await player.click("#croupier-send")
    await expect(player.locator('.croupier-message[data-author="player"]')).to_contain_text(
        "Gdzie jest moja wypłata", timeout=TIMEOUT)

    staff_ctx = await browser.new_context(locale="en-GB")
    console = await staff_ctx.new_page()
    await sign_in(console, server.url, agent)
    await expect(console.get_by_text("Gdzie jest moja wypłata").first).to_be_visible(timeout=TIMEOUT)

    # A new player message shows up in the open inbox without a reload.
    await player.fill("#croupier-input", "Halo? To pilne.")
    await player.click("#croupier-send")
    await expect(console.get_by_text("Halo? To pilne.").first).to_be_visible(timeout=TIMEOUT)

    await console.get_by_text("Halo? To pilne.").first.click()
    await console.wait_for_url("**/console/conversations/*")
    await console.fill("#reply-body", "Dzień dobry! Sprawdzam Pani wypłatę, proszę chwilę poczekać.")
    await console.click("#reply-send")
    await expect(console.locator("#messages .message").last).to_contain_text("Sprawdzam Pani wypłatę",
                                                                             timeout=TIMEOUT)

    await expect(player.locator('.croupier-message[data-author="agent"]')).to_contain_text(
        "Sprawdzam Pani wypłatę", timeout=TIMEOUT)

    # And the other way round while the agent keeps the conversation open.
    await player.fill("#croupier-input", "Dziękuję!")
    await player.click("#croupier-send")
    await expect(console.locator("#messages .message").last).to_contain_text("Dziękuję!", timeout=TIMEOUT)
    await player_ctx.close()
    await staff_ctx.close()
