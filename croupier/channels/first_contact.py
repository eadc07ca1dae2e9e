"""Set-based first contacts: a backlog's new senders get their player, identity and conversation in one statement.

Part of the batch processing of inbound events (channels/batch.py), on PostgreSQL. A sender the channel does
not know yet, writing one text message (the common case there), gets what the full path gives a first contact
(`player_service.resolve_identity` then `conversation_service.receive`): a new player (name, locale, email), their
identity on the channel (last seen now), an open conversation (language, preview, one message) with the message,
and, when the brand's assistant is on, the assistant's turn queued for that message (assistant/gate.py). The
event is marked handled and its job done in the same statement (`_OPEN`, autocommitted: all or nothing).

A sender with an operator-supplied player id (to link to an existing player) is left to the full path. So is a
sender whose identity exists by the time the statement runs: another lane or process opened it meanwhile (the
identity insert waits for that transaction, then stores nothing for this sender; nor does anything else).
"""

from __future__ import annotations

from typing import Any

from croupier.assistant.gate import RESPOND_JOB
from croupier.channels.base import InboundMessage
from croupier.kit.clock import utcnow


def handled_and_done(now: str) -> str:
    """The last CTEs of a set-based statement over `ok` (rows with event_id and job_id): the events handled at
    `now` (a parameter), the jobs done."""
    return f"""handled AS (
    UPDATE inbound_events e SET state = 'handled', handled_at = {now}, error = NULL
    FROM ok WHERE e.id = ok.event_id
    RETURNING e.id
), done AS (
    UPDATE jobs j SET state = 'done', locked_at = NULL, last_error = NULL
    FROM ok WHERE j.id = ok.job_id
    RETURNING j.id
)"""


# $1 event ids, $2 job ids, $3 channel ids, $4 senders, $5 sender names, $6 bodies, $7 external ids, $8 client
# ids, $9 languages, $10 previews, $11 emails (one per new sender, in event order), $12 now. One row per sender
# opened, in event order, with `assisted` true when the assistant's turn was queued.
_OPEN = f"""
WITH v AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
                         $8::text[], $9::text[], $10::text[], $11::text[])
    WITH ORDINALITY AS t(event_id, job_id, channel_id, sender, name, body, external_id, client_id, language,
                         preview, email, n)
), fresh AS (
    SELECT v.*, ch.brand_id,
           nextval(pg_get_serial_sequence('players', 'id')) AS player_id,
           nextval(pg_get_serial_sequence('player_identities', 'id')) AS identity_id,
           nextval(pg_get_serial_sequence('conversations', 'id')) AS conversation_id,
           EXISTS (SELECT 1 FROM assistant_settings s WHERE s.brand_id = ch.brand_id AND s.enabled) AS assisted
    FROM v JOIN channels ch ON ch.id = v.channel_id
    WHERE NOT EXISTS (SELECT 1 FROM player_identities i WHERE i.channel_id = v.channel_id AND i.external_id = v.sender)
), ident AS (
    -- first, so that a sender opened meanwhile elsewhere stops here (the foreign keys are checked at the end)
    INSERT INTO player_identities (id, player_id, channel_id, external_id, display_name, last_seen_at, created_at)
    SELECT identity_id, player_id, channel_id, sender, name, $12, $12 FROM fresh ORDER BY n
    ON CONFLICT (channel_id, external_id) DO NOTHING
    RETURNING id
), ok AS (
    SELECT fresh.* FROM fresh JOIN ident ON ident.id = fresh.identity_id
), player AS (
    INSERT INTO players (id, brand_id, display_name, email, locale, created_at)
    SELECT player_id, brand_id, name, email, language, $12 FROM ok
    RETURNING id
), conv AS (
    INSERT INTO conversations (id, brand_id, channel_id, player_id, identity_id, status, priority, language, preview,
                               last_message_at, last_player_message_at, reopened_count, message_count, created_at)
    SELECT conversation_id, brand_id, channel_id, player_id, identity_id, 'open', 'normal', language, preview,
           $12, $12, 0, 1, $12 FROM ok
    RETURNING id
), ins AS (
    INSERT INTO messages (conversation_id, author_type, body, is_private, delivery_state, client_id, external_id,
                          created_at)
    SELECT conversation_id, 'player', body, false, 'received', client_id, external_id, $12 FROM ok ORDER BY n
    RETURNING id, conversation_id
), turn AS (
    INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_after, created_at)
    SELECT '{RESPOND_JOB}', json_build_object('message_id', ins.id), 'queued', 0, 8, $12, $12
    FROM ins JOIN ok USING (conversation_id) WHERE ok.assisted
    RETURNING id
), {handled_and_done('$12')}
SELECT ok.n, ok.job_id, ok.brand_id, ok.conversation_id, ok.identity_id, ok.name AS author_name,
       ins.id AS message_id, $12::timestamptz AS created_at, ok.assisted
FROM ok JOIN ins USING (conversation_id)
ORDER BY ok.n
"""


def can_open(message: InboundMessage) -> bool:
    """Whether a new sender's first message can be opened here (else the full path links it to its player)."""
    return message.player_external_id is None


async def open_conversations(raw: Any, columns: list[list[Any]], emails: list[str | None]) -> list[Any]:
    """Open the conversations of new senders, one event each: `columns` are batch.py's columns of those events
    ($1-$10 above). One row per sender opened, with `n` its 1-based position."""
    return await raw.fetch(_OPEN, *columns, emails, utcnow())
