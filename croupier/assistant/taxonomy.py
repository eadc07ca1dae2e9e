"""The SPEC's intent taxonomy (stable ids) and the intents a human must take over at once."""

from __future__ import annotations

INTENTS: tuple[str, ...] = (
    "deposit_issue",
    "withdrawal_status",
    "payment_methods",
    "bonus_terms",
    "account_verification",
    "account_access",
    "account_security",
    "game_rules",
    "game_issue",
    "responsible_gambling",
    "complaint",
    "licensing_fairness",
    "privacy_data",
    "talk_to_human",
    "greeting",
    "other",
)

# Asked for a human, or a responsible-gambling or fraud signal: handed off whatever the confidence.
ESCALATED: frozenset[str] = frozenset({"talk_to_human", "responsible_gambling", "account_security"})
