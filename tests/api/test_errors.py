"""Bad requests get a precise status and a readable message, and change nothing already stored."""

from __future__ import annotations

import base64
from datetime import timedelta

from sqlalchemy import update

from croupier.kit.clock import utcnow
from croupier.kit.pagination import encode_cursor
from croupier.models import ApiToken, AuditEntry, Brand, Conversation, Message, User
from tests.api.world import bearer, build_world, count, row


async def _snapshot(w):
    return (await row(w.db, Conversation, w.a.conversation_id), await count(w.db, Message),
            await count(w.db, AuditEntry))


class TestMalformedBody:
    async def test_broken_json_is_400_and_changes_nothing(self, client, db):
        w = await build_world(client, db)
        before = await _snapshot(w)
        r = await client.patch(f"/api/v1/conversations/{w.a.conversation_id}", headers={
            **w.headers("agent_a"), "Content-Type": "application/json"}, content=b'{"priority": "high"')
        assert r.status_code == 400
        assert r.json()["error"] == {"code": "malformed_json", "message": "The request body is not valid JSON."}
        assert await _snapshot(w) == before

    async def test_text_on_a_json_route_is_415_naming_both_types(self, client, db):
        w = await build_world(client, db)
        before = await _snapshot(w)
        r = await client.post(f"/api/v1/conversations/{w.a.conversation_id}/messages", content=b"hello",
                              headers={**w.headers("agent_a"), "Content-Type": "text/plain; charset=utf-8"})
        assert r.status_code == 415
        assert r.json()["error"]["code"] == "unsupported_media_type"
        assert r.json()["error"]["message"] == "This address accepts application/json, not text/plain."
        assert await _snapshot(w) == before

    async def test_a_body_without_content_type_is_415(self, client, db):
        w = await build_world(client, db)
        before = await _snapshot(w)
        r = await client.post(f"/api/v1/conversations/{w.a.conversation_id}/messages", content=b'{"body": "x"}',
                              headers=w.headers("agent_a"))
        assert r.status_code == 415 and "application/json" in r.json()["error"]["message"]
        assert await _snapshot(w) == before

    async def test_json_on_the_upload_route_is_415(self, client, db):
        w = await build_world(client, db)
        before = await _snapshot(w)
        r = await client.post(f"/api/v1/conversations/{w.a.conversation_id}/attachments", json={"body": "x"},
                              headers=w.headers("agent_a"))
        assert r.status_code == 415
        assert r.json()["error"]["message"] == "This address accepts multipart/form-data, not application/json."
        assert await _snapshot(w) == before

    async def test_vendor_json_media_type_is_accepted(self, client, db):
        w = await build_world(client, db)
        r = await client.post(f"/api/v1/conversations/{w.a.conversation_id}/messages", content=b'{"body": "ok"}',
                              headers={**w.headers("agent_a"), "Content-Type": "application/merge-patch+json"})
        assert r.status_code == 201

    async def test_oversized_json_is_413(self, client, db, settings):
        w = await build_world(client, db)
        before = await _snapshot(w)
        r = await client.post(f"/api/v1/conversations/{w.a.conversation_id}/messages", headers=w.headers("agent_a"),
                              json={"body": "x" * (settings.max_json_bytes + 10)})
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        assert await _snapshot(w) == before

    async def test_oversized_upload_is_413_and_nothing_is_written(self, client, db, settings):
        w = await build_world(client, db)
        before = await _snapshot(w)
        stored = sorted(p.name for p in settings.attachments_dir.rglob("*"))
        r = await client.post(f"/api/v1/conversations/{w.a.conversation_id}/attachments", headers=w.headers("agent_a"),
                              files={"file": ("big.txt", b"a" * (settings.attachment_max_bytes + 100_000))})
        assert r.status_code == 413
        assert await _snapshot(w) == before
        assert sorted(p.name for p in settings.attachments_dir.rglob("*")) == stored


class TestInvalidFields:
    async def test_422_lists_every_invalid_field(self, client, db):
        w = await build_world(client, db)
        tokens = await count(db, ApiToken)
        r = await w.call("agent_a", "POST", "/api/v1/tokens",
                         json={"name": "", "scopes": "all", "expires_in_days": 0, "colour": "red"})
        assert r.status_code == 422
        error = r.json()["error"]
        assert error["code"] == "invalid_payload"
        assert {f["field"] for f in error["fields"]} == {"name", "scopes", "expires_in_days", "colour"}
        assert "expires_in_days" in error["message"]
        assert await count(db, ApiToken) == tokens

    async def test_unknown_enum_values_are_422(self, client, db):
        w = await build_world(client, db)
        before = await _snapshot(w)
        r = await w.call("agent_a", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}",
                         json={"priority": "extreme", "status": "gone"})
        assert r.status_code == 422
        assert {f["field"] for f in r.json()["error"]["fields"]} == {"priority", "status"}
        assert await _snapshot(w) == before

    async def test_null_for_a_required_brand_field_is_422_not_a_crash(self, client, db):
        w = await build_world(client, db)
        before = await row(db, Brand, w.a.brand.id)
        r = await w.call("admin", "PATCH", f"/api/v1/brands/{w.a.brand.id}", json={"name": None})
        assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "name"
        assert await row(db, Brand, w.a.brand.id) == before

    async def test_bad_query_parameters_are_422(self, client, db):
        w = await build_world(client, db)
        r = await w.call("agent_a", "GET", "/api/v1/conversations?limit=0&status=nope")
        assert r.status_code == 422
        assert {f["field"] for f in r.json()["error"]["fields"]} == {"query.limit", "query.status.0"}

    async def test_a_forged_cursor_is_400(self, client, db):
        w = await build_world(client, db)
        for path in ("/api/v1/conversations", "/api/v1/players", "/api/v1/audit"):
            r = await w.call("admin", "GET", f"{path}?cursor=bm90LWEtY3Vyc29y")
            assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_cursor", path

    async def test_ids_beyond_64_bits_are_422_not_a_crash(self, client, db):
        w = await build_world(client, db)
        before = await _snapshot(w)
        huge = 2**63
        for method, path, payload in (
                ("GET", f"/api/v1/conversations/{huge}", None),
                ("GET", f"/api/v1/players?brand_id={huge}", None),
                ("PATCH", f"/api/v1/conversations/{w.a.conversation_id}", {"assignee_id": huge}),
                ("POST", f"/api/v1/players/{w.a.player_id}/merge", {"into": huge}),
                ("PATCH", f"/api/v1/users/{w.users['agent_a'].id}", {"brand_ids": [huge]})):
            r = await w.call("admin", method, path, json=payload)
            assert r.status_code == 422, (path, r.text)
            assert "9223372036854775807" in r.json()["error"]["message"]
        assert await _snapshot(w) == before

    async def test_a_snooze_time_without_zone_is_422(self, client, db):
        w = await build_world(client, db)
        before = await _snapshot(w)
        r = await w.call("agent_a", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}",
                         json={"status": "snoozed", "snoozed_until": "2030-01-01T09:00:00"})
        assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "snoozed_until"
        assert await _snapshot(w) == before

    async def test_cursors_with_out_of_range_values_are_400(self, client, db):
        w = await build_world(client, db)
        beyond = base64.urlsafe_b64encode(f"[{2**64}]".encode()).decode()
        for path, cursor in (("/api/v1/players", beyond),
                             ("/api/v1/conversations", encode_cursor("2026-01-01T00:00:00", 5)),
                             ("/api/v1/conversations", encode_cursor("yesterday", 5))):
            r = await w.call("admin", "GET", f"{path}?cursor={cursor}")
            assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_cursor", (path, cursor)

    async def test_a_non_numeric_id_is_422(self, client, db):
        w = await build_world(client, db)
        r = await w.call("agent_a", "GET", "/api/v1/conversations/abc")
        assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "path.conversation_id"


class TestUnknownIds:
    async def test_unknown_conversation_is_404_with_its_id(self, client, db):
        w = await build_world(client, db)
        r = await w.call("admin", "GET", "/api/v1/conversations/999999")
        assert r.status_code == 404
        assert r.json()["error"] == {"code": "not_found", "message": "There is no conversation 999999.",
                                     "id": 999999}

    async def test_patching_an_unknown_brand_is_404_and_changes_nothing(self, client, db):
        w = await build_world(client, db)
        before = await row(db, Brand, w.a.brand.id)
        audit = await count(db, AuditEntry)
        r = await w.call("admin", "PATCH", "/api/v1/brands/424242", json={"name": "Ghost"})
        assert r.status_code == 404 and r.json()["error"]["message"] == "There is no brand 424242."
        assert await row(db, Brand, w.a.brand.id) == before and await count(db, AuditEntry) == audit

    async def test_unknown_path_under_the_api_is_404_json(self, client, db):
        r = await client.get("/api/v1/nothing-here")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


class TestTokens:
    async def _refused(self, w, headers, code):
        before = await _snapshot(w)
        r = await w.client.post(f"/api/v1/conversations/{w.a.conversation_id}/messages", headers=headers,
                                json={"body": "should not be stored"})
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == code and r.headers["www-authenticate"] == "Bearer"
        assert await _snapshot(w) == before

    async def test_missing_token(self, client, db):
        w = await build_world(client, db)
        await self._refused(w, {}, "token_missing")

    async def test_wrong_scheme(self, client, db):
        w = await build_world(client, db)
        await self._refused(w, {"Authorization": f"Basic {w.tokens['agent_a']}"}, "token_missing")

    async def test_garbage_and_forged_tokens(self, client, db):
        w = await build_world(client, db)
        await self._refused(w, bearer("not-a-token"), "token_invalid")
        prefix = w.tokens["agent_a"].split("_")[1]
        await self._refused(w, bearer(f"crp_{prefix}_forgedsecret"), "token_invalid")

    async def test_expired_token(self, client, db):
        w = await build_world(client, db)
        async with db.transaction() as s:
            await s.execute(update(ApiToken).where(ApiToken.prefix == w.tokens["agent_a"].split("_")[1])
                            .values(expires_at=utcnow() - timedelta(minutes=1)))
        await self._refused(w, w.headers("agent_a"), "token_invalid")

    async def test_revoked_token(self, client, db):
        w = await build_world(client, db)
        listed = await w.call("agent_a", "GET", "/api/v1/tokens")
        revoked = await w.call("agent_a", "DELETE", f"/api/v1/tokens/{listed.json()[0]['id']}")
        assert revoked.status_code == 200
        await self._refused(w, w.headers("agent_a"), "token_invalid")

    async def test_token_of_a_deactivated_user(self, client, db):
        w = await build_world(client, db)
        async with db.transaction() as s:
            await s.execute(update(User).where(User.id == w.users["agent_a"].id).values(is_active=False))
        await self._refused(w, w.headers("agent_a"), "token_invalid")


class TestScope:
    async def test_another_brands_conversation_is_404_and_untouched(self, client, db):
        w = await build_world(client, db)
        before = await _snapshot(w)
        r = await w.call("agent_b", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}", json={"status": "closed"})
        assert r.status_code == 404
        assert r.json()["error"]["message"] == f"There is no conversation {w.a.conversation_id}."
        assert await _snapshot(w) == before

    async def test_missing_scope_is_403_naming_it(self, client, db):
        w = await build_world(client, db)
        before = await _snapshot(w)
        r = await w.call("readonly", "POST", f"/api/v1/conversations/{w.a.conversation_id}/messages",
                         json={"body": "hi"})
        assert r.status_code == 403
        assert r.json()["error"] == {"code": "forbidden", "scope": "conversations:write",
                                     "message": "You do not have permission to do this (conversations:write)."}
        assert await _snapshot(w) == before

    async def test_missing_role_is_403_and_no_brand_is_created(self, client, db):
        w = await build_world(client, db)
        brands = await count(db, Brand)
        r = await w.call("supervisor", "POST", "/api/v1/brands", json={"slug": "rogue", "name": "Rogue"})
        assert r.status_code == 403 and await count(db, Brand) == brands

    async def test_upload_refused_for_scope_writes_no_file(self, client, db, settings):
        w = await build_world(client, db)
        stored = sorted(p.name for p in settings.attachments_dir.rglob("*"))
        for actor, status in (("readonly", 403), ("agent_b", 404)):
            r = await w.call(actor, "POST", f"/api/v1/conversations/{w.a.conversation_id}/attachments",
                             files={"file": ("x.txt", b"secret plans")})
            assert r.status_code == status
        assert sorted(p.name for p in settings.attachments_dir.rglob("*")) == stored
