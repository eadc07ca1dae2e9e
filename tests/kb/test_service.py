"""Knowledge-base rules: versions and publishing, search in every language, fallbacks, votes, bad input."""

from __future__ import annotations

import pytest

from croupier.errors import BadRequest, NotFound, PayloadTooLarge
from croupier.kb import analyzer, search
from croupier.kb.public import public_kb
from croupier.kb.schemas import ArticleIn
from croupier.kb.service import MAX_BODY_CHARS, kb_service
from croupier.models import ArticleStatus, Role
from tests.factories import make_brand, make_user, principal_of
from tests.kb.content import seed_kb


class TestAnalyzer:
    @pytest.mark.parametrize(("locale", "forms"), [
        ("en", ["withdrawal", "withdrawals", "withdrawing"]),
        ("ru", ["вывод", "вывода", "выводы"]),
        ("pl", ["wypłata", "wypłaty", "wypłatę"]),
        ("fi", ["kotiutuksen", "kotiutukset"]),
        ("az", ["hesabım", "hesabımı", "hesablar"]),  # no Snowball stemmer: first five letters
    ])
    def test_inflected_forms_share_one_term(self, locale, forms):
        assert len({analyzer.terms(word, locale)[0] for word in forms}) == 1

    def test_turkic_dotted_i_folds_to_the_azerbaijani_letters(self):
        assert analyzer.words("İNTERNET IŞIQ", "az") == ["internet", "ışıq"]

    def test_sections_follow_headings_and_drop_markup(self):
        parts = analyzer.sections("Intro **bold** [link](https://x.test)\n\n## Bank\n\nThree `days`.\n")
        assert [(p.heading, p.text) for p in parts] == [("", "Intro bold link"), ("Bank", "Three days.")]


class TestVersions:
    async def test_every_save_is_a_version_with_its_author_and_an_identical_save_adds_none(self, db):
        brand, _ = await make_brand(db)
        editor = await make_user(db, "editor@example.test", Role.supervisor, [brand], name="Ewa Editor")
        principal = await principal_of(db, editor)
        async with db.transaction() as s:
            article = await kb_service.create_article(s, principal, ArticleIn(
                brand_id=brand.id, slug="bonus-rules", locale="en", title="Bonus rules", body="Wager 30 times."))
            _t, saved = await kb_service.save_translation(s, principal, article.id, "en", "Bonus rules",
                                                          "Wager 30 times.")
            assert saved is False
            translation, saved = await kb_service.save_translation(s, principal, article.id, "en", "Bonus rules",
                                                                   "Wager 35 times.", note="new terms")
            assert saved and translation.latest_version == 2 and translation.status == ArticleStatus.draft
            versions = await kb_service.versions(s, principal, article.id, "en")
        assert [(v.number, v.author, v.author_user_id, v.note) for v in versions] == [
            (2, "editor@example.test", editor.id, "new terms"), (1, "editor@example.test", editor.id, "")]

    async def test_publishing_an_older_version_rolls_the_help_centre_back(self, db):
        brand, _ = await make_brand(db)
        ids = await seed_kb(db, brand)
        async with db.transaction() as s:
            await kb_service.save_translation(s, None, ids["deposit-limits"], "en", "Setting deposit limits",
                                              "Limits are now set by support only.")
            await kb_service.publish(s, None, ids["deposit-limits"], "en")
            shown = await public_kb.published_article(s, brand, "en", "deposit-limits")
            assert shown.version.number == 2 and "support only" in shown.version.body
            await kb_service.publish(s, None, ids["deposit-limits"], "en", 1)
            shown = await public_kb.published_article(s, brand, "en", "deposit-limits")
            assert shown.version.number == 1 and "cooling-off" in shown.version.body
            assert shown.translation.latest_version == 2  # the newer draft is kept

    async def test_a_draft_is_neither_shown_nor_found_until_published(self, db):
        brand, _ = await make_brand(db)
        ids = await seed_kb(db, brand, publish=False)
        admin = await principal_of(db, await make_user(db, "admin@example.test", Role.admin))
        async with db.transaction() as s:
            assert await public_kb.published_articles(s, brand, "en") == []
            assert await search.search(s, brand.id, "en", "passport") == []
            await kb_service.publish(s, None, ids["verify-account"], "en")
            assert [h.slug for h in await search.search(s, brand.id, "en", "passport")] == ["verify-account"]
            await kb_service.unpublish(s, admin, ids["verify-account"], "en")
            assert await search.search(s, brand.id, "en", "passport") == []
            with pytest.raises(NotFound):
                await public_kb.published_article(s, brand, "en", "verify-account")


class TestSearch:
    async def test_polish_query_in_other_forms_finds_the_right_section(self, db):
        brand, _ = await make_brand(db)
        await seed_kb(db, brand)
        async with db.transaction() as s:
            hits = await search.search(s, brand.id, "pl", "wypłata przelewem bankowym")
        assert hits[0].slug == "withdrawal-times" and hits[0].heading == "Przelew bankowy"
        assert hits[0].title == "Ile trwa wypłata?" and hits[0].locale == "pl" and not hits[0].fallback
        assert hits[0].score > hits[-1].score or len(hits) == 1

    async def test_english_ranks_the_matching_article_first(self, db):
        brand, _ = await make_brand(db)
        await seed_kb(db, brand)
        async with db.transaction() as s:
            hits = await search.search_articles(s, brand.id, "en", "how do I verify my identity with a passport")
            limits = await search.search_articles(s, brand.id, "en", "deposit limit")
        assert hits[0].slug == "verify-account"
        assert limits[0].slug == "deposit-limits"

    async def test_untranslated_articles_are_searched_in_the_default_locale_and_say_so(self, db):
        brand, _ = await make_brand(db)
        await seed_kb(db, brand)
        async with db.transaction() as s:
            hits = await search.search(s, brand.id, "pl", "passport")
            translated = await search.search(s, brand.id, "pl", "withdrawals")
        assert [(h.slug, h.locale, h.fallback) for h in hits] == [("verify-account", "en", True)]
        assert translated == []  # the article has a Polish translation: its English text is not searched

    async def test_function_words_count_only_when_the_query_has_nothing_else(self, db):
        brand, _ = await make_brand(db)
        await seed_kb(db, brand)
        async with db.transaction() as s:
            only_function_words = await search.search_articles(s, brand.id, "en", "how long")
            with_a_real_word = await search.search_articles(s, brand.id, "en", "how do I get a passport checked")
        assert only_function_words[0].slug == "withdrawal-times"  # "how long" is all stopwords: used as is
        assert with_a_real_word[0].slug == "verify-account"  # "how", "do", "I", "a" ignored

    async def test_a_query_of_punctuation_or_unknown_words_finds_nothing(self, db):
        brand, _ = await make_brand(db)
        await seed_kb(db, brand)
        async with db.transaction() as s:
            assert await search.search(s, brand.id, "en", "?!  ...") == []
            assert await search.search(s, brand.id, "en", "zyxwvut") == []


class TestHelpCentreReads:
    async def test_a_missing_translation_falls_back_to_the_default_locale(self, db):
        brand, _ = await make_brand(db)
        await seed_kb(db, brand)
        async with db.transaction() as s:
            shown = await public_kb.published_article(s, brand, "fi", "withdrawal-times")
            polish = await public_kb.published_article(s, brand, "pl", "withdrawal-times")
            listed = await public_kb.published_articles(s, brand, "pl")
            locales = await public_kb.published_locales(s, brand, shown.article.id)
        assert (shown.translation.locale, shown.fallback) == ("en", True)
        assert (polish.translation.locale, polish.fallback) == ("pl", False)
        assert [(x.article.slug, x.fallback) for x in listed] == [
            ("deposit-limits", True), ("verify-account", True), ("withdrawal-times", False)]
        assert locales == ["en", "pl"]

    async def test_a_readers_second_vote_replaces_the_first(self, db):
        brand, _ = await make_brand(db)
        await seed_kb(db, brand)
        async with db.transaction() as s:
            t = (await public_kb.published_article(s, brand, "pl", "withdrawal-times")).translation
            await public_kb.vote(s, t, "reader-1", True)
            await public_kb.vote(s, t, "reader-1", True)
            await public_kb.vote(s, t, "reader-2", True)
            await public_kb.vote(s, t, "reader-1", False)
            assert (t.helpful_yes, t.helpful_no) == (1, 1)


class TestBadInput:
    async def _create(self, db, **changes):
        brand, _ = await make_brand(db)
        data = {"brand_id": brand.id, "slug": "faq", "locale": "en", "title": "FAQ", "body": "Text", **changes}
        async with db.transaction() as s:
            return await kb_service.create_article(s, None, ArticleIn(**data))

    @pytest.mark.parametrize(("changes", "code"), [
        ({"locale": "xx"}, "unknown_locale"), ({"slug": "Bad Slug!"}, "invalid_slug"),
        ({"slug": "../etc"}, "invalid_slug"), ({"intents": ["jackpot"]}, "unknown_intent"),
        ({"title": "  \x00\u200b "}, "title_missing"), ({"body": " \n "}, "body_missing"),
    ])
    async def test_refused_with_a_clear_error(self, db, changes, code):
        with pytest.raises(BadRequest) as refused:
            await self._create(db, **changes)
        assert refused.value.code == code and refused.value.render()

    async def test_an_oversized_body_is_refused_with_413(self, db):
        with pytest.raises(PayloadTooLarge) as refused:
            await self._create(db, body="x" * (MAX_BODY_CHARS + 1))
        assert str(MAX_BODY_CHARS) in refused.value.render()

    async def test_control_characters_are_taken_out_of_titles(self, db):
        article = await self._create(db, title="Bonus\x07 rules\u202e")
        async with db.transaction() as s:
            translations = await kb_service.translations(s, [article.id])
        assert translations[article.id][0].title == "Bonus rules"
