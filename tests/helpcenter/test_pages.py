"""The public help centre: pages per brand and locale, fallbacks, search, votes, contact, sitemap, bad input."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from jinja2 import Environment
from sqlalchemy import func, select

from croupier.kb.importexport import import_files
from croupier.kb.schemas import ArticleIn, ArticleUpdate
from croupier.kb.service import kb_service
from croupier.models import ArticleTranslation, ArticleVote, Message
from tests.factories import make_brand
from tests.kb.content import seed_kb


async def _lucky(db):
    brand, channel = await make_brand(db, slug="lucky")
    ids = await seed_kb(db, brand)
    return brand, channel, ids


class TestPages:
    async def test_home_lists_topics_in_the_readers_language_with_the_widget(self, client, db):
        _brand, channel, _ids = await _lucky(db)
        page = await client.get("/help/lucky/pl/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = page.text
        assert '<html lang="pl">' in html and "Płatności" in html and "Ile trwa wypłata?" in html
        assert "Your account" in html  # no Polish name: the default locale's
        assert f'data-key="{channel.key}" data-locale="pl"' in html
        assert len(re.findall(r'<link rel="alternate" hreflang="(en|ru|pl|az|fi)"', html)) == 5
        assert 'hreflang="x-default" href="http://127.0.0.1:8000/help/lucky/en/"' in html
        assert "content-security-policy" in page.headers

    async def test_the_bare_address_picks_the_readers_language(self, client, db):
        await _lucky(db)
        polish = await client.get("/help/lucky", headers={"Accept-Language": "pl-PL,pl;q=0.9"})
        other = await client.get("/help/lucky/", headers={"Accept-Language": "ja"})
        assert (polish.status_code, polish.headers["location"]) == (302, "/help/lucky/pl/")
        assert other.headers["location"] == "/help/lucky/en/"

    async def test_an_article_in_its_translation(self, client, db):
        await _lucky(db)
        html = (await client.get("/help/lucky/pl/a/withdrawal-times")).text
        assert "<h1>Ile trwa wypłata?</h1>" in html and "<h2>Przelew bankowy</h2>" in html
        assert "is not available" not in html and "nie jest jeszcze dostępny" not in html
        assert set(re.findall(r'hreflang="([a-z-]+)" href', html)) == {"en", "pl", "x-default"}
        assert 'href="/help/lucky/pl/c/payments">Płatności<' in html  # breadcrumbs

    async def test_a_missing_translation_falls_back_and_says_so(self, client, db):
        await _lucky(db)
        html = (await client.get("/help/lucky/fi/a/verify-account")).text
        assert '<article class="article" lang="en">' in html and "Verifying your account" in html
        assert 'class="notice"' in html
        assert '<link rel="canonical" href="http://127.0.0.1:8000/help/lucky/en/a/verify-account">' in html

    async def test_an_article_page_follows_publishing_its_translations_and_neighbours(self, client, db):
        brand, _channel, ids = await _lucky(db)
        html = (await client.get("/help/lucky/pl/a/deposit-limits")).text
        related = re.findall(r'<section class="related".*?</section>', html, re.S)[0]
        assert 'lang="en">How long' not in related and "Ile trwa wypłata?" in related  # in Polish where it can
        assert set(re.findall(r'hreflang="([a-z-]+)" href', html)) == {"en", "x-default"}
        async with db.transaction() as s:
            await kb_service.save_translation(s, None, ids["deposit-limits"], "pl", "Limity wpłat",
                                              "Ustaw **limit** wpłat.")
            await kb_service.publish(s, None, ids["deposit-limits"], "pl")
            await kb_service.update_article(s, None, ids["withdrawal-times"], ArticleUpdate(slug="payouts"))
        html = (await client.get("/help/lucky/pl/a/deposit-limits")).text
        assert "<h1>Limity wpłat</h1>" in html and "<strong>limit</strong>" in html and 'class="notice"' not in html
        assert set(re.findall(r'hreflang="([a-z-]+)" href', html)) == {"en", "pl", "x-default"}
        assert 'href="/help/lucky/pl/a/payouts">Ile trwa wypłata?<' in html  # the neighbour's new address
        assert (await client.get("/help/lucky/pl/a/withdrawal-times")).status_code == 404

    async def test_category_page_lists_its_articles(self, client, db):
        await _lucky(db)
        html = (await client.get("/help/lucky/en/c/payments")).text
        assert "<h1>Payments</h1>" in html and "How long do withdrawals take?" in html
        assert "Verifying your account" not in html


class TestBadInput:
    async def test_unknown_locale_brand_category_and_article_are_404_pages_with_a_way_back(self, client, db):
        await _lucky(db)
        locale = await client.get("/help/lucky/xx/", headers={"Accept-Language": "pl"})
        assert locale.status_code == 404 and locale.headers["content-type"].startswith("text/html")
        assert "xx" in locale.text and 'href="/help/lucky/pl/"' in locale.text and '<html lang="pl">' in locale.text
        for url in ("/help/nowhere/en/", "/help/lucky/en/c/nothing", "/help/lucky/en/a/nothing",
                    "/help/lucky/en/a/" + "x" * 5000, "/help/static/../../config.py"):
            response = await client.get(url)
            assert response.status_code == 404, url
            assert "<h1>" in response.text or response.json()["error"]["message"]

    async def test_script_and_html_in_titles_and_bodies_are_neutralised(self, client, db):
        brand, _channel, _ids = await _lucky(db)
        async with db.transaction() as s:
            article = await kb_service.create_article(s, None, ArticleIn(
                brand_id=brand.id, slug="evil", locale="en", title='<script>alert("t")</script> Bonus',
                body='<script>alert("b")</script>\n\n<img src=x onerror=alert(1)>\n\n'
                     '[click](javascript:alert(2)) <a href="javascript:alert(3)">x</a>\n\n**bold**'))
            await kb_service.publish(s, None, article.id, "en")
        for url in ("/help/lucky/en/a/evil", "/help/lucky/en/", "/help/lucky/en/search?q=bonus+alert"):
            html = (await client.get(url)).text
            assert "<script>alert" not in html
            assert not re.search(r"<img[^>]*onerror|<a [^>]*href=\"javascript:", html), url
            assert "&lt;script&gt;alert" in html, url
        html = (await client.get("/help/lucky/en/a/evil")).text
        assert "<strong>bold</strong>" in html

    async def test_an_oversized_search_query_is_cut_not_refused(self, client, db):
        await _lucky(db)
        response = await client.get("/help/lucky/en/search", params={"q": "withdrawal " * 500})
        assert response.status_code == 200 and "How long do withdrawals take?" in response.text


class TestSearch:
    async def test_polish_search_finds_the_polish_article(self, client, db):
        await _lucky(db)
        html = (await client.get("/help/lucky/pl/search", params={"q": "wypłaty przelewem"})).text
        assert 'href="/help/lucky/pl/a/withdrawal-times">Ile trwa wypłata?</a>' in html
        assert "Przelew bankowy" in html
        assert '<meta name="robots" content="noindex">' in html

    async def test_untranslated_results_are_marked_with_their_language(self, client, db):
        await _lucky(db)
        html = (await client.get("/help/lucky/pl/search", params={"q": "passport"})).text
        assert '<li lang="en">' in html and "Verifying your account" in html

    async def test_a_long_passage_is_shown_cut_as_from_its_whole_text(self, client, db):
        brand, _channel, _ids = await _lucky(db)
        text = " ".join(f"Jackpot{n} winners wait for their payout review." for n in range(40))
        async with db.transaction() as s:
            article = await kb_service.create_article(s, None, ArticleIn(
                brand_id=brand.id, slug="jackpots", locale="en", title="Jackpots", body=text))
            await kb_service.publish(s, None, article.id, "en")
        html = (await client.get("/help/lucky/en/search", params={"q": "jackpot7 payout"})).text
        shown = Environment(autoescape=True).from_string("{{ text|truncate(220) }}").render(text=text)
        assert len(text) > 600 and shown.endswith("...") and f"</strong> {shown}</p>" not in html
        assert f"<p>{shown}</p>" in html


class TestVotes:
    async def test_a_plain_form_vote_is_counted_once_per_reader(self, client, db):
        await _lucky(db)
        url = "/help/lucky/pl/a/withdrawal-times/vote"
        first = await client.post(url, data={"helpful": "yes"})
        assert first.status_code == 303 and first.headers["location"].endswith("?voted=yes#helpful")
        assert "croupier_reader" in first.cookies or client.cookies.get("croupier_reader")
        await client.post(url, data={"helpful": "no"})  # the same reader changes their mind
        thanks = await client.get("/help/lucky/pl/a/withdrawal-times?voted=no")
        assert 'role="status"' in thanks.text
        async with db.transaction() as s:
            t = await s.scalar(select(ArticleTranslation).where(ArticleTranslation.locale == "pl"))
            votes = await s.scalar(select(func.count()).select_from(ArticleVote))
        assert (t.helpful_yes, t.helpful_no, votes) == (0, 1, 1)

    async def test_a_vote_without_an_answer_is_a_400_page(self, client, db):
        await _lucky(db)
        response = await client.post("/help/lucky/pl/a/withdrawal-times/vote", data={"helpful": "maybe"})
        assert response.status_code == 400 and "<h1>" in response.text


class TestContact:
    async def test_contact_options_and_a_working_callback_form(self, client, db):
        brand, channel, _ids = await _lucky(db)
        async with db.transaction() as s:
            await import_files(s, None, brand.id, {"helpcentre.yaml": (
                b"email: support@lucky.example\nmessengers:\n  - name: Telegram\n    url: https://t.me/LuckyHelpBot\n"
            )})
        html = (await client.get("/help/lucky/pl/contact")).text
        assert 'href="mailto:support@lucky.example"' in html and 'href="https://t.me/LuckyHelpBot"' in html
        form = re.search(r'<form class="form" method="post" action="([^"]+)">(.*?)</form>', html, re.S)
        assert form and form.group(1) == "/api/widget/v1/callbacks"
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(2)))
        assert fields["key"] == channel.key and fields["locale"] == "pl"
        sent = await client.post(form.group(1), data={**fields, "phone": "+48 601 234 567",
                                                      "preferred_time": "evening", "note": "Wypłata"})
        assert sent.status_code == 201, sent.text
        async with db.transaction() as s:
            bodies = list(await s.scalars(select(Message.body)))
        assert any("+48 601 234 567" in b for b in bodies)


class TestSitemap:
    async def test_sitemap_lists_published_pages_with_language_alternates(self, client, db):
        brand, _channel, _ids = await _lucky(db)
        async with db.transaction() as s:
            await kb_service.create_article(s, None, ArticleIn(brand_id=brand.id, slug="secret-draft", locale="en",
                                                               title="Draft", body="Not yet."))
        response = await client.get("/help/lucky/sitemap.xml")
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
        root = ElementTree.fromstring(response.content)
        locs = [u.find("s:loc", ns).text for u in root.findall("s:url", ns)]
        assert "http://127.0.0.1:8000/help/lucky/pl/a/withdrawal-times" in locs
        assert "http://127.0.0.1:8000/help/lucky/fi/a/withdrawal-times" not in locs  # no Finnish translation
        assert not any("secret-draft" in loc for loc in locs)
        withdrawal = next(u for u in root.findall("s:url", ns)
                          if u.find("s:loc", ns).text.endswith("/pl/a/withdrawal-times"))
        assert {a.get("hreflang") for a in withdrawal.findall("x:link", ns)} == {"en", "pl", "x-default"}
