"""Request limits, security headers and localized errors for every route."""

from __future__ import annotations

from sqlalchemy import func, select

from croupier.models import Message
from tests.factories import make_brand, widget_session


class TestBodyLimit:
    async def test_oversized_json_is_refused_with_413_and_not_stored(self, client, db, settings):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        body = b'{"body": "' + b"x" * (settings.max_json_bytes + 10) + b'"}'
        r = await client.post("/api/widget/v1/messages", content=body,
                              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        async with db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(Message)) == 0

    async def test_malformed_json_is_a_400_with_a_readable_message(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        r = await client.post("/api/widget/v1/messages", content=b'{"body": "hi",',
                              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert r.status_code == 400
        assert r.json()["error"] == {"code": "malformed_json", "message": "The request body is not valid JSON."}


class TestHeaders:
    async def test_every_response_says_nosniff(self, client):
        r = await client.get("/healthz")
        assert r.headers["x-content-type-options"] == "nosniff"

    async def test_widget_api_allows_cross_origin_calls_without_credentials(self, client, db):
        _brand, channel = await make_brand(db)
        r = await client.options("/api/widget/v1/sessions", headers={
            "Origin": "https://casino.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in r.headers

    async def test_every_api_method_is_allowed_cross_origin(self, client):
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            r = await client.options("/api/v1/brands/1/assistant", headers={
                "Origin": "https://ops.casino.example", "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "authorization, content-type"})
            assert r.status_code == 200, (method, r.text)
            assert method in r.headers["access-control-allow-methods"]


class TestLocalizedErrors:
    async def test_error_messages_follow_accept_language(self, client):
        r = await client.post("/api/widget/v1/sessions", json={"key": "wc_nope"},
                              headers={"Accept-Language": "ru-RU,ru;q=0.9"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_widget_key"
        english = (await client.post("/api/widget/v1/sessions", json={"key": "wc_nope"})).json()
        assert r.json()["error"]["message"] != english["error"]["message"]
