"""The inbox: scoping, filters, order, keyset pages, and bad filter values."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from croupier.auth.users import user_service
from croupier.conversation.schemas import ConversationUpdate
from croupier.conversation.service import conversation_service
from croupier.kit.i18n import gettext
from croupier.models import AuditEntry, ChannelType, Role, User
from tests.console.flows import HTMX, add_channel, conversation_from
from tests.factories import console_session, make_brand, make_user, principal_of


def ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'class="conversation-row[^"]*" data-conversation-id="(\d+)"', html)]


@pytest.fixture
async def world(db):
    lucky, lucky_chat = await make_brand(db, "lucky", "Lucky Star")
    royal, royal_chat = await make_brand(db, "royal", "Royal Spin")
    agent = await make_user(db, "agent@lucky.test", Role.agent, [lucky], name="Anna Agent")
    colleague = await make_user(db, "colleague@lucky.test", Role.agent, [lucky], name="Carl Colleague")
    telegram = await add_channel(db, lucky, ChannelType.telegram, "Lucky bot")
    return {
        "lucky": lucky, "royal": royal, "agent": agent, "colleague": colleague,
        "web_en": await conversation_from(db, lucky_chat, "My deposit is missing", name="Olli", language="en"),
        "tg_ru": await conversation_from(db, telegram, "Где мой вывод?", name="Ivan", language="ru"),
        "web_pl": await conversation_from(db, lucky_chat, "Gdzie jest moja wypłata?", name="Ola", language="pl"),
        "royal_q": await conversation_from(db, royal_chat, "Royal secret question", name="Rex", language="en"),
    }


async def change(db, user, conversation, **fields) -> None:
    async with db.transaction() as s:
        principal = await principal_of(db, user)
        await conversation_service.update(s, principal, conversation.id, ConversationUpdate(**fields))


class TestScope:
    async def test_agent_sees_only_their_brands_conversations(self, client, db, world):
        await console_session(client, db, world["agent"])
        r = await client.get("/console/inbox")
        assert r.status_code == 200
        assert set(ids(r.text)) == {world["web_en"].id, world["tg_ru"].id, world["web_pl"].id}
        assert "Royal secret question" not in r.text

    async def test_other_brand_filter_is_not_found(self, client, db, world):
        await console_session(client, db, world["agent"])
        r = await client.get(f"/console/inbox?brand={world['royal'].id}")
        assert r.status_code == 404 and "Royal" not in r.text

    async def test_admin_sees_every_brand_and_the_brand_column(self, client, db, world):
        admin = await make_user(db, "admin@lucky.test", Role.admin, totp=True)
        await console_session(client, db, admin)
        r = await client.get("/console/inbox")
        assert world["royal_q"].id in ids(r.text) and "Royal Spin" in r.text


class TestListing:
    async def test_newest_activity_first_with_the_row_details(self, client, db, world):
        await console_session(client, db, world["agent"])
        r = await client.get("/console/inbox")
        assert ids(r.text) == [world["web_pl"].id, world["tg_ru"].id, world["web_en"].id]
        for text in ("Ola", "Gdzie jest moja wypłata?", "Telegram", "Web chat", "PL", "Open", "Unassigned"):
            assert text in r.text

    async def test_partial_for_live_refresh_has_only_rows(self, client, db, world):
        await console_session(client, db, world["agent"])
        r = await client.get("/console/inbox/list", headers=HTMX)
        assert r.status_code == 200 and "<html" not in r.text and len(ids(r.text)) == 3

    async def test_older_pages_follow_the_keyset_cursor(self, client, db, world):
        lucky_chat = await add_channel(db, world["lucky"], ChannelType.api, "API")
        for i in range(27):
            await conversation_from(db, lucky_chat, f"question {i}")
        await console_session(client, db, world["agent"])
        first = await client.get("/console/inbox")
        assert len(ids(first.text)) == 25
        older = re.search(r'hx-get="(/console/inbox/list\?[^"]+)"', first.text).group(1).replace("&amp;", "&")
        second = await client.get(older, headers=HTMX)
        rest = ids(second.text)
        assert len(rest) == 5 and not set(rest) & set(ids(first.text))
        assert "Show older conversations" not in second.text

    async def test_a_broken_cursor_is_a_clear_400(self, client, db, world):
        await console_session(client, db, world["agent"])
        r = await client.get("/console/inbox?before=not-a-cursor")
        assert r.status_code == 400 and "not valid" in r.text


class TestFilters:
    @pytest.mark.parametrize("query, expected", [
        ("channel=telegram", ["tg_ru"]),
        ("channel=webchat", ["web_pl", "web_en"]),
        ("language=pl", ["web_pl"]),
        ("status=resolved", []),
        ("status=all", ["web_pl", "tg_ru", "web_en"]),
    ])
    async def test_simple_filters(self, client, db, world, query, expected):
        await console_session(client, db, world["agent"])
        r = await client.get(f"/console/inbox?{query}")
        assert ids(r.text) == [world[k].id for k in expected]

    async def test_status_filter(self, client, db, world):
        await change(db, world["agent"], world["tg_ru"], status="pending")
        await console_session(client, db, world["agent"])
        assert ids((await client.get("/console/inbox?status=pending")).text) == [world["tg_ru"].id]
        assert world["tg_ru"].id not in ids((await client.get("/console/inbox")).text)

    async def test_assignee_filters(self, client, db, world):
        await change(db, world["agent"], world["web_en"], assignee_id=world["agent"].id)
        admin = await make_user(db, "admin@lucky.test", Role.admin, totp=True)
        await change(db, admin, world["tg_ru"], assignee_id=world["colleague"].id)
        await console_session(client, db, world["agent"])
        assert ids((await client.get("/console/inbox?assignee=me")).text) == [world["web_en"].id]
        assert ids((await client.get("/console/inbox?assignee=none")).text) == [world["web_pl"].id]
        mine = await client.get(f"/console/inbox?assignee={world['colleague'].id}")
        assert ids(mine.text) == [world["tg_ru"].id] and "Carl Colleague" in mine.text

    async def test_team_and_tag_filters(self, client, db, world):
        async with db.transaction() as s:
            team = await user_service.create_team(s, None, "VIP desk")
        await change(db, world["agent"], world["web_pl"], team_id=team.id, add_tags=["vip"])
        await console_session(client, db, world["agent"])
        assert ids((await client.get(f"/console/inbox?team={team.id}")).text) == [world["web_pl"].id]
        tagged = await client.get("/console/inbox?tag=VIP")
        assert ids(tagged.text) == [world["web_pl"].id] and 'class="tag"' in tagged.text

    @pytest.mark.parametrize("query, name", [
        ("status=sleeping", "status"), ("channel=pigeon", "channel"), ("assignee=someone", "assignee"),
        ("team=x1", "team"), ("language=Polish!", "language"), ("brand=abc", "brand"),
    ])
    async def test_bad_values_are_named_in_a_400(self, client, db, world, query, name):
        await console_session(client, db, world["agent"])
        r = await client.get(f"/console/inbox?{query}")
        assert r.status_code == 400 and f"The filter &#39;{name}&#39; does not accept" in r.text

    async def test_filter_form_keeps_the_chosen_values(self, client, db, world):
        await console_session(client, db, world["agent"])
        r = await client.get("/console/inbox?channel=telegram&language=ru")
        assert '<option value="telegram" selected>' in r.text and '<option value="ru" selected>' in r.text


class TestLanguage:
    async def test_console_speaks_the_users_language_and_the_switcher_saves_it(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        assert '<html lang="en">' in (await client.get("/console/inbox")).text
        r = await client.post("/console/preferences/locale",
                              data={"locale": "pl", "next": "/console/inbox?status=pending", "csrf_token": csrf})
        assert r.status_code == 303 and r.headers["location"] == "/console/inbox?status=pending"
        polish = await client.get("/console/inbox")
        assert '<html lang="pl">' in polish.text and gettext("Inbox", "pl") in polish.text
        assert re.search(r"data-relative>\d{1,2}\.\d{2}\.\d{4}", polish.text)  # dates formatted the Polish way
        async with db.transaction() as s:
            assert (await s.get(User, world["agent"].id)).locale == "pl"
            assert await s.scalar(select(AuditEntry.details).where(AuditEntry.action == "user.locale_changed")) \
                == {"changes": {"locale": "pl"}, "previous": "en"}

    async def test_unknown_language_is_refused_and_nothing_changes(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        r = await client.post("/console/preferences/locale", data={"locale": "xx", "csrf_token": csrf})
        assert r.status_code == 400 and "Unsupported language" in r.text
        async with db.transaction() as s:
            assert (await s.get(User, world["agent"].id)).locale == "en"

    async def test_login_page_follows_the_browser_language(self, client, db):
        r = await client.get("/console/login", headers={"accept-language": "fi-FI,fi;q=0.9"})
        assert '<html lang="fi">' in r.text
        assert '<html lang="az">' in (await client.get("/console/login?lang=az")).text
