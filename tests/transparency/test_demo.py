"""The demo seeds a complete transparency centre for both brands: every page in every language of the
brand, licences with register links, helplines, and reports with real figures in each verdict."""

from __future__ import annotations

from sqlalchemy import func, select

from croupier.demo.seed import seed
from croupier.models import PageKind, PageVersion


async def test_both_brands_have_every_page_and_real_figures(client, db, settings):
    await seed(settings)
    async with db.transaction() as s:
        pages = await s.scalar(select(func.count()).select_from(PageVersion))
    assert pages == (5 + 5) * (len(PageKind) + 1)  # every kind per language, plus the terms' first version
    for slug, locales in (("lucky-star", ("en", "ru", "pl", "az", "fi")), ("nordic-spins", ("fi", "en", "ru", "pl", "az"))):
        for locale in locales:
            for kind in PageKind:
                r = await client.get(f"/transparency/{slug}/{locale}/{kind.value}")
                assert r.status_code == 200, (slug, locale, kind, r.text[:300])
                assert "{brand}" not in r.text and "{email}" not in r.text
        terms = await client.get(f"/transparency/{slug}/{locales[0]}/terms")
        assert "/terms/v1" in terms.text and "48" in terms.text
        payouts = await client.get(f"/transparency/{slug}/{locales[0]}/payouts")
        assert payouts.status_code == 200 and payouts.text.count('data-game="') >= 12 * 7
        assert "verdict--too_small" in payouts.text and "verdict--consistent" in payouts.text
        methods = await client.get(f"/transparency/{slug}/{locales[0]}/payment-methods?days=90")
        assert methods.status_code == 200 and methods.text.count('data-method="') >= 15
    licences = await client.get("/transparency/lucky-star/pl/licences")
    assert "Malta Gaming Authority" in licences.text and "https://www.mga.org.mt/licensee-register/" in licences.text
    rg = await client.get("/transparency/lucky-star/pl/responsible-gambling")
    assert "801 889 880" in rg.text and "Polska" in rg.text
