"""The widget's public API (HTTP only; rules live in the services)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.channels.webchat.service import WidgetSession, webchat_service
from croupier.channels.webchat.strings import WIDGET_STRINGS
from croupier.conversation import attachments as files
from croupier.conversation import repository as conversations
from croupier.conversation.schemas import MessageOut
from croupier.errors import NotFound
from croupier.kit import i18n, sse
from croupier.kit.i18n import N_
from croupier.live import LiveEvent, publish_after_commit
from croupier.models import Attachment, Message, User
from croupier.web import rate_limit, session_dep

router = APIRouter(prefix="/api/widget/v1", tags=["widget"])


class PlayerClaim(BaseModel):
    id: str = Field(min_length=1, max_length=128)
    signature: str = Field(min_length=1, max_length=128)
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=64)
    token: str | None = Field(None, max_length=200)
    locale: str | None = Field(None, max_length=35)
    player: PlayerClaim | None = None


class SessionOut(BaseModel):
    token: str
    brand: str
    locale: str
    locales: list[str]
    player_name: str | None
    strings: dict[str, str]


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=10_000)
    client_id: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    locale: str | None = Field(None, max_length=35)


class TypingIn(BaseModel):
    typing: bool


async def widget_session(request: Request, session: AsyncSession = Depends(session_dep),
                         authorization: Annotated[str | None, Header()] = None) -> WidgetSession:
    token = (authorization or "").removeprefix("Bearer ").strip() or request.query_params.get("token")
    return await webchat_service.resume(session, token)


def _strings(locale: str) -> dict[str, str]:
    return i18n.catalog_dict(locale, WIDGET_STRINGS)


@router.post("/sessions", response_model=SessionOut, summary="Start or resume a widget session")
async def start_session(data: SessionIn, request: Request, session: AsyncSession = Depends(session_dep)):
    await rate_limit(request, "widget-session", "widget_rate_limit")
    player = data.player
    ws = await webchat_service.start(
        session, key=data.key, token=data.token, player_id=player.id if player else None,
        signature=player.signature if player else None, name=player.name if player else None,
        email=player.email if player else None, locale=i18n.normalize(data.locale))
    locale = i18n.normalize(data.locale) or ws.brand.default_locale
    return SessionOut(token=ws.token, brand=ws.brand.name, locale=locale,
                      locales=[c for c in ws.brand.locales if c in i18n.available_locales()],
                      player_name=ws.identity.display_name, strings=_strings(locale))


@router.get("/strings/{locale}", summary="The widget's texts in one language")
async def strings(locale: str) -> dict[str, str]:
    found = i18n.normalize(locale)
    if found is None:
        raise NotFound(N_("Unsupported language: %(codes)s. Supported: %(supported)s."), code="unknown_locale",
                       codes=locale[:35], supported=", ".join(i18n.available_locales()))
    return _strings(found)


@router.get("/messages", response_model=list[MessageOut], summary="This visitor's conversation history")
async def history(after: int | None = Query(None, ge=0), ws: WidgetSession = Depends(widget_session),
                  session: AsyncSession = Depends(session_dep)):
    ids = await webchat_service.conversation_ids(session, ws.identity.id)
    messages = await conversations.messages(session, ids, include_private=False, after_id=after) if ids else []
    return await _out(session, messages)


@router.post("/messages", status_code=201, response_model=MessageOut, summary="Send a message as the player")
async def post_message(data: MessageIn, request: Request, ws: WidgetSession = Depends(widget_session),
                       session: AsyncSession = Depends(session_dep)):
    message, created = await webchat_service.post(session, ws, data.body, client_id=data.client_id,
                                                  locale=i18n.normalize(data.locale))
    out = MessageOut.of(message)
    return out if created else JSONResponse(out.model_dump(mode="json"), status_code=200)


@router.post("/attachments", status_code=201, response_model=MessageOut, summary="Send a file as the player")
async def post_attachment(request: Request, file: UploadFile = File(...), body: str = Form(""),
                          client_id: str | None = Form(None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$"),
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
async def typing(data: TypingIn, ws: WidgetSession = Depends(widget_session),
                 session: AsyncSession = Depends(session_dep)):
    current = await conversations.current_for_identity(session, ws.identity.id)
    if current is not None:
        publish_after_commit(session, LiveEvent(type="typing", brand_id=current.brand_id,
                                                conversation_id=current.id, identity_id=ws.identity.id,
                                                to_staff=True, to_player=False,
                                                data={"who": "player", "typing": data.typing}))


@router.get("/events", summary="Live stream of replies (server-sent events); token in ?token=")
async def events(request: Request, ws: WidgetSession = Depends(widget_session)):
    identity_id = ws.identity.id
    return sse.stream(request, lambda e: e.to_player and e.identity_id == identity_id,
                      lambda e: e.data, {"identity": identity_id})


async def _out(session: AsyncSession, messages: list[Message]) -> list[MessageOut]:
    atts = await conversations.attachments_for(session, [m.id for m in messages])
    authors = {m.author_user_id for m in messages if m.author_user_id}
    names = {u.id: u.name.split()[0] for u in [await session.get(User, uid) for uid in authors] if u}
    return [MessageOut.of(m, atts.get(m.id, []), names.get(m.author_user_id or 0)) for m in messages]
