"""Provider webhooks' fast paths (PostgreSQL): the acknowledgement (channels/intake.py) stores exactly what
the full route stores, and a backlog's common case is processed set-based (channels/batch.py) into the same
messages, conversations, identities and live events as the full path, in the order the events came, while
every other event is left to the full path. On SQLite the same requests take the full route and path."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import func, select, update

from croupier.brand.service import brand_service
from croupier.channels import service as channel_module
from croupier.channels.batch import process_batch
from croupier.channels.tasks import ProcessInbound
from croupier.live import get_hub
from croupier.models import (
    ChannelType,
    Conversation,
    InboundEvent,
    InboundState,
    Job,
    JobState,
    Message,
    PlayerIdentity,
    Status,
)
from croupier.worker.runner import Runner
from tests.channels.pipeline import run
from tests.channels.telegram_peer import bot_api
from tests.factories import make_brand

HEADER = "X-Telegram-Bot-Api-Secret-Token"
update_ids = iter(range(900_000_001, 900_999_999))


@pytest.fixture
async def telegram(db):
    with bot_api() as peer:
        brand, _webchat = await make_brand(db)
        async with db.transaction() as s:
            channel = await brand_service.add_channel(s, None, brand.id, ChannelType.telegram, "Telegram bot",
                                                      {"bot_token": peer.token, "api_base": peer.url})
        yield channel


@pytest.fixture
def full_route(monkeypatch):
    """The webhooks the full route handled (the real service still does the work)."""
    calls = []
    original = channel_module.channel_service.accept

    async def accept(session, key, headers, body):
        calls.append(json.loads(body).get("update_id"))
        return await original(session, key, headers, body)

    monkeypatch.setattr(channel_module.channel_service, "accept", accept)
    return calls


def telegram_update(chat: int, text: str | None = None, name: str = "Olena", photo: bool = False,
                    update_id: int | None = None) -> bytes:
    message: dict[str, object] = {"message_id": next(update_ids), "date": 1763790000,
                                  "from": {"id": chat, "first_name": name, "language_code": "ru"},
                                  "chat": {"id": chat, "type": "private"}}
    if text is not None:
        message["caption" if photo else "text"] = text
    if photo:
        message["photo"] = [{"file_id": "big-id", "file_unique_id": "b1", "file_size": 5400}]
    return json.dumps({"update_id": update_id or next(update_ids), "message": message}).encode()


async def post(client, channel, body: bytes, secret: str | None = None):
    return await client.post(f"/channels/{channel.key}/webhook", content=body,
                             headers={HEADER: channel.secret if secret is None else secret,
                                      "Content-Type": "application/json"})


async def pending_jobs(db) -> list[tuple[int, dict]]:
    async with db.transaction() as s:
        return [(j.id, dict(j.payload)) for j in await s.scalars(
            select(Job).where(Job.state == JobState.queued).order_by(Job.id))]


async def batch(db, jobs, waiting: set[int] | None = None) -> set[int] | None:
    """The set-based path's work on PostgreSQL (the job ids it did; those it held back must be `waiting`);
    None on SQLite, which has none: there the full path (`run`) does everything, and the outcome asserted after
    it is the same."""
    if db.sqlite:
        assert not ProcessInbound().can_batch(db)
        return None
    done, later = await process_batch(db, jobs)
    assert later == (waiting or set())
    return done


async def first_contact(client, db, channel, chat: int, name: str = "Olena") -> int:
    """A player's first message, run as the job runner runs it (it opens the conversation); its id."""
    assert (await post(client, channel, telegram_update(chat, "hello", name=name))).status_code == 200
    await run(db)
    async with db.transaction() as s:
        return await s.scalar(select(Conversation.id).join(PlayerIdentity, PlayerIdentity.id == Conversation.identity_id)
                              .where(PlayerIdentity.external_id == str(chat)))


class TestAcknowledgement:
    async def test_a_new_delivery_is_stored_with_its_job_as_the_full_route_would(self, client, db, telegram,
                                                                                  full_route):
        body = telegram_update(7001, "where is my withdrawal", update_id=900_000_000)
        r = await post(client, telegram, body)
        assert r.status_code == 200 and r.json()["duplicate"] is False
        assert full_route == ([] if not db.sqlite else [900_000_000])
        async with db.transaction() as s:
            event = await s.get(InboundEvent, r.json()["event_id"])
            job = await s.scalar(select(Job))
        assert event.channel_id == telegram.id and event.external_id == "900000000"
        assert event.payload == json.loads(body) and event.state == InboundState.pending
        assert job.kind == "channels.process_inbound" and job.payload == {"event_id": event.id}
        assert job.state == JobState.queued and job.attempts == 0

    async def test_a_replay_is_answered_by_the_full_route_as_a_duplicate(self, client, db, telegram, full_route):
        body = telegram_update(7001, "twice")
        first = await post(client, telegram, body)
        again = await post(client, telegram, body)
        assert again.status_code == 200 and again.json() == {**first.json(), "duplicate": True}
        assert len(full_route) == (1 if not db.sqlite else 2)
        async with db.transaction() as s:
            assert len(list(await s.scalars(select(InboundEvent)))) == 1
            assert len(list(await s.scalars(select(Job)))) == 1

    @pytest.mark.parametrize(("body", "secret", "status", "code"), [
        (b'{"update_id": 5, "message": ', None, 400, "malformed_json"),
        (b'[1, 2]', None, 400, "malformed_payload"),
        (b'{"message": {}}', None, 400, "malformed_update"),
        (b'{"update_id": 5}', "wrong", 401, "webhook_unverified"),
    ])
    async def test_bad_requests_get_the_full_routes_error_and_store_nothing(self, client, db, telegram, body,
                                                                           secret, status, code):
        r = await post(client, telegram, body, secret)
        assert r.status_code == status and r.json()["error"]["code"] == code
        async with db.transaction() as s:
            assert list(await s.scalars(select(InboundEvent))) == [] and list(await s.scalars(select(Job))) == []

    async def test_a_channel_disabled_after_a_delivery_takes_nothing_more(self, client, db, telegram):
        assert (await post(client, telegram, telegram_update(7001, "first"))).status_code == 200
        async with db.transaction() as s:
            await s.execute(update(type(telegram)).values(is_active=False))
        r = await post(client, telegram, telegram_update(7001, "anyone?"))
        assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_channel"
        async with db.transaction() as s:
            assert len(list(await s.scalars(select(InboundEvent)))) == 1

    async def test_a_replaced_secret_takes_effect_at_once(self, client, db, telegram):
        assert (await post(client, telegram, telegram_update(7001, "first"))).status_code == 200
        async with db.transaction() as s:
            await s.execute(update(type(telegram)).values(secret="a-brand-new-secret-0123456789"))
        old = await post(client, telegram, telegram_update(7001, "old secret"))
        new = await post(client, telegram, telegram_update(7001, "new secret"), "a-brand-new-secret-0123456789")
        assert old.status_code == 401 and old.json()["error"]["code"] == "webhook_unverified"
        assert new.status_code == 200 and new.json()["duplicate"] is False
        async with db.transaction() as s:
            assert len(list(await s.scalars(select(InboundEvent)))) == 2


class TestBatch:
    async def test_a_backlog_lands_in_order_with_counts_preview_and_names(self, client, db, telegram):
        olena = await first_contact(client, db, telegram, 7001)
        ivan = await first_contact(client, db, telegram, 7002, name="Ivan")
        texts = [(7001, "one"), (7002, "uno"), (7001, "two"), (7001, "three"), (7002, "dos")]
        for chat, text in texts:
            name = "Olena K" if text == "three" else ("Olena" if chat == 7001 else "Ivan")
            assert (await post(client, telegram, telegram_update(chat, text, name=name))).status_code == 200
        jobs = await pending_jobs(db)
        async with get_hub().subscribe(lambda e: e.type == "message.created") as sub:
            done = await batch(db, jobs)
            await run(db)  # on SQLite all of them; on PostgreSQL none is left
            published = [await asyncio.wait_for(sub.queue.get(), 5) for _ in texts]
            await asyncio.sleep(0.05)
            assert sub.queue.empty()  # each message published once
        assert done in ({job_id for job_id, _payload in jobs}, None)
        async with db.transaction() as s:
            bodies = {cid: [m.body for m in await s.scalars(
                select(Message).where(Message.conversation_id == cid).order_by(Message.id))] for cid in (olena, ivan)}
            conv = await s.get(Conversation, olena)
            identity = await s.scalar(select(PlayerIdentity).where(PlayerIdentity.external_id == "7001"))
            events = list(await s.scalars(select(InboundEvent)))
            jobs_left = list(await s.scalars(select(Job).where(Job.state != JobState.done)))
            messages = {m.id: m for m in await s.scalars(select(Message))}
        assert bodies == {olena: ["hello", "one", "two", "three"], ivan: ["hello", "uno", "dos"]}
        assert conv.message_count == 4 and conv.preview == "three" and conv.status == Status.open
        assert conv.last_message_at == conv.last_player_message_at == messages[max(
            m.id for m in messages.values() if m.conversation_id == olena)].created_at
        assert identity.display_name == "Olena K" and identity.last_seen_at is not None
        assert all(e.state == InboundState.handled and e.handled_at for e in events) and jobs_left == []
        assert sorted(e.data["message"]["body"] for e in published) == ["dos", "one", "three", "two", "uno"]
        assert [e.data["message"]["body"] for e in published if e.conversation_id == olena] == ["one", "two", "three"]
        three = next(e for e in published if e.data["message"]["body"] == "three")
        assert three.conversation_id == olena and three.to_staff and three.to_player
        assert three.data["status"] == "open" and three.data["message"]["author_name"] == "Olena K"
        stored = messages[three.data["message"]["id"]]
        assert stored.external_id and three.data["message"]["client_id"] == stored.client_id == \
            f"ext-{stored.external_id}"

    async def test_everything_but_the_common_case_is_left_to_the_full_path_in_order(self, client, db, telegram):
        olena = await first_contact(client, db, telegram, 7001)
        ivan = await first_contact(client, db, telegram, 7002, name="Ivan")
        async with db.transaction() as s:
            await s.execute(update(Conversation).where(Conversation.id == ivan).values(status=Status.resolved))
        bodies = [telegram_update(7001, "before"), telegram_update(7001, "screenshot", photo=True),
                  telegram_update(7001, "after the photo"), telegram_update(7002, "reopen please"),
                  telegram_update(7003, "first time here"), telegram_update(7001, "later")]
        for body in bodies:
            assert (await post(client, telegram, body)).status_code == 200
        jobs = await pending_jobs(db)
        # "before", and "first time here" opens its new player's conversation; "screenshot" and "reopen please" are
        # for the full path, and the later ones of the same player wait for "screenshot"
        assert await batch(db, jobs, waiting={jobs[2][0], jobs[5][0]}) in ({jobs[0][0], jobs[4][0]}, None)
        await run(db)
        async with db.transaction() as s:
            olena_bodies = [m.body for m in await s.scalars(
                select(Message).where(Message.conversation_id == olena).order_by(Message.id))]
            reopened = await s.get(Conversation, ivan)
            states = {e.state for e in await s.scalars(select(InboundEvent))}
        assert olena_bodies == ["hello", "before", "screenshot", "after the photo", "later"]
        async with db.transaction() as s:
            assert [m.body for m in await s.scalars(select(Message).join(Conversation).join(
                PlayerIdentity, PlayerIdentity.id == Conversation.identity_id)
                .where(PlayerIdentity.external_id == "7003"))] == ["first time here"]
        assert reopened.status == Status.open and reopened.reopened_count == 1 and states == {InboundState.handled}

    async def test_a_conversation_with_the_assistant_is_left_to_the_full_path(self, client, db, telegram):
        from croupier.models import AssistantSettings

        await first_contact(client, db, telegram, 7001)
        async with db.transaction() as s:
            s.add(AssistantSettings(brand_id=telegram.brand_id, enabled=True))
        await post(client, telegram, telegram_update(7001, "can a bot help?"))
        assert await batch(db, await pending_jobs(db)) in (set(), None)
        await run(db)
        async with db.transaction() as s:
            assert await s.scalar(select(func.count()).where(Job.kind == "assistant.respond")) == 1  # its turn

    async def test_a_job_run_again_stores_nothing_twice(self, client, db, telegram):
        olena = await first_contact(client, db, telegram, 7001)
        await post(client, telegram, telegram_update(7001, "once"))
        jobs = await pending_jobs(db)
        assert await batch(db, jobs) in ({jobs[0][0]}, None)
        await run(db)
        async with db.transaction() as s:  # as if the worker died after its commit, before the job was done
            await s.execute(update(InboundEvent).values(state=InboundState.pending))
            await s.execute(update(Job).values(state=JobState.queued))
        assert await batch(db, jobs) in ({jobs[0][0]}, None)
        await run(db)
        async with db.transaction() as s:
            assert (await s.get(Conversation, olena)).message_count == 2
            assert [m.body for m in await s.scalars(select(Message).where(Message.conversation_id == olena))] == \
                ["hello", "once"]

    async def test_concurrent_batches_of_the_same_conversations_lose_nothing(self, client, db, telegram):
        chats = [7001, 7002, 7003]
        conversations = [await first_contact(client, db, telegram, chat) for chat in chats]
        for n in range(60):
            await post(client, telegram, telegram_update(chats[n % 3], f"m{n}"))
        jobs = await pending_jobs(db)
        halves = [jobs[0::2], jobs[1::2]]  # both touch every conversation
        done = await asyncio.gather(*(batch(db, half) for half in halves))
        await run(db)  # whatever a batch left (none expected but allowed) through the full path
        assert db.sqlite or sum(len(d) for d in done) >= 40
        async with db.transaction() as s:
            counts = [(await s.get(Conversation, cid)).message_count for cid in conversations]
            stored = [m.body for m in await s.scalars(select(Message).where(Message.body.like("m%")))]
        assert counts == [21, 21, 21] and sorted(stored) == sorted(f"m{n}" for n in range(60))


class TestFirstContact:
    async def test_two_first_messages_processed_at_once_make_one_player_and_conversation(self, client, db,
                                                                                        telegram):
        from croupier.channels.service import channel_service
        from croupier.models import Player

        ids = [(await post(client, telegram, telegram_update(7009, text))).json()["event_id"] for text in ("a", "b")]
        await asyncio.gather(*(channel_service.process_inbound(db, event_id) for event_id in ids))
        async with db.transaction() as s:
            assert len(list(await s.scalars(select(Player)))) == 1
            assert len(list(await s.scalars(select(PlayerIdentity)))) == 1
            conversation = await s.scalar(select(Conversation))
            assert conversation.message_count == 2
            assert sorted(m.body for m in await s.scalars(select(Message))) == ["a", "b"]

    async def test_new_senders_are_opened_set_based_as_the_full_path_opens_them(self, client, db, telegram):
        """Chat 7021's events take the set-based path (PostgreSQL), chat 7022's identical ones the full path:
        the same player, identity, conversation, messages and live events, but for ids and times."""
        from croupier.channels.service import channel_service

        bodies = {chat: [telegram_update(chat, text, name="Aysel") for text in ("salam", "pulum hardadir")]
                  for chat in (7021, 7022)}
        for chat in (7021, 7022):
            for body in bodies[chat]:
                assert (await post(client, telegram, body)).status_code == 200
        jobs = await pending_jobs(db)
        async with get_hub().subscribe(lambda e: e.type == "message.created") as sub:
            first_round = await batch(db, jobs[:2], waiting={jobs[1][0]})  # the second waits for the first
            assert first_round in ({jobs[0][0]}, None)
            assert await batch(db, jobs[1:2]) in ({jobs[1][0]}, None)  # now a known sender's message
            for _job_id, payload in jobs[2:]:
                await channel_service.process_inbound(db, payload["event_id"])
            await run(db)
            published = [await asyncio.wait_for(sub.queue.get(), 5) for _ in range(4)]
            await asyncio.sleep(0.05)
            assert sub.queue.empty()
        seen = {chat: await _opened(db, str(chat)) for chat in (7021, 7022)}
        assert seen[7021] == seen[7022]
        player, identity, conversation, messages = seen[7021]
        assert player == (telegram.brand_id, "Aysel", None, "ru", None, None)
        assert conversation[:4] == ("open", "normal", "ru", "pulum hardadir") and conversation[4:] == (2, 0, None)
        assert [m[:2] for m in messages] == [("player", "salam"), ("player", "pulum hardadir")]
        shown = {}
        for event in published:
            shown.setdefault(event.conversation_id, []).append(
                (event.data["message"]["body"], event.data["message"]["author_name"], event.data["status"],
                 event.to_staff, event.to_player))
        assert sorted(shown.values()) == [[("salam", "Aysel", "open", True, True),
                                           ("pulum hardadir", "Aysel", "open", True, True)]] * 2
        async with db.transaction() as s:
            assert {e.state for e in await s.scalars(select(InboundEvent))} == {InboundState.handled}
            assert list(await s.scalars(select(Job).where(Job.state != JobState.done))) == []

    async def test_a_new_sender_with_the_assistant_on_gets_its_turn_queued(self, client, db, telegram):
        from croupier.models import AssistantSettings

        async with db.transaction() as s:
            s.add(AssistantSettings(brand_id=telegram.brand_id, enabled=True))
        await post(client, telegram, telegram_update(7031, "hello bot"))
        jobs = await pending_jobs(db)
        assert await batch(db, jobs) in ({jobs[0][0]}, None)
        if db.sqlite:
            await Runner(db, tasks=[], handlers={"channels.process_inbound": ProcessInbound()}).run_due_jobs()
        async with db.transaction() as s:
            message = await s.scalar(select(Message).where(Message.body == "hello bot"))
            turns = [dict(j.payload) for j in await s.scalars(select(Job).where(Job.kind == "assistant.respond"))]
        assert turns == [{"message_id": message.id}]

    async def test_a_new_sender_opened_meanwhile_by_the_full_path_is_stored_once(self, client, db, telegram):
        from croupier.channels.service import channel_service
        from croupier.models import Player

        for text in ("first", "second"):
            assert (await post(client, telegram, telegram_update(7041, text))).status_code == 200
        jobs = await pending_jobs(db)
        if db.sqlite:
            await run(db)
        else:
            await asyncio.gather(process_batch(db, jobs[:1]), channel_service.process_inbound(db, jobs[1][1]["event_id"]))
            await run(db)  # whichever the set-based path had to leave
        async with db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(Player)) == 1
            assert await s.scalar(select(func.count()).select_from(PlayerIdentity)) == 1
            conversation = await s.scalar(select(Conversation))
            assert conversation.message_count == 2
            assert sorted(m.body for m in await s.scalars(select(Message))) == ["first", "second"]
            assert {e.state for e in await s.scalars(select(InboundEvent))} == {InboundState.handled}


async def _opened(db, chat: str):
    """What a sender's first contact left, without ids and times: player, identity, conversation, messages."""
    from croupier.models import Player

    async with db.transaction() as s:
        identity = await s.scalar(select(PlayerIdentity).where(PlayerIdentity.external_id == chat))
        player = await s.get(Player, identity.player_id)
        conversation = await s.scalar(select(Conversation).where(Conversation.identity_id == identity.id))
        messages = list(await s.scalars(select(Message).where(Message.conversation_id == conversation.id)
                                        .order_by(Message.id)))
    assert identity.last_seen_at is not None and conversation.player_id == player.id
    assert conversation.last_message_at == conversation.last_player_message_at == messages[-1].created_at
    assert all(m.client_id == f"ext-{m.external_id}" for m in messages)
    return ((player.brand_id, player.display_name, player.external_id, player.locale, player.email, player.country),
            (identity.channel_id, identity.display_name),
            (conversation.status.value, conversation.priority.value, conversation.language, conversation.preview,
             conversation.message_count, conversation.reopened_count, conversation.assignee_id),
            [(m.author_type.value, m.body, m.is_private, m.delivery_state.value) for m in messages])


class TestOpenedMeanwhile:
    async def test_a_sender_opened_elsewhere_between_the_two_statements_is_written_in_the_same_batch(
            self, client, db, telegram, monkeypatch):
        """The batch's first statement finds no such sender; before the second (first contact), another worker
        opens them: their events are then written here, in order, rather than left to the full path."""
        from croupier.channels import batch as batch_module
        from croupier.channels.service import channel_service

        for text in ("zero", "one", "two"):
            assert (await post(client, telegram, telegram_update(7051, text))).status_code == 200
        jobs = await pending_jobs(db)
        original, calls = batch_module._write, []

        async def write_then_open_elsewhere(raw, tried):
            rows = await original(raw, tried)
            calls.append([event.job_id for event in tried])
            if len(calls) == 1:  # "zero" through the full path, as another worker would, committed meanwhile
                await channel_service.process_inbound(db, jobs[0][1]["event_id"])
            return rows

        monkeypatch.setattr(batch_module, "_write", write_then_open_elsewhere)
        if db.sqlite:  # no set-based path: the full path does all three, to the same outcome
            await run(db)
        else:
            assert await batch(db, jobs[1:]) == {jobs[1][0], jobs[2][0]}
            assert calls == [[jobs[1][0], jobs[2][0]]] * 2
        async with db.transaction() as s:
            assert [m.body for m in await s.scalars(select(Message).order_by(Message.id))] == ["zero", "one", "two"]
            assert (await s.scalar(select(Conversation))).message_count == 3
