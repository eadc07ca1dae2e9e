"""Macros over the API: editors keep them per brand or for every brand (audited); agents search them for a
conversation and get them rendered in its language (or the brand's default), with the variables filled in;
bad input is refused with a clear message and stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from croupier.kit.clock import utcnow
from croupier.models import AuditEntry, Macro
from tests.api.world import build_world, count, row
from tests.console.flows import conversation_from

KYC = {"shortcut": "/kyc", "texts": {
    "en": {"title": "Documents for verification", "body": "Hello {player_name:there}, please send your ID to "
                                                          "{brand}. Your {amount:EUR 250} withdrawal waits."},
    "pl": {"title": "Dokumenty do weryfikacji", "body": "Dzień dobry {player_name}, prosimy o dowód osobisty. "
                                                        "Wypłata {amount:EUR 250} czeka. {agent_name}"},
}}


async def polish_conversation(w, name: str = "Anna Nowak") -> int:
    conversation = await conversation_from(w.db, w.a.channel, "Gdzie jest moja wypłata?", name=name,
                                           language="pl")
    return conversation.id


class TestEditing:
    async def test_a_supervisor_creates_a_brand_macro_and_it_is_audited(self, client, db):
        w = await build_world(client, db)
        r = await w.call("supervisor", "POST", "/api/v1/macros", json={**KYC, "brand_id": w.a.brand.id})
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["shortcut"] == "kyc" and body["brand_id"] == w.a.brand.id and set(body["texts"]) == {"en", "pl"}
        async with db.transaction() as s:
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "macro.created"))
        assert entry.target_id == str(body["id"]) and entry.brand_id == w.a.brand.id
        assert entry.details == {"shortcut": "kyc", "locales": ["en", "pl"]}

    async def test_edits_and_deletion_are_audited_with_what_changed(self, client, db):
        w = await build_world(client, db)
        made = (await w.call("supervisor", "POST", "/api/v1/macros", json={**KYC, "brand_id": w.a.brand.id})).json()
        texts = {**KYC["texts"], "fi": {"title": "Henkilöllisyys", "body": "Hei {player_name}!"}}
        r = await w.call("supervisor", "PATCH", f"/api/v1/macros/{made['id']}", json={"shortcut": "id",
                                                                                        "texts": texts})
        assert r.status_code == 200 and r.json()["shortcut"] == "id" and "fi" in r.json()["texts"]
        deleted = await w.call("supervisor", "DELETE", f"/api/v1/macros/{made['id']}")
        assert deleted.status_code == 200 and deleted.json()["shortcut"] == "id"
        async with db.transaction() as s:
            entries = {e.action: e.details for e in await s.scalars(select(AuditEntry).where(
                AuditEntry.action.like("macro.%")))}
        assert entries["macro.updated"] == {"changes": {"shortcut": ["kyc", "id"], "locales_changed": ["fi"]}}
        assert entries["macro.deleted"]["shortcut"] == "id" and set(entries["macro.deleted"]["texts"]) == \
            {"en", "pl", "fi"}
        assert await count(db, Macro) == 0

    async def test_only_administrators_write_macros_for_every_brand(self, client, db):
        w = await build_world(client, db)
        r = await w.call("supervisor", "POST", "/api/v1/macros", json=KYC)
        assert r.status_code == 403 and r.json()["error"]["code"] == "global_macro"
        r = await w.call("admin", "POST", "/api/v1/macros", json=KYC)
        assert r.status_code == 201 and r.json()["brand_id"] is None
        r = await w.call("agent_a", "POST", "/api/v1/macros", json={**KYC, "brand_id": w.a.brand.id})
        assert r.status_code == 403 and "macros:write" in r.json()["error"]["message"]

    async def test_agents_list_every_brands_macros_and_their_own_brands(self, client, db):
        w = await build_world(client, db)
        for actor, brand in (("admin", None), ("admin", w.a.brand.id), ("admin", w.b.brand.id)):
            assert (await w.call(actor, "POST", "/api/v1/macros", json={**KYC, "brand_id": brand})).status_code == 201
        listed = (await w.call("agent_a", "GET", "/api/v1/macros")).json()
        assert sorted(m["brand_id"] or 0 for m in listed) == [0, w.a.brand.id]
        other = await w.call("agent_a", "GET", f"/api/v1/macros?brand_id={w.b.brand.id}")
        assert other.status_code == 404


class TestInAConversation:
    async def test_rendered_in_the_conversations_language_with_its_values(self, client, db):
        w = await build_world(client, db)
        made = (await w.call("admin", "POST", "/api/v1/macros", json={**KYC, "brand_id": w.a.brand.id})).json()
        conversation_id = await polish_conversation(w)
        r = await w.call("agent_a", "GET", f"/api/v1/macros/{made['id']}/render?conversation_id={conversation_id}")
        assert r.status_code == 200, r.text
        assert r.json() == {"macro_id": made["id"], "shortcut": "kyc", "locale": "pl", "fallback": False,
                            "title": "Dokumenty do weryfikacji",
                            "text": "Dzień dobry Anna Nowak, prosimy o dowód osobisty. Wypłata 250,00\xa0€ czeka. "
                                    "Agent.A"}

    async def test_a_language_without_a_text_falls_back_to_the_brands_default(self, client, db):
        w = await build_world(client, db)
        made = (await w.call("admin", "POST", "/api/v1/macros", json={**KYC, "brand_id": w.a.brand.id})).json()
        finnish = await conversation_from(db, w.a.channel, "Missä rahani on?", language="fi")
        r = await w.call("agent_a", "GET", f"/api/v1/macros/{made['id']}/render?conversation_id={finnish.id}")
        assert r.json()["locale"] == "en" and r.json()["fallback"] is True
        assert r.json()["text"].startswith("Hello there, please send your ID to Alpha Casino. Your €250.00")

    async def test_search_by_shortcut_or_words_the_brands_own_macro_first(self, client, db):
        w = await build_world(client, db)
        await w.call("admin", "POST", "/api/v1/macros", json=KYC)  # every brand's …
        own = (await w.call("admin", "POST", "/api/v1/macros", json={**KYC, "brand_id": w.a.brand.id})).json()
        await w.call("admin", "POST", "/api/v1/macros", json={"brand_id": w.a.brand.id, "shortcut": "eta", "texts": {
            "en": {"title": "Withdrawal time", "body": "Expect it by {date:+3}."},
            "pl": {"title": "Czas wypłaty", "body": "Pieniądze dotrą do {date:+3}."}}})
        conversation_id = await polish_conversation(w)
        url = f"/api/v1/macros/search?conversation_id={conversation_id}&q="
        by_shortcut = (await w.call("agent_a", "GET", url + "/k")).json()
        assert [m["macro_id"] for m in by_shortcut] == [own["id"]]  # … is replaced by the brand's own /kyc
        by_words = (await w.call("agent_a", "GET", url + "WYPŁ")).json()
        assert [m["shortcut"] for m in by_words] == ["eta", "kyc"]  # the title's match ranks first
        assert len((await w.call("agent_a", "GET", url)).json()) == 2
        assert (await w.call("agent_a", "GET", url + "/nothing")).json() == []

    async def test_another_brands_conversation_or_macro_is_not_found(self, client, db):
        w = await build_world(client, db)
        made = (await w.call("admin", "POST", "/api/v1/macros", json={**KYC, "brand_id": w.b.brand.id})).json()
        r = await w.call("agent_a", "GET", f"/api/v1/macros/search?conversation_id={w.b.conversation_id}")
        assert r.status_code == 404
        r = await w.call("admin", "GET", f"/api/v1/macros/{made['id']}/render?conversation_id={w.a.conversation_id}")
        assert r.status_code == 404


class TestBadInput:
    @pytest.mark.parametrize("change,status,code", [
        ({"texts": {"en": {"title": "Hi", "body": "Hello {name}"}}}, 400, "unknown_variable"),
        ({"texts": {"en": {"title": "Hi", "body": "Pay {amount:250}"}}}, 400, "invalid_macro_template"),
        ({"texts": {"en": {"title": "Hi", "body": "Hi {"}}}, 400, "invalid_macro_template"),
        ({"texts": {"en": KYC["texts"]["en"], "de": {"title": "Hallo", "body": "Hallo"}}}, 400, "unknown_locale"),
        ({"texts": {"pl": KYC["texts"]["pl"]}}, 400, "default_text_missing"),
        ({"texts": {"en": {"title": "   ", "body": "Hi"}}}, 400, "empty_macro_text"),
        ({"shortcut": "/K Y C"}, 400, "invalid_shortcut"),
        ({"shortcut": ""}, 422, "invalid_payload"),
        ({"texts": {"en": {"title": "Hi"}}}, 422, "invalid_payload"),
        ({"brand_id": 0}, 422, "invalid_payload"),
    ])
    async def test_is_refused_clearly_and_nothing_is_stored(self, client, db, change, status, code):
        w = await build_world(client, db)
        r = await w.call("supervisor", "POST", "/api/v1/macros", json={**KYC, "brand_id": w.a.brand.id, **change})
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.text
        assert r.json()["error"]["message"]
        assert await count(db, Macro) == 0

    async def test_the_reason_is_given_in_the_callers_language(self, client, db):
        w = await build_world(client, db)
        r = await client.post("/api/v1/macros", headers={**w.headers("supervisor"), "Accept-Language": "pl"},
                              json={**KYC, "brand_id": w.a.brand.id, "texts": {"en": {"title": "x", "body": "{foo}"}}})
        assert r.status_code == 400 and "{foo}" in r.json()["error"]["message"]
        assert "unknown variable" not in r.json()["error"]["message"]

    async def test_a_taken_shortcut_or_a_bad_edit_changes_nothing(self, client, db):
        w = await build_world(client, db)
        made = (await w.call("supervisor", "POST", "/api/v1/macros", json={**KYC, "brand_id": w.a.brand.id})).json()
        again = await w.call("supervisor", "POST", "/api/v1/macros", json={**KYC, "brand_id": w.a.brand.id})
        assert again.status_code == 409 and again.json()["error"]["code"] == "shortcut_taken"
        before = await row(db, Macro, made["id"])
        bad = await w.call("supervisor", "PATCH", f"/api/v1/macros/{made['id']}",
                           json={"texts": {"en": {"title": "x", "body": "{player}"}}})
        assert bad.status_code == 400 and await row(db, Macro, made["id"]) == before
        assert before["updated_at"] <= utcnow()
