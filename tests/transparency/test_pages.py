"""Text pages: publishing versions in the console (administrators, audited), what the public pages show
(the version in force, an upcoming one, the change log, licences and helplines), and unknown languages,
pages and periods answered in plain words."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from croupier.kit.clock import utcnow
from croupier.models import AuditEntry, PageKind, PageVersion, Role
from croupier.transparency.service import transparency_service
from tests.console.flows import hidden
from tests.factories import console_session, make_user, principal_of
from tests.transparency.data import operator


async def _publish(db, principal, brand, locale="en", kind=PageKind.terms, *, days=0, body="Play fair.",
                   summary=""):
    async with db.transaction() as s:
        version = await transparency_service.publish(
            s, principal, brand.id, kind, locale, title="Terms and conditions", body=body,
            effective_from=utcnow().date() + timedelta(days=days), change_summary=summary)
        return version.version


class TestConsoleEditor:
    async def test_an_administrator_publishes_versions_players_then_see(self, client, db):
        op = await operator(client, db)
        admin = await make_user(db, "olivia@lucky.test", Role.admin, totp=True, name="Olivia Bennett")
        await console_session(client, db, admin)
        client.headers["accept"] = "text/html"
        overview = await client.get("/console/transparency")
        assert overview.status_code == 200 and "Lucky Casino" in overview.text
        editor = await client.get(f"/console/transparency/{op.brand.id}/privacy/fi")
        assert editor.status_code == 200
        form = {"csrf_token": hidden(editor.text, "csrf_token"), "title": "Tietosuojaseloste",
                "body": "## Mitä keräämme\n\nVain sen, mitä laki vaatii.", "effective_from": utcnow().date().isoformat(),
                "change_summary": ""}
        saved = await client.post(f"/console/transparency/{op.brand.id}/privacy/fi", data=form)
        assert saved.status_code == 303 and saved.headers["location"].endswith("?published=1")

        refused = await client.post(f"/console/transparency/{op.brand.id}/privacy/fi", data=form)
        assert refused.status_code == 400 and "change log" in refused.text  # a second version must say what changed
        form["change_summary"] = "Säilytysajat tarkennettu"
        assert (await client.post(f"/console/transparency/{op.brand.id}/privacy/fi", data=form)).status_code == 303

        public = await client.get(f"/transparency/{op.brand.slug}/fi/privacy")
        assert public.status_code == 200
        assert "<h2>Mitä keräämme</h2>" in public.text and "Säilytysajat tarkennettu" in public.text
        async with db.transaction() as s:
            versions = list(await s.scalars(select(PageVersion).order_by(PageVersion.version)))
            actions = list(await s.scalars(select(AuditEntry.action).where(
                AuditEntry.action == "transparency.page_published")))
        assert [(v.version, v.author_name) for v in versions] == [(1, "Olivia Bennett"), (2, "Olivia Bennett")]
        assert len(actions) == 2

    async def test_agents_cannot_edit_and_bad_dates_or_languages_are_refused(self, client, db):
        op = await operator(client, db)
        agent = await make_user(db, "agent@lucky.test", Role.agent, [op.brand])
        await console_session(client, db, agent)
        client.headers["accept"] = "text/html"
        assert (await client.get("/console/transparency")).status_code == 403
        admin = await make_user(db, "root@lucky.test", Role.admin, totp=True)
        csrf = await console_session(client, db, admin)
        url = f"/console/transparency/{op.brand.id}/terms/en"
        base = {"csrf_token": csrf, "title": "Terms", "body": "Text", "change_summary": ""}
        past = await client.post(url, data={**base, "effective_from": (utcnow().date() - timedelta(days=3)).isoformat()})
        assert past.status_code == 400 and "in the past" in past.text
        garbled = await client.post(url, data={**base, "effective_from": "next tuesday"})
        assert garbled.status_code == 400 and "takes effect" in garbled.text
        wrong_language = await client.get(f"/console/transparency/{op.brand.id}/terms/xx")
        assert wrong_language.status_code == 400 and "does not publish in" in wrong_language.text
        assert (await client.get(f"/console/transparency/{op.brand.id}/nonsense/en")).status_code == 400


class TestPublicPages:
    async def test_version_in_force_upcoming_version_and_change_log(self, client, db):
        op = await operator(client, db)
        await _publish(db, None, op.brand, body="Version one text.")
        await _publish(db, None, op.brand, days=14, body="Version two text.", summary="Withdrawal limits raised")
        page = await client.get(f"/transparency/{op.brand.slug}/en/terms")
        assert page.status_code == 200
        assert "Version one text." in page.text and "Version two text." not in page.text
        assert "Withdrawal limits raised" in page.text and "/terms/v2" in page.text
        assert "content-security-policy" in page.headers
        upcoming = await client.get(f"/transparency/{op.brand.slug}/en/terms/v2")
        assert upcoming.status_code == 200 and "Version two text." in upcoming.text
        assert (await client.get(f"/transparency/{op.brand.slug}/en/terms/v9")).status_code == 404

    async def test_licences_and_helplines_come_from_the_operator_data(self, client, db):
        op = await operator(client, db)
        r = await op.post("licences", [{"licence_number": "MGA/B2C/417/2026", "regulator": "Malta Gaming Authority",
                                        "jurisdiction": "MT",
                                        "register_url": "https://www.mga.org.mt/licensee-register/"}])
        assert r.json()["created"] == 1
        r = await op.post("helplines", [{"country": "FI", "name": "Peluuri", "phone": "0800 100 101",
                                         "url": "https://www.peluuri.fi", "hours": "ma–pe"}])
        assert r.json()["created"] == 1
        licences = await client.get(f"/transparency/{op.brand.slug}/ru/licences")
        assert licences.status_code == 200 and "Мальта" in licences.text and "MGA/B2C/417/2026" in licences.text
        rg = await client.get(f"/transparency/{op.brand.slug}/fi/responsible-gambling")
        assert rg.status_code == 200 and "Suomi" in rg.text and 'href="tel:0800100101"' in rg.text

    async def test_unknown_brand_language_page_and_period_are_clear_4xx_pages(self, client, db):
        op = await operator(client, db, locales=("en", "fi"))
        await _publish(db, None, op.brand, locale="fi", kind=PageKind.privacy)
        no_brand = await client.get("/transparency/nobody/en")
        assert no_brand.status_code == 404 and "There is no casino" in no_brand.text
        no_language = await client.get(f"/transparency/{op.brand.slug}/pl/payouts")
        assert no_language.status_code == 404 and "does not publish its transparency centre in &#39;pl&#39;" in no_language.text
        assert f'href="/transparency/{op.brand.slug}/fi"' in no_language.text
        not_here = await client.get(f"/transparency/{op.brand.slug}/en/privacy")
        assert not_here.status_code == 404 and f"/transparency/{op.brand.slug}/fi/privacy" in not_here.text
        assert (await client.get(f"/transparency/{op.brand.slug}/en/casino-secrets")).status_code == 404
        bad_period = await client.get(f"/transparency/{op.brand.slug}/en/payment-methods?days=7")
        assert bad_period.status_code == 400 and "30, 90" in bad_period.text
        assert (await client.get(f"/transparency/{op.brand.slug}/en/payouts.csv?months=abc")).status_code == 400
        start = await client.get(f"/transparency/{op.brand.slug}", headers={"accept-language": "fi-FI"})
        assert start.status_code == 303 and start.headers["location"] == f"/transparency/{op.brand.slug}/fi"

    async def test_script_in_a_page_or_posted_names_is_neutralised(self, client, db):
        op = await operator(client, db)
        admin = await make_user(db, "a@lucky.test", Role.admin)
        await _publish(db, await principal_of(db, admin), op.brand,
                       body="<script>alert(1)</script>\n\n[click](javascript:alert(2)) <img src=x onerror=alert(3)>")
        page = await client.get(f"/transparency/{op.brand.slug}/en/terms")
        assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text
        assert 'href="javascript:' not in page.text and "<img" not in page.text
        evil = "<script>alert('rtp')</script>"
        await op.post("games", [{"code": "evil", "name": evil, "provider": "=HYPERLINK(\"http://x\")",
                                 "theoretical_rtp": "96", "std_dev": "5"}])
        month = (utcnow().date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        await op.post("game-months", [{"game": "evil", "month": month, "rounds": 5000, "total_stake": "5000",
                                       "total_payout": "4800"}])
        report = await client.get(f"/transparency/{op.brand.slug}/en/payouts")
        assert report.status_code == 200 and evil not in report.text and "&lt;script&gt;" in report.text
        download = await client.get(f"/transparency/{op.brand.slug}/en/payouts.csv")
        assert "'=HYPERLINK" in download.text  # a spreadsheet shows it as text, never runs it
