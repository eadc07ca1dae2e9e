"""The operator's transparency API: who may post, per-item errors that never lose the valid items,
malformed and oversized bodies, brand scope and audit."""

from __future__ import annotations

from sqlalchemy import func, select

from croupier.models import AuditEntry, Game, PaymentTransaction, Role
from tests.api.world import bearer, count
from tests.factories import api_token, make_brand, make_user
from tests.transparency.data import GAMES, METHODS, operator


class TestBatches:
    async def test_valid_items_are_stored_and_bad_ones_explained(self, client, db):
        op = await operator(client, db)
        await op.post("payment-methods", METHODS[:1])
        items = [
            {"external_id": "ok-1", "method": "visa", "direction": "deposit", "amount": "10.00", "currency": "EUR",
             "requested_at": "2026-01-01T10:00:00Z", "completed_at": "2026-01-01T10:00:05Z", "status": "succeeded"},
            {"external_id": "no-tz", "method": "visa", "direction": "deposit", "amount": "10", "currency": "EUR",
             "requested_at": "2026-01-01T10:00:00", "status": "pending"},
            {"external_id": "backwards", "method": "visa", "direction": "withdrawal", "amount": "5", "currency": "EUR",
             "requested_at": "2026-01-02T10:00:00Z", "completed_at": "2026-01-01T10:00:00Z", "status": "failed"},
            {"external_id": "ghost", "method": "bitcoin", "direction": "deposit", "amount": "5", "currency": "EUR",
             "requested_at": "2026-01-01T10:00:00Z", "status": "pending"},
            {"external_id": "ok-1", "method": "visa", "direction": "deposit", "amount": "10.00", "currency": "EUR",
             "requested_at": "2026-01-01T10:00:00Z", "completed_at": "2026-01-01T10:00:05Z", "status": "succeeded"},
            "not an object",
            {"external_id": "neg", "method": "visa", "direction": "sideways", "amount": "-1", "currency": "euro",
             "requested_at": "yesterday", "status": "won"},
        ]
        r = await op.post("transactions", items)
        assert r.status_code == 422 and "items.5" in r.text  # the batch itself must be a list of objects
        r = await op.post("transactions", [i for i in items if isinstance(i, dict)])
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["created"] == 1
        rejected = {p["index"]: p for p in body["rejected"]}
        assert set(rejected) == {1, 2, 3, 4, 5}
        assert "time zone" in rejected[1]["problems"][0]["problem"]
        assert "before requested_at" in rejected[2]["problems"][0]["problem"]
        assert rejected[3]["problems"] == [{"field": "method", "problem": "no payment method with this code: post it first"}]
        assert "earlier in this batch" in rejected[4]["problems"][0]["problem"]
        assert {p["field"] for p in rejected[5]["problems"]} >= {"direction", "amount", "currency", "status"}
        assert rejected[5]["key"] == "neg"
        assert await count(db, PaymentTransaction) == 1

    async def test_games_licences_and_helplines_refuse_nonsense(self, client, db):
        op = await operator(client, db)
        r = await op.post("games", [{**GAMES[0], "theoretical_rtp": "101"}, {**GAMES[1], "std_dev": "0"},
                                    {**GAMES[2], "code": "bad code!"}, {**GAMES[0], "surprise": 1}])
        assert r.json()["created"] == 0 and [p["index"] for p in r.json()["rejected"]] == [0, 1, 2, 3]
        r = await op.post("licences", [{"licence_number": "X-1", "regulator": "Nobody", "jurisdiction": "ZZ",
                                        "register_url": "javascript:alert(1)"}])
        assert {p["field"] for p in r.json()["rejected"][0]["problems"]} == {"jurisdiction", "register_url"}
        r = await op.post("helplines", [{"country": "PL", "name": "Telefon zaufania"}])
        assert "phone number or a web address" in r.json()["rejected"][0]["problems"][0]["problem"]
        r = await op.post("payment-methods", [{**METHODS[0], "deposit_min": "100", "deposit_max": "10"},
                                              {**METHODS[1], "fees": {"xx": "free"}}])
        assert [p["index"] for p in r.json()["rejected"]] == [0, 1]
        assert "fees in unsupported languages: xx" in r.text

    async def test_malformed_oversized_and_wrongly_typed_bodies(self, client, db):
        op = await operator(client, db)
        url = f"/api/v1/transparency/brands/{op.brand.id}/games"
        malformed = await client.post(url, content=b'{"items": [', headers={**bearer(op.token),
                                                                           "content-type": "application/json"})
        assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed_json"
        too_big = await client.post(url, content=b'{"items": [' + b'{"code": "x"},' * 40_000 + b'{}]}',
                                    headers={**bearer(op.token), "content-type": "application/json"})
        assert too_big.status_code == 413
        csv_body = await client.post(url, content=b"code,name\nx,y", headers={**bearer(op.token),
                                                                             "content-type": "text/csv"})
        assert csv_body.status_code == 415
        too_many = await op.post("games", [GAMES[0]] * 1001)
        assert too_many.status_code == 422
        assert (await op.post("games", [])).status_code == 422
        assert await count(db, Game) == 0


class TestAccess:
    async def test_scope_brand_and_audit(self, client, db):
        op = await operator(client, db)
        other, _ = await make_brand(db, slug="other", name="Other Casino")
        supervisor = await make_user(db, "sup@lucky.test", Role.supervisor, [op.brand])
        sup_token = await api_token(db, supervisor)
        r = await client.post(f"/api/v1/transparency/brands/{op.brand.id}/games", json={"items": GAMES},
                              headers=bearer(sup_token))
        assert r.status_code == 403
        read_only = await api_token(db, await make_user(db, "ro@lucky.test", Role.admin), ["brands:read"])
        r = await client.post(f"/api/v1/transparency/brands/{op.brand.id}/games", json={"items": GAMES},
                              headers=bearer(read_only))
        assert r.status_code == 403 and "transparency:write" in r.json()["error"]["message"]
        scoped_admin = await make_user(db, "scoped@lucky.test", Role.admin)
        r = await client.post(f"/api/v1/transparency/brands/{other.id + 999}/games", json={"items": GAMES},
                              headers=bearer(await api_token(db, scoped_admin, ["transparency:write"])))
        assert r.status_code == 404
        assert (await op.post("games", GAMES)).json()["created"] == 3
        async with db.transaction() as s:
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "transparency.games_posted"))
            assert entry.brand_id == op.brand.id and entry.details["created"] == 3
            assert await s.scalar(select(func.count()).select_from(Game)) == 3
        assert (await client.get(f"/api/v1/transparency/brands/{op.brand.id}/reports/payouts")).status_code == 401
