"""Channel administration in the console: administrators list each brand's channels with their webhook
addresses, add a Telegram bot (token encrypted at rest, only its last characters shown), disable and enable
channels, and send a test message through the adapter to a local server speaking the Bot API."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from croupier.kit import crypto
from croupier.models import AuditEntry, Channel, ChannelType, Role
from croupier.worker.runner import Runner
from tests.channels.telegram_peer import bot_api
from tests.factories import console_session, make_brand, make_user

PAGE = "/console/admin/channels"
TOKEN = "7300112233:AAH-secretTokenValue_9f3Q"
WEBHOOK_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UPDATE = b'{"update_id": 7001, "message": {"message_id": 5, "chat": {"id": 42}, "from": {"id": 42}, "text": "hi"}}'


@pytest.fixture
def peer():
    with bot_api(TOKEN) as api:
        yield api


@pytest.fixture
async def world(client, db):
    lucky, _chat = await make_brand(db, "lucky", "Lucky Star")
    royal, _royal_chat = await make_brand(db, "royal", "Royal Spin")
    admin = await make_user(db, "admin@croupier.test", Role.admin, totp=True, name="Ada Admin")
    supervisor = await make_user(db, "boss@lucky.test", Role.supervisor, [lucky])
    agent = await make_user(db, "agent@lucky.test", Role.agent, [lucky])
    csrf = await console_session(client, db, admin)
    return {"lucky": lucky, "royal": royal, "admin": admin, "supervisor": supervisor, "agent": agent, "csrf": csrf}


async def add_bot(client, world, name: str = "Lucky bot", token: str = TOKEN) -> Channel:
    r = await client.post(PAGE, data={"brand_id": str(world["lucky"].id), "name": name, "bot_token": token,
                                      "csrf_token": world["csrf"]})
    assert r.status_code == 303 and r.headers["location"].startswith(f"{PAGE}?added="), r.text
    return await channel(client.db, int(r.headers["location"].split("=")[1]))


async def channel(db, channel_id: int) -> Channel:
    async with db.transaction() as s:
        return await s.get(Channel, channel_id)


@pytest.fixture(autouse=True)
def _db_on_client(client, db):
    client.db = db


async def test_the_page_lists_each_brands_channels(client, world):
    found = await add_bot(client, world)
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert "Lucky Star" in page.text and "Royal Spin" in page.text and page.text.count("Web chat") >= 2
    assert f"<code>{found.key}</code>" in page.text
    assert f"http://127.0.0.1:8000/channels/{found.key}/webhook" in page.text  # settings.base_url
    assert 'href="/console/admin/channels"' in page.text  # in the administrator's menu


async def test_a_new_bot_token_is_stored_encrypted_and_shown_only_by_its_last_characters(client, db, world):
    found = await add_bot(client, world)
    assert found.type == ChannelType.telegram and found.is_active and found.brand_id == world["lucky"].id
    async with db.transaction() as s:
        raw = await s.scalar(text("SELECT config FROM channels WHERE id = :id"), {"id": found.id})
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "channel.created"))
    assert TOKEN not in str(raw) and TOKEN.split(":")[1] not in str(raw)
    assert "bot_token" not in found.config and crypto.decrypt(found.config["bot_token_enc"]) == TOKEN
    assert entry.actor_user_id == world["admin"].id and TOKEN not in str(entry.details)
    page = await client.get(PAGE)
    assert "Token ending in 9f3Q" in page.text and TOKEN not in page.text and TOKEN[:-4] not in page.text


async def test_an_empty_token_is_refused(client, world):
    r = await client.post(PAGE, data={"brand_id": str(world["lucky"].id), "name": "Bot", "bot_token": " ",
                                      "csrf_token": world["csrf"]})
    assert r.status_code == 400 and "Enter the bot token that BotFather gave you." in r.text


async def test_a_disabled_channels_webhook_answers_404_until_it_is_enabled(client, db, world):
    found = await add_bot(client, world)
    hook = f"/channels/{found.key}/webhook"
    headers = {WEBHOOK_HEADER: found.secret, "Content-Type": "application/json"}
    r = await client.post(f"{PAGE}/{found.id}/disable", data={"csrf_token": world["csrf"]})
    assert r.status_code == 303
    assert not (await channel(db, found.id)).is_active
    assert "Disabled" in (await client.get(PAGE)).text
    refused = await client.post(hook, content=UPDATE, headers=headers)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "unknown_channel"
    await client.post(f"{PAGE}/{found.id}/enable", data={"csrf_token": world["csrf"]})
    assert (await client.post(hook, content=UPDATE, headers=headers)).status_code == 200
    async with db.transaction() as s:
        actions = list(await s.scalars(select(AuditEntry.action).where(
            AuditEntry.target_id == str(found.id), AuditEntry.target_type == "channel").order_by(AuditEntry.id)))
    assert actions == ["channel.created", "channel.disabled", "channel.enabled"]


async def test_a_test_message_reaches_the_bot_api_and_the_page_shows_the_result(client, db, world, peer):
    found = await add_bot(client, world)
    async with db.transaction() as s:  # this bot talks to a local Bot API server
        stored = await s.get(Channel, found.id)
        stored.config = {**stored.config, "api_base": peer.url}
    r = await client.post(f"{PAGE}/{found.id}/test", data={"chat_id": "42", "csrf_token": world["csrf"]})
    assert r.status_code == 303 and "tested=" in r.headers["location"]
    assert "Last test message: sending…" in (await client.get(PAGE)).text
    await Runner(db, tasks=[]).run_due_jobs()
    assert peer.sent == [{"chat_id": "42", "text": "This is a test message from your casino's support desk. "
                                                   "No reply is needed."}]
    assert "Last test message: sent to chat 42." in (await client.get(PAGE)).text

    peer.failures.append((400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}))
    await client.post(f"{PAGE}/{found.id}/test", data={"chat_id": "43", "csrf_token": world["csrf"]})
    await Runner(db, tasks=[]).run_due_jobs()
    assert "Last test message: failed: HTTP 400: Bad Request: chat not found" in (await client.get(PAGE)).text
    assert len(peer.sent) == 1


async def test_a_test_message_needs_a_chat_id(client, world):
    found = await add_bot(client, world)
    r = await client.post(f"{PAGE}/{found.id}/test", data={"chat_id": "", "csrf_token": world["csrf"]})
    assert r.status_code == 400 and "Enter the chat id" in r.text


@pytest.mark.parametrize("who", ["supervisor", "agent"])
async def test_only_administrators_manage_channels(client, db, world, who):
    found = await add_bot(client, world)
    csrf = await console_session(client, db, world[who])
    assert (await client.get(PAGE)).status_code == 403
    assert 'href="/console/admin/channels"' not in (await client.get("/console/inbox")).text
    for url, data in [(PAGE, {"brand_id": str(world["lucky"].id), "name": "x", "bot_token": "1:abc"}),
                      (f"{PAGE}/{found.id}/disable", {}), (f"{PAGE}/{found.id}/test", {"chat_id": "42"})]:
        assert (await client.post(url, data={**data, "csrf_token": csrf})).status_code == 403
    assert (await channel(db, found.id)).is_active


async def test_forms_without_the_csrf_token_are_refused(client, db, world):
    found = await add_bot(client, world)
    r = await client.post(f"{PAGE}/{found.id}/disable", data={"csrf_token": "forged"})
    assert r.status_code == 403 and (await channel(db, found.id)).is_active
    r = await client.post(PAGE, data={"brand_id": str(world["lucky"].id), "name": "x", "bot_token": TOKEN})
    assert r.status_code == 403


async def test_the_web_chat_channel_cannot_be_disabled(client, db, world):
    page = await client.get(PAGE)
    assert "/disable" not in page.text
    async with db.transaction() as s:
        webchat = await s.scalar(select(Channel).where(Channel.type == ChannelType.webchat))
    r = await client.post(f"{PAGE}/{webchat.id}/disable", data={"csrf_token": world["csrf"]})
    assert r.status_code == 400
