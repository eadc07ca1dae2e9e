"""REST API v1: players (HTTP only; rules live in service.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.dependencies import api_principal
from croupier.auth.principal import Principal
from croupier.conversation import repository as conversations
from croupier.conversation.repository import InboxFilter
from croupier.conversation.schemas import ConversationOut
from croupier.conversation.service import conversation_service
from croupier.kit.error_schemas import API_ERRORS
from croupier.kit.ids import MAX_ID, PathId
from croupier.kit.json_route import JsonRoute
from croupier.kit.pagination import Page, decode_cursor, encode_cursor
from croupier.models import Player
from croupier.player.schemas import IdentityOut, LinkIn, MergeIn, PlayerDetail, PlayerOut
from croupier.player.service import player_service
from croupier.web import session_dep

router = APIRouter(prefix="/api/v1", tags=["players"], route_class=JsonRoute,
                   responses=API_ERRORS)
RECENT_CONVERSATIONS = 20


async def _detail(session: AsyncSession, principal: Principal, player: Player) -> PlayerDetail:
    identities = await player_service.identities(session, principal, player.id)
    recent = await conversation_service.list(session, principal, InboxFilter(player_id=player.id),
                                             limit=RECENT_CONVERSATIONS)
    tags = await conversations.tags_for(session, [c.id for c in recent])
    return PlayerDetail(
        **PlayerOut.model_validate(player).model_dump(),
        identities=[IdentityOut(id=i.id, channel_id=c.id, channel_type=c.type, external_id=i.external_id,
                                display_name=i.display_name, last_seen_at=i.last_seen_at, created_at=i.created_at)
                    for i, c in identities],
        conversations=[ConversationOut.of(c, tags.get(c.id)) for c in recent])


@router.get("/players", response_model=Page[PlayerOut], summary="List the players of your brands, newest first")
async def list_players(brand_id: int | None = Query(None, ge=1, le=MAX_ID),
                       external_id: str | None = Query(None, min_length=1, max_length=128,
                                                       description="The operator's player id"),
                       email: str | None = Query(None, min_length=3, max_length=254,
                                                 description="Exact e-mail address, any case"),
                       cursor: str | None = Query(None, max_length=500),
                       limit: int = Query(50, ge=1, le=200),
                       principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    before = decode_cursor(cursor, int)[0] if cursor else None
    players = await player_service.list(session, principal, brand_id=brand_id, external_id=external_id,
                                        email=email, before_id=before, limit=limit + 1)
    more = len(players) > limit
    players = players[:limit]
    return Page[PlayerOut](items=[PlayerOut.model_validate(p) for p in players],
                           next_cursor=encode_cursor(players[-1].id) if more else None)


@router.get("/players/{player_id}", response_model=PlayerDetail,
            summary="Get a player with their channel identities and recent conversations")
async def get_player(player_id: PathId, principal: Principal = Depends(api_principal),
                     session: AsyncSession = Depends(session_dep)):
    return await _detail(session, principal, await player_service.get(session, principal, player_id))


@router.post("/players/{player_id}/merge", response_model=PlayerDetail,
             summary="Merge this player into another record of the same person (same brand)")
async def merge_player(player_id: PathId, data: MergeIn, principal: Principal = Depends(api_principal),
                       session: AsyncSession = Depends(session_dep)):
    target = await player_service.merge(session, principal, player_id, data.into)
    return await _detail(session, principal, target)


@router.post("/players/link", response_model=PlayerDetail,
             summary="Link a channel identity to your player (by your player id); idempotent",
             description="Your backend states that the identity (channel type and the channel's id for the player) "
                         "belongs to your player `player_external_id`. The player is created if Croupier does not "
                         "know it yet; a separate player who wrote from that identity is merged in, so all their "
                         "conversations appear together. An identity already linked to another of your players "
                         "is refused (409).")
async def link_identity(data: LinkIn, principal: Principal = Depends(api_principal),
                        session: AsyncSession = Depends(session_dep)):
    return await _detail(session, principal, await player_service.link(session, principal, data))
