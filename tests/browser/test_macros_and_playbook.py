"""Macros and the playbook in a real browser (Chromium) against a real server: a Polish-speaking agent opens
a Polish conversation, types "/" and the shortcut, picks the macro with the keyboard (inserted rendered in
Polish), is refused when resolving before the required step, ticks the playbook's steps, sends and resolves."""

from __future__ import annotations

from playwright.async_api import expect
from sqlalchemy import select

from croupier.conversation.schemas import ConversationUpdate
from croupier.conversation.service import conversation_service
from croupier.macro.schemas import MacroIn
from croupier.macro.service import macro_service
from croupier.models import Conversation, Message, PlaybookRun, Role, Status, User
from croupier.playbook.schemas import PlaybookIn
from croupier.playbook.service import playbook_service
from tests.browser.sign_in import sign_in
from tests.console.flows import conversation_from
from tests.factories import make_brand, make_user, principal_of

TIMEOUT = 15_000
ETA_PL = "Dzień dobry Anna Nowak, Twoja wypłata 250,00\xa0€ została zatwierdzona."


async def test_an_agent_inserts_a_polish_macro_ticks_the_playbook_and_resolves(browser, server, db):
    brand, chat = await make_brand(db)
    agent = await make_user(db, "kasia@lucky.test", Role.agent, [brand], name="Katarzyna Wójcik")
    conversation = await conversation_from(db, chat, "Gdzie jest moja wypłata?", name="Anna Nowak", language="pl")
    async with db.transaction() as s:
        (await s.get(User, agent.id)).locale = "pl"
        await macro_service.create(s, None, MacroIn(brand_id=brand.id, shortcut="eta", texts={
            "en": {"title": "Withdrawal approved", "body": "Hello {player_name}, your {amount:EUR 250} is approved."},
            "pl": {"title": "Wypłata zatwierdzona", "body": "Dzień dobry {player_name}, Twoja wypłata "
                                                           "{amount:EUR 250} została zatwierdzona."}}))
        await macro_service.create(s, None, MacroIn(brand_id=brand.id, shortcut="bye", texts={
            "en": {"title": "Closing", "body": "Have a nice day!"}}))
        await playbook_service.create(s, None, PlaybookIn(
            brand_id=brand.id, intent="withdrawal_status", titles={"en": "Withdrawal delayed",
                                                                   "pl": "Opóźniona wypłata"},
            steps=[{"titles": {"en": "Verify identity", "pl": "Zweryfikuj tożsamość"}, "mandatory": True},
                   {"titles": {"en": "Give the ETA", "pl": "Podaj termin"}}]))
    principal = await principal_of(db, agent)
    async with db.transaction() as s:
        await conversation_service.update(s, principal, conversation.id, ConversationUpdate(intent="withdrawal_status"))
    server.start()

    page = await (await browser.new_context(locale="pl-PL")).new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await sign_in(page, server.url, agent)
    await page.goto(f"{server.url}/console/conversations/{conversation.id}")
    await expect(page.locator("#playbook-panel")).to_contain_text("Opóźniona wypłata")

    # "/" and the start of the shortcut list the macro rendered in Polish; Enter inserts it.
    await page.click("#reply-body")
    await page.keyboard.type("/e", delay=40)
    options = page.locator("#macro-results [role=option]")
    await expect(options).to_have_count(1, timeout=TIMEOUT)
    await expect(options.first).to_contain_text("Wypłata zatwierdzona")
    await expect(page.locator("#reply-body")).to_have_attribute("aria-expanded", "true")
    await page.keyboard.press("Enter")
    await expect(page.locator("#reply-body")).to_have_value(ETA_PL)
    await expect(page.locator("#macro-results")).to_be_hidden()

    # Resolving before the required step is refused, in Polish.
    await page.click("#resolve")
    await expect(page.locator("#flash")).to_contain_text("Zweryfikuj tożsamość", timeout=TIMEOUT)
    await expect(page.locator("#flash")).to_contain_text("zaznacz wymagane kroki")

    await page.check("#step-1")
    await expect(page.locator("#playbook-panel")).to_contain_text("Katarzyna Wójcik", timeout=TIMEOUT)
    await page.check("#step-2")
    await expect(page.locator("#step-2")).to_be_checked(timeout=TIMEOUT)
    await page.click("#reply-send")
    await expect(page.locator("#messages")).to_contain_text(ETA_PL, timeout=TIMEOUT)
    # The first reply assigns the conversation and the properties panel reloads: resolve once it has.
    await expect(page.locator("#prop-assignee")).to_have_value(str(agent.id), timeout=TIMEOUT)
    await page.click("#resolve")
    await expect(page.locator("#conversation-properties .badge--resolved")).to_be_visible(timeout=TIMEOUT)
    await expect(page.locator("#step-1")).to_be_disabled(timeout=TIMEOUT)  # the panel followed the status

    async with db.transaction() as s:
        stored = await s.get(Conversation, conversation.id)
        run = await s.scalar(select(PlaybookRun))
        replies = list(await s.scalars(select(Message.body).where(Message.author_user_id == agent.id)))
    assert stored.status == Status.resolved and replies == [ETA_PL]
    assert (run.steps_done, run.mandatory_done, run.ended_by_id) == (2, True, agent.id)
    assert not [e for e in errors if "409" not in e]  # the refused resolve logs its 409; nothing else fails
