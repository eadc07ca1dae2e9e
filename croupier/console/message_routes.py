"""One message of a conversation: re-rendered when its delivery state changes, and sent again after a failure;
and a WhatsApp message template sent from the reply box."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.channels.whatsapp.templates import UNKNOWN_TEMPLATE, template_body, templates_of
from croupier.console import conversation_view
from croupier.console.rendering import go, is_htmx, render
from croupier.console.staff import Staff, signed_in
from croupier.conversation.service import conversation_service
from croupier.errors import BadRequest, NotFound
from croupier.kit.i18n import N_
from croupier.models import Channel, ChannelType, Message
from croupier.web import client_ip, session_dep

router = APIRouter()


async def _visible(session: AsyncSession, staff: Staff, message_id: int) -> Message:
    message = await session.get(Message, message_id)
    if message is not None:
        await conversation_service.get(session, staff.principal, message.conversation_id)  # 404 outside the brands
        return message
    raise NotFound(N_("There is no message %(id)s."), id=message_id)


@router.get("/messages/{message_id:int}", response_class=HTMLResponse)
async def message(message_id: int, request: Request, staff: Staff = Depends(signed_in),
                  session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    """The message as the conversation shows it (for the live view after a delivery update)."""
    found = await _visible(session, staff, message_id)
    return render(request, "conversation/_messages.html", messages=await conversation_view.message_views(
        session, [found]))


@router.post("/messages/{message_id:int}/retry")
async def retry(message_id: int, request: Request, staff: Staff = Depends(signed_in),
                session: AsyncSession = Depends(session_dep)) -> Response:
    found = await conversation_service.retry_delivery(session, staff.principal, message_id, ip=client_ip(request))
    if not is_htmx(request):
        return go(request, f"/console/conversations/{found.conversation_id}")
    return render(request, "conversation/_messages.html", messages=await conversation_view.message_views(
        session, [found]))


@router.post("/conversations/{conversation_id:int}/template")
async def send_template(conversation_id: int, request: Request, staff: Staff = Depends(signed_in),
                        session: AsyncSession = Depends(session_dep)) -> Response:
    """One of a WhatsApp channel's approved templates, with its body parameters: stored as a reply
    (whatsapp/templates.py) and sent by the adapter as a template message, inside or outside the 24-hour window."""
    form = await request.form()
    conversation = await conversation_service.get(session, staff.principal, conversation_id)
    channel = await session.get(Channel, conversation.channel_id)
    if channel is None or channel.type != ChannelType.whatsapp:
        raise BadRequest(N_("Only WhatsApp conversations send message templates."), code="not_whatsapp")
    key = form.get("template")
    key = key if isinstance(key, str) else ""
    template = {t.key: t for t in templates_of(channel.config or {})}.get(key)
    if template is None:
        name, _sep, language = key.partition(":")
        raise BadRequest(UNKNOWN_TEMPLATE, code="unknown_template", name=name[:100], language=language[:20])
    body = template_body(template, [v for v in form.getlist("parameter") if isinstance(v, str)])
    message = await conversation_service.reply(session, staff.principal, conversation_id, body,
                                               author_name=staff.first_name, ip=client_ip(request))
    if not is_htmx(request):
        return go(request, f"/console/conversations/{conversation_id}")
    return render(request, "conversation/_messages.html", messages=await conversation_view.message_views(
        session, [message]))
