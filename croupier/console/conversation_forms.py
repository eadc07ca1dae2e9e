"""Reading the conversation forms into a `ConversationUpdate` holding only what the agent changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.datastructures import FormData

from croupier.conversation.schemas import ConversationUpdate
from croupier.errors import BadRequest
from croupier.kit.i18n import N_
from croupier.models import Conversation, Priority, Status

BAD_VALUE = N_("The field '%(name)s' does not accept the value '%(value)s'.")
NOT_A_TIME = N_("The wake-up time '%(value)s' is not a date and time.")
MAX_TAGS = 20


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else None


def _bad(name: str, value: str) -> BadRequest:
    return BadRequest(BAD_VALUE, code="invalid_field", name=name, value=value[:60])


def _id(name: str, value: str, me: int | None = None) -> int:
    """'none' is 0 (clear), 'me' the acting user (where `me` is given), otherwise a number."""
    if value == "none":
        return 0
    if value == "me" and me is not None:
        return me
    if not value.isdigit() or len(value) > 18:
        raise _bad(name, value)
    return int(value)


def local_time(value: str, tz_offset: str | None, invalid: str = NOT_A_TIME,
               code: str = "invalid_snooze_time") -> datetime:
    """A `datetime-local` value in the agent's time zone (`tz_offset`: minutes behind UTC, as JavaScript's
    getTimezoneOffset() gives it; UTC when absent) as an aware UTC datetime; `invalid` (with `code`) if it
    is not one."""
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(invalid, code=code, value=value[:40]) from None
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    offset = 0
    if tz_offset:
        try:
            offset = int(tz_offset)
        except ValueError:
            raise _bad("tz_offset", tz_offset) from None
        if abs(offset) > 16 * 60:
            raise _bad("tz_offset", tz_offset)
    return local.replace(tzinfo=UTC) + timedelta(minutes=offset)


def update_from(form: FormData, conversation: Conversation, current_tags: list[str], me: int) -> ConversationUpdate:
    change: dict[str, object] = {}
    status = _text(form, "status")
    if status:
        if status not in Status.__members__:
            raise _bad("status", status)
        snooze = _text(form, "snooze_until")
        if status == Status.snoozed.value and snooze:
            wake = local_time(snooze, _text(form, "tz_offset"))
            if status != conversation.status.value or wake != conversation.snoozed_until:
                change["status"], change["snoozed_until"] = Status.snoozed, wake
        elif status != conversation.status.value:
            change["status"] = Status(status)
    priority = _text(form, "priority")
    if priority:
        if priority not in Priority.__members__:
            raise _bad("priority", priority)
        if priority != conversation.priority.value:
            change["priority"] = Priority(priority)
    assignee = _text(form, "assignee")
    if assignee:
        wanted = _id("assignee", assignee, me)
        if wanted != (conversation.assignee_id or 0):
            change["assignee_id"] = wanted
    team = _text(form, "team")
    if team:
        wanted = _id("team", team)
        if wanted != (conversation.team_id or 0):
            change["team_id"] = wanted
    intent = _text(form, "intent")
    if intent is not None and (intent or None) != conversation.intent:
        change["intent"] = intent
    if _text(form, "playbook_override") == "1":
        change["playbook_override"] = True
    added = [t.strip().lower() for t in (_text(form, "add_tags") or "").split(",") if t.strip()]
    if len(added) > MAX_TAGS:
        raise BadRequest(N_("Add at most %(count)s tags at a time."), code="too_many_tags", count=MAX_TAGS)
    if any(len(t) > 64 for t in added):
        raise BadRequest(N_("A tag can be at most 64 characters long."), code="tag_too_long")
    change["add_tags"] = [t for t in dict.fromkeys(added) if t not in current_tags]
    removed = [t.strip().lower() for t in form.getlist("remove_tag") if isinstance(t, str) and t.strip()]
    change["remove_tags"] = [t for t in removed if t in current_tags]
    return ConversationUpdate.model_validate(change)


def is_empty(change: ConversationUpdate) -> bool:
    return not change.model_dump(exclude_defaults=True)
