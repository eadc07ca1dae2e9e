"""Callback requests (POST /api/widget/v1/callbacks): from the widget (JSON, widget session) and from a
plain HTML form (the help centre). The number is read into E.164 with the player's country as the hint;
the request becomes a system message in the player's conversation, tagged `callback`; a bad number gets a
clear, translated 400 and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from croupier.conversation import repository as conversations
from croupier.models import AuthorType, Conversation, Message, PlayerIdentity, Status
from tests.factories import make_brand, player_says, widget_session

URL = "/api/widget/v1/callbacks"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def total(db, model) -> int:  # noqa: ANN001
    async with db.transaction() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def tags_of(db, conversation_id: int) -> list[str]:  # noqa: ANN001
    async with db.transaction() as s:
        return (await conversations.tags_for(s, [conversation_id])).get(conversation_id, [])


class TestFromTheWidget:
    async def test_a_national_number_is_read_in_the_players_country_and_joins_their_conversation(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel, locale="pl")
        sent = await player_says(client, token, "Chcę porozmawiać z kimś")
        r = await client.post(URL, headers={**bearer(token), "Accept-Language": "pl-PL,pl;q=0.9"}, json={
            "phone": "601 234 567", "country": "PL", "preferred_time": "evening", "timezone": "Europe/Warsaw",
            "note": "Chodzi o wypłatę", "locale": "pl", "client_id": "cb-1"})
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["phone"] == "+48601234567" and body["conversation_id"] == sent["conversation_id"]
        message = body["message"]
        assert message["author_type"] == "system" and not message["is_private"]
        assert message["body"] == ("Prośba o oddzwonienie na +48 601 234 567, preferowana pora: wieczorem "
                                   "(17:00–21:00), Europe/Warsaw\nUwaga: Chodzi o wypłatę")
        assert await tags_of(db, sent["conversation_id"]) == ["callback"]
        history = await client.get("/api/widget/v1/messages", headers=bearer(token))
        assert [m["author_type"] for m in history.json()] == ["player", "system"]

    async def test_the_message_is_worded_for_agents_in_english(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        r = await client.post(URL, headers=bearer(token), json={"phone": "+358 40 1234567",
                                                                "preferred_time": "morning"})
        assert r.json()["message"]["body"] == \
            "Callback requested to +358 40 1234567, preferred time: morning (9:00–12:00)"

    async def test_without_a_country_the_browser_language_is_the_hint(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        r = await client.post(URL, headers={**bearer(token), "Accept-Language": "fi"}, json={"phone": "040 1234567"})
        assert r.status_code == 201 and r.json()["phone"] == "+358401234567"

    async def test_it_reopens_a_resolved_conversation_and_a_retry_counts_once(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        sent = await player_says(client, token, "hello")
        async with db.transaction() as s:
            (await s.get(Conversation, sent["conversation_id"])).status = Status.pending
        payload = {"phone": "+48601234567", "client_id": "cb-same"}
        first = await client.post(URL, headers=bearer(token), json=payload)
        again = await client.post(URL, headers=bearer(token), json=payload)
        assert first.status_code == 201 and again.status_code == 200
        assert again.json()["message"]["id"] == first.json()["message"]["id"]
        async with db.transaction() as s:
            conversation = await s.get(Conversation, sent["conversation_id"])
            assert conversation.status == Status.open and conversation.message_count == 2
            assert await s.scalar(select(func.count()).select_from(Message)
                                  .where(Message.author_type == AuthorType.system)) == 1

    async def test_a_new_visitor_gets_a_conversation_with_the_request(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        r = await client.post(URL, headers=bearer(token), json={"phone": "+48601234567"})
        assert r.status_code == 201
        async with db.transaction() as s:
            conversation = await s.get(Conversation, r.json()["conversation_id"])
        assert conversation.preview.startswith("Callback requested to +48 601 234 567")

    @pytest.mark.parametrize("payload,status,code,message", [
        ({"phone": "12"}, 400, "invalid_phone_number",
         "12 is not a phone number we can call. Check it, or write it with + and the country code."),
        ({"phone": "601 234 567"}, 400, "invalid_phone_number", "601 234 567 is not a phone number we can call"),
        ({"phone": ""}, 400, "phone_required", "Enter the phone number we should call."),
        ({"phone": "+48601234567", "timezone": "Mars/Olympus"}, 400, "invalid_timezone", "Mars/Olympus"),
        ({"phone": "+48601234567", "preferred_time": "midnight"}, 422, "invalid_payload", "preferred_time"),
        ({"phone": "+48601234567", "note": "x" * 501}, 422, "invalid_payload", "note"),
        ({"phone": "+48601234567", "brand": 1}, 422, "invalid_payload", "brand"),
    ])
    async def test_bad_input_is_a_clear_error_and_nothing_is_stored(self, client, db, payload, status, code, message):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        r = await client.post(URL, headers=bearer(token), json=payload)
        assert r.status_code == status and r.json()["error"]["code"] == code, r.text
        assert message in r.json()["error"]["message"]
        assert await total(db, Message) == 0 and await total(db, Conversation) == 0

    async def test_the_error_speaks_the_players_language(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        r = await client.post(URL, headers={**bearer(token), "Accept-Language": "pl"}, json={"phone": "12"})
        assert r.status_code == 400 and r.json()["error"]["message"] == (
            "Nie możemy zadzwonić pod numer 12. Sprawdź go lub wpisz z + i numerem kierunkowym kraju.")

    async def test_malformed_json_and_a_missing_session(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        broken = await client.post(URL, headers={**bearer(token), "Content-Type": "application/json"},
                                   content=b'{"phone": ')
        assert broken.status_code == 400 and broken.json()["error"]["code"] == "malformed_json"
        anonymous = await client.post(URL, json={"phone": "+48601234567"})
        assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "invalid_widget_token"
        assert await total(db, Message) == 0


class TestFromAPlainForm:
    async def test_a_form_post_answers_with_a_page_in_the_players_language(self, client, db):
        _brand, channel = await make_brand(db)
        r = await client.post(URL, data={"key": channel.key, "phone": "601 234 567", "country": "PL",
                                         "preferred_time": "asap", "note": "", "locale": "pl",
                                         "return_to": "/help/lucky/pl/contact"})
        assert r.status_code == 201 and r.headers["content-type"].startswith("text/html")
        assert '<html lang="pl">' in r.text and "Dziękujemy. Oddzwonimy pod numer +48 601 234 567." in r.text
        assert 'href="/help/lucky/pl/contact"' in r.text
        async with db.transaction() as s:
            message = await s.scalar(select(Message))
            identity = await s.scalar(select(PlayerIdentity))
        assert message.author_type == AuthorType.system and "+48 601 234 567" in message.body
        assert identity.channel_id == channel.id and identity.external_id.startswith("visitor:")
        assert await tags_of(db, message.conversation_id) == ["callback"]

    async def test_a_widget_session_token_in_the_form_joins_the_players_conversation(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel, player_id="P-7", name="Olli")
        sent = await player_says(client, token, "Hei")
        r = await client.post(URL, data={"key": channel.key, "token": token, "phone": "+358401234567"})
        assert r.status_code == 201
        async with db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(Message)
                                  .where(Message.conversation_id == sent["conversation_id"])) == 2

    @pytest.mark.parametrize("fields,status,text", [
        ({"phone": "12"}, 400, "12 is not a phone number we can call"),
        ({"phone": "+48601234567", "preferred_time": "midnight"}, 400,
         "The field &#39;preferred_time&#39; does not accept the value &#39;midnight&#39;."),
        ({"phone": "+48601234567", "key": "wc_nope"}, 404, "There is no chat for this key"),
        ({"phone": "+48601234567", "key": None}, 400, "The form needs the brand&#39;s chat key"),
    ])
    async def test_refused_forms_get_a_page_saying_why_and_nothing_is_stored(self, client, db, fields, status, text):
        _brand, channel = await make_brand(db)
        data = {k: v for k, v in {"key": channel.key, "return_to": "/help", **fields}.items() if v is not None}
        r = await client.post(URL, data=data)
        assert r.status_code == status and r.headers["content-type"].startswith("text/html")
        assert text in r.text and 'role="alert"' in r.text and 'href="/help"' in r.text
        assert await total(db, Message) == 0 and await total(db, PlayerIdentity) == 0

    @pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
    async def test_return_to_only_leads_back_into_this_server(self, client, db, target):
        _brand, channel = await make_brand(db)
        r = await client.post(URL, data={"key": channel.key, "phone": "+48601234567", "return_to": target})
        assert r.status_code == 201 and "evil.example" not in r.text and "javascript:" not in r.text
