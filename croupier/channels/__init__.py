"""Channels through which players reach support. Web chat is our own; others arrive by webhook."""
