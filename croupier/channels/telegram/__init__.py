"""Telegram bot channel (Bot API webhooks)."""
