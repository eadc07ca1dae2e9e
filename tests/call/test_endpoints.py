"""The call log over the API: agents log calls on conversations they may change (E.164, audited); reading
and writing follow the conversation's brand scope and the token's scopes; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from croupier.kit.clock import utcnow
from croupier.models import AuditEntry, CallLog
from tests.api.world import build_world, count

CALL = {"direction": "outbound", "outcome": "answered", "started_at": "2026-11-20T09:15:00+01:00",
        "duration_s": 330, "phone_number": "+48 601-234-567", "notes": "Explained the withdrawal delay."}


class TestLog:
    async def test_an_agent_logs_a_call_and_reads_it_back(self, client, db):
        w = await build_world(client, db)
        url = f"/api/v1/conversations/{w.a.conversation_id}/calls"
        r = await w.call("agent_a", "POST", url, json=CALL)
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["phone_number"] == "+48601234567" and body["started_at"] == "2026-11-20T08:15:00Z"
        assert body["agent_id"] == w.users["agent_a"].id and body["agent_name"] == "Agent.A"
        assert (body["direction"], body["outcome"], body["duration_s"]) == ("outbound", "answered", 330)
        listed = await w.call("agent_a", "GET", url)
        assert listed.status_code == 200 and [c["id"] for c in listed.json()] == [body["id"]]
        async with db.transaction() as s:
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "conversation.call_logged"))
        assert entry.target_id == str(w.a.conversation_id) and entry.actor_user_id == w.users["agent_a"].id
        assert entry.details == {"call_id": body["id"], "direction": "outbound", "outcome": "answered"}

    async def test_latest_call_first_and_start_defaults_to_now(self, client, db):
        w = await build_world(client, db)
        url = f"/api/v1/conversations/{w.a.conversation_id}/calls"
        first = await w.call("agent_a", "POST", url, json={**CALL, "outcome": "no_answer", "duration_s": 0})
        second = await w.call("agent_a", "POST", url, json={"direction": "outbound", "outcome": "busy"})
        assert second.status_code == 201 and second.json()["phone_number"] is None
        listed = [c["id"] for c in (await w.call("admin", "GET", url)).json()]
        assert listed == [second.json()["id"], first.json()["id"]]


class TestScope:
    async def test_another_brands_conversation_is_not_found_either_way(self, client, db):
        w = await build_world(client, db)
        url = f"/api/v1/conversations/{w.b.conversation_id}/calls"
        assert (await w.call("agent_a", "GET", url)).status_code == 404
        assert (await w.call("agent_a", "POST", url, json=CALL)).status_code == 404
        assert await count(db, CallLog) == 0

    async def test_a_read_only_token_may_read_but_not_log(self, client, db):
        w = await build_world(client, db)
        url = f"/api/v1/conversations/{w.a.conversation_id}/calls"
        assert (await w.call("readonly", "GET", url)).status_code == 200
        r = await w.call("readonly", "POST", url, json=CALL)
        assert r.status_code == 403 and "conversations:write" in r.json()["error"]["message"]
        assert await count(db, CallLog) == 0


class TestBadInput:
    @pytest.mark.parametrize("change,status,code", [
        ({"phone_number": "12"}, 400, "invalid_phone_number"),
        ({"phone_number": "601 234 567"}, 400, "invalid_phone_number"),  # English conversation: no region
        ({"outcome": "hung_up"}, 422, "invalid_payload"),
        ({"direction": "sideways"}, 422, "invalid_payload"),
        ({"duration_s": -1}, 422, "invalid_payload"),
        ({"started_at": "2026-11-20T09:15:00"}, 422, "invalid_payload"),  # no time zone
        ({"recording_url": "javascript:alert(1)"}, 422, "invalid_payload"),
        ({"agent_id": 1}, 422, "invalid_payload"),
    ])
    async def test_is_refused_with_a_clear_message_and_nothing_is_logged(self, client, db, change, status, code):
        w = await build_world(client, db)
        r = await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/calls",
                         json={**CALL, **change})
        assert r.status_code == status and r.json()["error"]["code"] == code, r.text
        assert r.json()["error"]["message"]
        assert await count(db, CallLog) == 0

    async def test_a_call_in_the_future_is_refused(self, client, db):
        w = await build_world(client, db)
        later = (utcnow() + timedelta(hours=2)).isoformat()
        r = await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/calls",
                         json={**CALL, "started_at": later})
        assert r.status_code == 400 and r.json()["error"]["message"] == "A call cannot start in the future."
        assert await count(db, CallLog) == 0

    async def test_a_national_number_is_read_in_the_conversations_language(self, client, db):
        w = await build_world(client, db)
        async with db.transaction() as s:
            from croupier.models import Conversation

            (await s.get(Conversation, w.a.conversation_id)).language = "pl"
        r = await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/calls",
                         json={**CALL, "phone_number": "601 234 567"})
        assert r.status_code == 201 and r.json()["phone_number"] == "+48601234567"
