"""Every conversation query. Visibility is the principal's brand scope, applied here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import ColumnElement, ScalarSelect, Select, Update, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from croupier.auth.principal import Principal
from croupier.models import (
    Attachment,
    Channel,
    ChannelType,
    Conversation,
    Message,
    PlayerIdentity,
    Status,
    Tag,
    User,
    conversation_tags,
)


@dataclass(frozen=True)
class InboxFilter:
    statuses: tuple[Status, ...] = ()
    brand_id: int | None = None
    channel_type: ChannelType | None = None
    language: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    team_id: int | None = None
    tag: str | None = None
    player_id: int | None = None


@dataclass(frozen=True)
class Cursor:
    last_message_at: datetime
    id: int


def visible(principal: Principal) -> Select[tuple[Conversation]]:
    query = select(Conversation)
    if principal.brand_ids is not None:
        query = query.where(Conversation.brand_id.in_(principal.brand_ids))
    return query


async def get(session: AsyncSession, principal: Principal, conversation_id: int,
              *, for_update: bool = False) -> Conversation | None:
    query = visible(principal).where(Conversation.id == conversation_id)
    if for_update and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    return await session.scalar(query)


async def inbox(session: AsyncSession, principal: Principal, f: InboxFilter, *, after: Cursor | None,
                limit: int) -> list[Conversation]:
    query = visible(principal)
    if f.statuses:
        query = query.where(Conversation.status.in_(f.statuses))
    if f.brand_id is not None:
        query = query.where(Conversation.brand_id == f.brand_id)
    if f.channel_type is not None:
        query = query.where(Conversation.channel_id.in_(select(Channel.id).where(Channel.type == f.channel_type)))
    if f.language:
        query = query.where(Conversation.language == f.language)
    if f.unassigned:
        query = query.where(Conversation.assignee_id.is_(None))
    elif f.assignee_id is not None:
        query = query.where(Conversation.assignee_id == f.assignee_id)
    if f.team_id is not None:
        query = query.where(Conversation.team_id == f.team_id)
    if f.player_id is not None:
        query = query.where(Conversation.player_id == f.player_id)
    if f.tag:
        query = query.where(Conversation.id.in_(
            select(conversation_tags.c.conversation_id).join(Tag, Tag.id == conversation_tags.c.tag_id)
            .where(Tag.name == f.tag)))
    if after is not None:
        query = query.where(or_(Conversation.last_message_at < after.last_message_at,
                                and_(Conversation.last_message_at == after.last_message_at,
                                     Conversation.id < after.id)))
    query = query.order_by(Conversation.last_message_at.desc(), Conversation.id.desc()).limit(limit)
    return list(await session.scalars(query))


_candidate = aliased(Conversation, name="candidate")


def current_id(identity_id: ColumnElement[int]) -> ScalarSelect[int]:
    """The id of the identity's latest conversation that a new message should join (any status but closed);
    correlates when `identity_id` is a column of the enclosing query."""
    return select(func.max(_candidate.id)).where(_candidate.identity_id == identity_id,
                                                 _candidate.status != Status.closed).scalar_subquery()


# Hot path: built once (building a statement costs more than running it from the compiled cache).
_current = select(Conversation).where(Conversation.id == current_id(bindparam("identity_id")))


async def current_for_identity(session: AsyncSession, identity_id: int) -> Conversation | None:
    """The identity's latest conversation that a new message should join (any status but closed)."""
    return await session.scalar(_current, {"identity_id": identity_id})


async def lock_identity(session: AsyncSession, identity_id: int) -> None:
    """Serialize whoever opens an identity's first conversation (a row lock on PostgreSQL; SQLite runs one
    writing transaction at a time anyway), so that two concurrent first messages share one conversation."""
    await session.execute(select(PlayerIdentity.id).where(PlayerIdentity.id == identity_id).with_for_update())


async def messages(session: AsyncSession, conversation_ids: list[int], *, include_private: bool,
                   after_id: int | None = None, limit: int = 200) -> list[Message]:
    query = select(Message).where(Message.conversation_id.in_(conversation_ids))
    if not include_private:
        query = query.where(Message.is_private.is_(False))
    if after_id is not None:
        query = query.where(Message.id > after_id)
    query = query.order_by(Message.id.desc()).limit(limit)
    return list(reversed(list(await session.scalars(query))))


async def message_page(session: AsyncSession, conversation_id: int, *, after_id: int | None,
                       limit: int) -> list[Message]:
    """Up to `limit` messages (private notes included) after `after_id`, oldest first."""
    query = select(Message).where(Message.conversation_id == conversation_id)
    if after_id is not None:
        query = query.where(Message.id > after_id)
    return list(await session.scalars(query.order_by(Message.id).limit(limit)))


async def attachment_for(session: AsyncSession, principal: Principal, attachment_id: int) -> Attachment | None:
    """An attachment of a message in a conversation the principal can see (private notes included)."""
    conversations = visible(principal).with_only_columns(Conversation.id)
    return await session.scalar(
        select(Attachment).join(Message, Message.id == Attachment.message_id)
        .where(Attachment.id == attachment_id, Message.conversation_id.in_(conversations)))


async def user_names(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict((await session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))).all())


async def message_by_client_id(session: AsyncSession, conversation_id: int, client_id: str) -> Message | None:
    return await session.scalar(select(Message).where(Message.conversation_id == conversation_id,
                                                      Message.client_id == client_id))


@cache
def _update_statement(keys: tuple[str, ...]) -> Update:
    table = Conversation.__table__
    return update(table).where(table.c.id == bindparam("conversation_id")).values(
        {key: bindparam(f"new_{key}") for key in keys})


async def update_conversation(session: AsyncSession, conversation: Conversation, changes: dict[str, object]
                              ) -> None:
    """Write `changes` to one conversation with a Core UPDATE (one statement per set of columns, built once)
    and record them on the loaded object as its committed state: no unit-of-work flush on the hot path."""
    await session.execute(_update_statement(tuple(changes)),
                          {"conversation_id": conversation.id, **{f"new_{k}": v for k, v in changes.items()}})
    for key, value in changes.items():
        set_committed_value(conversation, key, value)


_insert_once = {dialect: insert(Message.__table__).on_conflict_do_nothing(
    index_elements=[Message.conversation_id, Message.client_id]).returning(*Message.__table__.columns)
    for dialect, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))}


async def add_message_once(session: AsyncSession, **values: object) -> Message | None:
    """Insert a message in one round trip; None when its conversation already holds its client_id
    (INSERT .. ON CONFLICT DO NOTHING RETURNING: a retry racing the original cannot fail or duplicate).

    A Core insert of a statement built once, then the returned row is attached to the session as a
    persistent Message: a third of the CPU of an ORM insert, on the path every player message takes."""
    row = (await session.execute(_insert_once[session.bind.dialect.name], values)).first()
    if row is None:
        return None
    message = Message(**row._mapping)
    make_transient_to_detached(message)
    session.add(message)
    return message


async def attachments_for(session: AsyncSession, message_ids: list[int]) -> dict[int, list[Attachment]]:
    out: dict[int, list[Attachment]] = {}
    if not message_ids:
        return out
    for att in await session.scalars(select(Attachment).where(Attachment.message_id.in_(message_ids))
                                     .order_by(Attachment.id)):
        out.setdefault(att.message_id, []).append(att)
    return out


async def tags_for(session: AsyncSession, conversation_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not conversation_ids:
        return out
    rows = await session.execute(
        select(conversation_tags.c.conversation_id, Tag.name).join(Tag, Tag.id == conversation_tags.c.tag_id)
        .where(conversation_tags.c.conversation_id.in_(conversation_ids)).order_by(Tag.name))
    for cid, name in rows:
        out.setdefault(cid, []).append(name)
    return out


async def tag_by_name(session: AsyncSession, name: str) -> Tag | None:
    return await session.scalar(select(Tag).where(Tag.name == name))
