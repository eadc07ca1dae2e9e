"""Messenger and Instagram settings (see channels/config.py), and the Meta app settings WhatsApp shares:
the app secret that signs every webhook, the verify token of the address check, the Graph API address."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from croupier.channels.config import ChannelConfig, NumericId, Secret, WebAddress
from croupier.kit.i18n import N_

Token = Annotated[str, Secret(), Field(max_length=1000)]
AppSecret = Annotated[str, Secret(), Field(
    max_length=200, title=N_("App secret"),
    description=N_("Your Meta app's App settings → Basic; every webhook is checked against it."))]
VerifyToken = Annotated[str, Secret(generated=True), Field(
    max_length=200, title=N_("Verify token"),
    description=N_("Type the same token in Meta's webhook form when you enter the callback URL."))]
GraphAddress = Annotated[WebAddress | None, Field(
    title=N_("Graph API address"), description=N_("Leave empty for https://graph.facebook.com."))]


class MessengerConfig(ChannelConfig):
    test_recipient: ClassVar[str | None] = N_("Page-scoped id of someone who messaged the Page")

    page_id: NumericId = Field(title=N_("Page ID"), description=N_("The Facebook Page players write to."))
    page_access_token: Token = Field(
        title=N_("Page access token"), description=N_("With pages_messaging (and instagram_manage_messages "
                                                      "for Instagram); replies are sent with it."))
    app_secret: AppSecret
    verify_token: VerifyToken
    api_base: GraphAddress = None


class InstagramConfig(MessengerConfig):
    test_recipient: ClassVar[str | None] = N_("Instagram-scoped id of someone who messaged the account")
