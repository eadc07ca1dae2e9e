"""The phone channel: a voice provider's call events as player messages."""
