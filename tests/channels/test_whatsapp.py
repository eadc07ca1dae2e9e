"""WhatsApp Cloud API: signed webhooks (and the GET handshake) stored once, processed into the inbox,
status callbacks moving our replies' delivery state; replies sent through a local Graph API server,
retried on 429/5xx, and never sent outside the 24-hour customer-service window."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from croupier.brand.service import brand_service
from croupier.channels.whatsapp.adapter import WhatsAppAdapter
from croupier.errors import BadRequest, Conflict
from croupier.kit import crypto
from croupier.kit.clock import utcnow
from croupier.live import get_hub
from croupier.models import (
    Attachment,
    Channel,
    ChannelType,
    Conversation,
    DeliveryState,
    InboundEvent,
    InboundState,
    Job,
    JobState,
    Message,
    PlayerIdentity,
    Role,
)
from tests.channels.meta_peer import PHONE_NUMBER_ID, graph_api
from tests.channels.pipeline import (
    agent_on_first_conversation,
    count,
    meta_signature,
    reply,
    run,
    stored_message,
)
from tests.factories import api_token, console_session, make_brand, make_user

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "channels" / "whatsapp"
APP_SECRET = "whatsapp-app-secret-0123456789"
VERIFY_TOKEN = "croupier-verify-7f3a"


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return meta_signature(body, secret)


@pytest.fixture
def peer():
    with graph_api() as api:
        yield api


@pytest.fixture
async def whatsapp(db, peer):
    brand, _webchat = await make_brand(db)
    async with db.transaction() as s:
        channel = await brand_service.add_channel(s, None, brand.id, ChannelType.whatsapp, "WhatsApp", {
            "phone_number_id": PHONE_NUMBER_ID, **crypto.sealed("access_token", peer.token),
            **crypto.sealed("verify_token", VERIFY_TOKEN), "api_base": peer.url})  # secrets encrypted at rest
        channel.secret = APP_SECRET
    return brand, channel


async def post(client, channel, body: bytes, signature: str | None = None):
    headers = {"Content-Type": "application/json"}
    if signature != "":
        headers["X-Hub-Signature-256"] = sign(body) if signature is None else signature
    return await client.post(f"/channels/{channel.key}/webhook", content=body, headers=headers)


class TestHandshake:
    async def test_the_challenge_is_echoed_as_plain_text(self, client, whatsapp):
        _brand, channel = whatsapp
        r = await client.get(f"/channels/{channel.key}/webhook", params={
            "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
        assert r.status_code == 200 and r.text == "1158201444"
        assert r.headers["content-type"].startswith("text/plain")

    @pytest.mark.parametrize("params", [{"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
                                        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN},
                                        {}])
    async def test_a_wrong_token_is_403(self, client, whatsapp, params):
        _brand, channel = whatsapp
        r = await client.get(f"/channels/{channel.key}/webhook", params=params)
        assert r.status_code == 403 and r.json()["error"]["code"] == "verify_token_mismatch"

    async def test_a_token_sealed_under_another_key_is_refused_not_a_500(self, client, db, whatsapp):
        _brand, channel = whatsapp
        async with db.transaction() as s:
            found = await s.get(Channel, channel.id)
            found.config = {**found.config, "verify_token_enc": "gAAAAABnot-a-token"}
        r = await client.get(f"/channels/{channel.key}/webhook", params={
            "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"})
        assert r.status_code == 403


class TestInbound:
    @pytest.mark.parametrize("signature", ["", "sha256=00", sign(b"other body")])
    async def test_a_bad_or_missing_signature_is_401_and_nothing_is_stored(self, client, db, whatsapp, signature):
        _brand, channel = whatsapp
        r = await post(client, channel, fixture("text"), signature)
        assert r.status_code == 401 and r.json()["error"]["code"] == "webhook_unverified"
        assert await count(db, InboundEvent) == 0

    async def test_a_text_becomes_a_message_from_the_whatsapp_player(self, client, db, whatsapp):
        _brand, channel = whatsapp
        r = await post(client, channel, fixture("text"))
        assert r.status_code == 200 and r.json()["duplicate"] is False
        assert await run(db) == 1
        async with db.transaction() as s:
            message = await s.scalar(select(Message))
            conversation = await s.get(Conversation, message.conversation_id)
            identity = await s.get(PlayerIdentity, conversation.identity_id)
            event = await s.scalar(select(InboundEvent))
        assert message.body == "Вывод висит уже третий день"
        assert message.external_id.startswith("wamid.") and event.external_id == message.external_id
        assert identity.external_id == "380501234567" and identity.display_name == "Olena Koval"
        assert conversation.channel_id == channel.id and event.state == InboundState.handled

    async def test_a_replay_is_acknowledged_and_ignored(self, client, db, whatsapp):
        _brand, channel = whatsapp
        await post(client, channel, fixture("text"))
        again = await post(client, channel, fixture("text"))
        assert again.status_code == 200 and again.json()["duplicate"] is True
        await run(db)
        assert await count(db, InboundEvent) == 1 and await count(db, Message) == 1

    @pytest.mark.parametrize("name,body,filename", [("image", "скрин ошибки", "image.jpg"),
                                                     ("document", "", "kyc.png")])
    async def test_media_is_resolved_and_downloaded_with_the_token(self, client, db, whatsapp, peer, name, body,
                                                                   filename):
        _brand, channel = whatsapp
        await post(client, channel, fixture(name))
        await run(db)
        async with db.transaction() as s:
            message = await s.scalar(select(Message))
            attachment = await s.scalar(select(Attachment))
        assert message.body == body and attachment.message_id == message.id
        assert attachment.content_type == "image/png" and attachment.filename.endswith(filename.rsplit(".", 1)[1])
        media_id = json.loads(fixture(name))["entry"][0]["changes"][0]["value"]["messages"][0][name]["id"]
        assert peer.requests == [f"/v21.0/{media_id}", f"/files/{media_id}"]

    @pytest.mark.parametrize("name,body", [("sticker", "[sticker]"), ("unsupported", "[unsupported]")])
    async def test_unsupported_types_are_kept_as_marked_placeholders(self, client, db, whatsapp, name, body):
        _brand, channel = whatsapp
        await post(client, channel, fixture(name))
        await run(db)
        async with db.transaction() as s:
            assert await s.scalar(select(Message.body)) == body

    @pytest.mark.parametrize("body,code", [(b"{not json", "malformed_json"), (b"[1]", "malformed_payload"),
                                           (b'{"object": "page", "entry": []}', "malformed_update")])
    async def test_malformed_payloads_get_a_clear_400(self, client, db, whatsapp, body, code):
        _brand, channel = whatsapp
        r = await post(client, channel, body)
        assert r.status_code == 400 and r.json()["error"]["code"] == code
        assert await count(db, InboundEvent) == 0


class TestOutbound:
    async def _conversation_with_agent(self, client, db, whatsapp):
        brand, channel = whatsapp
        await post(client, channel, fixture("text"))
        return await agent_on_first_conversation(db, brand)

    REPLY = "Проверяю вывод, минуту"

    async def _sent(self, client, db, whatsapp) -> int:
        principal, cid = await self._conversation_with_agent(client, db, whatsapp)
        mid = await reply(db, principal, cid, self.REPLY)
        await run(db)
        return mid

    async def test_a_reply_is_sent_and_keeps_its_wamid(self, client, db, whatsapp, peer):
        mid = await self._sent(client, db, whatsapp)
        sent = await stored_message(db, mid)
        assert sent.delivery_state == DeliveryState.sent and sent.external_id == "wamid.OUT1"
        assert peer.sent == [{"messaging_product": "whatsapp", "recipient_type": "individual", "to": "380501234567",
                              "type": "text", "text": {"preview_url": False, "body": "Проверяю вывод, минуту"}}]

    async def test_statuses_move_the_delivery_state_forward_only(self, client, db, whatsapp):
        _brand, channel = whatsapp
        mid = await self._sent(client, db, whatsapp)
        await post(client, channel, fixture("status_delivered"))
        await run(db)
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.delivered
        await post(client, channel, fixture("status_read"))
        await run(db)
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.read
        late = fixture("status_delivered").replace(b'"1763790100"', b'"1763790101"')  # a new delivery, stale news
        assert (await post(client, channel, late)).json()["duplicate"] is False
        await run(db)
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.read
        assert await count(db, Message) == 2

    async def test_a_replayed_status_is_a_no_op(self, client, db, whatsapp):
        _brand, channel = whatsapp
        await self._sent(client, db, whatsapp)
        await post(client, channel, fixture("status_delivered"))
        assert (await post(client, channel, fixture("status_delivered"))).json()["duplicate"] is True

    async def test_a_failed_status_keeps_the_providers_reason(self, client, db, whatsapp):
        _brand, channel = whatsapp
        mid = await self._sent(client, db, whatsapp)
        await post(client, channel, fixture("status_failed"))
        async with get_hub().subscribe(lambda e: e.type == "message.updated") as sub:
            await run(db)
            event = await asyncio.wait_for(sub.queue.get(), 2)
        message = await stored_message(db, mid)
        assert event.data["message_id"] == mid and event.data["delivery_state"] == "failed"
        assert event.data["failure_reason"] == message.failure_reason
        assert message.delivery_state == DeliveryState.failed
        assert "24 hours" in message.failure_reason and "131047" in message.failure_reason

    async def test_a_status_for_an_unknown_message_changes_nothing(self, client, db, whatsapp):
        _brand, channel = whatsapp
        await post(client, channel, fixture("status_read"))
        assert await run(db) == 1
        async with db.transaction() as s:
            assert (await s.scalar(select(InboundEvent))).state == InboundState.handled

    async def test_a_reply_whose_window_closed_before_sending_is_failed_not_sent(self, client, db, whatsapp, peer):
        principal, cid = await self._conversation_with_agent(client, db, whatsapp)
        mid = await reply(db, principal, cid, self.REPLY)  # accepted inside the window …
        async with db.transaction() as s:  # … which closed before the job ran
            (await s.get(Conversation, cid)).last_player_message_at = utcnow() - timedelta(hours=24, minutes=1)
        await run(db)
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.failed
        assert message.failure_reason == "outside the 24-hour window: only approved templates may be sent"
        assert peer.requests == [] and peer.sent == []

    @pytest.mark.parametrize("status,error,headers", [
        (429, {"error": {"message": "Too many requests", "code": 80007}}, {"Retry-After": "7"}),
        (503, {"error": {"message": "Service temporarily unavailable", "code": 2}}, {}),
        (400, {"error": {"message": "Rate limit hit", "code": 130429}}, {}),
    ])
    async def test_rate_limits_and_5xx_are_retried(self, client, db, whatsapp, peer, status, error, headers):
        principal, cid = await self._conversation_with_agent(client, db, whatsapp)
        peer.failures.append((status, error, headers))
        mid = await reply(db, principal, cid, self.REPLY)
        await run(db)
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.pending and str(status) in message.failure_reason
        async with db.transaction() as s:
            job = await s.scalar(select(Job).where(Job.kind == "channels.deliver"))
            assert job.state == JobState.queued
            if headers:
                assert 5 < (job.run_after - utcnow()).total_seconds() <= 7
            job.run_after = utcnow() - timedelta(seconds=1)
        await run(db)
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.sent
        assert len(peer.sent) == 1

    async def test_a_permanent_refusal_fails_with_the_reason(self, client, db, whatsapp, peer):
        principal, cid = await self._conversation_with_agent(client, db, whatsapp)
        peer.failures.append((400, {"error": {"message": "Recipient phone number not in allowed list",
                                              "type": "OAuthException", "code": 131030}}, {}))
        mid = await reply(db, principal, cid, self.REPLY)
        await run(db)
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.failed and "131030" in message.failure_reason
        assert peer.sent == []


TEMPLATES = ["withdrawal_update en_US 2", "account_notice pl", "kyc_reminder"]
HTMX = {"HX-Request": "true", "Accept": "text/html"}


class TestCustomerServiceWindow:
    """Outside the 24-hour window only the channel's approved templates go out: the console says so and offers
    them, free text is refused (console and REST API) before anything is stored, and a template is sent as
    the Cloud API's template message."""

    @pytest.fixture
    async def world(self, client, db, whatsapp):
        brand, channel = whatsapp
        async with db.transaction() as s:
            found = await s.get(Channel, channel.id)
            found.config = {**found.config, "templates": TEMPLATES}
        await post(client, channel, fixture("text"))
        await run(db)
        agent = await make_user(db, "agent@lucky.test", Role.agent, [brand], name="Anna Agent")
        async with db.transaction() as s:
            cid = await s.scalar(select(Conversation.id))
        return {"id": cid, "agent": agent, "csrf": await console_session(client, db, agent)}

    async def _close_window(self, db, cid: int) -> None:
        async with db.transaction() as s:
            (await s.get(Conversation, cid)).last_player_message_at = utcnow() - timedelta(hours=25)

    async def _send_template(self, client, world, key: str, *parameters: str):
        return await client.post(f"/console/conversations/{world['id']}/template", headers=HTMX, data={
            "csrf_token": world["csrf"], "template": key, "parameter": list(parameters)})

    async def test_inside_the_window_the_console_offers_free_replies(self, client, world):
        page = await client.get(f"/console/conversations/{world['id']}", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert 'data-window="open"' in page.text and "free replies can be sent until" in page.text
        assert 'id="mode-reply" name="private" value="0" checked' in page.text

    async def test_outside_the_window_the_console_says_so_and_offers_the_templates(self, client, db, world):
        await self._close_window(db, world["id"])
        page = await client.get(f"/console/conversations/{world['id']}", headers={"Accept": "text/html"})
        assert 'data-window="closed"' in page.text and "24-hour window is closed" in page.text
        assert 'id="mode-reply" name="private" value="0" disabled' in page.text  # private notes only
        assert [f'data-template="{k}"' in page.text for k in ("withdrawal_update:en_US", "account_notice:pl",
                                                              "kyc_reminder:en")] == [True] * 3
        form = page.text.split('data-template="withdrawal_update:en_US"')[1].split("</form>")[0]
        assert form.count('name="parameter"') == 2 and "withdrawal_update" in form

    async def test_a_free_reply_outside_the_window_is_refused_and_nothing_is_stored(self, client, db, world, peer):
        await self._close_window(db, world["id"])
        before = await count(db, Message)
        r = await client.post(f"/console/conversations/{world['id']}/reply", headers=HTMX,
                              data={"body": "Any news?", "csrf_token": world["csrf"]})
        assert r.status_code == 409 and "only delivers an approved template" in r.text
        token = await api_token(db, world["agent"])
        api = await client.post(f"/api/v1/conversations/{world['id']}/messages", json={"body": "Any news?"},
                                headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 409 and api.json()["error"]["code"] == "whatsapp_window_closed"
        assert "24 hours" in api.json()["error"]["message"]
        await run(db)
        assert await count(db, Message) == before and peer.sent == []

    async def test_a_private_note_outside_the_window_is_still_kept(self, client, db, world, peer):
        await self._close_window(db, world["id"])
        r = await client.post(f"/console/conversations/{world['id']}/reply", headers=HTMX,
                              data={"body": "Player asked about KYC", "private": "1", "csrf_token": world["csrf"]})
        assert r.status_code == 200
        await run(db)
        assert peer.sent == []

    async def test_a_template_is_stored_and_sent_as_the_cloud_apis_template_message(self, client, db, world, peer):
        await self._close_window(db, world["id"])
        r = await self._send_template(client, world, "withdrawal_update:en_US", "Olena", "  3 business   days ")
        assert r.status_code == 200, r.text
        mid = int(r.text.split('data-message-id="')[1].split('"')[0])
        stored = await stored_message(db, mid)
        assert stored.delivery_state == DeliveryState.pending
        assert stored.body == "[WhatsApp template: withdrawal_update (en_US)]\nOlena\n3 business days"
        await run(db)
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.sent
        assert peer.sent == [{
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": "380501234567",
            "type": "template", "template": {
                "name": "withdrawal_update", "language": {"code": "en_US"},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": "Olena"},
                                                               {"type": "text", "text": "3 business days"}]}]}}]

    async def test_a_template_without_parameters_has_no_components(self, client, db, world, peer):
        await self._close_window(db, world["id"])
        assert (await self._send_template(client, world, "account_notice:pl")).status_code == 200
        await run(db)
        assert peer.sent == [{"messaging_product": "whatsapp", "recipient_type": "individual", "to": "380501234567",
                              "type": "template", "template": {"name": "account_notice", "language": {"code": "pl"}}}]

    async def test_the_rest_api_sends_a_template_in_the_same_form(self, client, db, world, peer):
        await self._close_window(db, world["id"])
        token = await api_token(db, world["agent"])
        r = await client.post(f"/api/v1/conversations/{world['id']}/messages",
                              json={"body": "[WhatsApp template: kyc_reminder (en)]"},
                              headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
        await run(db)
        assert peer.sent[0]["template"] == {"name": "kyc_reminder", "language": {"code": "en"}}

    @pytest.mark.parametrize("key,parameters,code", [
        ("withdrawal_update:en_US", ["Olena"], "template_parameters"),
        ("withdrawal_update:en_US", ["Olena", "  "], "template_parameters"),
        ("withdrawal_update:pl", ["Olena", "3 days"], "unknown_template"),
        ("promo_blast:en", [], "unknown_template"),
    ])
    async def test_unknown_templates_and_missing_parameters_are_refused(self, client, db, world, peer, key,
                                                                         parameters, code):
        await self._close_window(db, world["id"])
        before = await count(db, Message)
        r = await client.post(f"/console/conversations/{world['id']}/template", data={
            "csrf_token": world["csrf"], "template": key, "parameter": parameters},
            headers={"Accept": "application/json"})
        assert r.status_code == 400 and r.json()["error"]["code"] == code, r.text
        token = await api_token(db, world["agent"])
        name, language = key.split(":")
        body = "\n".join([f"[WhatsApp template: {name} ({language})]", *parameters])
        api = await client.post(f"/api/v1/conversations/{world['id']}/messages", json={"body": body},
                                headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 400 and api.json()["error"]["code"] == code, api.text
        assert await count(db, Message) == before and peer.sent == []

    async def test_a_file_outside_the_window_is_refused(self, client, db, world):
        await self._close_window(db, world["id"])
        r = await client.post(f"/console/conversations/{world['id']}/reply", headers=HTMX,
                              data={"body": "", "csrf_token": world["csrf"]},
                              files={"file": ("note.txt", b"hello", "text/plain")})
        assert r.status_code == 409

    async def test_only_whatsapp_conversations_send_templates(self, client, db, world):
        async with db.transaction() as s:
            conversation = await s.get(Conversation, world["id"])
            channel = await s.get(Channel, conversation.channel_id)
            channel.type = ChannelType.telegram
        r = await self._send_template(client, world, "kyc_reminder:en")
        assert r.status_code == 400

    def test_the_window_rule_itself(self):
        from croupier.channels.whatsapp import templates

        config = {"templates": TEMPLATES}
        templates.check_reply(config, utcnow() - timedelta(hours=23, minutes=59), "hello")
        with pytest.raises(Conflict):
            templates.check_reply(config, utcnow() - timedelta(hours=24, seconds=1), "hello")
        with pytest.raises(Conflict):
            templates.check_reply(config, None, "hello")
        templates.check_reply(config, None, "[WhatsApp template: kyc_reminder (en)]")
        with pytest.raises(BadRequest):
            templates.check_reply(config, None, "[WhatsApp template: kyc_reminder (en)]", has_files=True)
        assert templates.parse_line("withdrawal_update en_US 2") == templates.Template("withdrawal_update", "en_US", 2)
        assert templates.parse_line("kyc_reminder 1") == templates.Template("kyc_reminder", "en", 1)
        assert [templates.parse_line(bad) for bad in ("Bad Name", "x en 2 extra", "x 99", "x en_US two")] == [None] * 4


def test_fixtures_are_whatsapp_business_account_webhooks():
    for path in FIXTURES.glob("*.json"):
        payload = json.loads(path.read_text())
        assert payload["object"] == "whatsapp_business_account" and payload["entry"][0]["changes"], path


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=12)
KEYS = st.sampled_from(["id", "from", "type", "text", "body", "image", "document", "caption", "filename", "status",
                        "errors", "code", "error_data", "details", "wa_id", "profile", "name", "messages",
                        "statuses", "contacts", "value", "changes"])
SHAPED = st.recursive(JSON, lambda inner: st.dictionaries(KEYS, inner, max_size=5) | st.lists(inner, max_size=3),
                      max_leaves=30)


def _payload(value) -> dict:
    return {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}]}]}


@settings(max_examples=200, deadline=None, database=None)
@given(st.one_of(SHAPED.map(_payload), st.dictionaries(st.sampled_from(["object", "entry"]), SHAPED)))
@example(json.loads(fixture("text")))
@example(json.loads(fixture("status_failed")))
@example(json.loads(fixture("document")))
@example(_payload({"messages": [{"from": "1", "id": "w", "type": "image", "image": {"id": 5}}]}))
@example(_payload({"statuses": [{"id": "w", "status": "failed", "errors": [{"error_data": "x"}]}]}))
def test_the_parser_takes_any_json_without_crashing(payload):
    adapter, channel = WhatsAppAdapter(), Channel(secret="s", config={})
    try:
        external_id = adapter.external_id(payload)
        parsed = adapter.parse(channel, payload)
    except BadRequest:
        return
    assert isinstance(external_id, str) and external_id
    for message in parsed.messages:
        assert all(isinstance(v, str) and v for v in (message.sender_id, message.external_id))
        assert isinstance(message.text, str) and (message.text or message.attachments)
    for update in parsed.updates:
        assert isinstance(update.external_id, str) and update.state in DeliveryState
