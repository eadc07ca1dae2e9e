"""Which adapter serves which channel type."""

from __future__ import annotations

from croupier.channels.api.adapter import ApiAdapter
from croupier.channels.base import ChannelAdapter
from croupier.channels.meta.adapter import MetaMessagingAdapter
from croupier.channels.telegram.adapter import TelegramAdapter
from croupier.channels.voice.adapter import VoiceAdapter
from croupier.channels.whatsapp.adapter import WhatsAppAdapter
from croupier.models import ChannelType

ADAPTERS: dict[ChannelType, ChannelAdapter] = {
    ChannelType.telegram: TelegramAdapter(),
    ChannelType.whatsapp: WhatsAppAdapter(),
    ChannelType.messenger: MetaMessagingAdapter(),
    ChannelType.instagram: MetaMessagingAdapter(),
    ChannelType.api: ApiAdapter(),
    ChannelType.phone: VoiceAdapter(),
}
