"""Reading the conversation's "Log a call" form into a `CallIn`."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.datastructures import FormData

from croupier.call.schemas import CallIn
from croupier.console.conversation_forms import BAD_VALUE, local_time
from croupier.errors import BadRequest
from croupier.kit.i18n import N_

BAD_DURATION = N_("The duration '%(value)s' is not minutes (5) or minutes and seconds (5:30).")
BAD_TIME = N_("The call time '%(value)s' is not a date and time.")


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def duration_seconds(value: str) -> int:
    """'5' (minutes), '5:30' (minutes and seconds) or '1:02:05' (hours too) as seconds; '' is 0."""
    if not value:
        return 0
    parts = value.split(":")
    if len(parts) > 3 or not all(p.isdigit() and len(p) <= 4 for p in parts) \
            or any(int(p) >= 60 for p in parts[1:]):
        raise BadRequest(BAD_DURATION, code="invalid_duration", value=value[:20])
    if len(parts) == 1:
        return int(parts[0]) * 60
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds


def call_from(form: FormData) -> CallIn:
    when = _text(form, "started_at")
    data = {
        "direction": _text(form, "direction"), "outcome": _text(form, "outcome"),
        "started_at": local_time(when, _text(form, "tz_offset") or None, BAD_TIME, "invalid_call_time")
        if when else None,
        "duration_s": duration_seconds(_text(form, "duration")),
        "phone_number": _text(form, "phone_number") or None, "notes": _text(form, "notes") or None,
    }
    try:
        return CallIn.model_validate(data)
    except ValidationError as exc:
        name = str(exc.errors()[0]["loc"][0])
        raise BadRequest(BAD_VALUE, code="invalid_field", name=name, value=str(data.get(name) or "")[:60]) from None
