"""Setting up each provider type in the console, end to end against the local stand-ins of the providers:
the secrets an administrator enters (or has generated, shown once) are the ones webhooks are verified
with, and "Send a test message" goes through the real adapter to the stand-in, which receives it; a
provider's refusal is shown in its words."""

from __future__ import annotations

import json

import pytest

from croupier.kit import crypto
from tests.channels.meta_peer import PHONE_NUMBER_ID, graph_api
from tests.channels.operator_peer import operator
from tests.channels.pipeline import croupier_signed, meta_signature, run
from tests.channels.telegram_peer import bot_api
from tests.console.channel_forms import PAGE, TOKEN, UPDATE, add, admin_world, submit

APP_SECRET = "meta-app-secret-0123456789abcdef"
ACCESS_TOKEN = "EAAG-test-token"


@pytest.fixture
async def world(client, db):
    return await admin_world(client, db)


async def send_test(client, world, found, recipient: str) -> str:
    """Send a test message, let the job run, and return the channel page's verdict."""
    r = await client.post(f"{PAGE}/{found.id}/test", data={"recipient": recipient, "csrf_token": world["csrf"]})
    assert r.status_code == 303 and r.headers["location"] == f"{PAGE}/{found.id}?tested=1#test", r.text
    await run(world["db"])
    page = (await client.get(f"{PAGE}/{found.id}")).text
    return page.split('class="hint test-result"')[1].split("</p>")[0]


class TestTelegram:
    async def test_the_generated_secret_token_verifies_webhooks_and_a_test_message_reaches_the_bot_api(
            self, client, world):
        with bot_api(TOKEN) as peer:
            found, shown = await add(client, world, "telegram", "Lucky bot", bot_token=TOKEN, api_base=peer.url)
            hook = f"/channels/{found.key}/webhook"
            good = {"X-Telegram-Bot-Api-Secret-Token": shown["Webhook secret token"],
                    "Content-Type": "application/json"}
            assert (await client.post(hook, content=UPDATE, headers=good)).status_code == 200
            wrong = {**good, "X-Telegram-Bot-Api-Secret-Token": found.secret}  # no longer the verifying secret
            assert (await client.post(hook, content=UPDATE, headers=wrong)).status_code == 401

            assert "sent to 42." in await send_test(client, world, found, "42")
            assert peer.sent[-1] == {"chat_id": "42", "text": "This is a test message from your casino's support "
                                                              "desk. No reply is needed."}
            peer.failures.append((400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}))
            assert "failed: HTTP 400: Bad Request: chat not found" in await send_test(client, world, found, "43")
            assert len(peer.sent) == 1

    async def test_a_test_message_needs_a_recipient(self, client, world):
        found, _shown = await add(client, world)
        r = await client.post(f"{PAGE}/{found.id}/test", data={"recipient": " ", "csrf_token": world["csrf"]})
        assert r.status_code == 400 and "Enter who the test message goes to" in r.text


class TestWhatsApp:
    async def test_added_with_its_meta_settings_verified_and_tested_through_the_graph_api(self, client, world):
        with graph_api(ACCESS_TOKEN) as peer:
            found, shown = await add(client, world, "whatsapp", "WhatsApp", phone_number_id=PHONE_NUMBER_ID,
                                     access_token=ACCESS_TOKEN, app_secret=APP_SECRET,
                                     templates="order_update\nwithdrawal_sent", api_base=peer.url)
            assert list(shown) == ["Verify token"]
            assert found.config["templates"] == ["order_update", "withdrawal_sent"]
            hook = f"/channels/{found.key}/webhook"
            handshake = await client.get(hook, params={"hub.mode": "subscribe", "hub.challenge": "1158201444",
                                                       "hub.verify_token": shown["Verify token"]})
            assert handshake.status_code == 200 and handshake.text == "1158201444"
            body = json.dumps({"object": "whatsapp_business_account", "entry": []}).encode()
            signed = {"X-Hub-Signature-256": meta_signature(body, APP_SECRET), "Content-Type": "application/json"}
            assert (await client.post(hook, content=body, headers=signed)).status_code == 200
            forged = {**signed, "X-Hub-Signature-256": meta_signature(body, found.secret)}
            assert (await client.post(hook, content=body, headers=forged)).status_code == 401

            page = (await client.get(f"{PAGE}/{found.id}")).text
            assert "Stored, ending in oken." in page and ACCESS_TOKEN not in page and APP_SECRET not in page

            assert "sent to 48601234567." in await send_test(client, world, found, "48601234567")
            assert peer.sent[-1]["to"] == "48601234567" and peer.sent[-1]["type"] == "text"
            peer.failures.append((400, {"error": {"message": "Re-engagement message", "code": 131047}}, {}))
            verdict = await send_test(client, world, found, "48601234567")
            assert "failed: HTTP 400: Re-engagement message (code 131047)" in verdict


class TestMessengerAndInstagram:
    @pytest.mark.parametrize("type_", ["messenger", "instagram"])
    async def test_the_app_secret_verifies_webhooks_and_a_test_message_reaches_the_send_api(self, client, world,
                                                                                              type_):
        with graph_api(ACCESS_TOKEN) as peer:
            found, shown = await add(client, world, type_, type_.title(), page_id="1029384756",
                                     page_access_token=ACCESS_TOKEN, app_secret=APP_SECRET,
                                     verify_token="typed-verify-token", api_base=peer.url)
            assert shown == {}  # the verify token was typed, so nothing is generated
            assert crypto.config_secret(found.config, "verify_token") == "typed-verify-token"
            body = json.dumps({"object": "instagram" if type_ == "instagram" else "page", "entry": []}).encode()
            signed = {"X-Hub-Signature-256": meta_signature(body, APP_SECRET), "Content-Type": "application/json"}
            assert (await client.post(f"/channels/{found.key}/webhook", content=body, headers=signed)).status_code \
                == 200
            assert "sent to 6120001." in await send_test(client, world, found, "6120001")
            assert peer.sent[-1]["recipient"] == {"id": "6120001"}

    async def test_a_page_id_is_numeric(self, client, world):
        r = await submit(client, world, "messenger", "Page", page_id="lucky-star", page_access_token="x",
                         app_secret="y")
        assert r.status_code == 400 and "Enter the numeric id, digits only." in r.text


class TestApiChannel:
    async def test_the_signing_secret_is_shown_once_and_signs_both_ways(self, client, world):
        with operator() as peer:
            found, shown = await add(client, world, "api", "Casino backend", callback_url=peer.url)
            secret = shown["Signing secret"]
            peer.secret = secret  # what the operator copied from the page
            page = (await client.get(f"{PAGE}/{found.id}")).text
            assert secret not in page and f"Stored, ending in {secret[-4:]}." in page

            body = json.dumps({"id": "evt-1", "player": {"id": "PL-1"}, "text": "Hello"}).encode()
            hook = f"/channels/{found.key}/webhook"
            assert (await client.post(hook, content=body, headers=croupier_signed(secret, body))).status_code == 200
            refused = await client.post(hook, content=body, headers=croupier_signed(found.secret, body))
            assert refused.status_code == 401

            assert "sent to PL-1." in await send_test(client, world, found, "PL-1")
            assert peer.delivered == [{"type": "message.test", "message": {
                "player_id": "PL-1", "text": "This is a test message from your casino's support desk. "
                                             "No reply is needed."}}]
            assert peer.posts[-1]["key"].startswith("test-")

            peer.failures.append((410, {"error": "player PL-2 is closed"}, {}))
            assert "failed: HTTP 410: player PL-2 is closed" in await send_test(client, world, found, "PL-2")

    async def test_a_callback_url_must_be_a_web_address(self, client, world):
        r = await submit(client, world, "api", "Backend", callback_url="backend.casino.example/hook",
                         signing_secret="short")
        assert r.status_code == 400
        assert "Enter a full web address starting with https://." in r.text
        assert "Use at least 16 characters." in r.text


class TestPhone:
    async def test_the_provider_secret_verifies_call_events_and_numbers_are_normalised(self, client, world):
        secret = "voice-provider-secret-42"
        found, shown = await add(client, world, "phone", "Hotline", signing_secret=secret,
                                 numbers="+48 22 100 20 30\n+358 9 4242 4242")
        assert shown == {} and found.config["numbers"] == ["+48221002030", "+35894242" "4242"]
        body = json.dumps({"id": "call-1", "type": "missed_call", "from": "+48 601 234 567"}).encode()
        r = await client.post(f"/channels/{found.key}/webhook", content=body, headers=croupier_signed(secret, body))
        assert r.status_code == 200
        page = (await client.get(f"{PAGE}/{found.id}")).text
        assert "+48221002030" in page and 'name="recipient"' not in page  # no test message on a phone line
        r = await client.post(f"{PAGE}/{found.id}/test", data={"recipient": "+48601234567",
                                                                "csrf_token": world["csrf"]})
        assert r.status_code == 400 and "This channel cannot send messages" in r.text

    async def test_a_number_that_is_not_international_is_refused(self, client, world):
        r = await submit(client, world, "phone", "Hotline", numbers="022 100 20 30")
        assert r.status_code == 400 and "022 100 20 30 is not a phone number in international format" in r.text
