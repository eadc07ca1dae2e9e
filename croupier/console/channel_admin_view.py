"""The settings form of a channel type, built from its `ChannelConfig`: one entry per field with its label,
hint, input kind, current value (never a secret's: only whether one is stored and its last characters)
and the reason it was refused; and, for email channels, which receive mail rather than webhooks, where mail
arrives and how the mailbox poll went."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
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


@dataclass(frozen=True)
class MailFacts:
    """What matters on an email channel's page instead of a webhook address: where mail arrives and how the
    mailbox poll went."""

    address: str  # the support address players write to
    imap: str | None  # "host:port (security)", None: no mailbox polled
    imap_user: str | None
    imap_folder: str | None
    imap_idle: bool
    listener: str | None  # the built-in SMTP listener's "host:port", None: not listening
    listener_tls: bool
    polled_at: datetime | None  # the last poll's outcome (channels/email/imap.py, `imap_status`)
    poll_ok: bool | None
    poll_error: str | None
    poll_stored: int
    poll_idle: bool


def _when(value: Any) -> datetime | None:
    try:
        found = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return found.replace(tzinfo=UTC) if found is not None and found.tzinfo is None else found


def mail_facts(config: Mapping[str, Any]) -> MailFacts:
    """An email channel's facts from its stored config (nothing decrypted: only host names and states)."""
    security = str(config.get("imap_security") or "ssl")
    host = config.get("imap_host")
    port = config.get("imap_port") or (993 if security == "ssl" else 143)
    listen_port = config.get("listen_port")
    status = config.get("imap_status") if isinstance(config.get("imap_status"), dict) else {}
    return MailFacts(
        address=str(config.get("address") or ""),
        imap=f"{host}:{port} ({security})" if host else None, imap_user=config.get("imap_user") or None,
        imap_folder=str(config.get("imap_folder") or "INBOX") if host else None,
        imap_idle=bool(config.get("imap_idle", True)),
        listener=f"{config.get('listen_host') or '0.0.0.0'}:{listen_port}" if listen_port else None,
        listener_tls=bool(config.get("listen_cert_file") and config.get("listen_key_file")),
        polled_at=_when(status.get("at")), poll_ok=status.get("ok") if status else None,
        poll_error=status.get("error"), poll_stored=int(status.get("stored") or 0), poll_idle=bool(status.get("idle")))
