"""The demo's macros and playbooks: seeded once however often the seed runs, in every language a brand
uses, and demo conversations carry intents that bring their playbook."""

from __future__ import annotations

from sqlalchemy import func, select

from croupier.demo.procedures import MACROS, PLAYBOOKS
from croupier.demo.seed import seed
from croupier.macro import template
from croupier.models import Brand, Conversation, Macro, Playbook, PlaybookVersion, Status


async def test_macros_and_playbooks_in_every_language_once(settings, db):
    await seed(settings)
    await seed(settings)
    async with db.transaction() as s:
        macros = list(await s.scalars(select(Macro)))
        brands = {b.slug: b for b in await s.scalars(select(Brand))}
        versions = {(p.brand_id, p.intent): v for p, v in (await s.execute(
            select(Playbook, PlaybookVersion).join(PlaybookVersion, PlaybookVersion.playbook_id == Playbook.id)))}
        intents = dict((await s.execute(select(Conversation.intent, func.count()).where(
            Conversation.intent.is_not(None), Conversation.status != Status.resolved)
            .group_by(Conversation.intent))).tuples().all())
    assert sorted(m.shortcut for m in macros) == sorted(MACROS) and all(m.brand_id is None for m in macros)
    assert all(sorted(m.texts) == ["az", "en", "fi", "pl", "ru"] for m in macros)
    for m in macros:  # every text is valid template syntax
        for code, text in m.texts.items():
            template.parse(text["body"], code)
    assert len(versions) == 2 * len(PLAYBOOKS)
    nordic = versions[(brands["nordic-spins"].id, "withdrawal_status")]
    assert sorted(nordic.titles) == ["az", "en", "fi", "pl", "ru"] and nordic.steps[0]["mandatory"] is True
    assert sorted(versions[(brands["lucky-star"].id, "account_security")].titles) == ["az", "en", "fi", "pl", "ru"]
    assert intents["withdrawal_status"] >= 3 and set(intents) <= set(PLAYBOOKS)
