"""The assistant settings page in the console (/console/assistant/settings): supervisors of the brand and
administrators turn the assistant on or off, pick the facts provider and a team per hand-off reason; CSRF,
the refusals shown on the form, another brand's settings out of reach, and every change audited."""

from __future__ import annotations

import html
import re

import pytest

from croupier.models import HandoffReason
from tests.assistant.settings_world import audited, settings_world, stored
from tests.factories import console_session

PAGE = "/console/assistant/settings"


@pytest.fixture(autouse=True)
def _browser_accept(client):
    client.headers["accept"] = "text/html,application/xhtml+xml"
    return client


@pytest.fixture
async def world(db):
    return await settings_world(db)


def form(brand, csrf: str, **changes: str) -> dict[str, str]:  # noqa: ANN001
    """The form as the page submits it for Alpha's settings (enabled, demo facts, its three teams)."""
    fields = {"csrf_token": csrf, "brand": str(brand.id), "enabled": "on", "facts_provider": "demo",
              **{f"team-{r.value}": "" for r in HandoffReason},
              "team-responsible_gambling": "Responsible gambling", "team-account_security": "Security",
              "team-complaint": "Complaints"}
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def selected(page: str, name: str) -> str | None:
    found = re.search(rf'<select id="f-{name}" name="{name}".*?</select>', page, re.S)
    assert found, f"no select {name}"
    option = re.search(r'<option value="([^"]*)" selected>', found.group(0))
    return html.unescape(option.group(1)) if option else None


class TestPage:
    async def test_the_supervisor_sees_the_brands_settings_linked_from_the_figures(self, client, db, world):
        await console_session(client, db, world.supervisor)
        figures = (await client.get("/console/assistant")).text
        assert f'href="{PAGE}?brand={world.alpha.id}"' in figures
        r = await client.get(f"{PAGE}?brand={world.alpha.id}")
        assert r.status_code == 200
        page = r.text
        assert "Assistant settings" in page and 'id="f-enabled" name="enabled" value="on" checked' in page
        assert 'name="csrf_token"' in page
        assert selected(page, "facts_provider") == "demo"
        assert selected(page, "team-complaint") == "Complaints"
        assert selected(page, "team-low_confidence") == ""  # no particular team
        for name in ("Responsible gambling", "Security", "Complaints"):  # every team is offered
            assert page.count(f'<option value="{name}"') == len(HandoffReason)
        assert "Unsure of the intent" in page and "Asked for a person" in page  # the reasons, named

    async def test_a_brand_never_configured_shows_the_assistant_off(self, client, db, world):
        await console_session(client, db, world.admin)
        page = (await client.get(f"{PAGE}?brand={world.bravo.id}")).text
        assert 'name="enabled" value="on" checked' not in page
        assert selected(page, "facts_provider") == "" and selected(page, "team-complaint") == ""


class TestSaving:
    async def test_a_supervisor_saves_and_the_change_is_audited(self, client, db, world):
        csrf = await console_session(client, db, world.supervisor)
        r = await client.post(PAGE, data=form(world.alpha, csrf, enabled=None, facts_provider="",
                                               **{"team-complaint": "Security", "team-no_answer": "Complaints"}))
        assert r.status_code == 303 and r.headers["location"] == f"{PAGE}?brand={world.alpha.id}&saved=1"
        assert await stored(db, world.alpha.id) == (False, None, {
            "responsible_gambling": "Responsible gambling", "account_security": "Security",
            "complaint": "Security", "no_answer": "Complaints"})
        [entry] = await audited(db)
        assert entry.actor == "super@lucky.test" and entry.brand_id == world.alpha.id and entry.ip
        assert entry.details["changes"] == {"enabled": [True, False], "facts_provider": ["demo", None],
                                            "teams.complaint": ["Complaints", "Security"],
                                            "teams.no_answer": [None, "Complaints"]}
        page = (await client.get(r.headers["location"])).text
        assert "The assistant settings are saved." in page
        assert selected(page, "team-complaint") == "Security" and selected(page, "facts_provider") == ""

    async def test_saving_unchanged_settings_audits_nothing(self, client, db, world):
        csrf = await console_session(client, db, world.admin)
        r = await client.post(PAGE, data=form(world.alpha, csrf))
        assert r.status_code == 303 and await audited(db) == []

    async def test_htmx_saves_navigate_with_a_redirect_header(self, client, db, world):
        csrf = await console_session(client, db, world.admin)
        r = await client.post(PAGE, data=form(world.bravo, csrf, **{"team-complaint": "Complaints"}),
                              headers={"HX-Request": "true"})
        assert r.status_code == 200 and r.headers["hx-redirect"] == f"{PAGE}?brand={world.bravo.id}&saved=1"
        assert await stored(db, world.bravo.id) == (True, "demo", {
            "responsible_gambling": "Responsible gambling", "account_security": "Security",
            "complaint": "Complaints"})

    async def test_without_the_csrf_token_nothing_is_saved(self, client, db, world):
        await console_session(client, db, world.admin)
        before = await stored(db, world.alpha.id)
        r = await client.post(PAGE, data=form(world.alpha, "forged", enabled=None))
        assert r.status_code == 403
        assert await stored(db, world.alpha.id) == before and await audited(db) == []


class TestRefusals:
    async def test_an_unknown_team_is_shown_on_its_field(self, client, db, world):
        csrf = await console_session(client, db, world.supervisor)
        before = await stored(db, world.alpha.id)
        r = await client.post(PAGE, data=form(world.alpha, csrf, enabled=None,
                                               **{"team-asked_for_human": "VIP desk"}))
        assert r.status_code == 422
        page = html.unescape(r.text)
        assert "There is no team 'VIP desk' to hand off 'asked_for_human' conversations to." in page
        field = re.search(r'<div class="field field--invalid" data-reason="([a-z_]+)">', r.text)
        assert field and field.group(1) == "asked_for_human"
        assert 'name="team-asked_for_human" aria-describedby="h-team-asked_for_human settings-error" ' \
               'aria-invalid="true"' in r.text
        assert selected(r.text, "team-asked_for_human") == "VIP desk"  # what was submitted, kept
        assert "VIP desk (no such team)" in page
        assert 'name="enabled" value="on" checked' not in r.text  # the submitted "off" too
        assert await stored(db, world.alpha.id) == before and await audited(db) == []

    async def test_an_unknown_facts_provider_is_refused(self, client, db, world):
        csrf = await console_session(client, db, world.admin)
        r = await client.post(PAGE, data=form(world.alpha, csrf, facts_provider="pam"))
        assert r.status_code == 422
        assert "There is no facts provider &#39;pam&#39;. Known providers: demo." in r.text
        assert '<div class="field field--invalid">' in r.text and 'id="f-facts_provider"' in r.text

    @pytest.mark.parametrize("brand", ["", "abc", "1" * 25])
    async def test_a_malformed_brand_is_a_bad_request(self, client, db, world, brand):
        csrf = await console_session(client, db, world.admin)
        data = form(world.alpha, csrf)
        data["brand"] = brand
        assert (await client.post(PAGE, data=data)).status_code == 400

    async def test_an_unknown_brand_is_not_found(self, client, db, world):
        csrf = await console_session(client, db, world.admin)
        data = form(world.alpha, csrf)
        data["brand"] = "999999"
        assert (await client.post(PAGE, data=data)).status_code == 404
        assert (await client.get(f"{PAGE}?brand=999999")).status_code == 404


class TestWhoMay:
    async def test_another_brands_supervisor_can_neither_see_nor_change_them(self, client, db, world):
        csrf = await console_session(client, db, world.bravo_supervisor)
        before = await stored(db, world.alpha.id)
        assert (await client.get(f"{PAGE}?brand={world.alpha.id}")).status_code == 404
        r = await client.post(PAGE, data=form(world.alpha, csrf, enabled=None))
        assert r.status_code == 404
        r = await client.post(PAGE, data=form(world.alpha, csrf, **{"team-complaint": "VIP desk"}))
        assert r.status_code == 404  # the brand is checked before the values
        assert await stored(db, world.alpha.id) == before and await audited(db) == []
        own = await client.get(PAGE)  # their own brand by default
        assert own.status_code == 200 and f'name="brand" value="{world.bravo.id}"' in own.text

    async def test_agents_can_neither_see_nor_change_them(self, client, db, world):
        csrf = await console_session(client, db, world.agent)
        before = await stored(db, world.alpha.id)
        assert (await client.get(f"{PAGE}?brand={world.alpha.id}")).status_code == 403
        r = await client.post(PAGE, data=form(world.alpha, csrf, enabled=None))
        assert r.status_code == 403
        assert await stored(db, world.alpha.id) == before and await audited(db) == []

    async def test_signed_out_visitors_are_sent_to_log_in(self, client, db, world):
        r = await client.get(f"{PAGE}?brand={world.alpha.id}")
        assert r.status_code == 303 and r.headers["location"].startswith("/console/login")
