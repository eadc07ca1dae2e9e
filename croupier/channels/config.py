"""Channel settings, declared once per channel type and used everywhere they are needed.

Each provider folder has a `config.py` with a Pydantic model (a `ChannelConfig`) whose fields are the
settings an administrator enters in the console: `title` and `description` are translatable labels;
`Secret()` marks a field stored encrypted (kit/crypto: `<name>_enc` beside its last characters) and never
shown again; `Secret(generated=True)` one that Croupier generates when it is left empty on creation and
shows once. `apply()` turns a submitted form into a channel's config: it validates (each refusal a
translatable message for its field), seals secrets and keeps a stored secret whose field was left empty.
Settings the form does not declare (a hand-set `api_version`) are kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import NoneType, UnionType
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from croupier.errors import BadRequest, Forbidden
from croupier.kit import crypto, secrets
from croupier.kit.i18n import N_, gettext
from croupier.models import Channel

MESSAGES = {  # pydantic's error types -> our words (msgid; the error's context fills the placeholders)
    "missing": N_("Fill in this field."),
    "string_too_short": N_("Use at least %(min_length)s characters."),
    "string_too_long": N_("Use at most %(max_length)s characters."),
    "too_long": N_("Enter at most %(max_length)s lines."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "greater_than_equal": N_("Enter a number of at least %(ge)s."),
    "less_than_equal": N_("Enter a number of at most %(le)s."),
}
INVALID = N_("This value is not valid.")
CUSTOM = "croupier_setting"
UNREADABLE = N_("The stored value cannot be read with this installation's secret key; enter it again.")


@dataclass(frozen=True)
class Secret:
    """Marks a setting stored encrypted and never shown again in full."""

    generated: bool = False  # left empty when the channel is added: Croupier generates it and shows it once


class ChannelConfig(BaseModel):
    """The settings of one channel type (subclassed in each provider folder)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    # The label (msgid) of the recipient a test message goes to; None: the channel cannot send one.
    test_recipient: ClassVar[str | None] = None


def refuse(message: str, **params: Any) -> PydanticCustomError:
    """A field validator's refusal in our words (`message` is a msgid with %(name)s placeholders)."""
    return PydanticCustomError(CUSTOM, message, params)


def _web_address(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or any(c.isspace() for c in value):
        raise refuse(N_("Enter a full web address starting with https://."))
    return value.rstrip("/")


def _lines(value: Any) -> Any:
    if isinstance(value, str):
        return [v.strip() for v in value.replace(",", "\n").splitlines() if v.strip()]
    return value


def _digits(value: str) -> str:
    if not value.isdigit():
        raise refuse(N_("Enter the numeric id, digits only."))
    return value


WebAddress = Annotated[str, Field(max_length=500), AfterValidator(_web_address)]
NumericId = Annotated[str, Field(max_length=40), AfterValidator(_digits)]
Port = Annotated[int, Field(ge=1, le=65535)]
Lines = Annotated[list[Annotated[str, Field(max_length=200)]], BeforeValidator(_lines), Field(max_length=50)]


class InvalidSettings(BadRequest):
    """The submitted values that were refused: {field: (msgid, params)}."""

    def __init__(self, problems: dict[str, tuple[str, dict[str, Any]]]) -> None:
        super().__init__(N_("Some settings are missing or wrong; see the marked fields."), code="invalid_settings",
                         fields=sorted(problems))
        self.problems = problems

    def messages(self) -> dict[str, str]:
        """Each refused field's message in the current language."""
        return {name: _fill(gettext(msgid), params) for name, (msgid, params) in self.problems.items()}


def _fill(text: str, params: dict[str, Any]) -> str:
    try:
        return text % params if "%(" in text else text
    except (KeyError, TypeError, ValueError):
        return text


def secret_of(info: FieldInfo) -> Secret | None:
    return next((m for m in info.metadata if isinstance(m, Secret)), None)


def _bare(annotation: Any) -> Any:
    """`X | None` -> X."""
    if get_origin(annotation) in (Union, UnionType):
        rest = [a for a in get_args(annotation) if a is not NoneType]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


def kind(info: FieldInfo) -> str:
    """How the console shows a field: secret, checkbox, number, lines, choice (a Literal) or text."""
    if secret_of(info) is not None:
        return "secret"
    annotation = _bare(info.annotation)
    if annotation is bool:
        return "checkbox"
    if annotation is int:
        return "number"
    if get_origin(annotation) is list:
        return "lines"
    if get_origin(annotation) is Literal:
        return "choice"
    return "text"


def choices(info: FieldInfo) -> tuple[str, ...]:
    """The values a choice field offers."""
    return tuple(str(v) for v in get_args(_bare(info.annotation)))


def stored_tail(config: Mapping[str, Any], name: str) -> str | None:
    """The last characters of stored secret `name` ("" when too short to show any); None if none is stored."""
    if config.get(f"{name}_enc"):
        return str(config.get(f"{name}_last4") or "")
    plain = config.get(name)
    return crypto.last_chars(plain) if isinstance(plain, str) and plain else None


def _submitted(model: type[ChannelConfig], form: Mapping[str, Any], current: Mapping[str, Any]
               ) -> tuple[dict[str, Any], set[str], dict[str, str], dict[str, tuple[str, dict[str, Any]]]]:
    """(values to validate, secrets typed in, secrets generated now, refusals) from the form. An empty field
    is left out (its default applies, or it is missing), except a secret: the stored one stays."""
    values: dict[str, Any] = {}
    typed: set[str] = set()
    generated: dict[str, str] = {}
    problems: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, info in model.model_fields.items():
        raw = form.get(name)
        if kind(info) == "checkbox":
            values[name] = raw in ("on", "true", "1")
            continue
        text = raw.strip() if isinstance(raw, str) else ""
        secret = secret_of(info)
        if text:
            values[name] = text
            typed.add(name)
        elif secret is not None and stored_tail(current, name) is not None:
            try:
                values[name] = crypto.config_secret(dict(current), name)
            except ValueError:
                problems[name] = (UNREADABLE, {})
        elif secret is not None and secret.generated and not current:
            values[name] = generated[name] = secrets.token(24)
    return values, typed, generated, problems


def _problem(error: Any) -> tuple[str, dict[str, Any]]:
    context = dict(error.get("ctx") or {})
    if error["type"] == CUSTOM:
        return error["msg"], context
    return MESSAGES.get(error["type"], INVALID), context


def apply(model: type[ChannelConfig], form: Mapping[str, Any], current: Mapping[str, Any]
          ) -> tuple[dict[str, Any], dict[str, str]]:
    """(the channel's new config, secrets generated now to show once) from a submitted form; InvalidSettings
    when a value is refused. `current` is the stored config ({} when the channel is being added)."""
    values, typed, generated, problems = _submitted(model, form, current)
    try:
        settings = model.model_validate({k: v for k, v in values.items() if k not in problems})
    except ValidationError as exc:
        for error in exc.errors():
            problems.setdefault(str(error["loc"][0]) if error["loc"] else "", _problem(error))
    if problems:
        raise InvalidSettings(problems)
    declared = {f"{n}{suffix}" for n in model.model_fields for suffix in ("", "_enc", "_last4")}
    config = {k: v for k, v in current.items() if k not in declared}
    for name, info in model.model_fields.items():
        value = getattr(settings, name)
        if value is None:
            continue
        if secret_of(info) is None:
            config[name] = value
        elif name in typed or name in generated or f"{name}_enc" not in current:
            config.update(crypto.sealed(name, value))
        else:
            config.update({k: current[k] for k in (f"{name}_enc", f"{name}_last4") if k in current})
    return config, generated


def verifying_secret(channel: Channel, name: str) -> str:
    """The secret a provider's webhooks are checked with: setting `name` (encrypted at rest), else, for channels
    configured without it, the channel's own `secret`. Forbidden when it was sealed under another key."""
    try:
        return crypto.config_secret(channel.config, name) or channel.secret
    except ValueError as exc:
        raise Forbidden(N_("This channel's secret cannot be read with this installation's secret key."),
                        code="channel_secret_unreadable") from exc
