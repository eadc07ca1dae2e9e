"""An administrator adds a WhatsApp channel in a real browser (Chromium) against a real server: the
generated verify token is shown once, the access token afterwards only by its last characters, and a
test message sent from the page reaches the local Graph API stand-in through the server's own job."""

from __future__ import annotations

from playwright.async_api import expect

from croupier.models import Role
from tests.browser.sign_in import sign_in
from tests.channels.meta_peer import PHONE_NUMBER_ID, graph_api
from tests.factories import make_brand, make_user

TIMEOUT = 15_000
ACCESS_TOKEN = "EAAG-browser-token-7Qx9"


async def test_an_admin_adds_a_whatsapp_channel_and_sends_a_test_message(browser, server, db):
    brand, _webchat = await make_brand(db, slug="lucky", name="Lucky Star Casino")
    admin = await make_user(db, "admin@croupier.test", Role.admin, totp=True, name="Ada Admin")
    server.start()
    with graph_api(ACCESS_TOKEN) as peer:
        page = await (await browser.new_context(locale="en-GB")).new_page()
        await sign_in(page, server.url, admin)
        await page.click("text=Channels")
        await page.click(f'a[href="/console/admin/channels/new?brand_id={brand.id}&type=whatsapp"]')

        await page.fill("#f-name", "WhatsApp support")
        await page.fill("#f-phone_number_id", PHONE_NUMBER_ID)
        await page.fill("#f-access_token", ACCESS_TOKEN)
        await page.fill("#f-app_secret", "browser-app-secret-0123456789")
        await page.fill("#f-templates", "withdrawal_update")
        await page.fill("#f-api_base", peer.url)
        await page.click("text=Add the channel")
        await expect(page.locator("h1")).to_have_text("The channel was added")
        verify_token = await page.locator("code.shown-once").inner_text()
        assert len(verify_token) >= 24
        await expect(page.locator("#webhook-url")).to_contain_text(f"{server.url}/channels/wh_")

        await page.click("text=Channel settings")
        await expect(page.locator("#s-access_token")).to_contain_text("Stored, ending in 7Qx9.")
        content = await page.content()
        assert ACCESS_TOKEN not in content and verify_token not in content
        assert await page.locator("#f-access_token").input_value() == ""

        await page.fill("#f-recipient", "48601234567")
        await page.click("#test button[type=submit]")
        await expect(page.locator("#test .alert")).to_contain_text("The test message is on its way.")
        result = page.locator(".test-result")
        for _attempt in range(50):  # the server's worker sends it; the page shows the outcome on reload
            if await result.count() and await result.get_attribute("data-test-state") == "done":
                break
            await page.wait_for_timeout(300)
            await page.reload()
        await expect(result).to_contain_text("Last test message: sent to 48601234567.", timeout=TIMEOUT)
        assert [(m["to"], m["text"]["body"]) for m in peer.sent] == [
            ("48601234567", "This is a test message from your casino's support desk. No reply is needed.")]
