"""The assistant's tests share a casino with the assistant enabled."""

from __future__ import annotations

import pytest

from croupier.assistant import settings as assistant_settings
from croupier.auth.users import user_service
from croupier.demo.knowledge_base import seed_knowledge_base
from croupier.models import HandoffReason, Helpline
from tests.factories import make_brand


@pytest.fixture
async def casino(db):
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
