"""Fixtures of the email channel's tests: a brand with an email channel configured through its settings
form (channels/config.apply, passwords sealed), the sample corpus, and mail taken in by the real intake."""

from __future__ import annotations

from pathlib import Path

import pytest

from croupier.brand.service import brand_service
from croupier.channels.config import apply
from croupier.channels.email import intake
from croupier.channels.email.config import EmailConfig
from croupier.models import Channel, ChannelType
from tests.channels.pipeline import run
from tests.factories import make_brand

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "email"
ADDRESS = "support@lucky.test"


def sample(name: str) -> bytes:
    return (CORPUS / f"{name}.eml").read_bytes()


async def add_email_channel(db, brand, **form: str) -> Channel:  # noqa: ANN001
    config, _shown = apply(EmailConfig, {"address": ADDRESS, "smtp_host": "127.0.0.1", "smtp_port": "9",
                                         "smtp_security": "none", "listen_host": "127.0.0.1",
                                         "listen_port": "2525", "reply_token": "on", "imap_idle": "on", **form}, {})
    async with db.transaction() as s:
        return await brand_service.add_channel(s, None, brand.id, ChannelType.email, "Support mail", config)


@pytest.fixture
async def brand(db):
    brand, _webchat = await make_brand(db)
    return brand


@pytest.fixture
async def channel(db, brand) -> Channel:
    return await add_email_channel(db, brand)


async def receive(db, channel: Channel, raw: bytes, **details: object) -> int:  # noqa: ANN001
    """Take `raw` in as the SMTP listener or the IMAP poller does, then run the jobs it queued."""
    await intake.store(db, channel.id, raw, **{"via": "smtp", **details})
    return await run(db)


def no_dns(name, timeout: int = 5):  # noqa: ANN001, ANN201
    raise TimeoutError(f"no DNS in the tests: {name!r}")


@pytest.fixture(autouse=True)
def _no_real_dns(monkeypatch):
    """DKIM keys come from the test's own resolver (authentication.dns_txt); never from the network."""
    from croupier.channels.email import authentication

    monkeypatch.setattr(authentication, "dns_txt", no_dns)
