"""GET and PUT /api/v1/brands/{id}/assistant: reading and replacing a brand's assistant settings, the refusals
(unknown team or facts provider, malformed body, another brand, agents), the audit trail, and the
conversation pipeline following what was set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from croupier.models import Conversation, HandoffReason
from tests.api.world import bearer
from tests.assistant.conversation import ask
from tests.assistant.settings_world import audited, settings_world, stored
from tests.factories import api_token, widget_session

EVERY_REASON = {r.value for r in HandoffReason}


@pytest.fixture
async def world(db):
    return await settings_world(db)


def url(brand) -> str:  # noqa: ANN001
    return f"/api/v1/brands/{brand.id}/assistant"


class TestReading:
    async def test_a_configured_brand_lists_every_reason(self, client, db, world):
        token = await api_token(db, world.supervisor)
        r = await client.get(url(world.alpha), headers=bearer(token))
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["brand_id"], body["enabled"], body["facts_provider"]) == (world.alpha.id, True, "demo")
        assert set(body["teams"]) == EVERY_REASON
        assert body["teams"]["complaint"] == "Complaints" and body["teams"]["low_confidence"] is None
        assert body["updated_at"]

    async def test_a_brand_never_configured_has_the_assistant_off(self, client, db, world):
        r = await client.get(url(world.bravo), headers=bearer(await api_token(db, world.admin)))
        assert r.status_code == 200
        assert r.json() == {"brand_id": world.bravo.id, "enabled": False, "facts_provider": None,
                            "teams": dict.fromkeys(EVERY_REASON), "updated_at": None}


class TestChanging:
    async def test_a_supervisor_replaces_the_settings_and_the_change_is_audited(self, client, db, world):
        token = await api_token(db, world.supervisor)
        payload = {"enabled": True, "facts_provider": None,
                   "teams": {"complaint": "Security", "asked_for_human": "Complaints", "account_security": None}}
        r = await client.put(url(world.alpha), json=payload, headers=bearer(token))
        assert r.status_code == 200, r.text
        teams = r.json()["teams"]
        assert (teams["complaint"], teams["asked_for_human"], teams["account_security"]) == (
            "Security", "Complaints", None)
        assert teams["responsible_gambling"] is None  # left out: no particular team (PUT replaces)
        assert await stored(db, world.alpha.id) == (True, None, {"complaint": "Security",
                                                                 "asked_for_human": "Complaints"})
        assert (await client.get(url(world.alpha), headers=bearer(token))).json()["teams"] == teams
        [entry] = await audited(db)
        assert (entry.brand_id, entry.target_type, entry.target_id) == (world.alpha.id, "brand", str(world.alpha.id))
        assert entry.actor.startswith("super@lucky.test")
        assert entry.details["changes"] == {
            "facts_provider": ["demo", None], "teams.complaint": ["Complaints", "Security"],
            "teams.asked_for_human": [None, "Complaints"], "teams.account_security": ["Security", None],
            "teams.responsible_gambling": ["Responsible gambling", None]}

        again = await client.put(url(world.alpha), json=payload, headers=bearer(token))
        assert again.status_code == 200 and len(await audited(db)) == 1  # nothing changed: nothing audited

    async def test_an_administrator_configures_a_new_brand(self, client, db, world):
        token = await api_token(db, world.admin)
        r = await client.put(url(world.bravo), json={"enabled": True, "facts_provider": "demo"}, headers=bearer(token))
        assert r.status_code == 200 and r.json()["enabled"] is True
        assert await stored(db, world.bravo.id) == (True, "demo", {})
        [entry] = await audited(db)
        assert entry.details["changes"] == {"enabled": [False, True], "facts_provider": [None, "demo"]}


class TestRefusals:
    async def test_an_unknown_team_is_refused_with_the_field_named(self, client, db, world):
        before = await stored(db, world.alpha.id)
        r = await client.put(url(world.alpha), headers=bearer(await api_token(db, world.admin)),
                             json={"enabled": True, "teams": {"complaint": "Complaints", "no_answer": "VIP desk"}})
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert error["code"] == "unknown_team"
        assert error["message"] == "There is no team 'VIP desk' to hand off 'no_answer' conversations to."
        assert [f["field"] for f in error["fields"]] == ["teams.no_answer"]
        assert await stored(db, world.alpha.id) == before and await audited(db) == []

    async def test_an_unknown_facts_provider_is_refused(self, client, db, world):
        r = await client.put(url(world.alpha), headers=bearer(await api_token(db, world.admin)),
                             json={"enabled": True, "facts_provider": "pam"})
        assert r.status_code == 422
        error = r.json()["error"]
        assert error["code"] == "unknown_facts_provider" and "'pam'" in error["message"] and "demo" in error["message"]
        assert error["fields"][0]["field"] == "facts_provider"

    @pytest.mark.parametrize("payload", [
        {"facts_provider": "demo"},  # enabled is required
        {"enabled": "maybe"},
        {"enabled": True, "teams": {"whales": "Complaints"}},  # not a hand-off reason
        {"enabled": True, "teams": ["Complaints"]},
        {"enabled": True, "colour": "red"},
    ])
    async def test_malformed_bodies_are_refused_field_by_field(self, client, db, world, payload):
        before = await stored(db, world.alpha.id)
        r = await client.put(url(world.alpha), json=payload, headers=bearer(await api_token(db, world.admin)))
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_payload", r.text
        assert r.json()["error"]["fields"]
        assert await stored(db, world.alpha.id) == before

    async def test_another_brands_supervisor_neither_reads_nor_changes_them(self, client, db, world):
        token = await api_token(db, world.bravo_supervisor)
        before = await stored(db, world.alpha.id)
        assert (await client.get(url(world.alpha), headers=bearer(token))).status_code == 404
        r = await client.put(url(world.alpha), json={"enabled": False}, headers=bearer(token))
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        assert await stored(db, world.alpha.id) == before and await audited(db) == []
        own = await client.put(url(world.bravo), json={"enabled": True}, headers=bearer(token))
        assert own.status_code == 200  # their own brand's, they may

    async def test_agents_and_tokens_without_the_scope_are_forbidden(self, client, db, world):
        agent = await api_token(db, world.agent)
        for method, kwargs in (("GET", {}), ("PUT", {"json": {"enabled": False}})):
            r = await client.request(method, url(world.alpha), headers=bearer(agent), **kwargs)
            assert r.status_code == 403 and "assistant:supervise" in r.json()["error"]["message"]
        narrow = await api_token(db, world.supervisor, ["brands:read", "conversations:read"])
        assert (await client.put(url(world.alpha), json={"enabled": False}, headers=bearer(narrow))).status_code == 403
        assert await audited(db) == []

    async def test_an_unknown_brand_is_not_found(self, client, db, world):
        token = await api_token(db, world.admin)
        assert (await client.get("/api/v1/brands/999999/assistant", headers=bearer(token))).status_code == 404
        r = await client.put("/api/v1/brands/999999/assistant", json={"enabled": True}, headers=bearer(token))
        assert r.status_code == 404


class TestThePipelineFollowsTheSettings:
    async def test_switching_off_and_on_the_provider_and_the_teams(self, client, db, world):
        anna = await widget_session(client, world.alpha_channel, player_id="LS-20417", name="Anna", locale="pl")
        [reply] = await ask(client, db, anna, "kiedy dostanę moją wypłatę?")
        assert "250,00\xa0€" in reply["body"]  # the demo provider's fact about her withdrawal

        token = await api_token(db, world.admin)
        r = await client.put(url(world.alpha), json={"enabled": False}, headers=bearer(token))
        assert r.status_code == 200
        player = await widget_session(client, world.alpha_channel, locale="en")
        assert await ask(client, db, player, "where is my withdrawal") == []  # off: left to the agents

        r = await client.put(url(world.alpha), headers=bearer(token), json={
            "enabled": True, "facts_provider": None, "teams": {"complaint": "Security"}})
        assert r.status_code == 200
        [reply] = await ask(client, db, anna, "kiedy dostanę moją wypłatę?")
        assert "250" not in reply["body"] and "wypłat" in reply["body"].lower()  # answered, without her facts

        complainer = await widget_session(client, world.alpha_channel, locale="ru")
        [reply] = await ask(client, db, complainer, "Я хочу подать официальную жалобу на ваше казино")
        async with db.transaction() as s:
            team_id = await s.scalar(select(Conversation.team_id).where(
                Conversation.id == reply["conversation_id"]))
        assert team_id == world.teams["Security"]  # routed where the settings now say
