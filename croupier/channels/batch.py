"""Set-based processing of a backlog of inbound events: the common case in two or three statements per batch.

The common case is a webhook carrying one text message (no attachment, no call, no status update, not an
email thread) from a player the channel already knows, into their open conversation that is not with the
assistant. On PostgreSQL the job runner hands this module the `channels.process_inbound` jobs it claimed
together (worker/runner.py, `run_batch`); per batch, not per event:

1. one query reads the events with their channels, and each payload is parsed by its channel's adapter
   (the same `parse` the full path uses);
2. one statement (`_WRITE`, autocommitted, so all or nothing) finds each sender's identity and current
   conversation with the same rules as the full path (latest conversation not closed; open; not with the
   assistant: assistant/gate.py), locks those conversations in id order (no deadlock between batches: the
   identities touched are those of the conversations locked), stores the messages once (a message already
   stored under its client id is not stored again), updates the conversations and identities (last seen,
   display name), marks the events handled and the jobs done;
3. the text messages of senders the channel does not know yet, whose first event that is, open their players,
   identities and conversations in one more statement (first_contact.py), as the full path would; their
   next events in the batch come round again (`later`), then known;
4. the messages are published to the live streams, as the full path publishes them.

Every other event - a first contact linking to the operator's player id, an attachment, a closed or resolved
conversation to reopen, one with the assistant, a delivery receipt, an email - takes the full path
(`ChannelService.process_inbound`), one by one, and the same sender's later events in the batch wait for it
(their order is kept). SQLite: all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from croupier.assistant.gate import NOT_WITH_ASSISTANT_SQL
from croupier.channels.base import InboundMessage, Parsed
from croupier.channels.first_contact import can_open, handled_and_done, open_conversations
from croupier.channels.intake import channel_of
from croupier.channels.registry import ADAPTERS
from croupier.conversation.schemas import MessageOut
from croupier.conversation.service import PREVIEW_CHARS
from croupier.db import Database
from croupier.kit import i18n
from croupier.kit.clock import utcnow
from croupier.live import LiveEvent, publish_soon
from croupier.models import AuthorType, DeliveryState, Status
from croupier.worker import queue

_EVENTS = """
SELECT e.id, e.state, e.payload::text AS payload, ch.id AS channel_id, ch.brand_id, ch.type, ch.name, ch.key,
       ch.secret, ch.config::text AS config, b.default_locale
FROM inbound_events e JOIN channels ch ON ch.id = e.channel_id JOIN brands b ON b.id = ch.brand_id
WHERE e.id = ANY($1::bigint[])
"""

# $1 event ids, $2 job ids, $3 channel ids, $4 senders, $5 sender names, $6 bodies, $7 external ids, $8 client
# ids, $9 languages, $10 previews (all in event order), $11 now. One row per event written, in event order
# (they are published in it), `message_id` NULL when it was stored before; the events of a sender with no
# conversation to join here are not written.
_WRITE = f"""
WITH v AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
                         $8::text[], $9::text[], $10::text[])
    WITH ORDINALITY AS t(event_id, job_id, channel_id, sender, name, body, external_id, client_id, language,
                         preview, n)
), cur AS (
    SELECT i.id AS identity_id, i.channel_id, i.external_id, i.display_name,
           (SELECT max(x.id) FROM conversations x WHERE x.identity_id = i.id AND x.status <> 'closed') AS conv_id
    FROM player_identities i
    WHERE (i.channel_id, i.external_id) IN (SELECT channel_id, sender FROM v)
), locked AS (
    SELECT c.id, c.brand_id FROM conversations c
    WHERE c.id IN (SELECT conv_id FROM cur) AND c.status = 'open' AND {NOT_WITH_ASSISTANT_SQL}
    ORDER BY c.id FOR UPDATE OF c
), ok AS (
    SELECT v.*, cur.identity_id, cur.display_name, locked.id AS conversation_id, locked.brand_id
    FROM v JOIN cur ON cur.channel_id = v.channel_id AND cur.external_id = v.sender
    JOIN locked ON locked.id = cur.conv_id
), ins AS (
    INSERT INTO messages (conversation_id, author_type, body, is_private, delivery_state, client_id, external_id,
                          created_at)
    SELECT conversation_id, 'player', body, false, 'received', client_id, external_id, $11 FROM ok ORDER BY n
    ON CONFLICT (conversation_id, client_id) DO NOTHING
    RETURNING id, conversation_id, client_id
), mine AS (
    SELECT ins.id, ok.* FROM ins JOIN ok USING (conversation_id, client_id)
), per AS (
    SELECT conversation_id, count(*) AS added, max(id) AS last_id, max(language) AS language
    FROM mine GROUP BY conversation_id
), upd AS (
    UPDATE conversations c
    SET last_message_at = $11, last_player_message_at = $11, message_count = c.message_count + per.added,
        preview = (SELECT mine.preview FROM mine WHERE mine.id = per.last_id),
        language = COALESCE(c.language, per.language)
    FROM per WHERE c.id = per.conversation_id
    RETURNING c.id
), who AS (
    SELECT DISTINCT ON (identity_id) identity_id, name FROM ok ORDER BY identity_id, n DESC
), seen AS (
    UPDATE player_identities i SET last_seen_at = $11, display_name = COALESCE(who.name, i.display_name)
    FROM who WHERE i.id = who.identity_id
    RETURNING i.id
), {handled_and_done('$11')}
SELECT ok.n, ok.job_id, ok.brand_id, ok.conversation_id, ok.identity_id,
       COALESCE(ok.name, ok.display_name) AS author_name, mine.id AS message_id, $11::timestamptz AS created_at
FROM ok LEFT JOIN mine ON mine.n = ok.n
ORDER BY ok.n
"""


@dataclass
class _Event:
    job_id: int
    event_id: int
    channel_id: int
    message: InboundMessage | None  # the common case's one text message, else None


def _parsed(row: Any) -> Parsed | None:
    """The event parsed by its channel's adapter, as the full path parses it; None if it cannot be."""
    adapter = ADAPTERS.get(row["type"])
    if adapter is None:
        return None
    payload = row["payload"]
    token = i18n.current_locale.set(row["default_locale"] or i18n.SOURCE_LOCALE)  # adapters' own wording
    try:
        return adapter.parse(channel_of(row), orjson.loads(payload) if isinstance(payload, str) else payload)
    except Exception:  # noqa: BLE001 - the full path parses it again and records why it cannot
        return None
    finally:
        i18n.current_locale.reset(token)


def _simple(parsed: Parsed | None) -> InboundMessage | None:
    """The event's one text message if it is the common case, else None."""
    if parsed is None or len(parsed.messages) != 1 or parsed.updates:
        return None
    message = parsed.messages[0]
    if (message.attachments or message.call is not None or message.separate_threads
            or not message.text.strip() or not message.external_id):
        return None
    return message


async def process_batch(db: Database, jobs: list[tuple[int, dict[str, Any]]]) -> tuple[set[int], set[int]]:
    """See the module's docstring: (the ids of the jobs done here, their events handled; the ids of jobs that
    must wait until an earlier event of the same sender is done, by the full path or here in the next round)."""
    by_event = {int(payload["event_id"]): job_id for job_id, payload in jobs if "event_id" in payload}
    events: list[tuple[_Event, set[tuple[int, str]]]] = []  # in the order received, with their senders
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        for row in sorted(await raw.fetch(_EVENTS, list(by_event)), key=lambda r: r["id"]):
            if row["state"] != "pending":
                continue  # handled already (the full path returns at once) or failed before (it says why)
            parsed = _parsed(row)
            senders = {(row["channel_id"], m.sender_id) for m in (parsed.messages if parsed else [])}
            events.append((_Event(by_event[row["id"]], row["id"], row["channel_id"], _simple(parsed)), senders))
        held: set[tuple[int, str]] = set()  # senders with an earlier event left to the full path
        tried = []
        for event, senders in events:
            if event.message is not None and not senders & held:
                tried.append(event)
            else:
                held |= senders
        written = await _write(raw, tried)
        written_jobs = {event.job_id for event, _row in written}
        opened, known = await _open(raw, tried, written_jobs)
        if known:  # opened meanwhile by another lane or process: their events can be written now
            written += await _write(raw, [event for event in tried
                                          if event.job_id not in written_jobs and _sender(event) in known])
    events_of = {event.job_id: senders for event, senders in events}
    done = {event.job_id for event, _row in written + opened}
    # a sender just opened: their next events come round again, now that the sender is known
    held = {sender for event, _row in opened for sender in events_of[event.job_id]}
    later = set()
    for event, senders in events:
        if event.job_id in done:
            continue
        if senders & held:
            later.add(event.job_id)  # after the earlier one: it waits until that one is done
        held |= senders
    _publish(written + opened)
    if any(row["assisted"] for _event, row in opened):
        queue.wake()
    return done, later


def _sender(event: _Event) -> tuple[int, str]:
    return event.channel_id, event.message.sender_id  # type: ignore[union-attr]


async def _open(raw: Any, tried: list[_Event], written: set[int]) -> tuple[list[tuple[_Event, Any]], set[tuple[int, str]]]:
    """New senders' first events, not written by `_write`, opened set-based (first_contact.py): (event, row)
    pairs as `_write`'s, and the senders that could not be opened because the channel knows them (since
    `_write`, perhaps)."""
    first: dict[tuple[int, str], _Event] = {}  # sender -> their first event left
    for event in tried:
        if event.job_id not in written:
            first.setdefault(_sender(event), event)
    chosen = [event for event in first.values() if can_open(event.message)]  # type: ignore[arg-type]
    if not chosen:
        return [], set()
    rows = await open_conversations(raw, _columns(chosen), [event.message.email for event in chosen])  # type: ignore[union-attr]
    pairs = [(chosen[row["n"] - 1], row) for row in rows]
    return pairs, {_sender(event) for event in chosen} - {_sender(event) for event, _row in pairs}


def _columns(events: list[_Event]) -> list[list[Any]]:
    """$1-$10 of `_WRITE` (and of first_contact's statement) for these events."""
    messages = [event.message for event in events]
    texts = [m.text.strip() for m in messages]  # type: ignore[union-attr]
    return [[e.event_id for e in events], [e.job_id for e in events], [e.channel_id for e in events],
            [m.sender_id for m in messages], [m.sender_name or None for m in messages], texts,  # type: ignore[union-attr]
            [m.external_id for m in messages], [_client_id(m) for m in messages],  # type: ignore[arg-type]
            [i18n.normalize(m.locale) for m in messages], [t[:PREVIEW_CHARS] for t in texts]]  # type: ignore[union-attr]


async def _write(raw: Any, tried: list[_Event]) -> list[tuple[_Event, Any]]:
    """Step 2 (see the module's docstring): (event, row) for each event written, in event order."""
    if not tried:
        return []
    return [(tried[row["n"] - 1], row) for row in await raw.fetch(_WRITE, *_columns(tried), utcnow())]


def _client_id(message: InboundMessage) -> str:
    return f"ext-{message.external_id}"[:64]  # as the full path stores it (ChannelService._write)


def _publish(written: list[tuple[_Event, Any]]) -> None:
    """The new messages on the live streams, as the full path publishes them (conversation_service._publish);
    in the background: the lane goes on to its next jobs meanwhile."""
    out = []
    for event, row in written:
        if row["message_id"] is None:
            continue  # stored before (a job run again): published then
        message: InboundMessage = event.message  # type: ignore[assignment]
        shown = MessageOut(id=row["message_id"], conversation_id=row["conversation_id"],
                           author_type=AuthorType.player, author_name=row["author_name"], body=message.text.strip(),
                           is_private=False, delivery_state=DeliveryState.received, client_id=_client_id(message),
                           created_at=row["created_at"])
        out.append(LiveEvent(type="message.created", brand_id=row["brand_id"], conversation_id=row["conversation_id"],
                             identity_id=row["identity_id"], to_staff=True, to_player=True,
                             data={"message": shown.model_dump(mode="json"), "status": Status.open.value}))
    publish_soon(out)
