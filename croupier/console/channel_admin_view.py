"""The settings form of a channel type, built from its `ChannelConfig`: one entry per field with its label,
hint, input kind, current value (never a secret's: only whether one is stored and its last characters)
and the reason it was refused."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from croupier.channels.config import ChannelConfig, choices, kind, secret_of, stored_tail


@dataclass(frozen=True)
class FormField:
    name: str
    label: str  # msgid
    hint: str  # msgid, or ""
    kind: str  # secret, checkbox, number, lines, choice or text
    required: bool
    value: str = ""
    checked: bool = False
    tail: str | None = None  # a stored secret's last characters ("" when too short to show); None: none stored
    generated: bool = False  # a secret Croupier generates when left empty on a new channel
    error: str | None = None
    choices: tuple[str, ...] = ()


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)


def form_fields(model: type[ChannelConfig], config: Mapping[str, Any], submitted: Mapping[str, Any] | None,
                errors: Mapping[str, str]) -> list[FormField]:
    """The form's fields for a channel with `config` ({} for a new one), showing `submitted` values again
    (secrets excepted) after a refusal."""
    fields = []
    for name, info in model.model_fields.items():
        field_kind, secret = kind(info), secret_of(info)
        tail = stored_tail(config, name) if secret is not None else None
        source = submitted if submitted is not None else config
        raw = source.get(name)
        if field_kind == "checkbox":
            checked = raw in ("on", "true", "1", True) if name in source or submitted is not None else info.default
            value = ""
        else:
            default = None if info.is_required() else info.default
            checked, value = False, "" if secret is not None else _shown(raw if name in source else default)
        generated = bool(secret and secret.generated and not config)
        fields.append(FormField(
            name=name, label=info.title or name, hint=info.description or "", kind=field_kind,
            required=info.is_required() and tail is None and not generated, value=value, checked=bool(checked),
            tail=tail, generated=generated, error=errors.get(name),
            choices=choices(info) if field_kind == "choice" else ()))
    return fields
