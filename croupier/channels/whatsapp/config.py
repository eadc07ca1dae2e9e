"""A WhatsApp Business number's settings (see channels/config.py; the Meta app settings come from
channels/meta/config.py)."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from croupier.channels.config import ChannelConfig, Lines, NumericId, refuse
from croupier.channels.meta.config import AppSecret, GraphAddress, Token, VerifyToken
from croupier.channels.whatsapp.templates import NAME, parse_line
from croupier.kit.i18n import N_


def _templates(lines: list[str]) -> list[str]:
    """`name [language] [body parameters]` per line (templates.parse_line), kept as typed, spaces tidied."""
    lines = [" ".join(line.split()) for line in lines]
    wrong = [n for n in lines if not NAME.fullmatch(n.split()[0])]
    if wrong:
        raise refuse(N_("Template names use lowercase letters, digits and _ only: %(names)s"),
                     names=", ".join(wrong[:3]))
    wrong = [n for n in lines if parse_line(n) is None]
    if wrong:
        raise refuse(N_("Write each template as its name, its language code and its number of body parameters, "
                        "such as withdrawal_update en_US 2: %(lines)s"), lines=", ".join(wrong[:3]))
    return list(dict.fromkeys(lines))


class WhatsAppConfig(ChannelConfig):
    test_recipient: ClassVar[str | None] = N_("WhatsApp number (country code and number, digits only)")

    phone_number_id: NumericId = Field(title=N_("Phone number ID"),
                                       description=N_("In your Meta app under WhatsApp → API setup."))
    access_token: Token = Field(title=N_("Access token"),
                                description=N_("A permanent system-user token with whatsapp_business_messaging."))
    app_secret: AppSecret
    verify_token: VerifyToken
    templates: Annotated[Lines, AfterValidator(_templates)] = Field([], title=N_("Approved templates"), description=N_(
        "One per line, as approved in WhatsApp Manager: the name, the language code (default en) and the number of "
        "body parameters (default 0), such as withdrawal_update en_US 2. Outside WhatsApp's 24-hour window agents "
        "can only send these."))
    api_base: GraphAddress = None
