"""REST API v1: conversations, messages and attachments (HTTP only; rules live in service.py)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.dependencies import api_principal
from croupier.auth.principal import Principal
from croupier.conversation import attachments as files
from croupier.conversation import repository
from croupier.conversation.repository import Cursor, InboxFilter
from croupier.conversation.schemas import ConversationOut, ConversationUpdate, MessageOut, ReplyIn
from croupier.conversation.service import conversation_service
from croupier.errors import BadRequest
from croupier.kit.error_schemas import API_ERRORS
from croupier.kit.i18n import N_
from croupier.kit.ids import MAX_ID, PathId
from croupier.kit.json_route import JsonRoute
from croupier.kit.pagination import Page, decode_cursor, encode_cursor
from croupier.models import ChannelType, Conversation, Message, PlayerIdentity, Status
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/api/v1", tags=["conversations"], route_class=JsonRoute,
                   responses=API_ERRORS)
FILE_RESPONSE = {200: {"description": "The file's bytes", "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


def inbox_filter(status: list[Status] = Query([], description="Repeat for several: ?status=open&status=pending"),
                 brand_id: int | None = Query(None, ge=1, le=MAX_ID), channel_type: ChannelType | None = None,
                 language: str | None = Query(None, min_length=2, max_length=16),
                 assignee_id: int | None = Query(None, ge=1, le=MAX_ID), unassigned: bool = False,
                 team_id: int | None = Query(None, ge=1, le=MAX_ID),
                 tag: str | None = Query(None, min_length=1, max_length=64),
                 player_id: int | None = Query(None, ge=1, le=MAX_ID)) -> InboxFilter:
    return InboxFilter(statuses=tuple(status), brand_id=brand_id, channel_type=channel_type, language=language,
                       assignee_id=assignee_id, unassigned=unassigned, team_id=team_id,
                       tag=tag.strip().lower() if tag else None, player_id=player_id)


def _cursor(conversation: Conversation) -> str:
    return encode_cursor(conversation.last_message_at.isoformat(), conversation.id)


def _parse_cursor(cursor: str) -> Cursor:
    at, conversation_id = decode_cursor(cursor, str, int)
    try:
        last_message_at = datetime.fromisoformat(str(at))
        if last_message_at.tzinfo is None:
            raise ValueError
        return Cursor(last_message_at=last_message_at, id=int(conversation_id))
    except ValueError:
        raise BadRequest(N_("The cursor is not valid: pass the next_cursor of a previous page unchanged."),
                         code="invalid_cursor") from None


async def _conversation_out(session: AsyncSession, conversation: Conversation) -> ConversationOut:
    tags = await repository.tags_for(session, [conversation.id])
    return ConversationOut.of(conversation, tags.get(conversation.id))


async def _messages_out(session: AsyncSession, messages: list[Message]) -> list[MessageOut]:
    atts = await repository.attachments_for(session, [m.id for m in messages])
    staff = await repository.user_names(session, {m.author_user_id for m in messages if m.author_user_id})
    players: dict[int, str | None] = {}
    for conversation_id in {m.conversation_id for m in messages if m.author_type == "player"}:
        conversation = await session.get(Conversation, conversation_id)
        identity = await session.get(PlayerIdentity, conversation.identity_id) if conversation else None
        players[conversation_id] = identity.display_name if identity else None
    return [MessageOut.of(m, atts.get(m.id, []),
                          staff.get(m.author_user_id) if m.author_user_id else players.get(m.conversation_id))
            for m in messages]


async def _author_name(session: AsyncSession, principal: Principal) -> str | None:
    return (await repository.user_names(session, {principal.user_id})).get(principal.user_id)


@router.get("/conversations", response_model=Page[ConversationOut],
            summary="List conversations, most recent activity first")
async def list_conversations(f: InboxFilter = Depends(inbox_filter), cursor: str | None = Query(None, max_length=500),
                             limit: int = Query(25, ge=1, le=100), principal: Principal = Depends(api_principal),
                             session: AsyncSession = Depends(session_dep)):
    after = _parse_cursor(cursor) if cursor else None
    found = await conversation_service.list(session, principal, f, after=after, limit=limit + 1)
    more = len(found) > limit
    found = found[:limit]
    tags = await repository.tags_for(session, [c.id for c in found])
    return Page[ConversationOut](items=[ConversationOut.of(c, tags.get(c.id)) for c in found],
                                 next_cursor=_cursor(found[-1]) if more else None)


@router.get("/conversations/{conversation_id}", response_model=ConversationOut, summary="Get a conversation")
async def get_conversation(conversation_id: PathId, principal: Principal = Depends(api_principal),
                           session: AsyncSession = Depends(session_dep)):
    return await _conversation_out(session, await conversation_service.get(session, principal, conversation_id))


@router.patch("/conversations/{conversation_id}", response_model=ConversationOut,
              summary="Change status, priority, assignee, team or tags")
async def update_conversation(conversation_id: PathId, data: ConversationUpdate, request: Request,
                              principal: Principal = Depends(api_principal),
                              session: AsyncSession = Depends(session_dep)):
    conversation = await conversation_service.update(session, principal, conversation_id, data,
                                                     ip=client_ip(request))
    return await _conversation_out(session, conversation)


@router.get("/conversations/{conversation_id}/messages", response_model=Page[MessageOut],
            summary="List a conversation's messages, oldest first, private notes included")
async def list_messages(conversation_id: PathId, cursor: str | None = Query(None, max_length=500),
                        limit: int = Query(100, ge=1, le=500), principal: Principal = Depends(api_principal),
                        session: AsyncSession = Depends(session_dep)):
    after = decode_cursor(cursor, int)[0] if cursor else None
    found = await conversation_service.messages(session, principal, conversation_id, after_id=after,
                                                limit=limit + 1)
    more = len(found) > limit
    found = found[:limit]
    return Page[MessageOut](items=await _messages_out(session, found),
                            next_cursor=encode_cursor(found[-1].id) if more else None)


@router.post("/conversations/{conversation_id}/messages", status_code=201, response_model=MessageOut,
             summary="Reply to the player, or add a private note for colleagues")
async def post_message(conversation_id: PathId, data: ReplyIn, request: Request,
                       principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    name = await _author_name(session, principal)
    message = await conversation_service.reply(session, principal, conversation_id, data.body, private=data.private,
                                               author_name=name, ip=client_ip(request))
    return MessageOut.of(message, [], name)


@router.post("/conversations/{conversation_id}/attachments", status_code=201, response_model=MessageOut,
             summary="Send a file to the player (or attach it to a private note); multipart/form-data")
async def post_attachment(conversation_id: PathId, request: Request, file: UploadFile = File(...),
                          body: str = Form("", max_length=10_000), private: bool = Form(False),
                          principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    # Refuse (403/404) before the file is written, so a refused upload leaves nothing on disk;
    # `reply` below enforces the same rules again inside the transaction.
    principal.require("conversations:write")
    await conversation_service.get(session, principal, conversation_id)
    stored = files.store(file.filename or "file", await file.read(files.get_settings().attachment_max_bytes + 1))
    name = await _author_name(session, principal)
    message = await conversation_service.reply(session, principal, conversation_id, body, private=private,
                                               files=(stored,), author_name=name, ip=client_ip(request))
    atts = await repository.attachments_for(session, [message.id])
    return MessageOut.of(message, atts.get(message.id, []), name)


@router.get("/attachments/{attachment_id}", response_class=FileResponse, responses=FILE_RESPONSE,
            summary="Download a file from a conversation you can see")
async def get_attachment(attachment_id: PathId, principal: Principal = Depends(api_principal),
                         session: AsyncSession = Depends(session_dep)):
    att = await conversation_service.attachment(session, principal, attachment_id)
    return FileResponse(files.path_of(att.storage_key), media_type=att.content_type, filename=att.filename,
                        headers={"Cache-Control": "private, max-age=3600"})


@router.post("/messages/{message_id}/retry", response_model=MessageOut,
             summary="Send a reply that failed to reach the player on a provider channel again")
async def retry_message(message_id: PathId, request: Request, principal: Principal = Depends(api_principal),
                        session: AsyncSession = Depends(session_dep)):
    message = await conversation_service.retry_delivery(session, principal, message_id, ip=client_ip(request))
    return (await _messages_out(session, [message]))[0]
