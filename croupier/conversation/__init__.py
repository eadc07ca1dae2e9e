"""Conversations and messages: the inbox's domain."""
