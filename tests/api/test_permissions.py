"""The permission matrix: every /api/v1 route, for each kind of caller, answers with exactly the expected
status, and list routes never show another brand's data. The matrix is checked against the app's route
table, so a new route without an entry here fails."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import select

from croupier.brand.service import brand_service
from croupier.conversation.service import conversation_service
from croupier.kb.archive import to_zip
from croupier.kb.schemas import ArticleIn, CategoryIn
from croupier.kb.service import kb_service
from croupier.kit.clock import utcnow
from croupier.macro.schemas import MacroIn
from croupier.macro.service import macro_service
from croupier.models import ApiToken, AuthorType, ChannelType, Conversation, DeliveryState, Message, Role
from croupier.playbook.schemas import PlaybookIn
from croupier.playbook.service import playbook_service
from croupier.player.service import player_service
from tests.api.world import ACTORS, Side, World, build_world
from tests.factories import PASSWORD, api_token, make_brand, make_user

Build = Callable[[World, str, Side], Awaitable[tuple[str, dict[str, Any]]]]
Visible = Callable[[World, str, Any], None]


def statuses(admin: int, supervisor: int, agent_a: int, agent_b: int, readonly: int) -> dict[str, int]:
    return dict(zip(ACTORS, (admin, supervisor, agent_a, agent_b, readonly), strict=True))


EVERYONE = statuses(200, 200, 200, 200, 200)
READ_A = statuses(200, 200, 200, 404, 200)  # an object of brand A
WRITE_A = statuses(200, 200, 200, 404, 403)
CREATE_IN_A = statuses(201, 201, 201, 404, 403)
ADMIN_ONLY = statuses(200, 403, 403, 403, 403)
ADMIN_CREATES = statuses(201, 403, 403, 403, 403)
OVERSIGHT = statuses(200, 200, 403, 403, 200)  # users:read / audit:read
KB_WRITE_A = statuses(200, 200, 403, 403, 403)  # kb:write: supervisors and admins
KB_CREATE_IN_A = statuses(201, 201, 403, 403, 403)
USE_A = statuses(200, 200, 200, 404, 403)  # macros:read / playbooks:read on brand A (not in the read-only token)
EDIT_A = statuses(200, 200, 403, 404, 403)  # macros:write: agents may not; another brand's macro is not found
SUPERVISE = statuses(200, 200, 403, 403, 403)  # playbooks:write / playbooks:supervise / assistant:supervise


@dataclass(frozen=True)
class Case:
    expect: dict[str, int]
    build: Build
    visible: Visible | None = None  # asserts a 200 list shows nothing the caller must not see
    brand_object: bool = False  # the route addresses an object of brand A (mirrored on brand B too)
    public: bool = False


def get(path: str) -> Build:
    async def build(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
        return path.format(w=w, side=side), {}
    return build


def send(path: str, payload: Callable[[World, str, Side], dict[str, Any]]) -> Build:
    async def build(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
        return path.format(w=w, side=side), {"json": payload(w, actor, side)}
    return build


def brands_of(w: World, actor: str) -> set[int] | None:
    return {"admin": None, "readonly": None, "supervisor": {w.a.brand.id}, "agent_a": {w.a.brand.id},
            "agent_b": {w.b.brand.id}}[actor]


def only_own_brands(key: str) -> Visible:
    def check(w: World, actor: str, body: Any) -> None:
        items = body["items"] if isinstance(body, dict) else body
        allowed = brands_of(w, actor)
        seen = {item[key] for item in items}
        assert seen, "the world has data in every brand; the list must not be empty"
        if allowed is None:
            assert {w.a.brand.id, w.b.brand.id} <= seen
        else:
            assert seen <= allowed, f"{actor} sees brands {seen}"
    return check


def only_colleagues(w: World, actor: str, body: Any) -> None:
    emails = {u["email"] for u in body}
    if actor == "supervisor":
        assert emails == {"sup.a@example.test", "agent.a@example.test"}
    else:
        assert {"agent.b@example.test", "agent.a@example.test"} <= emails


def only_own_tokens(w: World, actor: str, body: Any) -> None:
    owners = {t["user_id"] for t in body}
    if actor == "admin":
        assert {u.id for u in w.users.values()} <= owners
    else:
        assert owners == {w.users[actor].id}
    assert all("token" not in t and "token_hash" not in t for t in body)


def no_brand_b_audit(w: World, actor: str, body: Any) -> None:
    brand_ids = {e["brand_id"] for e in body["items"]}
    if actor == "supervisor":
        assert w.b.brand.id not in brand_ids and w.a.brand.id in brand_ids
    else:
        assert {w.a.brand.id, w.b.brand.id} <= brand_ids


async def merge_fresh_players(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
    async with w.db.transaction() as s:
        one = await player_service.resolve_identity(s, side.channel, f"m1-{actor}", player_external_id=f"M1-{actor}")
        two = await player_service.resolve_identity(s, side.channel, f"m2-{actor}", player_external_id=f"M2-{actor}")
    return f"/api/v1/players/{one.player_id}/merge", {"json": {"into": two.player_id}}


async def upload(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
    return (f"/api/v1/conversations/{side.conversation_id}/attachments",
            {"files": {"file": ("note.txt", b"see attached", "text/plain")}, "data": {"body": "Your receipt"}})


async def revoke_agent_token(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
    owner = w.users["agent_a"] if side is w.a else w.users["agent_b"]
    plaintext = await api_token(w.db, owner, ["conversations:read"])
    async with w.db.transaction() as s:
        token_id = await s.scalar(select(ApiToken.id).where(ApiToken.prefix == plaintext.split("_")[1]))
    return f"/api/v1/tokens/{token_id}", {}


async def patch_agent(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/users/{w.users['agent_a'].id}", {"json": {"name": "Agent Alpha"}}


async def get_agent(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/users/{w.users['agent_a'].id}", {}


async def telegram_channel(w: World, side: Side) -> Any:
    """The side's brand's Telegram channel, added once."""
    key = f"telegram-{side.brand.id}"
    if key not in w.extra:
        async with w.db.transaction() as s:
            w.extra[key] = await brand_service.add_channel(s, None, side.brand.id, ChannelType.telegram, "Bot",
                                                           {"bot_token": "1:x", "api_base": "http://127.0.0.1:9"})
    return w.extra[key]


async def retry_failed_reply(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
    """A reply that failed on a Telegram channel of the side's brand, fresh for each caller."""
    channel = await telegram_channel(w, side)
    async with w.db.transaction() as s:
        identity = await player_service.resolve_identity(s, channel, f"tg-{actor}-{side.brand.id}")
        received, _created = await conversation_service.receive(s, channel=channel, identity=identity,
                                                                body="Where is my withdrawal?")
        failed = Message(conversation_id=received.conversation_id, author_type=AuthorType.agent, body="Checking",
                         is_private=False, delivery_state=DeliveryState.failed, failure_reason="HTTP 403",
                         created_at=utcnow())
        s.add(failed)
        await s.flush()
    return f"/api/v1/messages/{failed.id}/retry", {}


async def link_telegram_user(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
    await telegram_channel(w, side)
    return "/api/v1/players/link", {"json": {
        "brand_id": side.brand.id, "player_external_id": f"OP-{actor}", "channel_type": "telegram",
        "external_id": f"{side.brand.id}0{len(actor)}{ord(actor[-1])}"}}  # a Telegram user id: digits


async def kb_category(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
    async with w.db.transaction() as s:
        category = await kb_service.create_category(s, None, CategoryIn(
            brand_id=side.brand.id, slug=f"cat-{actor.replace('_', '-')}", names={"en": "Payments"}))
    return f"/api/v1/kb/categories/{category.id}", {"json": {"position": 3}}


def kb_article(suffix: str, payload: dict[str, Any] | None = None) -> Build:
    """A fresh article of the side's brand for each caller, addressed with `suffix`."""
    async def build(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
        async with w.db.transaction() as s:
            article = await kb_service.create_article(s, None, ArticleIn(
                brand_id=side.brand.id, slug=f"art-{actor.replace('_', '-')}", locale="en", title="Bonus rules",
                body="Wager 30 times."))
            await kb_service.publish(s, None, article.id, "en")
        return f"/api/v1/kb/articles/{article.id}{suffix}", {} if payload is None else {"json": payload}
    return build


async def kb_import(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
    archive = to_zip({f"articles/imp-{actor.replace('_', '-')}/en.md": b"---\ntitle: Bonus rules\n---\nWager.\n"}, "kb")
    return f"/api/v1/kb/import?brand_id={side.brand.id}", {"files": {"file": ("kb.zip", archive, "application/zip")}}


def macro(suffix: str, payload: dict[str, Any] | None = None) -> Build:
    """A fresh macro of the side's brand for each caller, addressed with `suffix`."""
    async def build(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
        async with w.db.transaction() as s:
            made = await macro_service.create(s, None, MacroIn(brand_id=side.brand.id, shortcut=f"m-{actor}", texts={
                "en": {"title": "Hello", "body": "Hello {player_name}"}}))
        url = f"/api/v1/macros/{made.id}{suffix}".format(side=side)
        return url, {} if payload is None else {"json": payload}
    return build


def playbook(suffix: str, payload: dict[str, Any] | None = None) -> Build:
    """The side's playbook for withdrawal_status (made once), the side's conversation having that intent."""
    async def build(w: World, actor: str, side: Side) -> tuple[str, dict[str, Any]]:
        key = f"playbook-{side.brand.id}"
        if key not in w.extra:
            async with w.db.transaction() as s:
                made, _version = await playbook_service.create(s, None, PlaybookIn(
                    brand_id=side.brand.id, intent="withdrawal_status", titles={"en": "Withdrawal delayed"},
                    steps=[{"titles": {"en": "Verify identity"}, "mandatory": True}]))
                (await s.get(Conversation, side.conversation_id)).intent = "withdrawal_status"
            w.extra[key] = made.id
        url = suffix.format(side=side, id=w.extra[key])
        return url, {} if payload is None else {"json": payload}
    return build


TRANSPARENCY_ITEMS = {  # one valid item per batch route (a brand's first game, method, … )
    "games": {"code": "g1", "name": "Book of Stars", "provider": "Nebula", "theoretical_rtp": "96.2", "std_dev": "9"},
    "game-months": {"game": "unknown", "month": "2026-01", "rounds": 1, "total_stake": "1", "total_payout": "1"},
    "payment-methods": {"code": "visa", "name": "Visa", "kind": "card", "currency": "EUR"},
    "transactions": {"external_id": "t1", "method": "unknown", "direction": "deposit", "amount": "5",
                     "currency": "EUR", "requested_at": "2026-01-01T00:00:00Z", "status": "pending"},
    "licences": {"licence_number": "L-1", "regulator": "Malta Gaming Authority", "jurisdiction": "MT",
                 "register_url": "https://www.mga.org.mt/"},
    "helplines": {"country": "FI", "name": "Peluuri", "phone": "0800 100 101"},
}

MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/openapi.json"): Case(EVERYONE, get("/api/v1/openapi.json"), public=True),
    ("GET", "/api/v1/docs"): Case(EVERYONE, get("/api/v1/docs"), public=True),
    ("GET", "/api/v1/me"): Case(EVERYONE, get("/api/v1/me")),
    ("GET", "/api/v1/brands"): Case(EVERYONE, get("/api/v1/brands"), only_own_brands("id")),
    ("POST", "/api/v1/brands"): Case(ADMIN_CREATES, send("/api/v1/brands", lambda w, actor, side: {
        "slug": f"new-{actor.replace('_', '-')}", "name": "New Casino"})),
    ("GET", "/api/v1/brands/{brand_id}"): Case(READ_A, get("/api/v1/brands/{side.brand.id}"), brand_object=True),
    ("PATCH", "/api/v1/brands/{brand_id}"): Case(ADMIN_ONLY, send(
        "/api/v1/brands/{side.brand.id}", lambda w, actor, side: {"name": "Renamed"}), brand_object=True),
    ("GET", "/api/v1/brands/{brand_id}/channels"): Case(
        READ_A, get("/api/v1/brands/{side.brand.id}/channels"), brand_object=True),
    ("POST", "/api/v1/brands/{brand_id}/rotate-identity-secret"): Case(
        ADMIN_ONLY, get("/api/v1/brands/{side.brand.id}/rotate-identity-secret"), brand_object=True),  # no body
    ("GET", "/api/v1/players"): Case(EVERYONE, get("/api/v1/players"), only_own_brands("brand_id")),
    ("GET", "/api/v1/players/{player_id}"): Case(READ_A, get("/api/v1/players/{side.player_id}"),
                                                 brand_object=True),
    ("POST", "/api/v1/players/{player_id}/merge"): Case(WRITE_A, merge_fresh_players, brand_object=True),
    ("GET", "/api/v1/conversations"): Case(EVERYONE, get("/api/v1/conversations"), only_own_brands("brand_id")),
    ("GET", "/api/v1/conversations/{conversation_id}"): Case(
        READ_A, get("/api/v1/conversations/{side.conversation_id}"), brand_object=True),
    ("PATCH", "/api/v1/conversations/{conversation_id}"): Case(WRITE_A, send(
        "/api/v1/conversations/{side.conversation_id}", lambda w, actor, side: {"priority": "high"}),
        brand_object=True),
    ("GET", "/api/v1/conversations/{conversation_id}/messages"): Case(
        READ_A, get("/api/v1/conversations/{side.conversation_id}/messages"), brand_object=True),
    ("POST", "/api/v1/conversations/{conversation_id}/messages"): Case(CREATE_IN_A, send(
        "/api/v1/conversations/{side.conversation_id}/messages", lambda w, actor, side: {"body": "On it."}),
        brand_object=True),
    ("POST", "/api/v1/conversations/{conversation_id}/attachments"): Case(CREATE_IN_A, upload, brand_object=True),
    ("GET", "/api/v1/attachments/{attachment_id}"): Case(READ_A, get("/api/v1/attachments/{side.attachment_id}"),
                                                         brand_object=True),
    ("POST", "/api/v1/messages/{message_id}/retry"): Case(WRITE_A, retry_failed_reply, brand_object=True),
    ("POST", "/api/v1/players/link"): Case(WRITE_A, link_telegram_user, brand_object=True),
    ("GET", "/api/v1/conversations/{conversation_id}/calls"): Case(
        READ_A, get("/api/v1/conversations/{side.conversation_id}/calls"), brand_object=True),
    ("POST", "/api/v1/conversations/{conversation_id}/calls"): Case(CREATE_IN_A, send(
        "/api/v1/conversations/{side.conversation_id}/calls",
        lambda w, actor, side: {"direction": "outbound", "outcome": "answered", "duration_s": 95}),
        brand_object=True),
    ("GET", "/api/v1/tokens"): Case(statuses(200, 200, 200, 200, 403), get("/api/v1/tokens"), only_own_tokens),
    ("POST", "/api/v1/tokens"): Case(statuses(201, 201, 201, 201, 403), send(
        "/api/v1/tokens", lambda w, actor, side: {"name": "ci", "scopes": ["conversations:read"]})),
    ("DELETE", "/api/v1/tokens/{token_id}"): Case(statuses(200, 404, 200, 404, 403), revoke_agent_token,
                                                  brand_object=True),
    ("GET", "/api/v1/users"): Case(OVERSIGHT, get("/api/v1/users"), only_colleagues),
    ("POST", "/api/v1/users"): Case(ADMIN_CREATES, send("/api/v1/users", lambda w, actor, side: {
        "email": f"new.{actor}@example.test", "name": "New Agent", "role": "agent", "password": PASSWORD,
        "brand_ids": [w.a.brand.id]})),
    ("GET", "/api/v1/users/{user_id}"): Case(OVERSIGHT, get_agent),
    ("PATCH", "/api/v1/users/{user_id}"): Case(ADMIN_ONLY, patch_agent),
    ("GET", "/api/v1/teams"): Case(EVERYONE, get("/api/v1/teams")),
    ("POST", "/api/v1/teams"): Case(ADMIN_CREATES, send("/api/v1/teams", lambda w, actor, side: {
        "name": f"VIP desk {actor}"})),
    ("GET", "/api/v1/audit"): Case(OVERSIGHT, get("/api/v1/audit?limit=500"), no_brand_b_audit),
    ("GET", "/api/v1/audit/verify"): Case(OVERSIGHT, get("/api/v1/audit/verify")),
    ("GET", "/api/v1/kb/categories"): Case(READ_A, get("/api/v1/kb/categories?brand_id={side.brand.id}"),
                                           brand_object=True),
    ("POST", "/api/v1/kb/categories"): Case(KB_CREATE_IN_A, send("/api/v1/kb/categories", lambda w, actor, side: {
        "brand_id": side.brand.id, "slug": f"c-{actor.replace('_', '-')}", "names": {"en": "Bonuses"}}),
        brand_object=True),
    ("PATCH", "/api/v1/kb/categories/{category_id}"): Case(KB_WRITE_A, kb_category, brand_object=True),
    ("GET", "/api/v1/kb/articles"): Case(READ_A, get("/api/v1/kb/articles?brand_id={side.brand.id}"),
                                         brand_object=True),
    ("POST", "/api/v1/kb/articles"): Case(KB_CREATE_IN_A, send("/api/v1/kb/articles", lambda w, actor, side: {
        "brand_id": side.brand.id, "slug": f"a-{actor.replace('_', '-')}", "locale": "en", "title": "Bonuses",
        "body": "Wager 30 times."}), brand_object=True),
    ("GET", "/api/v1/kb/articles/{article_id}"): Case(READ_A, kb_article(""), brand_object=True),
    ("PATCH", "/api/v1/kb/articles/{article_id}"): Case(KB_WRITE_A, kb_article("", {"intents": ["bonus_terms"]}),
                                                        brand_object=True),
    ("DELETE", "/api/v1/kb/articles/{article_id}"): Case(KB_WRITE_A, kb_article(""), brand_object=True),
    ("PUT", "/api/v1/kb/articles/{article_id}/translations/{locale}"): Case(KB_WRITE_A, kb_article(
        "/translations/pl", {"title": "Bonusy", "body": "Obrót 30 razy."}), brand_object=True),
    ("GET", "/api/v1/kb/articles/{article_id}/translations/{locale}/versions"): Case(
        READ_A, kb_article("/translations/en/versions"), brand_object=True),
    ("POST", "/api/v1/kb/articles/{article_id}/translations/{locale}/publish"): Case(
        KB_WRITE_A, kb_article("/translations/en/publish", {}), brand_object=True),
    ("POST", "/api/v1/kb/articles/{article_id}/translations/{locale}/unpublish"): Case(
        KB_WRITE_A, kb_article("/translations/en/unpublish"), brand_object=True),
    ("GET", "/api/v1/kb/search"): Case(READ_A, get("/api/v1/kb/search?brand_id={side.brand.id}&locale=en&q=bonus"),
                                       brand_object=True),
    ("GET", "/api/v1/kb/export"): Case(READ_A, get("/api/v1/kb/export?brand_id={side.brand.id}"), brand_object=True),
    ("POST", "/api/v1/kb/import"): Case(KB_WRITE_A, kb_import, brand_object=True),
    **{("POST", f"/api/v1/transparency/brands/{{brand_id}}/{what}"): Case(ADMIN_ONLY, send(
        f"/api/v1/transparency/brands/{{side.brand.id}}/{what}", lambda w, actor, side, item=item: {"items": [item]}),
        brand_object=True) for what, item in TRANSPARENCY_ITEMS.items()},
    ("GET", "/api/v1/macros"): Case(statuses(200, 200, 200, 200, 403), get("/api/v1/macros")),
    ("POST", "/api/v1/macros"): Case(statuses(201, 201, 403, 403, 403), send("/api/v1/macros", lambda w, actor, side: {
        "brand_id": side.brand.id, "shortcut": f"new-{actor}", "texts": {"en": {"title": "Hi", "body": "Hi"}}}),
        brand_object=True),
    ("GET", "/api/v1/macros/search"): Case(USE_A, get("/api/v1/macros/search?conversation_id={side.conversation_id}"),
                                           brand_object=True),
    ("GET", "/api/v1/macros/{macro_id}"): Case(USE_A, macro(""), brand_object=True),
    ("PATCH", "/api/v1/macros/{macro_id}"): Case(EDIT_A, macro("", {"texts": {"en": {"title": "Hi", "body": "Hi"}}}),
                                                  brand_object=True),
    ("DELETE", "/api/v1/macros/{macro_id}"): Case(EDIT_A, macro(""), brand_object=True),
    ("GET", "/api/v1/macros/{macro_id}/render"): Case(USE_A, macro("/render?conversation_id={side.conversation_id}"),
                                                      brand_object=True),
    ("GET", "/api/v1/playbooks"): Case(USE_A, get("/api/v1/playbooks?brand_id={side.brand.id}"), brand_object=True),
    ("POST", "/api/v1/playbooks"): Case(statuses(201, 201, 403, 403, 403), send(
        "/api/v1/playbooks", lambda w, actor, side: {
            "brand_id": side.brand.id, "intent": {"admin": "complaint", "supervisor": "game_issue"}.get(actor, "other"),
            "titles": {"en": "Complaint"}, "steps": [{"titles": {"en": "Apologise"}}]}), brand_object=True),
    ("GET", "/api/v1/playbooks/adherence"): Case(SUPERVISE, get("/api/v1/playbooks/adherence")),
    ("GET", "/api/v1/playbooks/{playbook_id}"): Case(USE_A, playbook("/api/v1/playbooks/{id}"), brand_object=True),
    ("PATCH", "/api/v1/playbooks/{playbook_id}"): Case(statuses(200, 200, 403, 403, 403), playbook(
        "/api/v1/playbooks/{id}", {"titles": {"en": "Withdrawal late"}}), brand_object=True),
    ("GET", "/api/v1/playbooks/{playbook_id}/versions"): Case(USE_A, playbook("/api/v1/playbooks/{id}/versions"),
                                                              brand_object=True),
    ("GET", "/api/v1/conversations/{conversation_id}/playbook"): Case(USE_A, playbook(
        "/api/v1/conversations/{side.conversation_id}/playbook"), brand_object=True),
    ("PUT", "/api/v1/conversations/{conversation_id}/playbook"): Case(USE_A, playbook(
        "/api/v1/conversations/{side.conversation_id}/playbook", {"playbook_id": None}), brand_object=True),
    ("PUT", "/api/v1/conversations/{conversation_id}/playbook/steps/{step}"): Case(USE_A, playbook(
        "/api/v1/conversations/{side.conversation_id}/playbook/steps/1", {"done": True}), brand_object=True),
    ("GET", "/api/v1/brands/{brand_id}/assistant"): Case(SUPERVISE, get("/api/v1/brands/{side.brand.id}/assistant"),
                                                        brand_object=True),
    ("PUT", "/api/v1/brands/{brand_id}/assistant"): Case(SUPERVISE, send(
        "/api/v1/brands/{side.brand.id}/assistant", lambda w, actor, side: {
            "enabled": False, "facts_provider": "demo", "teams": {"complaint": None}}), brand_object=True),
    ("GET", "/api/v1/transparency/brands/{brand_id}/reports/payouts"): Case(
        READ_A, get("/api/v1/transparency/brands/{side.brand.id}/reports/payouts"), brand_object=True),
    ("GET", "/api/v1/transparency/brands/{brand_id}/reports/payment-methods"): Case(
        READ_A, get("/api/v1/transparency/brands/{side.brand.id}/reports/payment-methods?days=90"),
        brand_object=True),
}


def api_routes(app) -> set[tuple[str, str]]:
    return {(method, route.path) for route in iter_route_contexts(app.routes)
            if (route.path or "").startswith("/api/v1") for method in route.methods or () if method != "HEAD"}


def test_every_api_route_has_a_matrix_entry(app):
    routes = api_routes(app)
    assert routes - MATRIX.keys() == set(), "add these routes to MATRIX"
    assert MATRIX.keys() - routes == set(), "these MATRIX entries match no route"


async def _request(w: World, case: Case, method: str, actor: str | None, side: Side):
    url, kwargs = await case.build(w, actor or "anonymous", side)
    headers = w.headers(actor) if actor else {}
    return await w.client.request(method, url, headers=headers, **kwargs)


@pytest.mark.parametrize("key", sorted(MATRIX), ids=[f"{m} {p}" for m, p in sorted(MATRIX)])
async def test_route_answers_each_caller_exactly(key, client, db):
    method, _path = key
    case = MATRIX[key]
    w = await build_world(client, db)
    got = {}
    for actor in ACTORS:
        response = await _request(w, case, method, actor, w.a)
        got[actor] = response.status_code
        if response.status_code == 200 and case.visible is not None:
            case.visible(w, actor, response.json())
        if response.status_code >= 400:
            assert response.json()["error"]["message"], response.text
    assert got == case.expect

    if case.brand_object:  # the mirror image: brand B's object, seen by brand A's agent and brand B's agent
        mirrored = {a: (await _request(w, case, method, a, w.b)).status_code for a in ("agent_a", "agent_b")}
        assert mirrored == {"agent_a": case.expect["agent_b"], "agent_b": case.expect["agent_a"]}

    anonymous = await _request(w, case, method, None, w.a)
    if case.public:
        assert anonymous.status_code == 200
    else:
        assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "token_missing"
        assert anonymous.headers["www-authenticate"] == "Bearer"


async def test_an_agent_of_two_brands_sees_both_and_nothing_else(client, db):
    w = await build_world(client, db)
    third, _channel = await make_brand(db, slug="charlie")
    both = await make_user(db, "both@example.test", Role.agent, [w.a.brand, w.b.brand])
    token = await api_token(db, both)
    listed = await client.get("/api/v1/conversations", headers={"Authorization": f"Bearer {token}"})
    assert {c["brand_id"] for c in listed.json()["items"]} == {w.a.brand.id, w.b.brand.id}
    brands = await client.get("/api/v1/brands", headers={"Authorization": f"Bearer {token}"})
    assert {b["id"] for b in brands.json()} == {w.a.brand.id, w.b.brand.id}
    hidden = await client.get(f"/api/v1/brands/{third.id}", headers={"Authorization": f"Bearer {token}"})
    assert hidden.status_code == 404
