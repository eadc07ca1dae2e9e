"""The API channel's settings (see channels/config.py): where agents' replies are posted, and the secret
both directions are signed with."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from croupier.channels.config import ChannelConfig, Secret, WebAddress
from croupier.kit.i18n import N_

SigningSecret = Annotated[str, Secret(generated=True), Field(min_length=16, max_length=200)]


class ApiConfig(ChannelConfig):
    test_recipient: ClassVar[str | None] = N_("Player id (your id of the player)")

    callback_url: WebAddress = Field(title=N_("Callback URL"),
                                     description=N_("Agents' replies are POSTed here, signed."))
    signing_secret: SigningSecret = Field(
        title=N_("Signing secret"), description=N_("Signs your requests to Croupier and Croupier's callbacks."))
