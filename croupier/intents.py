"""The intent taxonomy of SPEC.md (stable ids) with names staff read in the console.

The knowledge base tags articles with the intents they answer; the assistant classifies player
messages into the same ids."""

from croupier.kit.i18n import N_

INTENTS: dict[str, str] = {
    "deposit_issue": N_("Deposit issue"),
    "withdrawal_status": N_("Withdrawal status"),
    "payment_methods": N_("Payment methods"),
    "bonus_terms": N_("Bonus terms"),
    "account_verification": N_("Account verification"),
    "account_access": N_("Account access"),
    "account_security": N_("Account security"),
    "game_rules": N_("Game rules"),
    "game_issue": N_("Game issue"),
    "responsible_gambling": N_("Responsible gambling"),
    "complaint": N_("Complaint"),
    "licensing_fairness": N_("Licensing and fairness"),
    "privacy_data": N_("Privacy and data"),
    "talk_to_human": N_("Talk to a human"),
    "greeting": N_("Greeting"),
    "other": N_("Other"),
}
