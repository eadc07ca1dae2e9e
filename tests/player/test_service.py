"""Players: identities link to one player; two players can be merged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from croupier.errors import BadRequest, NotFound
from croupier.models import Conversation, Player, PlayerIdentity, Role
from croupier.player.service import player_service
from tests.factories import make_brand, make_user, player_says, principal_of, widget_session


class TestMerge:
    async def test_merge_moves_identities_and_conversations(self, client, db):
        brand, channel = await make_brand(db)
        agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
        a = await player_says(client, await widget_session(client, channel), "from laptop")
        b = await player_says(client, await widget_session(client, channel, player_id="P-7", name="Ola"), "phone")
        async with db.transaction() as s:
            pa = (await s.get(Conversation, a["conversation_id"])).player_id
            pb = (await s.get(Conversation, b["conversation_id"])).player_id
        principal = await principal_of(db, agent)
        async with db.transaction() as s:
            await player_service.merge(s, principal, pa, pb)
        async with db.transaction() as s:
            owners = set(await s.scalars(select(Conversation.player_id)))
            assert owners == {pb}
            assert set(await s.scalars(select(PlayerIdentity.player_id))) == {pb}
            assert (await s.get(Player, pa)).merged_into_id == pb

    async def test_another_brands_player_is_not_found(self, client, db):
        brand_a, channel_a = await make_brand(db, slug="alpha")
        _brand_b, channel_b = await make_brand(db, slug="beta")
        agent = await make_user(db, "agent@a.test", Role.agent, [brand_a])
        a = await player_says(client, await widget_session(client, channel_a), "a")
        b = await player_says(client, await widget_session(client, channel_b), "b")
        async with db.transaction() as s:
            pa = (await s.get(Conversation, a["conversation_id"])).player_id
            pb = (await s.get(Conversation, b["conversation_id"])).player_id
        principal = await principal_of(db, agent)
        with pytest.raises(NotFound):
            async with db.transaction() as s:
                await player_service.merge(s, principal, pa, pb)

    async def test_merging_into_itself_is_refused(self, client, db):
        brand, channel = await make_brand(db)
        agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
        a = await player_says(client, await widget_session(client, channel), "a")
        async with db.transaction() as s:
            pa = (await s.get(Conversation, a["conversation_id"])).player_id
        with pytest.raises(BadRequest):
            async with db.transaction() as s:
                await player_service.merge(s, await principal_of(db, agent), pa, pa)
