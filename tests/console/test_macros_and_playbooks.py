"""Macros and playbooks in the console: the reply box's picker lists macros rendered in the conversation's
language (markup stays text), the playbook panel follows the intent the agent sets and records ticks,
resolving waits for the required steps unless a supervisor overrides, editors write macros and playbooks
through forms (bad input a clear 400 that stores nothing), and supervisors read the adherence page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from croupier.macro.schemas import MacroIn
from croupier.macro.service import macro_service
from croupier.models import AuditEntry, Conversation, Macro, Playbook, PlaybookVersion, Role, Status
from croupier.playbook.schemas import PlaybookIn
from croupier.playbook.service import playbook_service
from tests.console.flows import HTMX, conversation_from
from tests.factories import console_session, make_brand, make_user

STEPS = [{"titles": {"en": "Verify identity", "pl": "Zweryfikuj tożsamość"}, "mandatory": True},
         {"titles": {"en": "Give the ETA", "pl": "Podaj termin"}}]


@pytest.fixture
async def world(client, db):
    brand, chat = await make_brand(db)
    conversation = await conversation_from(db, chat, "Gdzie moja wypłata?", name="<b>Ania</b>", language="pl")
    agent = await make_user(db, "agent@lucky.test", Role.agent, [brand], name="Maria Nowak")
    supervisor = await make_user(db, "sup@lucky.test", Role.supervisor, [brand], name="Piotr Zieliński")
    async with db.transaction() as s:
        await macro_service.create(s, None, MacroIn(brand_id=brand.id, shortcut="eta", texts={
            "en": {"title": "Withdrawal <ETA>", "body": "Hi {player_name}, expect {amount:EUR 250} by {date:+2}."},
            "pl": {"title": "Termin <wypłaty>", "body": "Cześć {player_name}, {amount:EUR 250} dotrze wkrótce."}}))
        playbook, _v = await playbook_service.create(s, None, PlaybookIn(
            brand_id=brand.id, intent="withdrawal_status", titles={"en": "Withdrawal delayed",
                                                                   "pl": "Opóźniona wypłata"}, steps=STEPS))
    return {"brand": brand, "conversation": conversation, "agent": agent, "supervisor": supervisor,
            "playbook": playbook}


def url(world, tail: str = "") -> str:
    return f"/console/conversations/{world['conversation'].id}{tail}"


class TestPicker:
    async def test_options_are_rendered_in_the_conversations_language_and_escaped(self, client, db, world):
        await console_session(client, db, world["agent"])
        r = await client.get(url(world, "/macros?q=/et"), headers=HTMX)
        assert r.status_code == 200
        assert 'data-text="Cześć &lt;b&gt;Ania&lt;/b&gt;, 250,00\xa0€ dotrze wkrótce."' in r.text
        assert "Termin &lt;wypłaty&gt;" in r.text and "<b>Ania</b>" not in r.text
        assert "1 macro found" in r.text
        none = await client.get(url(world, "/macros?q=/zzz"), headers=HTMX)
        assert "No macro matches." in none.text

    async def test_the_reply_box_has_the_picker(self, client, db, world):
        await console_session(client, db, world["agent"])
        page = await client.get(url(world))
        assert 'id="macro-picker"' in page.text and 'role="listbox"' in page.text and "macro_picker.js" in page.text


class TestPlaybookPanel:
    async def test_the_intent_set_in_the_properties_brings_the_playbook(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        page = await client.get(url(world))
        assert "Set the conversation's intent to see its playbook, or pick one." in page.text
        r = await client.post(url(world, "/update"), headers=HTMX, data={"csrf_token": csrf,
                                                                          "intent": "withdrawal_status"})
        assert r.status_code == 200 and r.headers["HX-Trigger"] == "conversation-changed"
        assert 'value="withdrawal_status" selected' in r.text
        panel = await client.get(url(world, "/playbook"), headers=HTMX)
        assert "Withdrawal delayed" in panel.text and "Verify identity" in panel.text and "Required" in panel.text

    async def test_ticking_records_who_and_resolving_waits_for_required_steps(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        await client.post(url(world, "/update"), headers=HTMX, data={"csrf_token": csrf,
                                                                     "intent": "withdrawal_status"})
        refused = await client.post(url(world, "/update"), headers=HTMX, data={"csrf_token": csrf,
                                                                               "status": "resolved"})
        assert refused.status_code == 409 and "Verify identity" in refused.text and 'role="alert"' in refused.text
        ticked = await client.post(url(world, "/playbook/steps/1"), headers=HTMX, data={"csrf_token": csrf, "done": "1"})
        assert ticked.status_code == 200 and "Ticked by Maria Nowak" in ticked.text
        assert re.search(r'id="step-1" checked', ticked.text)
        done = await client.post(url(world, "/update"), headers=HTMX, data={"csrf_token": csrf, "status": "resolved"})
        assert done.status_code == 200
        async with db.transaction() as s:
            assert (await s.get(Conversation, world["conversation"].id)).status == Status.resolved

    async def test_a_supervisor_may_resolve_anyway(self, client, db, world):
        csrf = await console_session(client, db, world["supervisor"])
        await client.post(url(world, "/update"), headers=HTMX, data={"csrf_token": csrf,
                                                                     "intent": "withdrawal_status"})
        panel = await client.get(url(world, "/playbook"), headers=HTMX)
        assert 'id="resolve-anyway"' in panel.text
        r = await client.post(url(world, "/update"), headers=HTMX, data={
            "csrf_token": csrf, "status": "resolved", "playbook_override": "1"})
        assert r.status_code == 200

    async def test_an_agent_picks_a_playbook_and_bad_values_are_refused(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        r = await client.post(url(world, "/playbook/pick"), headers=HTMX,
                              data={"csrf_token": csrf, "playbook": str(world["playbook"].id)})
        assert r.status_code == 200 and "Withdrawal delayed" in r.text and "Picked" in r.text
        for path, data in (("/playbook/pick", {"playbook": "drop table"}), ("/playbook/steps/1", {"done": "yes"}),
                           ("/update", {"intent": "jackpot"})):
            bad = await client.post(url(world, path), headers=HTMX, data={"csrf_token": csrf, **data})
            assert bad.status_code == 400 and 'role="alert"' in bad.text, path
        missing = await client.post(url(world, "/playbook/steps/9"), headers=HTMX, data={"csrf_token": csrf, "done": "1"})
        assert missing.status_code == 400 and "no step 9" in missing.text


class TestEditors:
    async def test_a_supervisor_writes_a_macro_and_sees_it_listed(self, client, db, world):
        csrf = await console_session(client, db, world["supervisor"])
        form = await client.get(f"/console/macros/new?brand={world['brand'].id}")
        assert form.status_code == 200 and 'name="body-fi"' in form.text
        r = await client.post("/console/macros", data={
            "csrf_token": csrf, "brand": str(world["brand"].id), "shortcut": "/kyc",
            "title-en": "Documents", "body-en": "Send your ID to {brand}.",
            "title-fi": "Asiakirjat", "body-fi": "Lähetä henkilöllisyystodistus {brand}-palveluun."})
        assert r.status_code == 303, r.text
        listed = await client.get(f"/console/macros?brand={world['brand'].id}")
        assert "/kyc" in listed.text and "/eta" in listed.text

    @pytest.mark.parametrize("fields,message", [
        ({"body-en": "Hello {name}"}, "unknown variable {name}"),
        ({"title-en": "", "body-en": "", "title-pl": "Dokumenty", "body-pl": "Prześlij dowód."}, "in en too"),
        ({"body-en": ""}, "needs a title and a body"),
        ({"shortcut": "k y c"}, "cannot be a shortcut"),
    ])
    async def test_a_bad_macro_is_a_clear_400_and_nothing_is_stored(self, client, db, world, fields, message):
        csrf = await console_session(client, db, world["supervisor"])
        r = await client.post("/console/macros", data={
            "csrf_token": csrf, "brand": str(world["brand"].id), "shortcut": "kyc", "title-en": "Documents",
            "body-en": "Send your ID.", **fields})
        assert r.status_code == 400 and message in r.text
        async with db.transaction() as s:
            assert len(list(await s.scalars(select(Macro)))) == 1

    async def test_agents_read_macros_but_cannot_write_them(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        listed = await client.get("/console/macros")
        assert listed.status_code == 200 and "New macro" not in listed.text
        r = await client.post("/console/macros", data={"csrf_token": csrf, "brand": str(world["brand"].id),
                                                       "shortcut": "x", "title-en": "X", "body-en": "X"})
        assert r.status_code == 403

    async def test_a_playbook_edit_is_a_new_version_with_reordered_steps(self, client, db, world):
        csrf = await console_session(client, db, world["supervisor"])
        pid = world["playbook"].id
        form = await client.get(f"/console/playbooks/{pid}")
        assert form.status_code == 200 and 'name="step-2-title-en"' in form.text  # two steps and an empty one
        r = await client.post(f"/console/playbooks/{pid}", data={
            "csrf_token": csrf, "title-en": "Withdrawal delayed", "is_active": "1", "steps": "3",
            "step-0-position": "2", "step-0-title-en": "Verify identity", "step-0-mandatory": "1",
            "step-1-position": "", "step-1-title-en": "",  # cleared: removed
            "step-2-position": "1", "step-2-title-en": "Check the <KYC> state", "step-2-help-pl": "Panel KYC"})
        assert r.status_code == 303, r.text
        async with db.transaction() as s:
            versions = list(await s.scalars(select(PlaybookVersion).order_by(PlaybookVersion.number)))
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "playbook.updated"))
        assert [v.number for v in versions] == [1, 2]
        assert [(st["titles"]["en"], st["mandatory"]) for st in versions[1].steps] == \
            [("Check the <KYC> state", False), ("Verify identity", True)]
        assert entry.details["changes"]["version"] == 2
        page = await client.get(f"/console/playbooks/{pid}")
        assert "Check the &lt;KYC&gt; state" in page.text and "Version 2" in page.text

    async def test_empty_steps_or_a_bad_number_are_refused(self, client, db, world):
        csrf = await console_session(client, db, world["supervisor"])
        new = {"csrf_token": csrf, "brand": str(world["brand"].id), "intent": "complaint",
               "title-en": "Complaint", "is_active": "1"}
        r = await client.post("/console/playbooks", data={**new, "steps": "1", "step-0-title-en": ""})
        assert r.status_code == 400 and "at least one step" in r.text
        r = await client.post("/console/playbooks", data={**new, "steps": "1", "step-0-title-en": "Log it",
                                                          "step-0-position": "first"})
        assert r.status_code == 400
        async with db.transaction() as s:
            assert len(list(await s.scalars(select(Playbook)))) == 1

    async def test_supervisors_read_adherence_agents_may_not(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        await client.post(url(world, "/update"), headers=HTMX, data={"csrf_token": csrf,
                                                                     "intent": "withdrawal_status"})
        await client.post(url(world, "/playbook/steps/1"), headers=HTMX, data={"csrf_token": csrf, "done": "1"})
        await client.post(url(world, "/update"), headers=HTMX, data={"csrf_token": csrf, "status": "resolved"})
        assert (await client.get("/console/playbooks/adherence")).status_code == 403
        await console_session(client, db, world["supervisor"])
        page = await client.get(f"/console/playbooks/adherence?brand={world['brand'].id}")
        assert page.status_code == 200
        row = re.search(r"<tbody>(.*?)</tbody>", page.text, re.S).group(1)
        assert "Maria Nowak" in row and "100%" in row and "1.0 of 2.0" in row
        bad = await client.get("/console/playbooks/adherence?since=yesterday")
        assert bad.status_code == 400
