"""The command line: migrate and create-admin against a real database."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from croupier.models import AuditEntry, Role, User


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "croupier.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


class TestCreateAdmin:
    async def test_creates_an_admin_with_an_argon2id_hash_and_audits_it(self, settings_env, db):
        run = _cli(settings_env, "create-admin", "--email", "Boss@Casino.test", "--name", "Boss",
                   "--password", "velvet roulette sunrise 1987")
        assert run.returncode == 0, run.stderr
        async with db.transaction() as s:
            user = await s.scalar(select(User).where(User.email == "boss@casino.test"))
            assert user.role == Role.admin and user.password_hash.startswith("$argon2id$")
            assert await s.scalar(select(AuditEntry.action).where(AuditEntry.target_id == str(user.id))) \
                == "user.created"

    async def test_a_common_password_is_refused_and_nothing_is_created(self, settings_env, db):
        run = _cli(settings_env, "create-admin", "--email", "boss@casino.test", "--password", "password123456")
        assert run.returncode == 1 and "too common" in run.stderr
        async with db.transaction() as s:
            assert await s.scalar(select(User.id)) is None


class TestMigrate:
    def test_migrate_is_idempotent(self, settings_env):
        assert _cli(settings_env, "migrate").returncode == 0
        again = _cli(settings_env, "migrate")
        assert again.returncode == 0 and "up to date" in again.stdout
