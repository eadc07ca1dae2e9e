"""The version of what the public help centre shows: one counter, raised in the same transaction as any
change to what it shows, so each web process can tell whether a page it keeps is still current
(croupier/helpcenter/page_cache.py). Importing the models installs the session hooks that raise it.

A change is any ORM insert, update or delete of a row in PUBLIC_TABLES (bulk statements included), except
updates that touch only counters the pages do not show (votes) and rows they never show (an email
channel's poll status). The counter is raised last, just before
COMMIT, so the one hot row is locked for an instant and never before another row (no deadlock)."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import BigInteger, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from croupier.models.base import Base

PUBLIC_TABLES = frozenset({"brands", "channels", "kb_categories", "kb_articles", "kb_translations", "kb_versions",
                           "kb_passages", "kb_contacts"})
UNSHOWN = {"kb_translations": frozenset({"helpful_yes", "helpful_no"})}  # columns no public page shows
# Rows of a public table the pages never show: of the channels, only the web chat's (the widget's key).
UNSHOWN_ROW = {"channels": lambda channel: channel.type != "webchat"}
_CHANGED = "croupier_public_changed"
# Raised after each commit that raised the counter: this process's caches look at the database at once.
local_changes = itertools.count(1)
last_local_change = 0


class PublicVersion(Base):
    __tablename__ = "public_version"

    id: Mapped[int] = mapped_column(primary_key=True)  # the one row: 1
    version: Mapped[int] = mapped_column(BigInteger, default=0)


def _shown_change(obj: Any, deleted_or_new: bool) -> bool:
    table = getattr(obj, "__tablename__", None)
    if table not in PUBLIC_TABLES or (table in UNSHOWN_ROW and UNSHOWN_ROW[table](obj)):
        return False
    if deleted_or_new:
        return True
    unshown = UNSHOWN.get(table, frozenset())
    state = inspect(obj)
    return any(attr.key not in unshown and attr.history.has_changes() for attr in state.attrs)


def changed_in(session: Session) -> bool:
    """Whether the session has written changes to what the help centre shows, not yet committed."""
    return bool(session.info.get(_CHANGED))


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(_CHANGED):
        return
    if any(_shown_change(o, True) for o in itertools.chain(session.new, session.deleted)) or \
            any(_shown_change(o, False) for o in session.dirty):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in PUBLIC_TABLES:
            state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _raise_version(session: Session) -> None:
    session.flush()  # the last changes are seen by the hooks above before the counter is raised
    if not session.info.get(_CHANGED):
        return
    connection = session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(PublicVersion).values(id=1, version=1)
    connection.execute(statement.on_conflict_do_update(index_elements=[PublicVersion.id],
                                                       set_={"version": PublicVersion.version + 1}))


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    global last_local_change
    if session.info.pop(_CHANGED, False):
        last_local_change = next(local_changes)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_CHANGED, None)
