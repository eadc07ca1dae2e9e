"""Playbooks over the API: editors keep one per brand and intent (every edit a new version, audited);
agents see the conversation's playbook by its intent or by pick, tick its steps, and cannot resolve while
mandatory steps are unticked unless a supervisor overrides; supervisors read adherence per playbook and
agent, checked here against figures the test keeps itself."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from croupier.models import AuditEntry, Conversation, Playbook, PlaybookRun, PlaybookVersion, Role, Status
from tests.api.world import build_world, count
from tests.console.flows import conversation_from
from tests.factories import api_token, make_user

WITHDRAWAL = {"intent": "withdrawal_status", "titles": {"en": "Withdrawal delayed", "pl": "Opóźniona wypłata"},
              "steps": [
                  {"titles": {"en": "Verify identity", "pl": "Zweryfikuj tożsamość"}, "mandatory": True,
                   "help": {"en": "Ask for the date of birth and the last deposit."}},
                  {"titles": {"en": "Check the KYC state", "pl": "Sprawdź status KYC"}, "mandatory": True},
                  {"titles": {"en": "Check the payment's state", "pl": "Sprawdź status płatności"}},
                  {"titles": {"en": "Give the ETA", "pl": "Podaj przewidywany termin"}},
                  {"titles": {"en": "Offer a follow-up", "pl": "Zaproponuj kontakt zwrotny"}},
              ]}
MANDATORY = {1, 2}


async def world_with_playbook(client, db):
    w = await build_world(client, db)
    r = await w.call("supervisor", "POST", "/api/v1/playbooks", json={**WITHDRAWAL, "brand_id": w.a.brand.id})
    assert r.status_code == 201, r.text
    w.extra["playbook"] = r.json()
    return w


async def set_intent(w, conversation_id: int, intent: str | None, actor: str = "agent_a"):
    r = await w.call(actor, "PATCH", f"/api/v1/conversations/{conversation_id}", json={"intent": intent or ""})
    assert r.status_code == 200, r.text
    return r


async def tick(w, conversation_id: int, step: int, actor: str = "agent_a", done: bool = True):
    return await w.call(actor, "PUT", f"/api/v1/conversations/{conversation_id}/playbook/steps/{step}",
                        json={"done": done})


async def resolve(w, conversation_id: int, actor: str = "agent_a", **extra):
    return await w.call(actor, "PATCH", f"/api/v1/conversations/{conversation_id}",
                        json={"status": "resolved", **extra})


class TestEditing:
    async def test_created_at_version_one_and_audited(self, client, db):
        w = await world_with_playbook(client, db)
        made = w.extra["playbook"]
        assert (made["version"], made["intent"], len(made["steps"])) == (1, "withdrawal_status", 5)
        assert [s["mandatory"] for s in made["steps"]] == [True, True, False, False, False]
        async with db.transaction() as s:
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "playbook.created"))
        assert entry.details == {"intent": "withdrawal_status", "version": 1, "steps": 5}
        assert entry.actor_user_id == w.users["supervisor"].id

    async def test_every_edit_is_a_new_version_and_audited_the_old_kept(self, client, db):
        w = await world_with_playbook(client, db)
        url = f"/api/v1/playbooks/{w.extra['playbook']['id']}"
        steps = WITHDRAWAL["steps"][:2]
        r = await w.call("supervisor", "PATCH", url, json={"steps": steps})
        assert r.status_code == 200 and r.json()["version"] == 2 and len(r.json()["steps"]) == 2
        r = await w.call("supervisor", "PATCH", url, json={"is_active": False})
        assert r.json()["version"] == 2 and r.json()["is_active"] is False
        same = await w.call("supervisor", "PATCH", url, json={"steps": steps})  # nothing new: no version
        assert same.json()["version"] == 2
        versions = (await w.call("agent_a", "GET", f"{url}/versions")).json()
        assert [(v["number"], len(v["steps"])) for v in versions] == [(2, 2), (1, 5)]
        async with db.transaction() as s:
            changes = [e.details["changes"] for e in await s.scalars(
                select(AuditEntry).where(AuditEntry.action == "playbook.updated").order_by(AuditEntry.id))]
        assert changes == [{"version": 2, "steps": 2}, {"is_active": False}]

    async def test_agents_may_not_edit(self, client, db):
        w = await world_with_playbook(client, db)
        r = await w.call("agent_a", "PATCH", f"/api/v1/playbooks/{w.extra['playbook']['id']}", json={"steps": []})
        assert r.status_code == 403 and "playbooks:write" in r.json()["error"]["message"]


class TestBadInput:
    @pytest.mark.parametrize("change,status,code", [
        ({"steps": []}, 400, "no_steps"),
        ({"steps": [{"titles": {"en": "  "}}]}, 400, "default_text_missing"),
        ({"steps": [{"titles": {"pl": "Tylko po polsku"}}]}, 400, "default_text_missing"),
        ({"steps": [{"titles": {"en": "Verify", "de": "Prüfen"}}]}, 400, "unknown_locale"),
        ({"titles": {"xx": "Nope", "en": "Withdrawal"}}, 400, "unknown_locale"),
        ({"titles": {"pl": "Wypłata"}}, 400, "default_text_missing"),
        ({"intent": "withdrawal"}, 400, "unknown_intent"),
        ({"steps": [{"titles": {"en": "x" * 301}}]}, 400, "text_too_long"),
        ({"steps": [{"titles": {"en": "Verify"}, "optional": True}]}, 422, "invalid_payload"),
        ({"steps": "verify, pay"}, 422, "invalid_payload"),
    ])
    async def test_is_refused_clearly_and_nothing_is_stored(self, client, db, change, status, code):
        w = await build_world(client, db)
        r = await w.call("supervisor", "POST", "/api/v1/playbooks", json={**WITHDRAWAL, "brand_id": w.a.brand.id,
                                                                           **change})
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.text
        assert r.json()["error"]["message"]
        assert await count(db, Playbook) == 0 and await count(db, PlaybookVersion) == 0

    async def test_a_second_playbook_for_the_same_intent_is_a_conflict(self, client, db):
        w = await world_with_playbook(client, db)
        r = await w.call("supervisor", "POST", "/api/v1/playbooks", json={**WITHDRAWAL, "brand_id": w.a.brand.id})
        assert r.status_code == 409 and r.json()["error"]["code"] == "playbook_exists"

    async def test_an_unknown_intent_on_a_conversation_is_refused(self, client, db):
        w = await build_world(client, db)
        r = await w.call("agent_a", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}",
                         json={"intent": "jackpot"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_intent"

    async def test_markup_in_a_step_is_stored_as_text(self, client, db):
        w = await build_world(client, db)
        r = await w.call("supervisor", "POST", "/api/v1/playbooks", json={
            **WITHDRAWAL, "brand_id": w.a.brand.id, "steps": [{"titles": {"en": "<script>alert(1)</script>"}}]})
        assert r.status_code == 201 and r.json()["steps"][0]["titles"]["en"] == "<script>alert(1)</script>"


class TestFollowing:
    async def test_the_intent_picks_the_playbook_shown_in_the_readers_language(self, client, db):
        w = await world_with_playbook(client, db)
        url = f"/api/v1/conversations/{w.a.conversation_id}/playbook"
        assert (await w.call("agent_a", "GET", url)).json()["playbook_id"] is None
        await set_intent(w, w.a.conversation_id, "withdrawal_status")
        r = await client.get(url, headers={**w.headers("agent_a"), "Accept-Language": "pl"})
        body = r.json()
        assert (body["playbook_id"], body["version"], body["picked"]) == (w.extra["playbook"]["id"], 1, False)
        assert body["title"] == "Opóźniona wypłata" and body["steps"][0]["title"] == "Zweryfikuj tożsamość"
        assert body["steps"][0]["help"] == "Ask for the date of birth and the last deposit."  # no Polish: English

    async def test_ticks_record_who_and_when_and_can_be_undone(self, client, db):
        w = await world_with_playbook(client, db)
        await set_intent(w, w.a.conversation_id, "withdrawal_status")
        r = await tick(w, w.a.conversation_id, 2)
        assert r.status_code == 200, r.text
        step = r.json()["steps"][1]
        assert step["ticked_by"] == w.users["agent_a"].id and step["ticked_at"]
        r = await tick(w, w.a.conversation_id, 2, done=False)
        assert all(s["ticked_by"] is None for s in r.json()["steps"])

    async def test_a_step_that_does_not_exist_or_no_playbook_is_refused(self, client, db):
        w = await world_with_playbook(client, db)
        r = await tick(w, w.a.conversation_id, 1)
        assert r.status_code == 409 and r.json()["error"]["code"] == "no_playbook"
        await set_intent(w, w.a.conversation_id, "withdrawal_status")
        r = await tick(w, w.a.conversation_id, 6)
        assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_step"
        assert await count(db, PlaybookRun) == 0

    async def test_an_agent_picks_another_playbook_then_returns_to_the_intents(self, client, db):
        w = await world_with_playbook(client, db)
        other = (await w.call("supervisor", "POST", "/api/v1/playbooks", json={
            "brand_id": w.a.brand.id, "intent": "complaint", "titles": {"en": "Complaint"},
            "steps": [{"titles": {"en": "Log the complaint"}, "mandatory": True}]})).json()
        await set_intent(w, w.a.conversation_id, "withdrawal_status")
        url = f"/api/v1/conversations/{w.a.conversation_id}/playbook"
        r = await w.call("agent_a", "PUT", url, json={"playbook_id": other["id"]})
        assert (r.json()["playbook_id"], r.json()["picked"]) == (other["id"], True)
        r = await w.call("agent_a", "PUT", url, json={"playbook_id": None})
        assert (r.json()["playbook_id"], r.json()["picked"]) == (w.extra["playbook"]["id"], False)
        r = await w.call("agent_b", "PUT", f"/api/v1/conversations/{w.b.conversation_id}/playbook",
                         json={"playbook_id": other["id"]})
        assert r.status_code == 404  # brand A's playbook is not brand B's to pick

    async def test_a_run_keeps_the_version_it_started_on(self, client, db):
        w = await world_with_playbook(client, db)
        await set_intent(w, w.a.conversation_id, "withdrawal_status")
        await tick(w, w.a.conversation_id, 1)
        await w.call("supervisor", "PATCH", f"/api/v1/playbooks/{w.extra['playbook']['id']}",
                     json={"steps": [{"titles": {"en": "Only step"}, "mandatory": True}]})
        body = (await w.call("agent_a", "GET", f"/api/v1/conversations/{w.a.conversation_id}/playbook")).json()
        assert body["version"] == 1 and len(body["steps"]) == 5


class TestResolving:
    async def test_refused_while_mandatory_steps_are_unticked_in_the_callers_language(self, client, db):
        w = await world_with_playbook(client, db)
        await set_intent(w, w.a.conversation_id, "withdrawal_status")
        await tick(w, w.a.conversation_id, 1)
        r = await client.patch(f"/api/v1/conversations/{w.a.conversation_id}", json={"status": "resolved"},
                               headers={**w.headers("agent_a"), "Accept-Language": "pl"})
        assert r.status_code == 409, r.text
        error = r.json()["error"]
        assert error["code"] == "playbook_incomplete" and error["missing_steps"] == [2]
        assert "Sprawdź status KYC" in error["message"] and "Zweryfikuj" not in error["message"]
        assert "Tick the playbook" not in error["message"]  # translated
        async with db.transaction() as s:
            assert (await s.get(Conversation, w.a.conversation_id)).status == Status.open
        closing = await w.call("agent_a", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}",
                               json={"status": "closed"})
        assert closing.status_code == 409

    async def test_allowed_once_every_mandatory_step_is_ticked_and_the_outcome_kept(self, client, db):
        w = await world_with_playbook(client, db)
        await set_intent(w, w.a.conversation_id, "withdrawal_status")
        for step in (1, 2, 4):
            await tick(w, w.a.conversation_id, step)
        r = await resolve(w, w.a.conversation_id)
        assert r.status_code == 200 and r.json()["status"] == "resolved"
        async with db.transaction() as s:
            run = await s.scalar(select(PlaybookRun))
        assert (run.ended_by_id, run.steps_done, run.steps_total, run.mandatory_done, run.overridden) == \
            (w.users["agent_a"].id, 3, 5, True, False)
        r = await tick(w, w.a.conversation_id, 5)
        assert r.status_code == 409 and r.json()["error"]["code"] == "conversation_ended"

    async def test_an_agent_cannot_override_a_supervisor_can_and_it_is_audited(self, client, db):
        w = await world_with_playbook(client, db)
        await set_intent(w, w.a.conversation_id, "withdrawal_status")
        r = await resolve(w, w.a.conversation_id, playbook_override=True)
        assert r.status_code == 403 and "playbooks:supervise" in r.json()["error"]["message"]
        r = await resolve(w, w.a.conversation_id, "supervisor", playbook_override=True)
        assert r.status_code == 200 and r.json()["status"] == "resolved"
        async with db.transaction() as s:
            run = await s.scalar(select(PlaybookRun))
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "conversation.updated")
                                   .order_by(AuditEntry.id.desc()))
        assert (run.overridden, run.mandatory_done, run.steps_done) == (True, False, 0)
        assert entry.details["changes"] == {"status": "resolved", "playbook_id": w.extra["playbook"]["id"],
                                            "playbook_override": True}

    async def test_no_playbook_or_an_inactive_one_blocks_nothing(self, client, db):
        w = await world_with_playbook(client, db)
        assert (await resolve(w, w.b.conversation_id, "agent_b")).status_code == 200
        await w.call("supervisor", "PATCH", f"/api/v1/playbooks/{w.extra['playbook']['id']}",
                     json={"is_active": False})
        await set_intent(w, w.a.conversation_id, "withdrawal_status")
        assert (await resolve(w, w.a.conversation_id)).status_code == 200


class TestAdherence:
    async def test_figures_per_playbook_and_agent_match_what_happened(self, client, db):
        w = await world_with_playbook(client, db)
        w.users["agent_c"] = await make_user(db, "agent.c@example.test", Role.agent, [w.a.brand])
        w.tokens["agent_c"] = await api_token(db, w.users["agent_c"])
        rng = random.Random(7)
        expected: dict[str, list[tuple[int, bool, bool]]] = {"agent_a": [], "agent_c": [], "supervisor": []}
        for n in range(12):
            actor = ("agent_a", "agent_c", "supervisor")[n % 3]
            conversation = await conversation_from(db, w.a.channel, f"Where is my money? #{n}")
            await set_intent(w, conversation.id, "withdrawal_status", actor)
            ticked = {step for step in range(1, 6) if rng.random() < 0.6}
            if actor != "supervisor":
                ticked |= MANDATORY  # agents cannot resolve without them
            for step in sorted(ticked):
                assert (await tick(w, conversation.id, step, actor)).status_code == 200
            override = not MANDATORY <= ticked
            assert (await resolve(w, conversation.id, actor, playbook_override=override)).status_code == 200
            expected[actor].append((len(ticked), MANDATORY <= ticked, override))
        open_one = await conversation_from(db, w.a.channel, "Still waiting")  # not ended: not counted
        await set_intent(w, open_one.id, "withdrawal_status")
        await tick(w, open_one.id, 1)

        r = await w.call("supervisor", "GET", f"/api/v1/playbooks/adherence?brand_id={w.a.brand.id}")
        assert r.status_code == 200, r.text
        got = {line["agent_id"]: line for line in r.json()}
        assert set(got) == {w.users[a].id for a in expected}
        for actor, runs in expected.items():
            line = got[w.users[actor].id]
            assert line["playbook_id"] == w.extra["playbook"]["id"] and line["title"] == "Withdrawal delayed"
            assert line["conversations"] == len(runs)
            assert line["all_mandatory_done"] == pytest.approx(sum(done for _n, done, _o in runs) / len(runs))
            assert line["average_steps_done"] == pytest.approx(sum(n for n, _d, _o in runs) / len(runs))
            assert line["average_steps_total"] == 5 and line["overridden"] == sum(o for *_x, o in runs)
        assert got[w.users["agent_a"].id]["all_mandatory_done"] == 1.0

    async def test_only_supervisors_and_only_their_brands(self, client, db):
        w = await world_with_playbook(client, db)
        assert (await w.call("agent_a", "GET", "/api/v1/playbooks/adherence")).status_code == 403
        r = await w.call("supervisor", "GET", f"/api/v1/playbooks/adherence?brand_id={w.b.brand.id}")
        assert r.status_code == 404
        r = await w.call("supervisor", "GET", "/api/v1/playbooks/adherence?since=2026-05-02&until=2026-05-01")
        assert r.status_code == 400 and r.json()["error"]["code"] == "empty_period"
