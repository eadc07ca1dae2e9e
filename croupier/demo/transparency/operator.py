"""What the demo operators post: licences, helplines, games with their certified RTP and volatility,
payment methods with limits and fees; and generators of six months of game rounds and ninety days of
transactions, drawn the way real play scatters (so most games land inside their expected range)."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

LICENCES = {
    "lucky-star": [
        {"licence_number": "MGA/B2C/417/2026", "regulator": "Malta Gaming Authority", "jurisdiction": "MT",
         "register_url": "https://www.mga.org.mt/licensee-register/", "valid_until": date(2031, 3, 31)},
        {"licence_number": "OGL/2024/1187/0942", "regulator": "Curaçao Gaming Authority", "jurisdiction": "CW",
         "register_url": "https://www.gamingcontrolcuracao.org/", "valid_until": date(2029, 6, 30)},
    ],
    "nordic-spins": [
        {"licence_number": "EE-HKL-000318", "regulator": "Estonian Tax and Customs Board (Maksu- ja Tolliamet)",
         "jurisdiction": "EE", "register_url": "https://mtr.mkm.ee/", "valid_until": None},
    ],
}

_GAMCARE = {"country": "GB", "name": "GamCare — National Gambling Helpline", "phone": "0808 8020 133",
            "url": "https://www.gamcare.org.uk/", "hours": "24/7"}
_THERAPY = {"country": "GB", "name": "Gambling Therapy (Gordon Moody)", "url": "https://www.gamblingtherapy.org/",
            "hours": "24/7"}
_PELUURI = {"country": "FI", "name": "Peluuri", "phone": "0800 100 101", "url": "https://www.peluuri.fi/"}
_KCPU = {"country": "PL", "name": "Krajowe Centrum Przeciwdziałania Uzależnieniom — telefon zaufania",
         "phone": "801 889 880", "url": "https://www.kcpu.gov.pl/"}
_STODLINJEN = {"country": "SE", "name": "Stödlinjen", "phone": "020-81 91 00", "url": "https://www.stodlinjen.se/"}

HELPLINES = {"lucky-star": [_GAMCARE, _THERAPY, _KCPU, _PELUURI], "nordic-spins": [_PELUURI, _STODLINJEN, _THERAPY]}

# code, name, provider, theoretical RTP %, standard deviation per unit staked, typical rounds a month, mean stake €
_GAMES = [
    ("book-of-stars", "Book of Stars", "Nebula Studios", "96.21", "9.8", 1_800_000, 1.2),
    ("gold-rush-express", "Gold Rush Express", "Nebula Studios", "95.70", "7.4", 950_000, 0.9),
    ("aurora-reels", "Aurora Reels", "Polar Play", "96.50", "5.2", 1_200_000, 0.8),
    ("lightning-roulette", "Lightning Roulette", "Wheelhouse Live", "97.10", "3.1", 420_000, 4.5),
    ("viking-fortunes", "Viking Fortunes", "Polar Play", "96.00", "11.5", 600_000, 1.0),
    ("sweet-cascade", "Sweet Cascade", "Nebula Studios", "96.48", "6.3", 2_400_000, 0.7),
    ("blackjack-vip", "Blackjack VIP", "Wheelhouse Live", "99.28", "1.15", 700, 95.0),
    ("dragon-pearls", "Dragon Pearls", "Jade Gaming", "94.96", "14.2", 350_000, 1.5),
    ("midnight-fruits", "Midnight Fruits", "Jade Gaming", "96.05", "4.0", 800_000, 0.6),
    ("crazy-wheel", "Crazy Wheel", "Wheelhouse Live", "96.08", "4.4", 18_000, 3.0),
    ("frozen-gems", "Frozen Gems", "Polar Play", "96.30", "8.1", 500_000, 1.0),
    ("lucky-sevens", "Lucky Sevens", "Jade Gaming", "95.50", "5.9", 650_000, 0.5),
]
GAMES = [{"code": c, "name": n, "provider": p, "theoretical_rtp": Decimal(rtp), "std_dev": Decimal(sd)}
         for c, n, p, rtp, sd, _r, _s in _GAMES]

_FREE = {"en": "Free", "fi": "Maksuton", "ru": "Бесплатно", "pl": "Bez opłat", "az": "Pulsuz"}
_PROVIDER = {"en": "Free from us; your provider may charge a fee", "fi": "Meiltä maksuton; palveluntarjoajasi "
             "voi periä maksun", "ru": "С нашей стороны бесплатно; ваш провайдер может взять комиссию",
             "pl": "Bez opłat z naszej strony; Twój dostawca może pobrać prowizję",
             "az": "Bizim tərəfimizdən pulsuzdur; provayderiniz komissiya tuta bilər"}
_NETWORK = {"en": "Free; the blockchain network fee is paid by the sender", "fi": "Maksuton; lohkoketjun "
            "verkkomaksun maksaa lähettäjä", "ru": "Бесплатно; комиссию сети блокчейн платит отправитель",
            "pl": "Bez opłat; opłatę sieciową blockchain ponosi nadawca",
            "az": "Pulsuzdur; blokçeyn şəbəkəsinin haqqını göndərən ödəyir"}

# code, name, kind, deposit (min, max), withdrawal (min, max) or None, fees,
# deposit / withdrawal per day, success rates, median seconds (deposit, withdrawal), spread
_METHODS = [
    ("visa", "Visa", "card", (10, 5000), (20, 5000), _FREE, 14, 3, (0.92, 0.985), (6, 20 * 3600), 0.6),
    ("mastercard", "Mastercard", "card", (10, 5000), (20, 5000), _FREE, 10, 2, (0.91, 0.98), (7, 22 * 3600), 0.6),
    ("trustly", "Trustly", "instant_banking", (10, 10000), (10, 10000), _FREE, 9, 4, (0.975, 0.995),
     (25, 12 * 60), 0.8),
    ("skrill", "Skrill", "e_wallet", (10, 10000), (10, 10000), _PROVIDER, 5, 2, (0.97, 0.99), (5, 2 * 3600), 0.7),
    ("neteller", "Neteller", "e_wallet", (10, 10000), (10, 10000), _PROVIDER, 3, 1, (0.97, 0.99),
     (5, 3 * 3600), 0.7),
    ("paysafecard", "Paysafecard", "voucher", (10, 1000), None, _FREE, 4, 0, (0.96, 0), (3, 0), 0.4),
    ("bank-transfer", "Bank transfer", "bank_transfer", (20, 50000), (50, 50000), _PROVIDER, 1, 2,
     (0.99, 0.97), (20 * 3600, 40 * 3600), 0.5),
    ("bitcoin", "Bitcoin", "crypto", (20, 20000), (50, 20000), _NETWORK, 2, 1, (0.985, 0.98), (35 * 60, 70 * 60),
     0.5),
]


def methods(locales: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for code, name, kind, deposit, withdrawal, fees, *_rest in _METHODS:
        out.append({"code": code, "name": name, "kind": kind, "currency": "EUR", "deposit_min": Decimal(deposit[0]),
                    "deposit_max": Decimal(deposit[1]),
                    "withdrawal_min": Decimal(withdrawal[0]) if withdrawal else None,
                    "withdrawal_max": Decimal(withdrawal[1]) if withdrawal else None,
                    "fees": {loc: text for loc, text in fees.items() if loc in locales}})
    return out


def _month_before(today: date, back: int) -> date:
    first = today.replace(day=1)
    for _ in range(back):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def game_months(rng: random.Random, today: date, months: int = 6, scale: float = 1.0) -> list[dict[str, Any]]:
    """Per game and month: rounds around the game's usual traffic, and a payout whose RTP scatters around the
    theoretical one as real play does (normal, with the game's standard deviation over √rounds)."""
    out = []
    for back in range(1, months + 1):
        month = _month_before(today, back).strftime("%Y-%m")
        for code, _name, _provider, rtp, sd, rounds, stake in _GAMES:
            n = max(1, int(rounds * scale * rng.uniform(0.75, 1.25)))
            total_stake = Decimal(str(round(n * stake * rng.uniform(0.9, 1.1), 2)))
            measured = float(rtp) + rng.gauss(0, float(sd) / math.sqrt(n) * 100)
            out.append({"game": code, "month": month, "rounds": n, "total_stake": total_stake,
                        "total_payout": Decimal(str(round(float(total_stake) * measured / 100, 2)))})
    return out


def transactions(rng: random.Random, now: datetime, prefix: str, days: int = 90,
                 scale: float = 1.0) -> list[dict[str, Any]]:
    """Deposits and withdrawals of every method over the last `days` days, with lognormal processing times;
    the most recent withdrawals may still be pending."""
    out = []
    for code, _name, _kind, _dep, withdrawal, _fees, per_day_in, per_day_out, success, median, spread in _METHODS:
        for direction, per_day, rate, typical in (("deposit", per_day_in, success[0], median[0]),
                                                  ("withdrawal", per_day_out if withdrawal else 0, success[1],
                                                   median[1])):
            for _ in range(int(per_day * days * scale)):
                requested = now - timedelta(seconds=rng.uniform(60, days * 86400))
                took = timedelta(seconds=max(1.0, rng.lognormvariate(math.log(typical), spread)))
                status = "succeeded" if rng.random() < rate else "failed"
                if requested + took > now:
                    status, completed = "pending", None
                else:
                    completed = requested + (took if status == "succeeded" else took / 3)
                out.append({"external_id": f"{prefix}-{len(out) + 1:06d}", "method": code, "direction": direction,
                            "amount": Decimal(rng.choice([10, 20, 25, 50, 100, 150, 200, 500, 1000])),
                            "currency": "EUR", "requested_at": requested, "completed_at": completed,
                            "status": status})
    return out
