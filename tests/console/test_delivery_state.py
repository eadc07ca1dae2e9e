"""Delivery state in the conversation view: outbound replies on a provider channel show pending, sent or
failed (with the provider's reason), follow the `message.updated` event, and a failed one can be retried
once, only by staff of its brand, against a local server speaking the Telegram Bot API."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select

from croupier.channels.admin import channel_admin
from croupier.console.rendering import HERE
from croupier.models import AuditEntry, ChannelType, DeliveryState, Job, Message, Role
from croupier.worker.runner import Runner
from tests.channels.telegram_peer import bot_api
from tests.console.flows import HTMX, conversation_from
from tests.console.test_events import next_event
from tests.factories import api_token, console_session, make_brand, make_user, principal_of
from tests.servers import CroupierProcess

BLOCKED = (403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})


@pytest.fixture
def peer():
    with bot_api() as api:
        yield api


@pytest.fixture
async def world(client, db, peer):
    lucky, _chat = await make_brand(db, "lucky", "Lucky Star")
    royal, _royal_chat = await make_brand(db, "royal", "Royal Spin")
    admin = await make_user(db, "admin@croupier.test", Role.admin)
    async with db.transaction() as s:
        channel, _shown = await channel_admin.add(s, await principal_of(db, admin), lucky.id, ChannelType.telegram,
                                                  "Lucky bot", {"bot_token": peer.token, "api_base": peer.url})
    conversation = await conversation_from(db, channel, "Where is my withdrawal?", who="7100123456")
    agent = await make_user(db, "agent@lucky.test", Role.agent, [lucky], name="Anna Agent")
    outsider = await make_user(db, "agent@royal.test", Role.agent, [royal], name="Rita Royal")
    csrf = await console_session(client, db, agent)
    return {"id": conversation.id, "agent": agent, "outsider": outsider, "csrf": csrf}


async def reply(client, world, body: str = "Checking your withdrawal now") -> int:
    r = await client.post(f"/console/conversations/{world['id']}/reply",
                          data={"body": body, "csrf_token": world["csrf"]}, headers=HTMX)
    assert r.status_code == 200, r.text
    return int(r.text.split('data-message-id="')[1].split('"')[0])


async def message(db, message_id: int) -> Message:
    async with db.transaction() as s:
        return await s.get(Message, message_id)


async def failed_reply(client, db, world, peer) -> int:
    peer.failures.append(BLOCKED)
    message_id = await reply(client, world)
    await Runner(db, tasks=[]).run_due_jobs()
    assert (await message(db, message_id)).delivery_state == DeliveryState.failed
    return message_id


async def retry(client, world, message_id: int, **headers: str):
    return await client.post(f"/console/messages/{message_id}/retry", data={"csrf_token": world["csrf"]},
                             headers={**HTMX, **headers})


async def test_a_reply_shows_sending_then_sent(client, db, world, peer):
    message_id = await reply(client, world)
    page = await client.get(f"/console/conversations/{world['id']}")
    assert "Telegram" in page.text and "Lucky bot" in page.text  # the channel, in the header
    assert 'data-delivery-state="pending"' in page.text and "Sending…" in page.text
    await Runner(db, tasks=[]).run_due_jobs()
    fragment = await client.get(f"/console/messages/{message_id}", headers=HTMX)  # what the live view fetches
    assert fragment.status_code == 200 and 'data-delivery-state="sent"' in fragment.text and "Sent" in fragment.text
    assert peer.sent == [{"chat_id": "7100123456", "text": "Checking your withdrawal now"}]


async def test_a_failed_reply_shows_the_reason_and_a_retry_button(client, db, world, peer):
    message_id = await failed_reply(client, db, world, peer)
    page = await client.get(f"/console/conversations/{world['id']}")
    assert "Not delivered: HTTP 403: Forbidden: bot was blocked by the user" in page.text
    assert f'action="/console/messages/{message_id}/retry"' in page.text and ">Retry</button>" in page.text


async def test_retry_sends_a_failed_reply_exactly_once(client, db, world, peer):
    message_id = await failed_reply(client, db, world, peer)
    r = await retry(client, world, message_id)
    assert r.status_code == 200 and 'data-delivery-state="pending"' in r.text and "Retry" not in r.text
    pending = await message(db, message_id)
    assert pending.delivery_state == DeliveryState.pending and pending.failure_reason is None
    again = await retry(client, world, message_id)  # a second click before the job ran
    assert again.status_code == 400
    assert "Only a reply that failed to reach the player can be sent again." in again.text
    await Runner(db, tasks=[]).run_due_jobs()
    await Runner(db, tasks=[]).run_due_jobs()
    assert (await message(db, message_id)).delivery_state == DeliveryState.sent
    assert peer.sent == [{"chat_id": "7100123456", "text": "Checking your withdrawal now"}]
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Job).where(Job.kind == "channels.deliver")) == 2
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "conversation.delivery_retried"))
    assert entry.details["message_id"] == message_id and entry.actor_user_id == world["agent"].id


async def test_retrying_a_message_that_did_not_fail_is_refused(client, db, world, peer):
    message_id = await reply(client, world)
    await Runner(db, tasks=[]).run_due_jobs()
    r = await retry(client, world, message_id)
    assert r.status_code == 400 and "Only a reply that failed to reach the player can be sent again." in r.text
    player_message = (await message(db, message_id)).id - 1
    assert (await retry(client, world, player_message)).status_code == 400
    assert len(peer.sent) == 1


async def test_retry_without_the_form_token_is_refused(client, db, world, peer):
    message_id = await failed_reply(client, db, world, peer)
    r = await client.post(f"/console/messages/{message_id}/retry", data={"csrf_token": "forged"}, headers=HTMX)
    assert r.status_code == 403
    assert (await message(db, message_id)).delivery_state == DeliveryState.failed


async def test_an_agent_of_another_brand_gets_404(client, db, world, peer):
    message_id = await failed_reply(client, db, world, peer)
    world["csrf"] = await console_session(client, db, world["outsider"])
    assert (await retry(client, world, message_id)).status_code == 404
    assert (await client.get(f"/console/messages/{message_id}", headers=HTMX)).status_code == 404
    assert (await retry(client, world, 10_000_000)).status_code == 404
    assert (await message(db, message_id)).delivery_state == DeliveryState.failed


async def test_the_rest_api_retries_too(client, db, world, peer):
    message_id = await failed_reply(client, db, world, peer)
    headers = {"Authorization": f"Bearer {await api_token(db, world['agent'])}", "Accept": "application/json"}
    r = await client.post(f"/api/v1/messages/{message_id}/retry", headers=headers)
    assert r.status_code == 200 and r.json()["delivery_state"] == "pending", r.text
    refused = await client.post(f"/api/v1/messages/{message_id}/retry", headers=headers)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "not_retryable"
    await Runner(db, tasks=[]).run_due_jobs()
    assert len(peer.sent) == 1


async def test_a_retry_reaches_the_live_stream_as_message_updated(client, settings_env, db, world, peer):
    """Read from a real server process: the console's stream carries the new delivery state, which the
    page's script turns into a fetch of the message's fragment."""
    message_id = await failed_reply(client, db, world, peer)
    process = CroupierProcess(settings_env).start()
    try:
        async with httpx.AsyncClient(base_url=process.url, timeout=20) as http:
            csrf = await console_session(http, db, world["agent"])
            async with http.stream("GET", "/console/events") as stream:
                lines = stream.aiter_lines()
                await asyncio.wait_for(next_event(lines, "ready"), 10)
                r = await http.post(f"/console/messages/{message_id}/retry", data={"csrf_token": csrf},
                                    headers=HTMX)
                assert r.status_code == 200, r.text
                data = await asyncio.wait_for(next_event(lines, "message.updated"), 10)
    finally:
        process.stop()
    assert data == {"conversation_id": world["id"], "brand_id": data["brand_id"], "message_id": message_id,
                    "delivery_state": "pending", "failure_reason": None}
    script = (HERE / "static" / "console.js").read_text()
    assert '"message.updated"' in script and "`/console/messages/${" in script
