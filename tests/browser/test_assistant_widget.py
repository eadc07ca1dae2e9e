"""A Polish player asks the assistant in the widget: the answer arrives in Polish with the article's link,
two thumbs-down (a button with a translated accessible name) hand the conversation to a person, and the
agent's console shows the assistant panel with the hand-off."""

from __future__ import annotations

from playwright.async_api import expect
from sqlalchemy import select

from croupier.models import Conversation, Role
from tests.assistant.conversation import assistant_casino
from tests.browser.sign_in import sign_in
from tests.factories import make_user

TIMEOUT = 15_000
FIRST_ANSWER = 60_000  # the server trains the built-in intent model on its first message


async def test_player_rejects_two_answers_and_the_agent_sees_the_hand_off(browser, server, db):
    brand, _channel, _teams = await assistant_casino(db)
    agent = await make_user(db, "agent@lucky.test", Role.agent, [brand], totp=True, name="Maria Nowak")
    server.start()

    player_ctx = await browser.new_context(locale="pl-PL")
    player = await player_ctx.new_page()
    await player.goto(f"{server.url}/demo/lucky-star")
    await player.click("#croupier-launcher")
    answers = player.locator('.croupier-message[data-author="assistant"]')
    for number, question in enumerate(["Gdzie jest moja wypłata?", "Ile trwa wypłata na kartę?"]):
        await player.fill("#croupier-input", question)
        await player.click("#croupier-send")
        await expect(answers.nth(number)).to_contain_text("/help/lucky-star/pl/a/withdrawal-times",
                                                          timeout=FIRST_ANSWER)
        await expect(answers.nth(number).locator("a").first).to_have_attribute("target", "_blank")
        button = answers.nth(number).get_by_role("button", name="To nie pomogło")
        await button.click()
        await expect(button).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
        await expect(answers.nth(number).get_by_role("status")).to_have_text("Dziękujemy za informację.")
    await expect(answers.last).to_contain_text("Przekazuję Cię koledze", timeout=TIMEOUT)

    staff_ctx = await browser.new_context(locale="en-GB")
    console = await staff_ctx.new_page()
    await sign_in(console, server.url, agent)
    async with db.transaction() as s:
        conversation_id = await s.scalar(select(Conversation.id))
    await console.goto(f"{server.url}/console/conversations/{conversation_id}")
    panel = console.locator("#assistant-panel")
    await expect(panel).to_contain_text("Handed off: Two answers did not help", timeout=TIMEOUT)
    await expect(panel.locator("#assistant-summary")).to_contain_text("Ile trwa wypłata na kartę?")
    await player_ctx.close()
    await staff_ctx.close()
