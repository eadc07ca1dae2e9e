"""Which adapter serves which channel type, and which settings it has (the console's form)."""

from __future__ import annotations

from croupier.channels.api.adapter import ApiAdapter
from croupier.channels.api.config import ApiConfig
from croupier.channels.base import ChannelAdapter
from croupier.channels.config import ChannelConfig
from croupier.channels.email.adapter import EmailAdapter
from croupier.channels.email.config import EmailConfig
from croupier.channels.meta.adapter import MetaMessagingAdapter
from croupier.channels.meta.config import InstagramConfig, MessengerConfig
from croupier.channels.telegram.adapter import TelegramAdapter
from croupier.channels.telegram.config import TelegramConfig
from croupier.channels.voice.adapter import VoiceAdapter
from croupier.channels.voice.config import PhoneConfig
from croupier.channels.whatsapp.adapter import WhatsAppAdapter
from croupier.channels.whatsapp.config import WhatsAppConfig
from croupier.models import ChannelType

ADAPTERS: dict[ChannelType, ChannelAdapter] = {
    ChannelType.telegram: TelegramAdapter(),
    ChannelType.whatsapp: WhatsAppAdapter(),
    ChannelType.messenger: MetaMessagingAdapter(),
    ChannelType.instagram: MetaMessagingAdapter(),
    ChannelType.api: ApiAdapter(),
    ChannelType.phone: VoiceAdapter(),
    ChannelType.email: EmailAdapter(),
}

CONFIGS: dict[ChannelType, type[ChannelConfig]] = {
    ChannelType.telegram: TelegramConfig,
    ChannelType.whatsapp: WhatsAppConfig,
    ChannelType.messenger: MessengerConfig,
    ChannelType.instagram: InstagramConfig,
    ChannelType.api: ApiConfig,
    ChannelType.phone: PhoneConfig,
    ChannelType.email: EmailConfig,
}
