"""The phone channel's settings (see channels/config.py): the secret the voice provider signs call events
with, and the support numbers the channel answers."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from croupier.channels.api.config import SigningSecret
from croupier.channels.config import ChannelConfig, Lines, refuse
from croupier.channels.voice.adapter import e164
from croupier.errors import BadRequest
from croupier.kit.i18n import N_


def _numbers(numbers: list[str]) -> list[str]:
    found = []
    for number in numbers:
        try:
            found.append(e164(number))
        except BadRequest as exc:
            raise refuse(N_("%(number)s is not a phone number in international format (+ and country code)."),
                         number=number[:40]) from exc
    return list(dict.fromkeys(found))


class PhoneConfig(ChannelConfig):
    signing_secret: SigningSecret = Field(
        title=N_("Provider webhook secret"),
        description=N_("Your voice provider (or your relay) signs call events with it."))
    numbers: Annotated[Lines, AfterValidator(_numbers)] = Field(
        [], title=N_("Phone numbers"),
        description=N_("The support numbers this channel answers, one per line, in international format."))
