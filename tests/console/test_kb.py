"""Knowledge-base editing in the console: the list with every translation's state, writing a translation
beside the reference one, publishing, history and rollback, import/export; agents may only read."""

from __future__ import annotations

import io
import re
import zipfile

from sqlalchemy import select

from croupier.models import ArticleTranslation, Role
from tests.factories import console_session, make_brand, make_user
from tests.kb.content import seed_kb


async def _editor(client, db, role=Role.supervisor):
    brand, _ = await make_brand(db, slug="lucky", locales=("en", "pl", "fi"))
    ids = await seed_kb(db, brand)
    user = await make_user(db, f"{role.value}@example.test", role, [brand])
    csrf = await console_session(client, db, user)
    return brand, ids, csrf


class TestEditing:
    async def test_the_list_shows_each_translations_state(self, client, db):
        _brand, ids, _csrf = await _editor(client, db)
        page = await client.get("/console/kb")
        assert page.status_code == 200
        row = re.search(rf'<a href="/console/kb/articles/{ids["withdrawal-times"]}">.*?</tr>', page.text, re.S).group(0)
        assert re.findall(r"kb-state--(\w+)", row) == ["published", "published", "missing"]

    async def test_translate_beside_the_reference_publish_and_roll_back(self, client, db):
        _brand, ids, csrf = await _editor(client, db)
        article = ids["verify-account"]
        editor = await client.get(f"/console/kb/articles/{article}?locale=pl")
        assert "Reference: English" in editor.text and "Verifying your account" in editor.text
        url = f"/console/kb/articles/{article}/translations/pl"
        saved = await client.post(url, data={"csrf_token": csrf, "title": "Weryfikacja konta",
                                             "body": "Prześlij zdjęcie dowodu.", "action": "publish"})
        assert saved.status_code == 303
        await client.post(url, data={"csrf_token": csrf, "title": "Weryfikacja konta",
                                     "body": "Prześlij skan paszportu.", "note": "paszport", "action": ""})
        page = await client.get(f"/console/kb/articles/{article}?locale=pl")
        assert "Version 1 is on the help centre." in page.text and "paszport" in page.text
        assert (await client.get("/help/lucky/pl/a/verify-account")).text.count("Prześlij zdjęcie dowodu.") == 1
        await client.post(f"{url}/publish", data={"csrf_token": csrf, "version": "2"})
        assert "Prześlij skan paszportu." in (await client.get("/help/lucky/pl/a/verify-account")).text
        await client.post(f"{url}/publish", data={"csrf_token": csrf, "version": "1"})  # roll back
        assert "Prześlij zdjęcie dowodu." in (await client.get("/help/lucky/pl/a/verify-account")).text
        await client.post(f"{url}/unpublish", data={"csrf_token": csrf})
        fallback = await client.get("/help/lucky/pl/a/verify-account")
        assert 'lang="en"' in fallback.text and "Verifying your account" in fallback.text

    async def test_settings_intents_and_a_new_article(self, client, db):
        brand, ids, csrf = await _editor(client, db)
        created = await client.post("/console/kb/articles", data={
            "csrf_token": csrf, "brand_id": str(brand.id), "slug": "bonus-rules", "title": "Bonus rules",
            "body": "Wager 30 times.", "category_id": str(ids["payments"])})
        assert created.status_code == 303
        article_url = created.headers["location"]
        changed = await client.post(article_url, data={"csrf_token": csrf, "slug": "bonus-terms", "category_id": "",
                                                       "position": "4", "intents": ["bonus_terms", "complaint"]})
        assert changed.status_code == 303
        page = await client.get(article_url)
        assert 'value="bonus-terms"' in page.text
        assert re.search(r'value="bonus_terms" checked', page.text) and re.search(r'value="complaint" checked', page.text)

    async def test_bad_input_is_a_clear_error_page(self, client, db):
        brand, ids, csrf = await _editor(client, db)
        bad_slug = await client.post("/console/kb/articles", data={
            "csrf_token": csrf, "brand_id": str(brand.id), "slug": "Nope!", "title": "X", "body": "Y"},
            headers={"accept": "text/html"})
        assert bad_slug.status_code == 400 and "address name" in bad_slug.text
        bad_locale = await client.post(f"/console/kb/articles/{ids['verify-account']}/translations/az", data={
            "csrf_token": csrf, "title": "X", "body": "Y"}, headers={"accept": "text/html"})
        assert bad_locale.status_code == 400 and "az" in bad_locale.text
        no_csrf = await client.post("/console/kb/articles", data={"brand_id": str(brand.id), "slug": "a"},
                                    headers={"accept": "text/html"})
        assert no_csrf.status_code == 403

    async def test_export_then_import_through_the_console(self, client, db):
        brand, _ids, csrf = await _editor(client, db)
        exported = await client.get(f"/console/kb/export?brand={brand.id}")
        archive = zipfile.ZipFile(io.BytesIO(exported.content))
        name = "kb-lucky/articles/withdrawal-times/pl.md"
        text = archive.read(name).decode().replace("Ile trwa wypłata?", "Jak długo trwa wypłata?")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as changed:
            for item in archive.namelist():
                changed.writestr(item, text if item == name else archive.read(item))
        imported = await client.post("/console/kb/import", data={"csrf_token": csrf, "brand_id": str(brand.id)},
                                     files={"file": ("kb.zip", buffer.getvalue(), "application/zip")})
        assert imported.status_code == 303 and imported.headers["location"].endswith("imported=1")
        assert "Jak długo trwa wypłata?" in (await client.get("/help/lucky/pl/a/withdrawal-times")).text


class TestAgents:
    async def test_an_agent_reads_but_cannot_edit(self, client, db):
        brand, ids, csrf = await _editor(client, db, Role.agent)
        page = await client.get(f"/console/kb/articles/{ids['withdrawal-times']}?locale=pl")
        assert page.status_code == 200 and "Przelew bankowy" in page.text and 'name="body"' not in page.text
        refused = await client.post(f"/console/kb/articles/{ids['withdrawal-times']}/translations/pl", data={
            "csrf_token": csrf, "title": "X", "body": "Y"}, headers={"accept": "text/html"})
        assert refused.status_code == 403
        async with db.transaction() as s:
            t = await s.scalar(select(ArticleTranslation).where(ArticleTranslation.locale == "pl"))
        assert t.title == "Ile trwa wypłata?"
