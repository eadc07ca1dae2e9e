"""The operator links a player's channel identities (POST /api/v1/players/link): a player who wrote by
e-mail and by Telegram becomes one player whose conversations appear together, in the API and in the
console's sidebar. Idempotent, audited, brand-scoped; bad identities get a clear 4xx and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from croupier.models import AuditEntry, ChannelType, Conversation, Player, PlayerIdentity, Role
from tests.api.world import READ_SCOPES, bearer
from tests.console.flows import add_channel, conversation_from
from tests.factories import api_token, console_session, make_brand, make_user

LINK = "/api/v1/players/link"


@pytest.fixture
async def world(client, db):
    brand, _chat = await make_brand(db)
    email = await add_channel(db, brand, ChannelType.email, "Support mailbox")
    telegram = await add_channel(db, brand, ChannelType.telegram, "Lucky bot")
    by_mail = await conversation_from(db, email, "Where is my withdrawal?", who="anna@example.com", name="Anna")
    by_telegram = await conversation_from(db, telegram, "Hello, it is Anna again", who="123456789", name="anna_k")
    agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
    return {"brand": brand, "email": email, "telegram": telegram, "mail_conversation": by_mail.id,
            "telegram_conversation": by_telegram.id, "agent": agent, "token": await api_token(db, agent)}


async def link(client, world, channel_type: str, external_id: str, player: str = "P-1001", **extra):
    return await client.post(LINK, headers=bearer(extra.pop("token", world["token"])), json={
        "brand_id": world["brand"].id, "player_external_id": player, "channel_type": channel_type,
        "external_id": external_id, **extra})


async def owners(db) -> dict[int, int]:
    async with db.transaction() as s:
        return dict((await s.execute(select(Conversation.id, Conversation.player_id))).tuples().all())


async def audit_count(db) -> int:
    async with db.transaction() as s:
        return await s.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "player.identity_linked"))


class TestLinking:
    async def test_email_and_telegram_become_one_player_with_both_conversations(self, client, db, world):
        first = await link(client, world, "email", " Anna@Example.COM ")
        assert first.status_code == 200, first.text
        assert first.json()["external_id"] == "P-1001"
        second = await link(client, world, "telegram", "123456789")
        assert second.status_code == 200, second.text
        body = second.json()
        assert body["id"] == first.json()["id"] and body["external_id"] == "P-1001"
        assert {(i["channel_type"], i["external_id"]) for i in body["identities"]} == {
            ("email", "anna@example.com"), ("telegram", "123456789")}
        both = {world["mail_conversation"], world["telegram_conversation"]}
        assert {c["id"] for c in body["conversations"]} == both
        assert set((await owners(db)).values()) == {body["id"]}
        listed = await client.get(f"/api/v1/conversations?player_id={body['id']}", headers=bearer(world["token"]))
        assert {c["id"] for c in listed.json()["items"]} == both
        async with db.transaction() as s:
            merged = await s.scalar(select(Player).where(Player.merged_into_id == body["id"]))
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "player.identity_linked")
                                   .order_by(AuditEntry.id.desc()))
        assert merged is not None and entry.details["merged_player_id"] == merged.id
        assert entry.target_id == str(body["id"]) and entry.actor_user_id == world["agent"].id

    async def test_the_console_sidebar_shows_the_other_channels_conversation(self, client, db, world):
        await link(client, world, "email", "anna@example.com")
        await link(client, world, "telegram", "123456789")
        await console_session(client, db, world["agent"])
        page = await client.get(f"/console/conversations/{world['telegram_conversation']}",
                                headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert f'href="/console/conversations/{world["mail_conversation"]}"' in page.text
        assert "Where is my withdrawal?" in page.text and "<code>P-1001</code>" in page.text
        assert "anna@example.com" in page.text and "123456789" in page.text

    async def test_an_identity_linked_before_the_player_writes_receives_their_message(self, client, db, world):
        r = await link(client, world, "telegram", "555000111", player="P-2002", display_name="Olli")
        assert r.status_code == 200 and r.json()["display_name"] == "Olli"
        conversation = await conversation_from(db, world["telegram"], "First message", who="555000111")
        assert conversation.player_id == r.json()["id"]

    async def test_repeating_a_link_changes_nothing(self, client, db, world):
        first = await link(client, world, "telegram", "123456789")
        audited = await audit_count(db)
        again = await link(client, world, "telegram", "123456789")
        assert again.status_code == 200 and again.json() == first.json()
        assert await audit_count(db) == audited == 1

    async def test_a_whatsapp_number_is_stored_as_the_channel_knows_it(self, client, db, world):
        await add_channel(db, world["brand"], ChannelType.whatsapp, "WhatsApp")
        r = await link(client, world, "whatsapp", "+48 601 234 567")
        assert r.status_code == 200
        assert ("whatsapp", "48601234567") in {(i["channel_type"], i["external_id"]) for i in r.json()["identities"]}

    async def test_a_merged_players_id_links_to_the_player_it_was_merged_into(self, client, db, world):
        await link(client, world, "email", "anna@example.com", player="P-OLD")
        await link(client, world, "telegram", "123456789", player="P-NEW")
        async with db.transaction() as s:
            old, new = [await s.scalar(select(Player.id).where(Player.external_id == p)) for p in ("P-OLD", "P-NEW")]
        await client.post(f"/api/v1/players/{old}/merge", headers=bearer(world["token"]), json={"into": new})
        r = await link(client, world, "telegram", "987654321", player="P-OLD")
        assert r.status_code == 200 and r.json()["id"] == new


class TestRefused:
    async def test_an_identity_of_another_operator_player_is_a_conflict(self, client, db, world):
        await link(client, world, "telegram", "123456789", player="P-1001")
        before = await owners(db)
        r = await link(client, world, "telegram", "123456789", player="P-9999")
        assert r.status_code == 409 and r.json()["error"]["code"] == "identity_linked_elsewhere"
        assert r.json()["error"]["message"] == "This identity already belongs to the operator's player P-1001."
        assert await owners(db) == before
        async with db.transaction() as s:
            assert await s.scalar(select(Player).where(Player.external_id == "P-9999")) is None

    @pytest.mark.parametrize("channel_type,external_id,status,code,message", [
        ("fax", "123", 422, "invalid_payload", "channel_type"),
        ("telegram", "@anna_k", 400, "invalid_identity", "@anna_k is not a Telegram identity"),
        ("email", "anna at example", 400, "invalid_identity", "is not an e-mail address"),
        ("webchat", "visitor:abc", 400, "webchat_not_linkable", "linked by the widget itself"),
        ("phone", "+48 12", 400, "no_such_channel", "The brand has no phone channel."),
        ("telegram", "", 422, "invalid_payload", "external_id"),
    ])
    async def test_bad_identities_get_a_clear_4xx_and_nothing_changes(self, client, db, world, channel_type,
                                                                      external_id, status, code, message):
        before = await owners(db)
        r = await link(client, world, channel_type, external_id)
        assert r.status_code == status and r.json()["error"]["code"] == code, r.text
        assert message in r.json()["error"]["message"]
        assert await owners(db) == before and await audit_count(db) == 0
        async with db.transaction() as s:
            assert await s.scalar(select(Player).where(Player.external_id == "P-1001")) is None

    async def test_several_channels_of_a_type_need_a_channel_id(self, client, db, world):
        second = await add_channel(db, world["brand"], ChannelType.telegram, "VIP bot")
        r = await link(client, world, "telegram", "123456789")
        assert r.status_code == 400 and r.json()["error"]["code"] == "channel_ambiguous"
        wrong = await link(client, world, "email", "x@example.com", channel_id=second.id)
        assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "unknown_channel"
        right = await link(client, world, "telegram", "42", channel_id=second.id)
        assert right.status_code == 200
        async with db.transaction() as s:
            assert await s.scalar(select(PlayerIdentity.channel_id).where(PlayerIdentity.external_id == "42")) \
                == second.id

    async def test_another_brand_is_not_found_and_read_only_tokens_may_not_link(self, client, db, world):
        other, _chat = await make_brand(db, slug="royal", name="Royal Spin")
        r = await client.post(LINK, headers=bearer(world["token"]), json={
            "brand_id": other.id, "player_external_id": "P-1", "channel_type": "telegram", "external_id": "1"})
        assert r.status_code == 404
        admin = await make_user(db, "admin@lucky.test", Role.admin)
        r = await link(client, world, "telegram", "123456789", token=await api_token(db, admin, READ_SCOPES))
        assert r.status_code == 403 and "players:write" in r.json()["error"]["message"]
        assert await audit_count(db) == 0
