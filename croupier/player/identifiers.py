"""How each channel knows a player, as the operator may state it: read and normalised to the form the
channel's adapter stores, so a linked identity is the one the player's next message arrives from."""

from __future__ import annotations

import re

from croupier.errors import BadRequest
from croupier.kit import phone
from croupier.kit.i18n import N_
from croupier.models import ChannelType

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]+$")
FORMATS = {
    ChannelType.telegram: N_("%(value)s is not a Telegram identity: give the user's numeric id, e.g. 123456789."),
    ChannelType.email: N_("%(value)s is not an e-mail address such as player@example.com."),
    ChannelType.whatsapp: N_("%(value)s is not a WhatsApp number: give it in international format, "
                             "e.g. +48 601 234 567."),
    ChannelType.phone: N_("%(value)s is not a phone number in international format, e.g. +48 601 234 567."),
    ChannelType.messenger: N_("%(value)s is not a Messenger identity: give the numeric id Meta gives the "
                              "player on your page."),
    ChannelType.instagram: N_("%(value)s is not an Instagram identity: give the numeric id Meta gives the "
                              "player on your account."),
    ChannelType.api: N_("%(value)s is not an API channel identity: give your backend's sender id, "
                        "up to 128 characters."),
}


def _international(value: str) -> str | None:
    return phone.to_e164(value if value.startswith("+") else f"+{value}")


def normalize(channel_type: ChannelType, value: str) -> str:
    """The identity's external id as the channel's adapter stores it; BadRequest naming the expected form."""
    text = value.strip()
    found: str | None = None
    if channel_type == ChannelType.webchat:
        raise BadRequest(N_("Web chat identities are linked by the widget itself: give the widget the signed "
                            "player id (data-player-id and data-player-signature)."), code="webchat_not_linkable")
    if channel_type in (ChannelType.telegram, ChannelType.messenger, ChannelType.instagram):
        found = str(int(text)) if text.isdigit() and len(text) <= 20 else None
    elif channel_type == ChannelType.email:
        found = text.lower() if EMAIL.match(text) and len(text) <= 254 else None
    elif channel_type == ChannelType.phone:
        found = _international(text)
    elif channel_type == ChannelType.whatsapp:
        found = (_international(text) or "").removeprefix("+") or None  # WhatsApp's wa_id: digits, no +
    elif channel_type == ChannelType.api:
        found = text if 0 < len(text) <= 128 else None
    if found is None:
        raise BadRequest(FORMATS[channel_type], code="invalid_identity", value=text[:60])
    return found
