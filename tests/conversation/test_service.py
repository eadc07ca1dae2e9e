"""Conversation rules: where a player's message lands, status changes, waking snoozed conversations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from croupier.conversation.schemas import ConversationUpdate
from croupier.conversation.service import conversation_service
from croupier.conversation.tasks import wake_snoozed
from croupier.errors import BadRequest
from croupier.kit.clock import utcnow
from croupier.models import Conversation, Role, Status
from tests.factories import make_brand, make_user, player_says, principal_of, widget_session


async def _setup(client, db):
    brand, channel = await make_brand(db)
    agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
    token = await widget_session(client, channel)
    first = await player_says(client, token, "hello")
    return agent, token, first["conversation_id"]


async def _set(db, agent, cid, **change):
    principal = await principal_of(db, agent)
    async with db.transaction() as s:
        await conversation_service.update(s, principal, cid, ConversationUpdate(**change))


async def _get(db, cid) -> Conversation:
    async with db.transaction() as s:
        return await s.get(Conversation, cid)


class TestWhereMessagesLand:
    async def test_a_resolved_conversation_is_reopened_by_the_player(self, client, db):
        agent, token, cid = await _setup(client, db)
        await _set(db, agent, cid, status=Status.resolved)
        again = await player_says(client, token, "it happened again")
        conv = await _get(db, cid)
        assert again["conversation_id"] == cid
        assert conv.status == Status.open and conv.reopened_count == 1 and conv.resolved_at is None

    async def test_after_closing_a_new_conversation_starts(self, client, db):
        agent, token, cid = await _setup(client, db)
        await _set(db, agent, cid, status=Status.closed)
        again = await player_says(client, token, "new question")
        assert again["conversation_id"] != cid
        assert (await _get(db, cid)).status == Status.closed

    async def test_pending_goes_back_to_open_when_the_player_answers(self, client, db):
        agent, token, cid = await _setup(client, db)
        await _set(db, agent, cid, status=Status.pending)
        await player_says(client, token, "here is the document")
        assert (await _get(db, cid)).status == Status.open


class TestReplies:
    async def test_first_public_reply_sets_first_response_and_takes_the_conversation(self, client, db):
        agent, _token, cid = await _setup(client, db)
        principal = await principal_of(db, agent)
        async with db.transaction() as s:
            await conversation_service.reply(s, principal, cid, "internal remark", private=True)
        assert (await _get(db, cid)).first_response_at is None
        async with db.transaction() as s:
            await conversation_service.reply(s, principal, cid, "Hello! Checking now.")
        conv = await _get(db, cid)
        assert conv.first_response_at is not None and conv.assignee_id == agent.id

    async def test_an_empty_reply_is_refused(self, client, db):
        agent, _token, cid = await _setup(client, db)
        principal = await principal_of(db, agent)
        with pytest.raises(BadRequest) as err:
            async with db.transaction() as s:
                await conversation_service.reply(s, principal, cid, "   ")
        assert err.value.code == "empty_message"


class TestSnooze:
    async def test_snooze_needs_a_future_time(self, client, db):
        agent, _token, cid = await _setup(client, db)
        with pytest.raises(BadRequest) as err:
            await _set(db, agent, cid, status=Status.snoozed, snoozed_until=utcnow() - timedelta(minutes=1))
        assert err.value.code == "snooze_needs_time"
        assert (await _get(db, cid)).status == Status.open

    async def test_the_sweep_wakes_only_conversations_whose_time_has_come(self, client, db):
        agent, _token, cid = await _setup(client, db)
        await _set(db, agent, cid, status=Status.snoozed, snoozed_until=utcnow() + timedelta(seconds=60))
        async with db.transaction() as s:
            assert await wake_snoozed(s) == 0
            (await s.get(Conversation, cid)).snoozed_until = utcnow() - timedelta(seconds=1)
        async with db.transaction() as s:
            assert await wake_snoozed(s) == 1
        conv = await _get(db, cid)
        assert conv.status == Status.open and conv.snoozed_until is None
