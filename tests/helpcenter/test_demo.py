"""The demo's help centres: every language of each demo brand shows articles, and seeding again adds
no versions (the demo knowledge base is imported from croupier/demo/kb/ in the documented format)."""

from __future__ import annotations

from sqlalchemy import func, select

from croupier.demo.cast import BRANDS
from croupier.demo.seed import seed
from croupier.models import ArticleVersion


async def test_every_demo_help_centre_shows_articles_in_every_language(settings, client, db):
    await seed(settings)
    async with db.transaction() as s:
        versions = await s.scalar(select(func.count()).select_from(ArticleVersion))
    await seed(settings)
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(ArticleVersion)) == versions > 0
    for brand in BRANDS:
        for locale in brand.locales:
            page = await client.get(f"/help/{brand.slug}/{locale}/")
            assert page.status_code == 200 and page.text.count('<ul class="article-list">') >= 2, (brand, locale)
            contact = await client.get(f"/help/{brand.slug}/{locale}/contact")
            assert "mailto:" in contact.text and "/api/widget/v1/callbacks" in contact.text
    found = await client.get("/help/lucky-star/az/search", params={"q": "pul çıxarışı gözləmədədir"})
    assert 'href="/help/lucky-star/az/a/withdrawal-times"' in found.text
