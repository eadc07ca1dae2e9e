"""One conversation: its page, replies and private notes, property changes, typing, and file downloads."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from croupier.config import get_settings
from croupier.console import conversation_forms, conversation_view
from croupier.console.rendering import go, is_htmx, render
from croupier.console.staff import Staff, signed_in
from croupier.conversation import attachments as files
from croupier.conversation import repository as conversations
from croupier.conversation.service import conversation_service
from croupier.errors import BadRequest, NotFound
from croupier.kit.i18n import N_
from croupier.web import client_ip, session_dep

router = APIRouter()
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def _url(conversation_id: int) -> str:
    return f"/console/conversations/{conversation_id}"


@router.get("/conversations/{conversation_id:int}", response_class=HTMLResponse)
async def view(conversation_id: int, request: Request, staff: Staff = Depends(signed_in),
               session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    context = await conversation_view.page(session, staff, conversation_id)
    return render(request, "conversation/view.html", **context)


@router.get("/conversations/{conversation_id:int}/messages", response_class=HTMLResponse)
async def messages(conversation_id: int, request: Request, after: int | None = Query(None, ge=0),
                   staff: Staff = Depends(signed_in), session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    """Messages after `after` (all recent ones without it), for the live view to append."""
    if after is None:
        found, _older = await conversation_view.latest_messages(session, staff, conversation_id)
    else:
        found = await conversation_view.messages_after(session, staff, conversation_id, after)
    return render(request, "conversation/_messages.html", messages=found)


@router.get("/conversations/{conversation_id:int}/properties", response_class=HTMLResponse)
async def properties(conversation_id: int, request: Request, staff: Staff = Depends(signed_in),
                     session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    conversation = await conversation_service.get(session, staff.principal, conversation_id)
    context = await conversation_view.properties(session, staff, conversation)
    return render(request, "conversation/_properties.html", **context)


@router.post("/conversations/{conversation_id:int}/reply")
async def reply(conversation_id: int, request: Request, staff: Staff = Depends(signed_in),
                session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    body = form.get("body")
    body = body if isinstance(body, str) else ""
    limit = get_settings().max_message_chars
    if len(body) > limit:
        raise BadRequest(N_("The message is too long: the limit is %(limit)s characters."),
                         code="message_too_long", limit=limit)
    upload = form.get("file")
    stored = ()
    if isinstance(upload, UploadFile) and upload.filename:
        await conversation_service.get(session, staff.principal, conversation_id)  # no file kept for a 404
        stored = (files.store(upload.filename, await upload.read(get_settings().attachment_max_bytes + 1)),)
    message = await conversation_service.reply(
        session, staff.principal, conversation_id, body, private=form.get("private") == "1", files=stored,
        author_name=staff.first_name, ip=client_ip(request))
    if not is_htmx(request):
        return go(request, _url(conversation_id))
    views = await conversation_view.message_views(session, [message])
    return render(request, "conversation/_messages.html", messages=views)


@router.post("/conversations/{conversation_id:int}/update")
async def update(conversation_id: int, request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    conversation = await conversation_service.get(session, staff.principal, conversation_id)
    tags = (await conversations.tags_for(session, [conversation.id])).get(conversation.id, [])
    change = conversation_forms.update_from(await request.form(), conversation, tags, staff.user_id)
    if not conversation_forms.is_empty(change):
        conversation = await conversation_service.update(session, staff.principal, conversation_id, change,
                                                         ip=client_ip(request))
    if not is_htmx(request):
        return go(request, _url(conversation_id))
    context = await conversation_view.properties(session, staff, conversation)
    # The playbook panel follows the intent and the status: it reloads on this event.
    return render(request, "conversation/_properties.html", headers={"HX-Trigger": "conversation-changed"},
                  **context)


@router.post("/conversations/{conversation_id:int}/typing", status_code=204)
async def typing(conversation_id: int, request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    value = form.get("typing")
    if value not in ("true", "false"):
        raise BadRequest(N_("The field '%(name)s' does not accept the value '%(value)s'."), code="invalid_field",
                         name="typing", value=str(value or "")[:20])
    await conversation_service.agent_typing(session, staff.principal, conversation_id, value == "true")
    return Response(status_code=204)


@router.get("/attachments/{attachment_id:int}")
async def attachment(attachment_id: int, request: Request, staff: Staff = Depends(signed_in),
                     session: AsyncSession = Depends(session_dep)) -> FileResponse:
    found = await conversation_service.attachment(session, staff.principal, attachment_id)
    path = files.path_of(found.storage_key)
    if not path.is_file():
        raise NotFound(N_("There is no such file."))
    inline = request.query_params.get("inline") == "1" and found.content_type in IMAGE_TYPES
    return FileResponse(path, media_type=found.content_type, filename=found.filename,
                        content_disposition_type="inline" if inline else "attachment",
                        headers={"Cache-Control": "private, max-age=3600"})
