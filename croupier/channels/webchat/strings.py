"""Every text the widget shows, translated through the catalogs and served to it as JSON."""

from croupier.kit.i18n import N_

WIDGET_STRINGS = [
    N_("Chat with us"),
    N_("New messages: %(count)s"),
    N_("Support"),
    N_("We usually reply in a few minutes, day and night."),
    N_("Type your message…"),
    N_("Send"),
    N_("Attach a file"),
    N_("Close chat"),
    N_("Language"),
    N_("You"),
    N_("Support team"),
    N_("Assistant"),
    N_("Support is typing…"),
    N_("Sending…"),
    N_("Not sent. Tap to retry."),
    N_("Connection lost. Reconnecting…"),
    N_("The file is too large."),
    N_("This type of file is not accepted."),
    N_("%(size)s KB"),
    N_("Hello! How can we help you today?"),
    N_("Never share your password, full card number or one-time codes in the chat."),
]
