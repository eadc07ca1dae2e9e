"""The console session: cookie attributes, expiry, CSRF on every change, security headers."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update

from croupier.config import get_settings
from croupier.kit.clock import utcnow
from croupier.models import Message, Role, StaffSession
from tests.console.flows import HTMX, hidden, login
from tests.factories import PASSWORD, console_session, make_brand, make_user, player_says, widget_session


class TestCookie:
    async def test_session_cookie_is_httponly_lax_and_scoped_to_the_console(self, client, db):
        brand, _ = await make_brand(db)
        await make_user(db, "agent@lucky.test", Role.agent, [brand])
        r = await login(client, "agent@lucky.test", PASSWORD)
        cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("croupier_session="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/console" in cookie
        assert "Secure" not in cookie

    async def test_cookie_is_secure_in_production(self, app, db, monkeypatch):
        brand, _ = await make_brand(db)
        await make_user(db, "agent@lucky.test", Role.agent, [brand])
        monkeypatch.setenv("CROUPIER_ENVIRONMENT", "production")
        get_settings.cache_clear()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver",
                                     headers={"accept": "text/html"}) as client:
            r = await login(client, "agent@lucky.test", PASSWORD)
        cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("croupier_session="))
        assert "Secure" in cookie

    async def test_pages_carry_a_strict_content_security_policy(self, client, db):
        r = await client.get("/console/login")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "<script>" not in r.text and "style=" not in r.text


class TestExpiry:
    async def _expire(self, db) -> None:
        async with db.transaction() as s:
            await s.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(days=1)))

    async def test_expired_session_redirects_to_login_with_a_notice(self, client, db):
        brand, _ = await make_brand(db)
        agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
        await console_session(client, db, agent)
        assert (await client.get("/console/inbox")).status_code == 200
        await self._expire(db)
        r = await client.get("/console/inbox")
        assert r.status_code == 303 and r.headers["location"] == "/console/login?expired=1"
        assert 'croupier_session=""' in r.headers["set-cookie"]
        page = await client.get(r.headers["location"])
        assert "Your session has expired" in page.text

    async def test_htmx_requests_get_a_redirect_header(self, client, db):
        brand, _ = await make_brand(db)
        agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
        await console_session(client, db, agent)
        await self._expire(db)
        r = await client.get("/console/inbox/list", headers=HTMX)
        assert r.status_code == 401 and r.headers["hx-redirect"] == "/console/login?expired=1"

    async def test_no_cookie_goes_to_login_without_the_notice(self, client, db):
        r = await client.get("/console/inbox")
        assert r.status_code == 303 and r.headers["location"] == "/console/login"

    async def test_api_clients_get_json_not_a_redirect(self, client, db):
        r = await client.get("/console/inbox", headers={"accept": "application/json"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "sign_in_required"


class TestCsrf:
    @pytest.fixture
    async def setup(self, client, db):
        brand, channel = await make_brand(db)
        agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
        token = await widget_session(client, channel)
        sent = await player_says(client, token, "Where is my withdrawal?")
        csrf = await console_session(client, db, agent)
        return sent["conversation_id"], csrf

    async def _messages(self, db) -> int:
        async with db.transaction() as s:
            return await s.scalar(select(func.count()).select_from(Message))

    async def test_post_without_token_is_refused_and_changes_nothing(self, client, db, setup):
        conversation_id, _csrf = setup
        r = await client.post(f"/console/conversations/{conversation_id}/reply", data={"body": "hi"})
        assert r.status_code == 403 and "did not come from the console" in r.text
        assert await self._messages(db) == 1

    async def test_wrong_token_is_refused(self, client, db, setup):
        conversation_id, _csrf = setup
        r = await client.post(f"/console/conversations/{conversation_id}/reply",
                              data={"body": "hi", "csrf_token": "forged"}, headers=HTMX)
        assert r.status_code == 403 and 'role="alert"' in r.text
        assert await self._messages(db) == 1

    async def test_header_token_is_accepted(self, client, db, setup):
        conversation_id, csrf = setup
        r = await client.post(f"/console/conversations/{conversation_id}/reply", data={"body": "hi"},
                              headers={**HTMX, "X-CSRF-Token": csrf})
        assert r.status_code == 200
        assert await self._messages(db) == 2

    async def test_form_field_token_is_accepted(self, client, db, setup):
        conversation_id, csrf = setup
        page = await client.get(f"/console/conversations/{conversation_id}")
        assert hidden(page.text, "csrf_token") == csrf
        r = await client.post(f"/console/conversations/{conversation_id}/reply", data={"body": "hi", "csrf_token": csrf})
        assert r.status_code == 303 and r.headers["location"] == f"/console/conversations/{conversation_id}"
        assert await self._messages(db) == 2

    async def test_logout_needs_the_token_too(self, client, db, setup):
        r = await client.post("/console/logout")
        assert r.status_code == 403
        assert (await client.get("/console/inbox")).status_code == 200


class TestStaticFiles:
    async def test_pages_link_static_files_by_content_digest_and_they_are_cached(self, client, db):
        page = await client.get("/console/login")
        for name, kind in (("console.css", "text/css"), ("console.js", "javascript"),
                           ("vendor/htmx-2.0.11.min.js", "javascript")):
            url = re.search(rf'"(/console/static/{re.escape(name)}\?v=[0-9a-f]{{12}})"', page.text).group(1)
            r = await client.get(url)
            assert r.status_code == 200 and kind in r.headers["content-type"]
            assert "immutable" in r.headers["cache-control"]

    async def test_only_shipped_files_are_served(self, client, db):
        for path in ("/console/static/nope.js", "/console/static/../templates/layout/base.html",
                     "/console/static/%2e%2e/rendering.py"):
            assert (await client.get(path)).status_code == 404

    async def test_console_root_opens_the_inbox(self, client, db):
        r = await client.get("/console")
        assert r.status_code == 303 and r.headers["location"] == "/console/inbox"
