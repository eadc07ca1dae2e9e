"""The player sidebar: who the player is, their identities and past conversations, and merging."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from croupier.models import AuditEntry, Conversation, Player, Role
from tests.console.flows import HTMX
from tests.factories import console_session, make_brand, make_user, player_says, widget_session


@pytest.fixture
async def world(client, db):
    lucky, lucky_chat = await make_brand(db, "lucky", "Lucky Star")
    royal, royal_chat = await make_brand(db, "royal", "Royal Spin")
    agent = await make_user(db, "agent@lucky.test", Role.agent, [lucky])
    signed = await widget_session(client, lucky_chat, player_id="P-42", name="Olli Player")
    first = await player_says(client, signed, "First question")
    visitor = await widget_session(client, lucky_chat)
    anonymous = await player_says(client, visitor, "Same person, not logged in")
    royal_visitor = await widget_session(client, royal_chat)
    royal = await player_says(client, royal_visitor, "Royal question")
    return {"agent": agent, "signed_token": signed, "first": first["conversation_id"],
            "anonymous": anonymous["conversation_id"], "royal": royal["conversation_id"]}


async def player_of(db, conversation_id: int) -> int:
    async with db.transaction() as s:
        return (await s.get(Conversation, conversation_id)).player_id


class TestSidebar:
    async def test_shows_the_player_identities_and_past_conversations(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        await client.post(f"/console/conversations/{world['first']}/update", data={"status": "closed",
                                                                                   "csrf_token": csrf})
        later = await player_says(client, world["signed_token"], "Another question")
        assert later["conversation_id"] != world["first"]
        page = await client.get(f"/console/conversations/{later['conversation_id']}")
        assert "Olli Player" in page.text and "<code>P-42</code>" in page.text
        assert "player:P-42" in page.text  # the web chat identity
        assert f'href="/console/conversations/{world["first"]}"' in page.text and "First question" in page.text


class TestMerge:
    async def test_merge_moves_the_conversations_and_is_audited(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        source, target = await player_of(db, world["anonymous"]), await player_of(db, world["first"])
        r = await client.post(f"/console/players/{source}/merge", headers=HTMX, data={
            "target_id": f"#{target}", "next": f"/console/conversations/{world['anonymous']}", "csrf_token": csrf})
        assert r.status_code == 200 and r.headers["hx-redirect"] == f"/console/conversations/{world['anonymous']}"
        assert await player_of(db, world["anonymous"]) == target
        async with db.transaction() as s:
            assert (await s.get(Player, source)).merged_into_id == target
            assert await s.scalar(select(AuditEntry.details).where(AuditEntry.action == "player.merged")) \
                == {"source_player_id": source}
        page = await client.get(f"/console/conversations/{world['anonymous']}")
        assert "Olli Player" in page.text and f'href="/console/conversations/{world["first"]}"' in page.text

    @pytest.mark.parametrize("target, status, message", [
        ("self", 400, "cannot be merged into itself"),
        ("royal", 404, "There is no player"),
        ("abc", 400, "Enter the number of the player"),
        ("", 400, "Enter the number of the player"),
    ])
    async def test_bad_merges_are_refused_and_nothing_moves(self, client, db, world, target, status, message):
        csrf = await console_session(client, db, world["agent"])
        source = await player_of(db, world["anonymous"])
        value = {"self": str(source), "royal": str(await player_of(db, world["royal"]))}.get(target, target)
        r = await client.post(f"/console/players/{source}/merge", data={"target_id": value, "csrf_token": csrf},
                              headers=HTMX)
        assert r.status_code == status and message in r.text
        assert await player_of(db, world["anonymous"]) == source
        async with db.transaction() as s:
            assert (await s.get(Player, source)).merged_into_id is None

    async def test_another_brands_player_cannot_be_merged_away(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        royal_player = await player_of(db, world["royal"])
        r = await client.post(f"/console/players/{royal_player}/merge",
                              data={"target_id": str(await player_of(db, world["first"])), "csrf_token": csrf})
        assert r.status_code == 404
        assert await player_of(db, world["royal"]) == royal_player

    async def test_players_of_different_brands_do_not_merge_even_for_an_admin(self, client, db, world):
        admin = await make_user(db, "admin@lucky.test", Role.admin, totp=True)
        csrf = await console_session(client, db, admin)
        source, target = await player_of(db, world["royal"]), await player_of(db, world["first"])
        r = await client.post(f"/console/players/{source}/merge", data={"target_id": str(target), "csrf_token": csrf})
        assert r.status_code == 400 and "different brands" in r.text
