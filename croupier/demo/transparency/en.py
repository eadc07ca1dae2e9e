"""English transparency pages. {brand}, {email} and {withdrawal_hours} are filled in per brand."""

TERMS_CHANGE = "Withdrawals are now processed within 48 hours instead of 72."

PAGES = {
    "licences": ("Licences and regulators", """
{brand} holds the licences listed above. Each licence number links to the regulator's public register,
where you can check for yourself that it is valid and who holds it.

If you have a complaint we have not resolved within eight weeks, you may refer it free of charge to the
regulator's approved alternative dispute resolution (ADR) service.
"""),
    "privacy": ("Privacy policy", """
## What we collect

Your name, date of birth, address, e-mail and phone number; identity documents for verification; your
deposits, withdrawals and bets; and the device and connection data our security systems need.

## Why

To run your account, to meet our legal duties (age and identity checks, anti-money-laundering rules,
responsible gambling) and to keep your account safe. We never sell your data.

## Your rights

You can ask for a copy of your data, have it corrected or, where the law allows, erased. Write to
{email}. We answer within one month.
"""),
    "terms": ("Terms and conditions", """
## Your account

You must be 18 or older and may hold only one account. Keep your details up to date: we verify your
identity before your first withdrawal.

## Deposits and withdrawals

Withdrawals go back to the method you deposited with wherever possible. We process every withdrawal
within {withdrawal_hours} hours of your request; your bank or wallet may take longer to credit it.

## Closing your account

You can close your account at any time in the settings or by writing to {email}. Any balance is paid
out to you.
"""),
    "bonus-terms": ("Bonus terms", """
- A bonus must be wagered **30 times** within **30 days** before it can be withdrawn.
- The maximum bet while a bonus is active is **€5** per spin or hand.
- Slots count 100% towards wagering, table games 10% and live games 0%.
- You can cancel a bonus at any time; your own deposited money is never locked.
- Bonuses are never offered to players who have set a limit or self-excluded.
"""),
    "game-rules": ("Game rules", """
Every game has its own rules and paytable, available from the "i" button inside the game before you
play. Results are produced by a certified random number generator, tested by an independent laboratory.

If a game malfunctions, all pays and plays are void and your stake is returned. If you believe a round
was settled wrongly, contact us with the game name and the time: we check it against the provider's log.
"""),
    "player-guides": ("Player guides", """
## Getting started

1. Register and confirm your e-mail address.
2. Set your deposit limits before your first deposit: you can lower them at any time.
3. Verify your identity early, so that your first withdrawal is not delayed.

## Understanding RTP

The return to player (RTP) is what a game pays back over millions of rounds. A 96% RTP does **not**
mean you get €96 back from €100: in a single session anything can happen.
"""),
    "security": ("Security practices", """
- Every connection to {brand} is encrypted with **TLS 1.2 or newer**.
- Protect your account with **two-step verification** (2FA) in your settings.
- Passwords are stored only as salted hashes; nobody at {brand} can read them.
- Our systems are audited every year by an independent security firm.

**We will never ask for your password, your full card number or a one-time code** — not by e-mail,
chat, phone or social media. If anyone does, it is not us: report it to {email}.
"""),
    "responsible-gambling": ("Responsible gambling", """
Gambling should be entertainment, never a way to make money. These tools are in your account settings:

- **Deposit, loss and session limits** — a lower limit applies at once, a higher one after 24 hours.
- **Reality checks** that remind you how long you have been playing.
- **Time-out** from 24 hours to 6 weeks, and **self-exclusion** for 6 months or longer.

If gambling is no longer fun, talk to someone. The helplines above are free and confidential.
"""),
}
