"""WhatsApp's 24-hour customer-service window and the approved message templates that may be sent outside it.

A free-form message may only be sent within 24 hours of the player's last message; after that, WhatsApp only
delivers approved templates until the player writes again. The channel's `templates` setting lists them, one
per line: `name [language] [body parameters]`, e.g. `withdrawal_update en_US 2` (language default `en`,
parameters default 0).

A template send is stored as an ordinary outbound message whose body is `template_body()`: a first line
`[WhatsApp template: <name> (<language>)]`, then one body parameter per line, in order. The console and the
REST API store it like any reply (`check_reply` refuses free text outside the window and templates the
channel does not list); the adapter reads it back with `read_template()` and sends the Cloud API's
`"type": "template"` message. Template parameters cannot hold line breaks (WhatsApp refuses them too)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from croupier.errors import BadRequest, Conflict
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.models import Channel, ChannelType, Conversation

WINDOW = timedelta(hours=24)
NAME = re.compile(r"[a-z0-9_]{1,512}")
LANGUAGE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z0-9]{2,4})?")
DEFAULT_LANGUAGE = "en"
MAX_PARAMETERS = 20
MAX_PARAMETER_CHARS = 1000
HEAD = re.compile(r"\[WhatsApp template: ([a-z0-9_]{1,512}) \(([A-Za-z0-9_]{2,12})\)\]")

WINDOW_CLOSED = N_("The player last wrote more than 24 hours ago: WhatsApp only delivers an approved template "
                   "until they write again. Choose one of the channel's templates in the reply box.")
UNKNOWN_TEMPLATE = N_("The template %(name)s (%(language)s) is not one of this channel's approved templates.")
WRONG_PARAMETERS = N_("The template %(name)s takes %(expected)s parameters; %(given)s were given.")
EMPTY_PARAMETER = N_("Fill in every parameter of the template, each on one line.")
LONG_PARAMETER = N_("A template parameter may hold at most %(limit)s characters.")
NO_FILES = N_("Files cannot be sent with a WhatsApp template.")


@dataclass(frozen=True)
class Template:
    """One approved template as the channel's settings list it."""

    name: str
    language: str = DEFAULT_LANGUAGE
    parameters: int = 0

    @property
    def key(self) -> str:
        return f"{self.name}:{self.language}"


@dataclass(frozen=True)
class TemplateMessage:
    """A template to send, with its body parameters filled in."""

    name: str
    language: str
    parameters: tuple[str, ...] = ()

    def payload(self) -> dict[str, Any]:
        """The Cloud API's `template` object (developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates)."""
        template: dict[str, Any] = {"name": self.name, "language": {"code": self.language}}
        if self.parameters:
            template["components"] = [{"type": "body", "parameters": [{"type": "text", "text": p}
                                                                      for p in self.parameters]}]
        return template


def parse_line(line: str) -> Template | None:
    """`name [language] [parameters]`; None when the line is not one."""
    name, *rest = line.split() or [""]
    if not NAME.fullmatch(name):
        return None
    language, count = DEFAULT_LANGUAGE, 0
    if rest and LANGUAGE.fullmatch(rest[0]):
        language = rest.pop(0)
    if rest and rest[0].isdigit() and len(rest[0]) <= 3:
        count = int(rest.pop(0))
    if rest or count > MAX_PARAMETERS:
        return None
    return Template(name, language, count)


def templates_of(config: dict[str, Any]) -> list[Template]:
    """The channel's approved templates (lines that cannot be read are skipped; the settings form refuses them)."""
    lines = config.get("templates") or []
    found = [parse_line(str(line)) for line in lines] if isinstance(lines, list) else []
    return list({t.key: t for t in found if t is not None}.values())


def window_open(last_player_message_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether a free-form message may be sent now."""
    if last_player_message_at is None:
        return False
    if last_player_message_at.tzinfo is None:
        last_player_message_at = last_player_message_at.replace(tzinfo=UTC)
    return (now or utcnow()) - last_player_message_at <= WINDOW


def window_closes_at(last_player_message_at: datetime | None) -> datetime | None:
    if last_player_message_at is None:
        return None
    if last_player_message_at.tzinfo is None:
        last_player_message_at = last_player_message_at.replace(tzinfo=UTC)
    return last_player_message_at + WINDOW


def template_body(template: Template, values: list[str] | tuple[str, ...]) -> str:
    """The stored body of a template send (see the module's docstring); BadRequest for missing parameters."""
    values = [" ".join(str(v).split()) for v in values]
    if len(values) != template.parameters:
        raise BadRequest(WRONG_PARAMETERS, code="template_parameters", name=template.name,
                         expected=template.parameters, given=len(values))
    if any(not v for v in values):
        raise BadRequest(EMPTY_PARAMETER, code="template_parameters")
    if any(len(v) > MAX_PARAMETER_CHARS for v in values):
        raise BadRequest(LONG_PARAMETER, code="template_parameters", limit=MAX_PARAMETER_CHARS)
    return "\n".join([f"[WhatsApp template: {template.name} ({template.language})]", *values])


def read_template(body: str) -> TemplateMessage | None:
    """The template a stored body asks for, or None for a free-form message."""
    head, _, rest = body.strip().partition("\n")
    match = HEAD.fullmatch(head.strip())
    if match is None:
        return None
    values = tuple(line.strip() for line in rest.splitlines() if line.strip())
    return TemplateMessage(match[1], match[2], values)


def check_reply(config: dict[str, Any], last_player_message_at: datetime | None, body: str, *,
                has_files: bool = False) -> None:
    """Refuse what WhatsApp would not deliver, before it is stored: free text or files outside the window
    (409), a template the channel does not list or with the wrong number of parameters (400)."""
    wanted = read_template(body)
    if wanted is None:
        if not window_open(last_player_message_at):
            raise Conflict(WINDOW_CLOSED, code="whatsapp_window_closed")
        return
    if has_files:
        raise BadRequest(NO_FILES, code="template_with_files")
    known = {t.key: t for t in templates_of(config)}.get(f"{wanted.name}:{wanted.language}")
    if known is None:
        raise BadRequest(UNKNOWN_TEMPLATE, code="unknown_template", name=wanted.name, language=wanted.language)
    template_body(known, list(wanted.parameters))  # the count and the values, as the console checks them


@dataclass(frozen=True)
class ReplyWindow:
    """What the console's reply box needs to know about a WhatsApp conversation."""

    open: bool
    closes_at: datetime | None
    templates: list[Template]


def reply_window(channel: Channel | None, conversation: Conversation) -> ReplyWindow | None:
    """None unless the conversation is on WhatsApp."""
    if channel is None or channel.type != ChannelType.whatsapp:
        return None
    last = conversation.last_player_message_at
    return ReplyWindow(window_open(last), window_closes_at(last), templates_of(channel.config or {}))
