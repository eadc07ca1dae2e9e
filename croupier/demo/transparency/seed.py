"""Seeding one demo brand's transparency centre through the transparency service: every page kind in each
of the brand's languages (the terms with an earlier version, so the change log has history), licences,
helplines, games with six months of rounds, payment methods with ninety days of transactions."""

from __future__ import annotations

import random
from datetime import timedelta

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.demo.knowledge_base import KB_DIR
from croupier.demo.transparency import az, en, fi, operator, pl, ru
from croupier.kit.clock import utcnow
from croupier.models import Brand, PageKind
from croupier.transparency.service import transparency_service

TEXTS = {"en": en, "fi": fi, "ru": ru, "pl": pl, "az": az}
BATCH = 1000


async def seed_transparency(session: AsyncSession, brand: Brand, *, scale: float = 1.0) -> None:
    today = utcnow().date()
    contacts = yaml.safe_load((KB_DIR / brand.slug / "helpcentre.yaml").read_text(encoding="utf-8"))
    fill = {"brand": brand.name, "email": contacts["email"]}  # the address the help centre gives
    for locale in brand.locales:
        texts = TEXTS[locale]
        for kind in PageKind:
            title, body = texts.PAGES[kind.value]
            if kind == PageKind.terms:
                await transparency_service.publish(
                    session, None, brand.id, kind, locale, title=title,
                    body=body.format(**fill, withdrawal_hours=72), effective_from=today - timedelta(days=240),
                    change_summary="")
            await transparency_service.publish(
                session, None, brand.id, kind, locale, title=title, body=body.format(**fill, withdrawal_hours=48),
                effective_from=today - timedelta(days=35 if kind == PageKind.terms else 240),
                change_summary=texts.TERMS_CHANGE if kind == PageKind.terms else "")
    rng = random.Random(brand.slug)
    await transparency_service.post_licences(session, None, brand.id, operator.LICENCES.get(brand.slug, []))
    await transparency_service.post_helplines(session, None, brand.id, operator.HELPLINES.get(brand.slug, []))
    await transparency_service.post_games(session, None, brand.id, operator.GAMES)
    await transparency_service.post_game_months(session, None, brand.id,
                                                operator.game_months(rng, today, scale=scale))
    await transparency_service.post_methods(session, None, brand.id, operator.methods(tuple(brand.locales)))
    made = operator.transactions(rng, utcnow(), brand.slug.upper(), scale=scale)
    for start in range(0, len(made), BATCH):
        await transparency_service.post_transactions(session, None, brand.id, made[start:start + BATCH])
