"""Signing in: password, lockout, second factor, enrolment, recovery codes, logout."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import func, select

from croupier.auth.service import auth_service
from croupier.models import AuditEntry, RecoveryCode, Role, StaffSession, User
from tests.console.flows import hidden, login, session_cookie, submit_code
from tests.factories import PASSWORD, make_brand, make_user, totp_now


async def _user(db, user_id: int) -> User:
    async with db.transaction() as s:
        return await s.get(User, user_id)


async def _actions(db) -> list[str]:
    async with db.transaction() as s:
        return list(await s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


class TestPassword:
    async def test_agent_without_2fa_lands_in_the_inbox(self, client, db):
        brand, _ = await make_brand(db)
        await make_user(db, "agent@lucky.test", Role.agent, [brand])
        r = await login(client, "agent@lucky.test", PASSWORD)
        assert r.status_code == 303 and r.headers["location"] == "/console/inbox"
        inbox = await client.get("/console/inbox")
        assert inbox.status_code == 200 and 'id="conversation-list"' in inbox.text
        assert "auth.login" in await _actions(db)

    async def test_wrong_password_is_refused_and_counted(self, client, db):
        brand, _ = await make_brand(db)
        user = await make_user(db, "agent@lucky.test", Role.agent, [brand])
        r = await login(client, "agent@lucky.test", "not the password at all")
        assert r.status_code == 401
        assert "The e-mail or password is wrong." in r.text
        assert session_cookie(client) is None
        assert (await _user(db, user.id)).failed_logins == 1
        assert (await client.get("/console/inbox")).status_code == 303

    async def test_unknown_email_gets_the_same_answer(self, client, db):
        r = await login(client, "nobody@lucky.test", PASSWORD)
        assert r.status_code == 401 and "The e-mail or password is wrong." in r.text

    async def test_five_failures_lock_the_account_even_for_the_right_password(self, client, db):
        brand, _ = await make_brand(db)
        user = await make_user(db, "agent@lucky.test", Role.agent, [brand])
        statuses = [(await login(client, user.email, f"wrong password {i}")).status_code for i in range(5)]
        assert statuses == [401, 401, 401, 401, 403]
        r = await login(client, user.email, PASSWORD)
        assert r.status_code == 403 and "locked" in r.text
        assert session_cookie(client) is None
        assert (await _user(db, user.id)).locked_until is not None
        assert "auth.account_locked" in await _actions(db)

    async def test_login_form_without_its_token_is_refused(self, client, db):
        brand, _ = await make_brand(db)
        await make_user(db, "agent@lucky.test", Role.agent, [brand])
        r = await client.post("/console/login", data={"email": "agent@lucky.test", "password": PASSWORD})
        assert r.status_code == 403 and "The login form has expired" in r.text
        assert session_cookie(client) is None

    async def test_too_many_attempts_are_rate_limited(self, client, db, monkeypatch):
        from croupier.config import get_settings

        monkeypatch.setenv("CROUPIER_LOGIN_RATE_LIMIT", "3/minute")
        get_settings.cache_clear()
        codes = [(await login(client, "x@lucky.test", "wrong password x")).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]

    async def test_next_address_is_kept_but_never_leaves_the_console(self, client, db):
        brand, _ = await make_brand(db)
        await make_user(db, "agent@lucky.test", Role.agent, [brand])
        r = await client.get("/console/inbox?status=pending")
        assert r.status_code == 303 and r.headers["location"].startswith("/console/login?next=")
        ok = await login(client, "agent@lucky.test", PASSWORD, next="/console/inbox?status=pending")
        assert ok.headers["location"] == "/console/inbox?status=pending"
        client.cookies.clear()
        evil = await login(client, "agent@lucky.test", PASSWORD, next="https://evil.test/console/x")
        assert evil.headers["location"] == "/console/inbox"


class TestSecondFactor:
    async def test_totp_user_must_enter_a_code(self, client, db):
        brand, _ = await make_brand(db)
        user = await make_user(db, "agent@lucky.test", Role.agent, [brand], totp=True)
        r = await login(client, user.email, PASSWORD)
        assert r.status_code == 303 and r.headers["location"] == "/console/login/code"
        assert (await client.get("/console/inbox")).headers["location"] == "/console/login/code"
        ok = await submit_code(client, totp_now(user))
        assert ok.status_code == 303 and ok.headers["location"] == "/console/inbox"
        assert (await client.get("/console/inbox")).status_code == 200

    async def test_wrong_code_is_refused(self, client, db):
        brand, _ = await make_brand(db)
        user = await make_user(db, "agent@lucky.test", Role.agent, [brand], totp=True)
        await login(client, user.email, PASSWORD)
        r = await submit_code(client, "000000" if totp_now(user) != "000000" else "111111")
        assert r.status_code == 401 and "That code is not valid" in r.text
        assert (await client.get("/console/inbox")).status_code == 303

    async def test_a_used_totp_code_cannot_be_replayed(self, client, db, app):
        import httpx

        brand, _ = await make_brand(db)
        user = await make_user(db, "agent@lucky.test", Role.agent, [brand], totp=True)
        code = totp_now(user)
        await login(client, user.email, PASSWORD)
        assert (await submit_code(client, code)).status_code == 303
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                                     headers={"accept": "text/html"}) as other:
            await login(other, user.email, PASSWORD)
            replay = await submit_code(other, code)
            assert replay.status_code == 401
            assert (await other.get("/console/inbox")).status_code == 303

    async def test_recovery_code_works_once(self, client, db, app):
        import httpx

        brand, _ = await make_brand(db)
        user = await make_user(db, "agent@lucky.test", Role.agent, [brand], totp=True)
        async with db.transaction() as s:
            codes = await auth_service.regenerate_recovery_codes(s, await s.get(User, user.id))
        await login(client, user.email, PASSWORD)
        assert (await submit_code(client, codes[0].upper())).status_code == 303
        async with db.transaction() as s:
            unused = await s.scalar(select(func.count()).select_from(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))
        assert unused == len(codes) - 1
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                                     headers={"accept": "text/html"}) as other:
            await login(other, user.email, PASSWORD)
            assert (await submit_code(other, codes[0])).status_code == 401

    async def test_code_page_needs_the_session_csrf_token(self, client, db):
        brand, _ = await make_brand(db)
        user = await make_user(db, "agent@lucky.test", Role.agent, [brand], totp=True)
        await login(client, user.email, PASSWORD)
        r = await client.post("/console/login/code", data={"code": totp_now(user)})
        assert r.status_code == 403
        assert (await client.get("/console/inbox")).status_code == 303


class TestEnrolment:
    async def test_admin_must_enrol_before_anything_else(self, client, db):
        await make_user(db, "admin@lucky.test", Role.admin)
        r = await login(client, "admin@lucky.test", PASSWORD)
        assert r.status_code == 303 and r.headers["location"] == "/console/enrol"
        for path in ("/console/inbox", "/console/login/code"):
            assert (await client.get(path)).headers["location"] == "/console/enrol"

    async def test_enrolment_shows_the_qr_code_and_then_the_recovery_codes_once(self, client, db):
        admin = await make_user(db, "admin@lucky.test", Role.admin)
        await login(client, admin.email, PASSWORD)
        page = await client.get("/console/enrol")
        assert page.status_code == 200 and "<svg" in page.text
        secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")
        assert (await _user(db, admin.id)).totp_secret == secret
        csrf = hidden(page.text, "csrf_token")
        wrong = await client.post("/console/enrol", data={"code": "12345x", "csrf_token": csrf})
        assert wrong.status_code == 401 and not (await _user(db, admin.id)).totp_enabled
        done = await client.post("/console/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf})
        assert done.status_code == 200
        codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.text)
        assert len(codes) == 10
        assert (await _user(db, admin.id)).totp_enabled
        assert (await client.get("/console/inbox")).status_code == 200
        again = await client.get("/console/enrol")
        assert again.status_code == 303 and codes[0] not in again.text
        assert "auth.mfa_enrolled" in await _actions(db)

    async def test_brand_requiring_2fa_sends_its_agents_to_enrol(self, client, db):
        brand, _ = await make_brand(db, require_2fa=True)
        await make_user(db, "agent@lucky.test", Role.agent, [brand])
        r = await login(client, "agent@lucky.test", PASSWORD)
        assert r.headers["location"] == "/console/enrol"
        assert (await client.get("/console/inbox")).headers["location"] == "/console/enrol"


class TestLogout:
    async def test_logout_ends_the_session(self, client, db):
        brand, _ = await make_brand(db)
        await make_user(db, "agent@lucky.test", Role.agent, [brand])
        await login(client, "agent@lucky.test", PASSWORD)
        cookie = session_cookie(client)
        inbox = await client.get("/console/inbox")
        r = await client.post("/console/logout", data={"csrf_token": hidden(inbox.text, "csrf_token")})
        assert r.status_code == 303 and r.headers["location"] == "/console/login?logged_out=1"
        async with db.transaction() as s:
            revoked = await s.scalar(select(func.count()).select_from(StaffSession).where(
                StaffSession.revoked_at.is_not(None)))
        assert revoked == 1
        client.cookies.set("croupier_session", cookie, path="/console")
        assert (await client.get("/console/inbox")).status_code == 303
