"""`croupier demo`'s seed: two brands, teams, staff, about forty conversations; running it twice changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pyotp
from sqlalchemy import func, select

from croupier.auth.service import auth_service
from croupier.demo.cast import DEMO_PASSWORD, STAFF
from croupier.demo.dialogues import ALL
from croupier.demo.seed import print_logins, seed
from croupier.models import Brand, Conversation, Message, Player, Role, Status, Team, User
from tests.factories import make_user


async def _count(db, model) -> int:
    async with db.transaction() as s:
        return await s.scalar(select(func.count()).select_from(model))


class TestSeed:
    async def test_builds_the_demo_once_however_often_it_runs(self, settings, db):
        logins = await seed(settings)
        counts = [await _count(db, m) for m in (Brand, Team, User, Player, Conversation, Message)]
        again = await seed(settings)
        assert [await _count(db, m) for m in (Brand, Team, User, Player, Conversation, Message)] == counts
        assert again == logins
        async with db.transaction() as s:
            brands = {b.slug: b for b in await s.scalars(select(Brand))}
            teams = set(await s.scalars(select(Team.name)))
            conversations = list(await s.scalars(select(Conversation)))
            notes = await s.scalar(select(func.count()).where(Message.is_private.is_(True)))
        assert (brands["lucky-star"].name, brands["lucky-star"].default_locale) == ("Lucky Star Casino", "en")
        assert sorted(brands["lucky-star"].locales) == ["az", "en", "fi", "pl", "ru"]
        assert (brands["nordic-spins"].locales, brands["nordic-spins"].default_locale) == (["fi", "en", "ru", "pl", "az"], "fi")
        assert teams == {"Payments", "VIP", "Responsible gambling", "Security", "Complaints"}
        assert len(conversations) == len(ALL) >= 38 and notes >= 10
        assert {c.language for c in conversations} == {"en", "ru", "pl", "az", "fi"}
        assert {c.status for c in conversations} == set(Status)
        assert all(c.last_message_at >= c.created_at for c in conversations)
        assert len({c.created_at for c in conversations}) == len(conversations)  # spread over time

    async def test_the_staff_can_log_in_and_only_the_admin_has_2fa(self, settings, db):
        logins = {login.email: login for login in await seed(settings)}
        assert {spec.role for spec in STAFF} == set(Role) and len(logins) == len(STAFF)
        assert {login.role for login in logins.values() if login.totp_secret} == {"admin"}
        admin = next(login for login in logins.values() if login.role == "admin")
        assert admin.otpauth_uri.startswith("otpauth://totp/") and admin.totp_secret in admin.otpauth_uri
        async with db.transaction() as s:
            for email in (admin.email, "emma@croupier.demo"):
                outcome = await auth_service.login(s, email, DEMO_PASSWORD, ip="127.0.0.1", user_agent="test")
                assert outcome.error is None, email
                assert outcome.staff_session.mfa_passed is (email != admin.email)
            agents = list(await s.scalars(select(User).where(User.role == Role.agent)))
        assert len(agents) >= 4 and len({a.locale for a in agents}) >= 4

    async def test_signed_players_are_linked_and_the_demo_player_has_history(self, settings, db):
        await seed(settings)
        async with db.transaction() as s:
            anna = await s.scalar(select(Player).where(Player.external_id == "LS-20417"))
            convs = await s.scalar(select(func.count()).where(Conversation.player_id == anna.id))
            signed = await s.scalar(select(func.count()).where(Player.external_id.is_not(None)))
        assert anna.display_name == "Anna Kowalska" and convs == 2 and signed >= 25

    async def test_the_printout_has_every_login_and_address(self, settings, capsys):
        logins = await seed(settings)
        print_logins(logins, "http://127.0.0.1:8000")
        out = capsys.readouterr().out
        for text in ("http://127.0.0.1:8000/console", "http://127.0.0.1:8000/demo/lucky-star",
                     "http://127.0.0.1:8000/demo/nordic-spins", DEMO_PASSWORD, "otpauth://totp/",
                     "croupier totp-code admin@croupier.demo", *(login.email for login in logins)):
            assert text in out, text
        assert next(login.totp_secret for login in logins if login.totp_secret) in out


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "croupier.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


class TestTotpCode:
    async def test_prints_the_current_code_of_the_demo_admin(self, settings_env, settings, db):
        await seed(settings)
        async with db.transaction() as s:
            secret = await s.scalar(select(User.totp_secret).where(User.email == "admin@croupier.demo"))
        run = _cli(settings_env, "totp-code", "admin@croupier.demo")
        assert run.returncode == 0, run.stderr
        assert pyotp.TOTP(secret).verify(run.stdout.strip(), valid_window=1)

    async def test_refuses_accounts_that_are_not_demo_accounts_with_2fa(self, settings_env, settings, db):
        await seed(settings)
        await make_user(db, "boss@casino.test", Role.admin, totp=True)
        for email in ("boss@casino.test", "emma@croupier.demo"):
            run = _cli(settings_env, "totp-code", email)
            assert run.returncode == 1 and "not a demo account" in run.stderr and run.stdout == ""
