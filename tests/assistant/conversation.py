"""A casino with the assistant enabled, and a player asking it through the widget's API with the worker
running its job."""

from __future__ import annotations

from croupier.assistant import settings as assistant_settings
from croupier.auth.users import user_service
from croupier.demo.knowledge_base import seed_knowledge_base
from croupier.models import HandoffReason, Helpline
from tests.channels.pipeline import run
from tests.factories import make_brand, player_says


async def history(client, token) -> list[dict]:
    r = await client.get("/api/widget/v1/messages", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return r.json()


async def ask(client, db, token, text) -> list[dict]:
    """The player writes, the worker runs; the assistant's messages written since."""
    before = await history(client, token)
    await player_says(client, token, text)
    await run(db)
    return [m for m in (await history(client, token))[len(before):] if m["author_type"] == "assistant"]


async def assistant_casino(db):
    """The demo's Lucky Star brand with its knowledge base, helplines and teams, assistant enabled."""
    brand, channel = await make_brand(db, slug="lucky-star", name="Lucky Star Casino")
    async with db.transaction() as s:
        await seed_knowledge_base(s, brand)
        s.add_all([Helpline(brand_id=brand.id, country="PL", name="KCPU telefon zaufania", phone="801 889 880"),
                   Helpline(brand_id=brand.id, country="FI", name="Peluuri", phone="0800 100 101")])
        teams = {name: await user_service.create_team(s, None, name) for name in
                 ("Responsible gambling", "Security", "Complaints")}
        await assistant_settings.configure(s, brand.id, enabled=True, facts_provider="demo", teams={
            HandoffReason.responsible_gambling: "Responsible gambling",
            HandoffReason.account_security: "Security", HandoffReason.complaint: "Complaints"})
    return brand, channel, {name: t.id for name, t in teams.items()}
