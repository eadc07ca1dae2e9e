"""Which adapter serves which channel type."""

from __future__ import annotations

from croupier.channels.base import ChannelAdapter
from croupier.channels.telegram.adapter import TelegramAdapter
from croupier.models import ChannelType

ADAPTERS: dict[ChannelType, ChannelAdapter] = {
    ChannelType.telegram: TelegramAdapter(),
}
