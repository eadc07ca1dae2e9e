"""Croupier: self-hosted player support for online casino operators."""

__version__ = "0.1.0"
