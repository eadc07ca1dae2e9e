"""Test fixtures: a fresh database per test (SQLite by default; PostgreSQL with CROUPIER_TEST_DB=postgres,
on a cluster the suite starts itself), the app with its lifespan, and an HTTP client."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from croupier.config import get_settings
from tests.servers import create_database, postgres_cluster, redis_server

BACKEND = os.environ.get("CROUPIER_TEST_DB", "sqlite")
_counter = itertools.count()


def pytest_report_header(config: pytest.Config) -> str:
    return f"croupier database backend: {BACKEND}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str | None]:
    if BACKEND != "postgres":
        yield None
        return
    with postgres_cluster() as url:
        yield url


@pytest.fixture(scope="session")
def template_db(pg_server: str | None, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database every test starts from (a file copy on SQLite, a TEMPLATE on PostgreSQL)."""
    from croupier.migrate import upgrade

    if pg_server:
        url = create_database(pg_server, "croupier_template")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('template') / 'croupier.db'}"
    upgrade(url)
    return url


@pytest.fixture
def database_url(template_db: str, pg_server: str | None, tmp_path: Path) -> str:
    if pg_server:
        return create_database(pg_server, f"croupier_t{os.getpid()}_{next(_counter)}", template="croupier_template")
    target = tmp_path / "croupier.db"
    shutil.copy(template_db.split("///", 1)[1], target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
def settings_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "CROUPIER_DATABASE_URL": database_url,
        "CROUPIER_DATA_DIR": str(tmp_path / "data"),
        "CROUPIER_SECRET_KEY": "test-secret-key-0123456789",
        "CROUPIER_RUN_WORKER": "false",
        "CROUPIER_LOGIN_RATE_LIMIT": "1000/minute",
        # argon2id still, with its cheapest parameters: hashing is tested in tests/auth, not timed here.
        "CROUPIER_PASSWORD_HASH_PROFILE": "CHEAPEST",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


@pytest.fixture
def settings(settings_env: dict[str, str]):
    return get_settings()


@pytest.fixture
async def app(settings) -> AsyncIterator:
    from croupier.app import create_app

    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def db(app):
    return app.state.db


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url
