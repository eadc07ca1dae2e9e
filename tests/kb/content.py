"""A small knowledge base for the tests, written through the service as an editor would."""

from __future__ import annotations

from croupier.db import Database
from croupier.kb.schemas import ArticleIn, CategoryIn
from croupier.kb.service import kb_service
from croupier.models import Brand

WITHDRAWALS_EN = """Most withdrawals are paid within 24 hours.

## Bank transfers

A bank transfer takes one to three working days after we approve the withdrawal.

## E-wallets

Withdrawals to an e-wallet arrive within an hour of approval.
"""

WITHDRAWALS_PL = """Większość wypłat realizujemy w ciągu 24 godzin.

## Przelew bankowy

Przelew bankowy trwa od jednego do trzech dni roboczych po zatwierdzeniu wypłaty.

## Portfele elektroniczne

Wypłaty na portfel elektroniczny docierają w ciągu godziny od zatwierdzenia.
"""

VERIFICATION_EN = """To verify your account, upload a photo of your passport or ID card and a utility bill
from the last three months.

## Why we ask

Licensed casinos must confirm who their players are before paying out winnings.
"""

LIMITS_EN = """You can set daily, weekly and monthly deposit limits in your account settings.
A lower limit applies at once; a higher one after a 24-hour cooling-off period.
"""


async def seed_kb(db: Database, brand: Brand, *, publish: bool = True) -> dict[str, int]:
    """Three articles in a 'payments' and an 'account' category; withdrawals also in Polish. Returns ids."""
    ids: dict[str, int] = {}
    async with db.transaction() as s:
        payments = await kb_service.create_category(s, None, CategoryIn(
            brand_id=brand.id, slug="payments", names={"en": "Payments", "pl": "Płatności"}, position=1))
        account = await kb_service.create_category(s, None, CategoryIn(
            brand_id=brand.id, slug="account", names={"en": "Your account"}, position=2))
        ids.update(payments=payments.id, account=account.id)
        for slug, category, intents, title, body in (
                ("withdrawal-times", payments.id, ["withdrawal_status"], "How long do withdrawals take?",
                 WITHDRAWALS_EN),
                ("verify-account", account.id, ["account_verification"], "Verifying your account",
                 VERIFICATION_EN),
                ("deposit-limits", payments.id, ["responsible_gambling"], "Setting deposit limits", LIMITS_EN)):
            article = await kb_service.create_article(s, None, ArticleIn(
                brand_id=brand.id, slug=slug, locale="en", title=title, body=body, category_id=category,
                intents=intents))
            ids[slug] = article.id
            if publish:
                await kb_service.publish(s, None, article.id, "en")
        await kb_service.save_translation(s, None, ids["withdrawal-times"], "pl", "Ile trwa wypłata?",
                                          WITHDRAWALS_PL)
        if publish:
            await kb_service.publish(s, None, ids["withdrawal-times"], "pl")
    return ids
