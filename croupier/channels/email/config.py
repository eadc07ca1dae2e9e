"""An email channel's settings (see channels/config.py): the support address, the mailbox polled by IMAP
and/or the built-in SMTP listener for inbound mail, the SMTP relay for replies. The IMAP and SMTP passwords
are secrets (encrypted at rest as `imap_password_enc`, `smtp_password_enc`)."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails

from croupier.channels.config import ChannelConfig, Port, Secret, refuse
from croupier.errors import BadRequest
from croupier.kit import crypto
from croupier.kit.i18n import N_
from croupier.models import Channel

ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"+]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")
HOST = re.compile(r"[A-Za-z0-9.:-]{1,253}")
SECRETS = ("imap_password", "smtp_password")
Security = Literal["ssl", "starttls", "none"]
SECURITY_HELP = N_("ssl (TLS from the start), starttls, or none (only on a trusted network).")


def _address(value: str) -> str:
    if not ADDRESS.fullmatch(value):
        raise refuse(N_("Enter an email address such as support@example.com, without a +tag."))
    return value.lower()


def _host(value: str) -> str:
    if not HOST.fullmatch(value):
        raise refuse(N_("Enter a host name or an IP address."))
    return value


Host = Annotated[str, AfterValidator(_host)]


class EmailConfig(ChannelConfig):
    test_recipient: ClassVar[str | None] = N_("Email address")

    address: Annotated[str, AfterValidator(_address)] = Field(
        title=N_("Support address"), description=N_("Players write to it; replies come from it."))
    from_name: str | None = Field(None, max_length=200, title=N_("Sender name"),
                                  description=N_("Shown beside the address on replies; default: the channel's name."))
    reply_token: bool = Field(True, title=N_("Conversation in the reply address"), description=N_(
        "Replies ask to be answered at support+c42.…@ so answers find their conversation (the mail server must "
        "deliver +tag addresses to the mailbox)."))

    imap_host: Host | None = Field(None, title=N_("IMAP server"),
                                   description=N_("The mailbox to poll; leave empty to receive by SMTP only."))
    imap_port: Port | None = Field(None, title=N_("IMAP port"), description=N_("Default: 993 with ssl, else 143."))
    imap_security: Security = Field("ssl", title=N_("IMAP security"), description=SECURITY_HELP)
    imap_user: str | None = Field(None, max_length=254, title=N_("IMAP user name"))
    imap_password: Annotated[str | None, Secret()] = Field(None, max_length=500, title=N_("IMAP password"))
    imap_folder: str = Field("INBOX", min_length=1, max_length=200, title=N_("IMAP folder"))
    imap_delete: bool = Field(False, title=N_("Delete fetched mail"), description=N_(
        "Delete messages from the mailbox once stored; otherwise they are marked as read and left there."))
    imap_idle: bool = Field(True, title=N_("Wait for new mail (IMAP IDLE)"),
                            description=N_("New mail arrives at once when the server supports IDLE."))

    listen_host: Host = Field("0.0.0.0", title=N_("SMTP listener address"),
                              description=N_("The built-in SMTP server's network address."))
    listen_port: Port | None = Field(None, title=N_("SMTP listener port"), description=N_(
        "Set it to receive mail directly (point the MX record or a relay at it); leave empty for IMAP only."))
    listen_cert_file: str | None = Field(None, max_length=500, title=N_("SMTP listener certificate"), description=N_(
        "Path to a PEM certificate (chain): the listener then offers STARTTLS to sending servers."))
    listen_key_file: str | None = Field(None, max_length=500, title=N_("SMTP listener private key"),
                                        description=N_("Path to the certificate's PEM private key."))

    smtp_host: Host = Field(title=N_("SMTP server for replies"))
    smtp_port: Port | None = Field(None, title=N_("SMTP port"),
                                   description=N_("Default: 587 with starttls, 465 with ssl, 25 with none."))
    smtp_security: Security = Field("starttls", title=N_("SMTP security"), description=SECURITY_HELP)
    smtp_user: str | None = Field(None, max_length=254, title=N_("SMTP user name"))
    smtp_password: Annotated[str | None, Secret()] = Field(None, max_length=500, title=N_("SMTP password"))

    auth_server_id: str | None = Field(None, max_length=200, title=N_("Trusted Authentication-Results server"),
                                       description=N_(
        "The name your mail server writes in the Authentication-Results header of mail it receives (SPF, DKIM, "
        "DMARC): only its results count. Empty: the topmost header of mail fetched by IMAP."))

    ca_file: str | None = Field(None, max_length=500, title=N_("Extra CA certificates"), description=N_(
        "Path to a PEM file, for IMAP and SMTP servers with a private certificate authority."))

    @model_validator(mode="after")
    def _complete(self) -> EmailConfig:
        missing = {}
        if not self.imap_host and not self.listen_port:
            missing["imap_host"] = N_("Set an IMAP server or an SMTP listener port, or no mail can arrive.")
        if self.imap_host and not self.imap_user:
            missing["imap_user"] = N_("The IMAP server needs a user name.")
        if self.imap_host and not self.imap_password:
            missing["imap_password"] = N_("The IMAP server needs a password.")
        if bool(self.listen_cert_file) != bool(self.listen_key_file):
            missing["listen_key_file" if self.listen_cert_file else "listen_cert_file"] = N_(
                "Give both the certificate and its private key, or neither.")
        if bool(self.smtp_user) != bool(self.smtp_password):
            missing["smtp_password" if self.smtp_user else "smtp_user"] = N_(
                "Give both the SMTP user name and its password, or neither.")
        if missing:
            raise ValidationError.from_exception_data("EmailConfig", [
                InitErrorDetails(type=refuse(message), loc=(name,), input=None) for name, message in missing.items()])
        return self

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1]

    @property
    def imap_port_or_default(self) -> int:
        return self.imap_port or (993 if self.imap_security == "ssl" else 143)

    @property
    def smtp_port_or_default(self) -> int:
        return self.smtp_port or {"ssl": 465, "starttls": 587, "none": 25}[self.smtp_security]


def settings_of(channel: Channel) -> EmailConfig:
    """The channel's settings with its passwords decrypted; BadRequest when what is stored is not usable
    (a password sealed under another secret key is a ValueError from kit/crypto)."""
    values: dict[str, Any] = dict(channel.config)
    for name in SECRETS:
        values[name] = crypto.config_secret(channel.config, name) or None
    try:
        return EmailConfig.model_validate(values)
    except ValidationError as exc:
        raise BadRequest(N_("The email channel's settings are incomplete: %(fields)s."), code="invalid_settings",
                         fields=", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]}))) from exc
