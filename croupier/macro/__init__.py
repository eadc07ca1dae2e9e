"""Macros: canned replies with variables, rendered in the conversation's language."""
