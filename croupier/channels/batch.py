"""Set-based processing of a backlog of inbound events: the common case in a few statements per batch.

The common case is a webhook carrying one text message (no attachment, no call, no status update, not an
email thread) from a player the channel already knows, into their open conversation that is not with the
assistant. On PostgreSQL the job runner hands this module the `channels.process_inbound` jobs it claimed
together (worker/runner.py, `run_batch`); per batch, not per event:

1. one query reads the events with their channels, and each payload is parsed by its channel's adapter
   (the same `parse` the full path uses);
2. one query finds each sender's identity and current conversation, with the same rules as the full path
   (latest conversation not closed, open, not with the assistant: assistant/gate.py);
3. in one transaction: one statement locks those conversations in id order (no deadlock between batches),
   stores the messages once (a message already stored under its client id is not stored again), updates
   the conversations, marks the events handled and the jobs done; a second touches the identities
   (last seen, display name), also in id order;
4. after the commit the messages are published to the live streams, as the full path publishes them.

Every other event - a first contact, an attachment, a closed or resolved conversation to reopen, one with the
assistant, a delivery receipt, an email - and every later event of the same sender in the batch (their
order is kept) is left to the full path (`ChannelService.process_inbound`), job by job. SQLite: all of them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from croupier.assistant.gate import NOT_WITH_ASSISTANT_SQL
from croupier.channels.base import InboundMessage, Parsed
from croupier.channels.intake import channel_of
from croupier.channels.registry import ADAPTERS
from croupier.conversation.schemas import MessageOut
from croupier.conversation.service import PREVIEW_CHARS
from croupier.db import Database
from croupier.kit import i18n
from croupier.kit.clock import utcnow
from croupier.live import LiveEvent, get_hub
from croupier.models import AuthorType, DeliveryState, Status

_EVENTS = """
SELECT e.id, e.state, e.payload, ch.id AS channel_id, ch.brand_id, ch.type, ch.name, ch.key, ch.secret,
       ch.config, b.default_locale
FROM inbound_events e JOIN channels ch ON ch.id = e.channel_id JOIN brands b ON b.id = ch.brand_id
WHERE e.id = ANY($1::bigint[])
"""

# $1 channel ids, $2 sender ids: one row per (n) whose sender's current conversation takes the message here.
_CURRENT = f"""
SELECT v.n, i.id AS identity_id, i.display_name, c.id AS conversation_id
FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS v(channel_id, sender, n)
JOIN player_identities i ON i.channel_id = v.channel_id AND i.external_id = v.sender
JOIN conversations c ON c.id = (SELECT max(x.id) FROM conversations x
                                WHERE x.identity_id = i.id AND x.status <> 'closed')
WHERE c.status = 'open' AND {NOT_WITH_ASSISTANT_SQL}
"""

# $1 event ids, $2 job ids, $3 conversation ids, $4 bodies, $5 external ids, $6 client ids, $7 languages,
# $8 previews (all in event order), $9 now. One row per event written; `message_id` NULL when it was there.
_WRITE = """
WITH v AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                         $7::text[], $8::text[])
    WITH ORDINALITY AS t(event_id, job_id, conversation_id, body, external_id, client_id, language, preview, n)
), locked AS (
    SELECT c.id, c.brand_id FROM conversations c
    WHERE c.id = ANY($3::bigint[]) AND c.status = 'open'
    ORDER BY c.id FOR UPDATE
), ok AS (
    SELECT v.*, locked.brand_id FROM v JOIN locked ON locked.id = v.conversation_id
), ins AS (
    INSERT INTO messages (conversation_id, author_type, body, is_private, delivery_state, client_id, external_id,
                          created_at)
    SELECT conversation_id, 'player', body, false, 'received', client_id, external_id, $9 FROM ok ORDER BY n
    ON CONFLICT (conversation_id, client_id) DO NOTHING
    RETURNING id, conversation_id, client_id
), mine AS (
    SELECT ins.id, ok.* FROM ins JOIN ok USING (conversation_id, client_id)
), per AS (
    SELECT conversation_id, count(*) AS added, max(id) AS last_id, max(language) AS language
    FROM mine GROUP BY conversation_id
), upd AS (
    UPDATE conversations c
    SET last_message_at = $9, last_player_message_at = $9, message_count = c.message_count + per.added,
        preview = (SELECT mine.preview FROM mine WHERE mine.id = per.last_id),
        language = COALESCE(c.language, per.language)
    FROM per WHERE c.id = per.conversation_id
    RETURNING c.id
), handled AS (
    UPDATE inbound_events e SET state = 'handled', handled_at = $9, error = NULL
    FROM ok WHERE e.id = ok.event_id
    RETURNING e.id
), done AS (
    UPDATE jobs j SET state = 'done', locked_at = NULL, last_error = NULL
    FROM ok WHERE j.id = ok.job_id
    RETURNING j.id
)
SELECT ok.n, ok.job_id, ok.brand_id, mine.id AS message_id
FROM ok LEFT JOIN mine ON mine.n = ok.n
"""

# $1 identity ids, $2 display names (in event order: the last one given wins), $3 now.
_TOUCH = """
WITH v AS (
    SELECT DISTINCT ON (id) id, name
    FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS t(id, name, n) ORDER BY id, n DESC
), locked AS (
    SELECT i.id FROM player_identities i WHERE i.id = ANY($1::bigint[]) ORDER BY i.id FOR UPDATE
)
UPDATE player_identities i SET last_seen_at = $3, display_name = COALESCE(v.name, i.display_name)
FROM locked JOIN v ON v.id = locked.id WHERE i.id = locked.id
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
    must wait until an earlier event of the same sender has taken the full path)."""
    by_event = {int(payload["event_id"]): job_id for job_id, payload in jobs if "event_id" in payload}
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        events: list[tuple[_Event, set[tuple[int, str]]]] = []  # in the order received, with their senders
        for row in sorted(await raw.fetch(_EVENTS, list(by_event)), key=lambda r: r["id"]):
            if row["state"] != "pending":
                continue  # handled already (the full path returns at once) or failed before (it says why)
            parsed = _parsed(row)
            senders = {(row["channel_id"], m.sender_id) for m in (parsed.messages if parsed else [])}
            events.append((_Event(by_event[row["id"]], row["id"], row["channel_id"], _simple(parsed)), senders))
        simple = [event for event, _senders in events if event.message is not None]
        found = await raw.fetch(_CURRENT, [e.channel_id for e in simple],
                                [e.message.sender_id for e in simple]) if simple else []  # type: ignore[union-attr]
        current = {simple[row["n"] - 1].event_id: row for row in found}
        chosen: list[tuple[_Event, Any]] = []
        later, held = set(), set()  # held: senders with an earlier event left to the full path
        for event, senders in events:
            if event.event_id in current and not senders & held:
                chosen.append((event, current[event.event_id]))
                continue
            if senders & held:
                later.add(event.job_id)  # after the earlier one: it waits until that one is done
            held |= senders
    if not chosen:
        return set(), later
    written, texts, now = await _write(db, chosen)
    await _publish(chosen, texts, written, now)
    return {row["job_id"] for row in written}, later


async def _write(db: Database, chosen: list[tuple[_Event, Any]]) -> tuple[list[Any], list[str], datetime]:
    """Steps 3 (see the module's docstring): one row per event written, the texts stored, and when."""
    now = utcnow()
    messages = [event.message for event, _current in chosen]
    texts = [m.text.strip() for m in messages]  # type: ignore[union-attr]
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        async with raw.transaction():
            written = await raw.fetch(
                _WRITE, [e.event_id for e, _c in chosen], [e.job_id for e, _c in chosen],
                [c["conversation_id"] for _e, c in chosen], texts, [m.external_id for m in messages],
                [_client_id(m) for m in messages], [i18n.normalize(m.locale) for m in messages],
                [t[:PREVIEW_CHARS] for t in texts], now)
            if written:
                touched = [chosen[row["n"] - 1] for row in written]
                await raw.execute(_TOUCH, [c["identity_id"] for _e, c in touched],
                                  [e.message.sender_name or None for e, _c in touched], now)  # type: ignore[union-attr]
    return written, texts, now


def _client_id(message: InboundMessage) -> str:
    return f"ext-{message.external_id}"[:64]  # as the full path stores it (ChannelService._write)


async def _publish(chosen: list[tuple[_Event, Any]], texts: list[str], written: list[Any], now: datetime) -> None:
    """The new messages on the live streams, as the full path publishes them (conversation_service._publish)."""
    hub = get_hub()
    events = []
    for row in written:
        if row["message_id"] is None:
            continue  # stored before (a job run again): published then
        event, current = chosen[row["n"] - 1]
        out = MessageOut(id=row["message_id"], conversation_id=current["conversation_id"],
                         author_type=AuthorType.player, author_name=event.message.sender_name or current["display_name"],
                         body=texts[row["n"] - 1], is_private=False, delivery_state=DeliveryState.received,
                         client_id=_client_id(event.message), created_at=now)
        events.append(hub.publish(LiveEvent(
            type="message.created", brand_id=row["brand_id"], conversation_id=current["conversation_id"],
            identity_id=current["identity_id"], to_staff=True, to_player=True,
            data={"message": out.model_dump(mode="json"), "status": Status.open.value})))
    await asyncio.gather(*events)
