"""The widget's public API (HTTP only; rules live in the services)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Path, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant import feedback
from croupier.channels.webchat.callbacks import callback_service
from croupier.channels.webchat.fastpath import RATE_BUCKET
from croupier.channels.webchat.schemas import (
    CLIENT_ID,
    CallbackForm,
    CallbackIn,
    CallbackOut,
    MessageIn,
    RejectionOut,
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
from croupier.errors import BadRequest, CroupierError, NotFound
from croupier.kit import i18n, phone, sse
from croupier.kit.i18n import N_
from croupier.kit.templating import make_environment
from croupier.live import LiveEvent
from croupier.models import Attachment, Brand, Message, User
from croupier.web import rate_limit, session_dep

router = APIRouter(prefix="/api/widget/v1", tags=["widget"])
PAGES = make_environment(FilePath(__file__).resolve().parent / "templates")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


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


@router.post("/messages/{message_id}/rejection", response_model=RejectionOut,
             summary="Thumbs-down on an answer of the assistant: it did not help")
async def reject_answer(message_id: int = Path(ge=1, le=2**63 - 1), ws: WidgetSession = Depends(widget_session),
                        session: AsyncSession = Depends(session_dep)):
    ids = await webchat_service.conversation_ids(session, ws.identity.id)
    found = await feedback.thumbs_down(session, ids, message_id)
    return RejectionOut(counted=found.counted, handed_off=found.handed_off)


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


def _languages(request: Request) -> tuple[str, ...]:
    """The browser's languages, best first, from Accept-Language (region hints for national numbers)."""
    header = request.headers.get("accept-language", "")
    return tuple(part.split(";")[0].strip() for part in header.split(",")[:10] if part.strip())


@router.post("/callbacks", status_code=201, response_model=CallbackOut,
             summary="Ask to be called back: JSON with the widget session, or a plain HTML form (see docs/widget.md)",
             openapi_extra={"requestBody": {"content": {
                 "application/json": {"schema": CallbackIn.model_json_schema()},
                 "application/x-www-form-urlencoded": {"schema": CallbackForm.model_json_schema()}}}})
async def request_callback(request: Request, session: AsyncSession = Depends(session_dep),
                           authorization: Annotated[str | None, Header()] = None):
    if request.headers.get("content-type", "").split(";")[0].strip().lower() in FORM_TYPES:
        return await _callback_form(request, session)
    try:
        data = CallbackIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    ws = await widget_session(request, session, authorization)
    await rate_limit(request, "widget-callback", "widget_rate_limit", key=str(ws.identity.id))
    message, created, number = await callback_service.request(session, ws, data, languages=_languages(request))
    out = CallbackOut(conversation_id=message.conversation_id, phone=number, message=MessageOut.of(message))
    return out if created else JSONResponse(out.model_dump(mode="json"), status_code=200)


async def _callback_form(request: Request, session: AsyncSession) -> Response:
    """The help centre's form without JavaScript: the answer is a page in the player's language."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str) and v.strip()}
    return_to = fields.get("return_to", "")
    if not return_to.startswith("/") or return_to.startswith("//") or "\\" in return_to:
        return_to = ""
    try:
        data = CallbackForm.model_validate(fields)
        await rate_limit(request, "widget-callback", "widget_rate_limit")
        async with session.begin_nested():  # a refused request leaves nothing behind (it publishes nothing)
            number = await _form_request(request, session, data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = str(problem["loc"][0]) if problem["loc"] else "form"
        error = BadRequest(N_("The field '%(name)s' does not accept the value '%(value)s'."), code="invalid_field",
                           name=name, value=str(fields.get(name, ""))[:60])
        return _page(error.render(), error.status_code, return_to=return_to)
    except CroupierError as exc:
        return _page(exc.render(), exc.status_code, exc.headers, return_to=return_to)
    return _page("", 201, number=phone.readable(number), return_to=return_to)


async def _form_request(request: Request, session: AsyncSession, data: CallbackForm) -> str:
    """The form's request from the visitor's widget session (`token`) or as a new visitor of `key`."""
    ws = None
    if data.token:
        try:
            ws = await webchat_service.resume(session, data.token)
        except CroupierError:
            ws = None  # an expired session: a new visitor, if the key says where
    if ws is None or (data.key and ws.channel.key != data.key):
        if not data.key:
            raise BadRequest(N_("The form needs the brand's chat key (key)."), code="callback_key_missing")
        ws = await webchat_service.start(session, key=data.key)
    i18n.current_locale.set(webchat_service.locale_for(ws.brand, data.locale, *_languages(request)))
    _message, _created, number = await callback_service.request(session, ws, data, languages=_languages(request))
    return number


def _page(message: str, status: int, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    html = PAGES.get_template("callback.html").render(locale=i18n.current_locale.get(), message=message, **context)
    return HTMLResponse(html, status_code=status, headers=headers)
