"""A Telegram bot's settings (see channels/config.py): the token from BotFather, the secret token Telegram
echoes on every webhook call, and optionally a local Bot API server."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from croupier.channels.config import ChannelConfig, Secret, WebAddress, refuse
from croupier.kit.i18n import N_

BOT_TOKEN = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{8,200}")
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _bot_token(value: str) -> str:
    if not BOT_TOKEN.fullmatch(value):
        raise refuse(N_("Enter the bot token that BotFather gave you."))
    return value


def _secret_token(value: str) -> str:
    if not SECRET_TOKEN.fullmatch(value):
        raise refuse(N_("Use only letters, digits, _ and - (at most 256)."))
    return value


class TelegramConfig(ChannelConfig):
    test_recipient: ClassVar[str | None] = N_("Chat id")

    bot_token: Annotated[str, Secret(), AfterValidator(_bot_token)] = Field(
        title=N_("Bot token"), description=N_("From @BotFather, for example 7300112233:AAH…"))
    secret_token: Annotated[str, Secret(generated=True), AfterValidator(_secret_token)] = Field(
        title=N_("Webhook secret token"),
        description=N_("Pass it to setWebhook as secret_token; Telegram sends it with every update."))
    api_base: WebAddress | None = Field(
        None, title=N_("Bot API server"),
        description=N_("Only for your own Bot API server; leave empty for https://api.telegram.org."))
