"""The widget's public API (HTTP only; rules live in the services)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.channels.webchat.fastpath import RATE_BUCKET
from croupier.channels.webchat.schemas import (
    CLIENT_ID,
    MessageIn,
    SessionIn,
    SessionOut,
    TypingIn,
    WidgetConfig,
)
from croupier.channels.webchat.service import WidgetSession, webchat_service
from croupier.channels.webchat.strings import WIDGET_STRINGS
from croupier.config import get_settings
from croupier.conversation import attachments as files
from croupier.conversation import repository as conversations
from croupier.conversation.schemas import MessageOut
from croupier.errors import NotFound
from croupier.kit import i18n, sse
from croupier.kit.i18n import N_
from croupier.live import LiveEvent
from croupier.models import Attachment, Brand, Message, User
from croupier.web import rate_limit, session_dep

router = APIRouter(prefix="/api/widget/v1", tags=["widget"])


async def widget_session(request: Request, session: AsyncSession = Depends(session_dep),
                         authorization: Annotated[str | None, Header()] = None) -> WidgetSession:
    token = (authorization or "").removeprefix("Bearer ").strip() or request.query_params.get("token")
    return await webchat_service.resume(session, token)


def _config(brand: Brand, locale: str) -> dict[str, Any]:
    settings = get_settings()
    locales = [c for c in brand.locales if c in i18n.available_locales()]
    return {"brand": brand.name, "locale": locale, "locales": locales,
            "locale_names": {c: i18n.display_name(c) for c in locales},
            "strings": i18n.catalog_dict(locale, WIDGET_STRINGS), "max_message_chars": settings.max_message_chars,
            "attachment_max_bytes": settings.attachment_max_bytes, "attachment_types": settings.attachment_types}


@router.get("/config/{key}", response_model=WidgetConfig, summary="The widget's look and texts (no session)")
async def config(key: str, languages: str = Query("", max_length=500,
                                                  description="Comma-separated, best first (navigator.languages)"),
                 session: AsyncSession = Depends(session_dep)):
    _channel, brand = await webchat_service.channel(session, key[:64])
    locale = webchat_service.locale_for(brand, *languages.split(","))
    return JSONResponse(_config(brand, locale), headers={"Cache-Control": "public, max-age=300"})


@router.post("/sessions", response_model=SessionOut, summary="Start or resume a widget session")
async def start_session(data: SessionIn, request: Request, session: AsyncSession = Depends(session_dep)):
    await rate_limit(request, "widget-session", "widget_rate_limit")
    _channel, brand = await webchat_service.channel(session, data.key)
    locale = webchat_service.locale_for(brand, data.locale, *data.languages)
    player = data.player
    ws = await webchat_service.start(
        session, key=data.key, token=data.token, player_id=player.id if player else None,
        signature=player.signature if player else None, name=player.name if player else None,
        email=player.email if player else None, locale=locale)
    return SessionOut(token=ws.token, player_name=ws.identity.display_name, **_config(ws.brand, locale))


@router.get("/strings/{locale}", summary="The widget's texts in one language")
async def strings(locale: str) -> dict[str, str]:
    found = i18n.normalize(locale)
    if found is None:
        raise NotFound(N_("Unsupported language: %(codes)s. Supported: %(supported)s."), code="unknown_locale",
                       codes=locale[:35], supported=", ".join(i18n.available_locales()))
    return i18n.catalog_dict(found, WIDGET_STRINGS)


@router.get("/messages", response_model=list[MessageOut], summary="This visitor's conversation history")
async def history(after: int | None = Query(None, ge=0), ws: WidgetSession = Depends(widget_session),
                  session: AsyncSession = Depends(session_dep)):
    ids = await webchat_service.conversation_ids(session, ws.identity.id)
    messages = await conversations.messages(session, ids, include_private=False, after_id=after) if ids else []
    return await _out(session, messages)


@router.post("/messages", status_code=201, response_model=MessageOut, summary="Send a message as the player")
async def post_message(data: MessageIn, request: Request, ws: WidgetSession = Depends(widget_session),
                       session: AsyncSession = Depends(session_dep)):
    # The same process-local count as the fast path's, which answers most of these before they get here.
    await rate_limit(request, RATE_BUCKET, "widget_rate_limit", key=str(ws.identity.id), local=True)
    message, created = await webchat_service.post(session, ws, data.body, client_id=data.client_id,
                                                  locale=i18n.normalize(data.locale))
    out = MessageOut.of(message)
    return out if created else JSONResponse(out.model_dump(mode="json"), status_code=200)


@router.post("/attachments", status_code=201, response_model=MessageOut, summary="Send a file as the player")
async def post_attachment(request: Request, file: UploadFile = File(...), body: str = Form(""),
                          client_id: str | None = Form(None, max_length=64, pattern=CLIENT_ID),
                          ws: WidgetSession = Depends(widget_session), session: AsyncSession = Depends(session_dep)):
    await rate_limit(request, "widget-upload", "widget_rate_limit")
    data = await file.read(files.get_settings().attachment_max_bytes + 1)
    stored = files.store(file.filename or "file", data)
    message, _created = await webchat_service.post(session, ws, body, client_id=client_id, files=(stored,))
    atts = await conversations.attachments_for(session, [message.id])
    return MessageOut.of(message, atts.get(message.id, []))


@router.get("/attachments/{attachment_id}", summary="Download a file from this visitor's conversations")
async def get_attachment(attachment_id: int, ws: WidgetSession = Depends(widget_session),
                         session: AsyncSession = Depends(session_dep)):
    att = await session.get(Attachment, attachment_id)
    message = await session.get(Message, att.message_id) if att else None
    ids = await webchat_service.conversation_ids(session, ws.identity.id)
    if att is None or message is None or message.is_private or message.conversation_id not in ids:
        raise NotFound(N_("There is no such file."))
    return FileResponse(files.path_of(att.storage_key), media_type=att.content_type, filename=att.filename,
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})


@router.post("/typing", status_code=204, summary="Tell the agents the player is typing")
async def typing(data: TypingIn, request: Request, ws: WidgetSession = Depends(widget_session),
                 session: AsyncSession = Depends(session_dep)):
    await rate_limit(request, "widget-typing", "widget_rate_limit", key=str(ws.identity.id))
    await webchat_service.typing(session, ws, data.typing)


def _for_player(event: LiveEvent) -> dict[str, Any] | None:
    """Only what the player may see: their conversation's public messages and the agents' typing."""
    if event.type == "message.created" and not event.data["message"]["is_private"]:
        return {"message": event.data["message"], "status": event.data.get("status")}
    if event.type == "typing" and event.data.get("who") != "player":
        return {"who": event.data.get("who"), "typing": bool(event.data.get("typing"))}
    return None


@router.get("/events", summary="Live stream of replies (server-sent events); token in ?token=")
async def events(request: Request, ws: WidgetSession = Depends(widget_session)):
    identity_id = ws.identity.id
    return sse.stream(request, lambda e: e.to_player and e.identity_id == identity_id, _for_player,
                      {"identity": identity_id})


async def _out(session: AsyncSession, messages: list[Message]) -> list[MessageOut]:
    atts = await conversations.attachments_for(session, [m.id for m in messages])
    authors = {m.author_user_id for m in messages if m.author_user_id}
    names = {u.id: u.name.split()[0] for u in [await session.get(User, uid) for uid in authors] if u}
    return [MessageOut.of(m, atts.get(m.id, []), names.get(m.author_user_id or 0)) for m in messages]
