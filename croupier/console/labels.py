"""Translatable names of the values the console shows (statuses, priorities, channels, authors, roles)."""

from croupier.kit.i18n import N_
from croupier.models import (
    AuthorType,
    CallDirection,
    CallOutcome,
    ChannelType,
    DeliveryState,
    Priority,
    Role,
    Status,
)

status = {
    Status.open: N_("Open"),
    Status.pending: N_("Pending"),
    Status.snoozed: N_("Snoozed"),
    Status.resolved: N_("Resolved"),
    Status.closed: N_("Closed"),
}

priority = {
    Priority.low: N_("Low"),
    Priority.normal: N_("Normal"),
    Priority.high: N_("High"),
    Priority.urgent: N_("Urgent"),
}

channel = {
    ChannelType.webchat: N_("Web chat"),
    ChannelType.email: N_("E-mail"),
    ChannelType.telegram: N_("Telegram"),
    ChannelType.whatsapp: N_("WhatsApp"),
    ChannelType.messenger: N_("Messenger"),
    ChannelType.instagram: N_("Instagram"),
    ChannelType.phone: N_("Phone"),
    ChannelType.api: N_("API"),
}

author = {
    AuthorType.player: N_("Player"),
    AuthorType.agent: N_("Agent"),
    AuthorType.assistant: N_("Assistant"),
    AuthorType.system: N_("System"),
}

delivery = {
    DeliveryState.pending: N_("Sending…"),
    DeliveryState.sent: N_("Sent"),
    DeliveryState.delivered: N_("Delivered"),
    DeliveryState.read: N_("Read"),
    DeliveryState.failed: N_("Not delivered"),
}

call_direction = {
    CallDirection.inbound: N_("Inbound call"),
    CallDirection.outbound: N_("Outbound call"),
}

call_outcome = {
    CallOutcome.answered: N_("Answered"),
    CallOutcome.missed: N_("Missed"),
    CallOutcome.voicemail: N_("Voicemail"),
    CallOutcome.no_answer: N_("No answer"),
    CallOutcome.busy: N_("Busy"),
    CallOutcome.failed: N_("Failed"),
}

role = {
    Role.admin: N_("Administrator"),
    Role.supervisor: N_("Supervisor"),
    Role.agent: N_("Agent"),
}

statuses = list(Status)
priorities = list(Priority)
channel_types = list(ChannelType)
