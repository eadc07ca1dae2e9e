"""The fast path of the busiest request there is: a player's text message into their open conversation.

`POST /api/widget/v1/messages` on PostgreSQL, when the request is well formed, the visitor's current
conversation is open and the client_id is new, is answered here, inside the app's middleware (body limit,
security headers, CORS, locale) but before FastAPI's routing, dependencies and ORM: one statement
(`_STORE`, autocommitted) checks the session's channel and brand, inserts the message once and updates the
conversation. It stores, answers and publishes (without waiting for Redis) exactly what the full route
would. Anything else - a conversation with the assistant (the full route queues its turn), malformed JSON,
a bad token, an empty or overlong body, a rate limit hit, no open conversation, a repeated client_id,
SQLite - falls through, with the body replayed, to the full route in `endpoints.py`, which gives every
error its precise answer and handles opening, reopening and idempotent retries.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from croupier.assistant.gate import NOT_WITH_ASSISTANT_SQL
from croupier.channels.webchat.schemas import MessageIn
from croupier.channels.webchat.service import webchat_service
from croupier.config import get_settings
from croupier.conversation.schemas import MessageOut
from croupier.conversation.service import PREVIEW_CHARS
from croupier.errors import CroupierError
from croupier.kit import i18n
from croupier.kit.asgi import read_body, replay, send_json
from croupier.kit.clock import utcnow
from croupier.live import LiveEvent, publish_soon
from croupier.models import AuthorType, DeliveryState, Status

PATH = "/api/widget/v1/messages"
RATE_BUCKET = "widget-message"

# $1 identity, $2 body, $3 client_id, $4 now, $5 preview, $6 language. No row: not the simple case.
_STORE = f"""
WITH cur AS (
    SELECT c.id, c.brand_id, i.display_name
    FROM player_identities i
    JOIN channels ch ON ch.id = i.channel_id AND ch.is_active
    JOIN brands b ON b.id = ch.brand_id AND b.is_active
    JOIN conversations c ON c.id = (SELECT max(x.id) FROM conversations x
                                    WHERE x.identity_id = i.id AND x.status <> 'closed')
    WHERE i.id = $1 AND c.status = 'open'
      -- a conversation with the assistant is left to the full route, which queues the assistant's turn
      AND {NOT_WITH_ASSISTANT_SQL}
), ins AS (
    INSERT INTO messages (conversation_id, author_type, body, is_private, delivery_state, client_id, created_at)
    SELECT cur.id, 'player', $2, false, 'received', $3, $4 FROM cur
    ON CONFLICT (conversation_id, client_id) DO NOTHING
    RETURNING id, conversation_id
), upd AS (
    UPDATE conversations c
    SET last_message_at = $4, last_player_message_at = $4, message_count = c.message_count + 1,
        preview = $5, language = COALESCE(c.language, $6)
    FROM ins WHERE c.id = ins.conversation_id
    RETURNING c.id
)
SELECT ins.id, ins.conversation_id, cur.brand_id, cur.display_name FROM ins JOIN cur ON cur.id = ins.conversation_id
JOIN upd ON upd.id = ins.conversation_id
"""


class WidgetMessageFastPath:
    """ASGI middleware: see the module's docstring. Installed innermost, so the app's middleware wraps it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            return await self.app(scope, receive, send)
        db = scope["app"].state.db
        if db.sqlite:
            return await self.app(scope, receive, send)
        body = await read_body(receive)
        out = await _store(scope, db, body)
        if out is None:
            return await self.app(scope, replay(body, receive), send)
        await send_json(send, 201, out.model_dump(mode="json"))


async def _store(scope: dict[str, Any], db: Any, body: bytes) -> MessageOut | None:
    """Store the message if this is the simple case, else None (and nothing is stored)."""
    headers = dict(scope["headers"])
    if headers.get(b"content-type", b"").split(b";")[0].strip() != b"application/json":
        return None
    try:
        data = MessageIn.model_validate_json(body)
        identity_id = webchat_service.identity_id_from(
            headers.get(b"authorization", b"").decode("latin-1").removeprefix("Bearer ").strip())
    except (ValidationError, CroupierError):
        return None
    text = data.body.strip()
    settings = get_settings()
    if not text or len(text) > settings.max_message_chars or data.client_id is None:
        return None
    limits = scope["app"].state.local_rate_limits
    if not await limits.allows(settings.widget_rate_limit, RATE_BUCKET, str(identity_id)):
        return None
    now = utcnow()
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        row = await raw.fetchrow(_STORE, identity_id, text, data.client_id, now, text[:PREVIEW_CHARS],
                                 i18n.normalize(data.locale))
    if row is None:
        return None
    await limits.count(settings.widget_rate_limit, RATE_BUCKET, str(identity_id))  # only what was stored here
    out = MessageOut(id=row["id"], conversation_id=row["conversation_id"], author_type=AuthorType.player, body=text,
                     is_private=False, delivery_state=DeliveryState.received, client_id=data.client_id,
                     created_at=now)
    event = out.model_copy(update={"author_name": row["display_name"]})  # as the full route publishes it
    publish_soon([LiveEvent(type="message.created", brand_id=row["brand_id"], conversation_id=row["conversation_id"],
                            identity_id=identity_id, to_staff=True, to_player=True,
                            data={"message": event.model_dump(mode="json"), "status": Status.open.value})])
    return out
