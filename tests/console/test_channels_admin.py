"""Channel administration in the console: administrators list each brand's channels with their webhook
addresses, add a channel of any provider type through a form built from its settings (refusals explained
beside each field, nothing stored), change its settings (a secret left empty is kept; secrets are never
shown again, only their last characters), disable and enable it. Every change is audited without values."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select, text

from croupier.channels.registry import CONFIGS
from croupier.kit import crypto
from croupier.models import Channel, ChannelType
from tests.console.channel_forms import (
    PAGE,
    TOKEN,
    UPDATE,
    WEBHOOK_HEADER,
    add,
    admin_world,
    audit_actions,
    channel,
    submit,
)
from tests.factories import console_session


@pytest.fixture
async def world(client, db):
    return await admin_world(client, db)


class TestTheList:
    async def test_it_lists_each_brands_channels_and_offers_every_provider_type(self, client, world):
        found, _shown = await add(client, world)
        page = await client.get(PAGE)
        assert page.status_code == 200
        assert "Lucky Star" in page.text and "Royal Spin" in page.text and page.text.count("Web chat") >= 2
        assert f"<code>{found.key}</code>" in page.text
        assert f"http://127.0.0.1:8000/channels/{found.key}/webhook" in page.text  # settings.base_url
        assert 'href="/console/admin/channels"' in page.text  # in the administrator's menu
        for type_ in CONFIGS:
            assert f"new?brand_id={world['lucky'].id}&amp;type={type_.value}" in page.text
        assert f'href="{PAGE}/{found.id}"' in page.text

    async def test_the_form_of_each_type_has_its_fields(self, client, world):
        for type_, model in CONFIGS.items():
            page = await client.get(f"{PAGE}/new", params={"brand_id": world["lucky"].id, "type": type_.value})
            assert page.status_code == 200
            for name, info in model.model_fields.items():
                assert f'name="{name}"' in page.text and html.escape(info.title or "") in page.text, (type_, name)

    async def test_choices_are_offered_and_defaults_filled_in(self, client, world):
        page = await client.get(f"{PAGE}/new", params={"brand_id": world["lucky"].id, "type": "email"})
        assert '<select id="f-imap_security" name="imap_security"' in page.text
        assert '<option value="ssl" selected>ssl</option>' in page.text
        assert '<option value="starttls" selected>starttls</option>' in page.text  # smtp_security
        assert 'id="f-imap_folder" name="imap_folder" value="INBOX"' in page.text
        assert 'type="checkbox" id="f-imap_idle" name="imap_idle" checked' in page.text
        assert "PydanticUndefined" not in page.text

    @pytest.mark.parametrize(("query", "status", "words"), [
        ({"type": "telegram", "brand_id": "x"}, 400, "does not accept the value"),
        ({"type": "fax", "brand_id": "1"}, 400, "There is no channel type"),
        ({"type": "webchat", "brand_id": "1"}, 400, "cannot be set up here"),
        ({"type": "telegram", "brand_id": "999999"}, 404, "There is no brand 999999."),
    ])
    async def test_a_bad_form_address_is_explained(self, client, world, query, status, words):
        r = await client.get(f"{PAGE}/new", params=query)
        assert r.status_code == status and words in r.text


class TestValidation:
    async def test_missing_and_wrong_values_are_marked_and_nothing_is_stored(self, client, db, world):
        r = await submit(client, world, "whatsapp", "", phone_number_id="12a", access_token="EAAG-typed-secret-9",
                         templates="order_update\nBad Name", api_base="ftp://graph.example")
        assert r.status_code == 400
        assert "Some settings are missing or wrong; see the marked fields." in r.text
        errors = dict(re.findall(r'id="e-([\w]+)">([^<]+)<', r.text))
        assert errors == {"name": "Fill in this field.", "phone_number_id": "Enter the numeric id, digits only.",
                          "app_secret": "Fill in this field.",
                          "templates": "Template names use lowercase letters, digits and _ only: Bad Name",
                          "api_base": "Enter a full web address starting with https://."}
        assert 'value="12a"' in r.text and "order_update\nBad Name" in r.text  # typed values kept …
        assert "EAAG-typed-secret-9" not in r.text  # … except secrets
        assert await channel(db, name="") is None and not await audit_actions(db, 0)

    async def test_refusals_are_in_the_admins_language(self, client, world):
        await client.post("/console/preferences/locale", data={"locale": "pl", "csrf_token": world["csrf"]})
        r = await submit(client, world, "api", "Backend", callback_url="not a url")
        assert r.status_code == 400
        assert "Wpisz pełny adres internetowy zaczynający się od https://." in r.text
        assert "Adres wywołania zwrotnego" in r.text  # the field's label, too

    async def test_a_channel_name_is_unique_per_brand(self, client, world):
        await add(client, world)
        r = await submit(client, world, "telegram", "Lucky bot", bot_token=TOKEN)
        assert r.status_code == 400 and "This brand already has a channel with this name." in r.text

    @pytest.mark.parametrize(("fields", "words"), [
        ({"type": "fax"}, "There is no channel type"),
        ({"type": "webchat"}, "cannot be set up here"),
        ({"brand_id": "12x"}, "does not accept the value"),
    ])
    async def test_a_bad_type_or_brand_is_a_400(self, client, world, fields, words):
        r = await client.post(PAGE, data={"brand_id": str(world["lucky"].id), "type": "telegram", "name": "x",
                                          "bot_token": TOKEN, "csrf_token": world["csrf"], **fields})
        assert r.status_code == 400 and words in r.text


class TestEditing:
    async def test_a_secret_left_empty_is_kept_a_new_one_replaces_it_and_only_names_are_audited(self, client, db,
                                                                                                  world):
        found, shown = await add(client, world)
        sealed_token = found.config["bot_token_enc"]
        page = await client.get(f"{PAGE}/{found.id}")
        assert "Stored, ending in 9f3Q. Leave empty to keep it." in page.text
        assert TOKEN not in page.text and TOKEN[:-4] not in page.text
        assert shown["Webhook secret token"] not in page.text

        r = await client.post(f"{PAGE}/{found.id}", data={"name": "Lucky Telegram", "bot_token": "",
                                                          "secret_token": "", "csrf_token": world["csrf"]})
        assert r.status_code == 303 and r.headers["location"] == f"{PAGE}/{found.id}?saved=1"
        kept = await channel(db, found.id)
        assert kept.name == "Lucky Telegram" and kept.config["bot_token_enc"] == sealed_token
        assert crypto.config_secret(kept.config, "secret_token") == shown["Webhook secret token"]

        new_token = "7300112233:AAH-anotherTokenValue_7Zq1"
        await client.post(f"{PAGE}/{found.id}", data={"name": "Lucky Telegram", "bot_token": new_token,
                                                      "csrf_token": world["csrf"]})
        assert crypto.config_secret((await channel(db, found.id)).config, "bot_token") == new_token
        assert "Stored, ending in 7Zq1." in (await client.get(f"{PAGE}/{found.id}?saved=1")).text

        entries = await audit_actions(db, found.id)
        assert [(e.action, e.details.get("changed")) for e in entries] == [
            ("channel.created", None), ("channel.updated", ["name"]), ("channel.updated", ["bot_token"])]
        assert all(new_token not in str(e.details) and TOKEN not in str(e.details) for e in entries)

    async def test_a_refused_edit_changes_nothing(self, client, db, world):
        found, _shown = await add(client, world)
        r = await client.post(f"{PAGE}/{found.id}", data={"name": "Lucky bot", "bot_token": "no token",
                                                          "api_base": "somewhere", "csrf_token": world["csrf"]})
        assert r.status_code == 400 and "Enter the bot token that BotFather gave you." in r.text
        assert (await channel(db, found.id)).config == found.config

    async def test_a_secret_sealed_under_another_key_must_be_entered_again(self, client, db, world):
        found, _shown = await add(client, world)
        async with db.transaction() as s:
            stored = await s.get(Channel, found.id)
            stored.config = {**stored.config, "bot_token_enc": "gAAAAAB-not-ours"}
        r = await client.post(f"{PAGE}/{found.id}", data={"name": "Lucky bot", "csrf_token": world["csrf"]})
        assert r.status_code == 400 and "cannot be read with this installation's secret key" in html.unescape(r.text)


class TestSecretsAtRest:
    async def test_secrets_are_stored_encrypted_and_shown_only_by_their_last_characters(self, client, db, world):
        found, _shown = await add(client, world)
        assert found.type == ChannelType.telegram and found.is_active and found.brand_id == world["lucky"].id
        async with db.transaction() as s:
            raw = await s.scalar(text("SELECT config FROM channels WHERE id = :id"), {"id": found.id})
        assert TOKEN not in str(raw) and TOKEN.split(":")[1] not in str(raw)
        assert "bot_token" not in found.config and crypto.decrypt(found.config["bot_token_enc"]) == TOKEN
        (created,) = await audit_actions(db, found.id)
        assert created.actor_user_id == world["admin"].id and TOKEN not in str(created.details)


class TestEnabling:
    async def test_a_disabled_channels_webhook_answers_404_until_it_is_enabled(self, client, db, world):
        found, shown = await add(client, world)
        hook = f"/channels/{found.key}/webhook"
        headers = {WEBHOOK_HEADER: shown["Webhook secret token"], "Content-Type": "application/json"}
        r = await client.post(f"{PAGE}/{found.id}/disable", data={"csrf_token": world["csrf"]})
        assert r.status_code == 303
        assert not (await channel(db, found.id)).is_active
        assert "Disabled" in (await client.get(PAGE)).text
        refused = await client.post(hook, content=UPDATE, headers=headers)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "unknown_channel"
        await client.post(f"{PAGE}/{found.id}/enable", data={"csrf_token": world["csrf"]})
        assert (await client.post(hook, content=UPDATE, headers=headers)).status_code == 200
        actions = [e.action for e in await audit_actions(db, found.id)]
        assert actions == ["channel.created", "channel.disabled", "channel.enabled"]

    async def test_the_web_chat_channel_cannot_be_disabled(self, client, db, world):
        page = await client.get(PAGE)
        assert "/disable" not in page.text.split("Lucky bot")[0]
        async with db.transaction() as s:
            webchat = await s.scalar(select(Channel).where(Channel.type == ChannelType.webchat))
        r = await client.post(f"{PAGE}/{webchat.id}/disable", data={"csrf_token": world["csrf"]})
        assert r.status_code == 400
        assert (await client.get(f"{PAGE}/{webchat.id}")).status_code == 400

    async def test_an_unknown_action_is_a_400(self, client, world):
        found, _shown = await add(client, world)
        r = await client.post(f"{PAGE}/{found.id}/explode", data={"csrf_token": world["csrf"]})
        assert r.status_code == 400 and "Unknown action." in r.text


class TestAccess:
    @pytest.mark.parametrize("who", ["supervisor", "agent"])
    async def test_only_administrators_manage_channels(self, client, db, world, who):
        found, _shown = await add(client, world)
        csrf = await console_session(client, db, world[who])
        assert (await client.get(PAGE)).status_code == 403
        assert (await client.get(f"{PAGE}/{found.id}")).status_code == 403
        assert 'href="/console/admin/channels"' not in (await client.get("/console/inbox")).text
        for url, data in [(PAGE, {"brand_id": str(world["lucky"].id), "type": "telegram", "name": "x",
                                  "bot_token": TOKEN}),
                          (f"{PAGE}/{found.id}", {"name": "taken over"}),
                          (f"{PAGE}/{found.id}/disable", {}), (f"{PAGE}/{found.id}/test", {"recipient": "42"})]:
            assert (await client.post(url, data={**data, "csrf_token": csrf})).status_code == 403
        kept = await channel(db, found.id)
        assert kept.is_active and kept.name == "Lucky bot"

    async def test_forms_without_the_csrf_token_are_refused(self, client, db, world):
        found, _shown = await add(client, world)
        r = await client.post(f"{PAGE}/{found.id}/disable", data={"csrf_token": "forged"})
        assert r.status_code == 403 and (await channel(db, found.id)).is_active
        r = await client.post(f"{PAGE}/{found.id}", data={"name": "x"})
        assert r.status_code == 403
        r = await client.post(PAGE, data={"brand_id": str(world["lucky"].id), "type": "telegram", "name": "x",
                                          "bot_token": TOKEN})
        assert r.status_code == 403
