"""Translatable names of what the transparency centre shows: page kinds, payment-method kinds, directions
and the payout verdicts with their plain-language notes."""

from croupier.kit.i18n import N_
from croupier.models import Direction, MethodKind, PageKind

page = {
    PageKind.licences: N_("Licences and regulators"),
    PageKind.privacy: N_("Privacy policy"),
    PageKind.terms: N_("Terms and conditions"),
    PageKind.bonus_terms: N_("Bonus terms"),
    PageKind.game_rules: N_("Game rules"),
    PageKind.player_guides: N_("Player guides"),
    PageKind.security: N_("Security practices"),
    PageKind.responsible_gambling: N_("Responsible gambling"),
}

method_kind = {
    MethodKind.card: N_("Card"),
    MethodKind.bank_transfer: N_("Bank transfer"),
    MethodKind.e_wallet: N_("E-wallet"),
    MethodKind.instant_banking: N_("Instant banking"),
    MethodKind.mobile: N_("Mobile payment"),
    MethodKind.voucher: N_("Prepaid voucher"),
    MethodKind.crypto: N_("Cryptocurrency"),
}

direction = {
    Direction.deposit: N_("Deposits"),
    Direction.withdrawal: N_("Withdrawals"),
}

verdict = {
    "consistent": N_("As expected"),
    "outside": N_("Outside the expected range"),
    "too_small": N_("Too few rounds to judge"),
    "no_play": N_("Not played"),
}

verdict_note = {
    "consistent": N_("The measured figure is within the range a fair game with this RTP lands in 95 times "
                     "out of 100."),
    "outside": N_("The measured figure is outside the range a fair game with this RTP lands in 95 times out of "
                  "100. This happens by chance about once in 20 comparisons; if it persists, ask us about it."),
    "too_small": N_("Too few rounds were played to judge: by chance alone, a fair game with this RTP could "
                    "have returned anywhere between %(low)s and %(high)s."),
    "no_play": N_("Nobody played this game in this period."),
}
