"""The knowledge-base REST API: editing, history, publishing, search, and import/export as files."""

from __future__ import annotations

import io
import zipfile

from croupier.kb.archive import MAX_FILES, to_zip
from croupier.kb.service import MAX_BODY_CHARS
from croupier.models import AuditEntry, Role
from tests.api.world import bearer, count
from tests.factories import api_token, make_brand, make_user
from tests.kb.content import seed_kb


async def _editor(db, brand):
    user = await make_user(db, "editor@example.test", Role.supervisor, [brand], name="Ewa Editor")
    return bearer(await api_token(db, user))


def _zip(files: dict[str, str | bytes], folder: str = "kb") -> bytes:
    return to_zip({k: v.encode() if isinstance(v, str) else v for k, v in files.items()}, folder)


async def _import(client, headers, brand, archive: bytes):
    return await client.post(f"/api/v1/kb/import?brand_id={brand.id}", headers=headers,
                             files={"file": ("kb.zip", archive, "application/zip")})


class TestEditing:
    async def test_write_translate_publish_and_read_the_history(self, client, db):
        brand, _ = await make_brand(db)
        headers = await _editor(db, brand)
        created = await client.post("/api/v1/kb/articles", headers=headers, json={
            "brand_id": brand.id, "slug": "bonus-rules", "locale": "en", "title": "Bonus rules",
            "body": "Wager the bonus 30 times.", "intents": ["bonus_terms"]})
        assert created.status_code == 201, created.text
        article = created.json()
        assert article["intents"] == ["bonus_terms"] and article["translations"][0]["status"] == "draft"
        url = f"/api/v1/kb/articles/{article['id']}/translations"
        saved = await client.put(f"{url}/ru", headers=headers, json={
            "title": "Правила бонусов", "body": "Отыграйте бонус 30 раз.", "note": "перевод"})
        assert saved.status_code == 200 and saved.json()["latest_version"] == 1
        published = await client.post(f"{url}/ru/publish", headers=headers)
        assert published.json()["status"] == "published" and published.json()["published_version"] == 1
        await client.put(f"{url}/ru", headers=headers, json={"title": "Правила бонусов",
                                                            "body": "Отыграйте бонус 35 раз."})
        history = (await client.get(f"{url}/ru/versions", headers=headers)).json()
        assert [(v["number"], v["author"].split()[0], v["published_at"] is not None) for v in history] == [
            (2, "editor@example.test", False), (1, "editor@example.test", True)]
        assert "(token:" in history[0]["author"]  # saved through an API token, and the history says so
        hits = (await client.get("/api/v1/kb/search", headers=headers, params={
            "brand_id": brand.id, "locale": "ru", "q": "бонусы отыгрыш"})).json()
        assert hits[0]["slug"] == "bonus-rules" and "30" in hits[0]["text"]  # the published version
        async with db.transaction():
            assert await count(db, AuditEntry) >= 5

    async def test_bad_input_gets_clear_4xx_errors(self, client, db):
        brand, _ = await make_brand(db, locales=("en", "pl"))
        headers = await _editor(db, brand)
        base = {"brand_id": brand.id, "slug": "faq", "locale": "en", "title": "FAQ", "body": "Text"}
        cases = [({"locale": "fi"}, 400, "unknown_locale"), ({"slug": "<b>"}, 400, "invalid_slug"),
                 ({"intents": ["win_big"]}, 400, "unknown_intent"),
                 ({"body": "x" * (MAX_BODY_CHARS + 1)}, 413, "body_too_large"),
                 ({"category_id": 999}, 400, "unknown_category")]
        for change, status, code in cases:
            response = await client.post("/api/v1/kb/articles", headers={**headers, "Accept-Language": "pl"},
                                         json={**base, **change})
            assert (response.status_code, response.json()["error"]["code"]) == (status, code), response.text
            assert response.json()["error"]["message"]
        created = await client.post("/api/v1/kb/articles", headers=headers, json=base)
        again = await client.post("/api/v1/kb/articles", headers=headers, json=base)
        assert again.status_code == 409
        article_id = created.json()["id"]
        missing = await client.get(f"/api/v1/kb/articles/{article_id}/translations/pl/versions", headers=headers)
        assert missing.status_code == 404
        unknown = await client.put(f"/api/v1/kb/articles/{article_id}/translations/xx", headers=headers,
                                   json={"title": "X", "body": "Y"})
        assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_locale"
        old = await client.post(f"/api/v1/kb/articles/{article_id}/translations/en/publish", headers=headers,
                                json={"version": 7})
        assert old.status_code == 404


class TestImportExport:
    async def test_an_export_imports_into_another_brand_unchanged_and_again_changes_nothing(self, client, db):
        source, _ = await make_brand(db, slug="source")
        target, _ = await make_brand(db, slug="target")
        await seed_kb(db, source)
        admin = bearer(await api_token(db, await make_user(db, "admin@example.test", Role.admin)))
        exported = await client.get(f"/api/v1/kb/export?brand_id={source.id}", headers=admin)
        assert exported.status_code == 200 and exported.headers["content-type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(exported.content)).namelist()
        assert "kb-source/categories.yaml" in names and "kb-source/articles/withdrawal-times/pl.md" in names
        first = await _import(client, admin, target, exported.content)
        assert first.status_code == 200, first.text
        assert first.json() == {"categories": 2, "versions": 4, "published": 4, "unchanged": 0}
        again = await _import(client, admin, target, exported.content)
        assert again.json() == {"categories": 0, "versions": 0, "published": 0, "unchanged": 4}
        html = (await client.get("/help/target/pl/a/withdrawal-times")).text
        assert "Ile trwa wypłata?" in html
        reexported = await client.get(f"/api/v1/kb/export?brand_id={target.id}", headers=admin)
        a, b = (zipfile.ZipFile(io.BytesIO(r.content)) for r in (exported, reexported))
        assert [a.read(n) for n in sorted(a.namelist())] == [b.read(n) for n in sorted(b.namelist())]

    async def test_malformed_files_are_reported_with_file_and_line_and_nothing_changes(self, client, db):
        brand, _ = await make_brand(db, locales=("en", "pl"))
        headers = await _editor(db, brand)
        archive = _zip({
            "categories.yaml": "- slug: payments\n  names: {en: Payments}\n- slug: Bad Slug\n  names: {en: X}\n",
            "articles/ok/en.md": "---\ntitle: Fine\ncategory: payments\n---\nBody.\n",
            "articles/no-front/en.md": "Just text\n",
            "articles/bad-yaml/en.md": "---\ntitle: Fine\nintents: [deposit_issue\n---\nBody\n",
            "articles/intent/pl.md": "---\ntitle: Wpłaty\nstatus: published\nintents: [jackpot]\n---\nTreść\n",
            "articles/lang/de.md": "---\ntitle: Einzahlung\n---\nText\n",
            "articles/big/en.md": "---\ntitle: Big\n---\n" + "x" * (MAX_BODY_CHARS + 10),
            "articles/latin1/en.md": "---\ntitle: Caf\xe9\n---\n".encode("latin-1"),
            "articles/stray.md": "---\ntitle: Where am I\n---\nText\n",
        })
        response = await _import(client, headers, brand, archive)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_import"
        problems = {(p["file"], p["line"]) for p in response.json()["error"]["problems"]}
        assert problems == {("categories.yaml", 3), ("articles/no-front/en.md", 1), ("articles/bad-yaml/en.md", 3),
                            ("articles/intent/pl.md", 4), ("articles/lang/de.md", None),
                            ("articles/big/en.md", 4), ("articles/latin1/en.md", 2), ("articles/stray.md", None)}
        assert "8" in response.json()["error"]["message"] and "articles/bad-yaml/en.md:3: " in response.json()["error"]["message"]
        listed = await client.get(f"/api/v1/kb/articles?brand_id={brand.id}", headers=headers)
        assert listed.json() == []

    async def test_archives_that_are_not_zips_or_escape_their_folder_are_refused(self, client, db):
        brand, _ = await make_brand(db)
        headers = await _editor(db, brand)
        not_zip = await _import(client, headers, brand, b"PK\x03\x04 this is not really a zip")
        assert (not_zip.status_code, not_zip.json()["error"]["code"]) == (400, "not_a_zip")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("../../etc/articles/x/en.md", "---\ntitle: X\n---\nY\n")
        escape = await _import(client, headers, brand, buffer.getvalue())
        assert (escape.status_code, escape.json()["error"]["code"]) == (400, "unsafe_path")
        many = _zip({f"articles/a{i}/en.md": "x" for i in range(MAX_FILES + 1)})
        too_many = await _import(client, headers, brand, many)
        assert (too_many.status_code, too_many.json()["error"]["code"]) == (400, "archive_too_big")
