"""Steps the channel administration's tests share: an administrator signed in beside two brands, the
add-a-channel form submitted, the secrets the 'added' page shows once, a channel and its audit trail read
back."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from croupier.models import AuditEntry, Channel, Role
from tests.factories import console_session, make_brand, make_user

PAGE = "/console/admin/channels"
TOKEN = "7300112233:AAH-secretTokenValue_9f3Q"
WEBHOOK_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UPDATE = b'{"update_id": 7001, "message": {"message_id": 5, "chat": {"id": 42}, "from": {"id": 42}, "text": "hi"}}'
SHOWN_ONCE = re.compile(r'<dt>([^<]+)</dt><dd><code class="shown-once">([^<]+)</code>')


async def admin_world(client, db):  # noqa: ANN001, ANN201
    lucky, _chat = await make_brand(db, "lucky", "Lucky Star")
    royal, _royal_chat = await make_brand(db, "royal", "Royal Spin")
    admin = await make_user(db, "admin@croupier.test", Role.admin, totp=True, name="Ada Admin")
    supervisor = await make_user(db, "boss@lucky.test", Role.supervisor, [lucky])
    agent = await make_user(db, "agent@lucky.test", Role.agent, [lucky])
    csrf = await console_session(client, db, admin)
    return {"lucky": lucky, "royal": royal, "admin": admin, "supervisor": supervisor, "agent": agent, "csrf": csrf,
            "db": db}


async def submit(client, world, type_: str, name: str, **fields: str):
    """POST the add-a-channel form; the response (the 'added' page, or the form with refusals)."""
    return await client.post(PAGE, data={"brand_id": str(world["lucky"].id), "type": type_, "name": name,
                                         "csrf_token": world["csrf"], **fields})


def shown_once(page: str) -> dict[str, str]:
    """The generated secrets the 'added' page shows, by label."""
    return {html.unescape(label): html.unescape(value) for label, value in SHOWN_ONCE.findall(page)}


async def channel(db, channel_id: int | None = None, name: str | None = None) -> Channel:
    async with db.transaction() as s:
        if channel_id is not None:
            return await s.get(Channel, channel_id)
        return await s.scalar(select(Channel).where(Channel.name == name))


async def add(client, world, type_: str = "telegram", name: str = "Lucky bot", **fields: str
              ) -> tuple[Channel, dict[str, str]]:
    fields = fields or {"bot_token": TOKEN}
    r = await submit(client, world, type_, name, **fields)
    assert r.status_code == 200 and "The channel was added" in r.text, r.text
    assert r.headers["cache-control"] == "no-store"
    return await channel(world["db"], name=name), shown_once(r.text)


async def audit_actions(db, channel_id: int) -> list[AuditEntry]:
    async with db.transaction() as s:
        return list(await s.scalars(select(AuditEntry).where(
            AuditEntry.target_id == str(channel_id), AuditEntry.target_type == "channel").order_by(AuditEntry.id)))
