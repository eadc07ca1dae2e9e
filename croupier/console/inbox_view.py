"""The inbox page: reading its filters from the address, and one page of rows loaded in a fixed number
of queries (conversations by keyset, then players, staff, channels, brands and tags for the page)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import QueryParams

from croupier.auth.principal import Principal
from croupier.console import repository
from croupier.conversation import repository as conversations
from croupier.conversation.repository import Cursor, InboxFilter
from croupier.conversation.service import conversation_service
from croupier.errors import BadRequest, NotFound
from croupier.kit.i18n import N_
from croupier.kit.pagination import decode_cursor, encode_cursor
from croupier.models import Brand, Channel, ChannelType, Conversation, Player, Status, User

PAGE_SIZE = 25
FILTER_NAMES = ("status", "brand", "channel", "language", "assignee", "team", "tag")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
BAD_VALUE = N_("The filter '%(name)s' does not accept the value '%(value)s'.")
BAD_CURSOR = N_("This link to older conversations is not valid. Start again from the first page.")


@dataclass
class Filters:
    """The filters as typed in the address (to refill the form and build links) and as a query."""

    raw: dict[str, str]
    query: InboxFilter
    after: Cursor | None = None


@dataclass
class Row:
    conversation: Conversation
    player: Player | None
    channel: Channel | None
    brand: Brand | None
    assignee: User | None
    tags: list[str] = field(default_factory=list)

    @property
    def player_name(self) -> str | None:
        return self.player.display_name if self.player else None


@dataclass
class Page:
    rows: list[Row]
    older: str | None  # cursor of the next (older) page, None on the last page


def _bad(name: str, value: str) -> BadRequest:
    return BadRequest(BAD_VALUE, code="invalid_filter", name=name, value=value[:60])


def _int(name: str, value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise _bad(name, value)
    return int(value)


def parse(params: QueryParams, principal: Principal) -> Filters:
    raw = {name: params.get(name, "").strip() for name in FILTER_NAMES}
    if "status" not in params:
        raw["status"] = Status.open.value
    values: dict[str, object] = {}
    status = raw["status"]
    if status and status != "all":
        if status not in Status.__members__:
            raise _bad("status", status)
        values["statuses"] = (Status(status),)
    if raw["brand"]:
        brand_id = _int("brand", raw["brand"])
        if not principal.sees_brand(brand_id):
            raise NotFound(N_("There is no brand %(id)s."), id=brand_id)
        values["brand_id"] = brand_id
    if raw["channel"]:
        if raw["channel"] not in ChannelType.__members__:
            raise _bad("channel", raw["channel"])
        values["channel_type"] = ChannelType(raw["channel"])
    if raw["language"]:
        if not LANGUAGE.match(raw["language"]):
            raise _bad("language", raw["language"])
        values["language"] = raw["language"]
    assignee = raw["assignee"]
    if assignee == "me":
        values["assignee_id"] = principal.user_id
    elif assignee == "none":
        values["unassigned"] = True
    elif assignee:
        values["assignee_id"] = _int("assignee", assignee)
    if raw["team"]:
        values["team_id"] = _int("team", raw["team"])
    if raw["tag"]:
        raw["tag"] = raw["tag"].lower()[:64]
        values["tag"] = raw["tag"]
    before = params.get("before")
    return Filters(raw=raw, query=InboxFilter(**values), after=_cursor(before) if before else None)


def _cursor(value: str) -> Cursor:
    try:
        when, conversation_id = decode_cursor(value, str, int)
        moment = datetime.fromisoformat(str(when))
    except (BadRequest, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequest(BAD_CURSOR, code="invalid_cursor")
    return Cursor(last_message_at=moment, id=int(conversation_id))


async def rows_for(session: AsyncSession, found: list[Conversation]) -> list[Row]:
    players = await repository.players_by_id(session, {c.player_id for c in found})
    channels = await repository.channels_by_id(session, {c.channel_id for c in found})
    brands = await repository.brands_by_id(session, {c.brand_id for c in found})
    staff = await repository.users_by_id(session, {c.assignee_id for c in found if c.assignee_id})
    tags = await conversations.tags_for(session, [c.id for c in found])
    return [Row(conversation=c, player=players.get(c.player_id), channel=channels.get(c.channel_id),
                brand=brands.get(c.brand_id), assignee=staff.get(c.assignee_id) if c.assignee_id else None,
                tags=tags.get(c.id, [])) for c in found]


async def page(session: AsyncSession, principal: Principal, filters: Filters) -> Page:
    found = await conversation_service.list(session, principal, filters.query, after=filters.after,
                                            limit=PAGE_SIZE + 1)
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    older = encode_cursor(found[-1].last_message_at.isoformat(), found[-1].id) if more and found else None
    return Page(rows=await rows_for(session, found), older=older)
