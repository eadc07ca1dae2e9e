"""A WhatsApp Business number's settings (see channels/config.py; the Meta app settings come from
channels/meta/config.py)."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from croupier.channels.config import ChannelConfig, Lines, NumericId, refuse
from croupier.channels.meta.config import AppSecret, GraphAddress, Token, VerifyToken
from croupier.kit.i18n import N_

TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}")


def _template_names(names: list[str]) -> list[str]:
    wrong = [n for n in names if not TEMPLATE_NAME.fullmatch(n)]
    if wrong:
        raise refuse(N_("Template names use lowercase letters, digits and _ only: %(names)s"),
                     names=", ".join(wrong[:3]))
    return list(dict.fromkeys(names))


class WhatsAppConfig(ChannelConfig):
    test_recipient: ClassVar[str | None] = N_("WhatsApp number (country code and number, digits only)")

    phone_number_id: NumericId = Field(title=N_("Phone number ID"),
                                       description=N_("In your Meta app under WhatsApp → API setup."))
    access_token: Token = Field(title=N_("Access token"),
                                description=N_("A permanent system-user token with whatsapp_business_messaging."))
    app_secret: AppSecret
    verify_token: VerifyToken
    templates: Annotated[Lines, AfterValidator(_template_names)] = Field([], title=N_("Approved template names"),
                             description=N_("One per line, as approved in WhatsApp Manager."))
    api_base: GraphAddress = None
