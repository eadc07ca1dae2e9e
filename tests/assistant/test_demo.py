"""The demo: both brands have the assistant on, so a demo visitor asking about their withdrawal gets an
answer from the demo knowledge base, and the demo's logged-in player hears about their own withdrawal."""

from __future__ import annotations

from sqlalchemy import func, select, update

from croupier.brand import repository as brands
from croupier.demo.players import DEMO_PLAYERS
from croupier.demo.seed import seed
from croupier.models import AssistantSettings, AssistantTurn, Brand, Conversation, Player, Status
from tests.assistant.conversation import ask
from tests.factories import widget_session


async def test_demo_visitors_get_answers_and_the_seeded_dialogues_none(client, db, settings):
    await seed(settings)
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(AssistantTurn)) == 0  # history is not answered
        enabled = {b.slug: a.enabled for b, a in (await s.execute(select(Brand, AssistantSettings).join(
            AssistantSettings, AssistantSettings.brand_id == Brand.id))).all()}
        lucky = await s.scalar(select(Brand).where(Brand.slug == "lucky-star"))
        nordic = await s.scalar(select(Brand).where(Brand.slug == "nordic-spins"))
        lucky_chat, nordic_chat = await brands.webchat_channel(s, lucky.id), await brands.webchat_channel(s, nordic.id)
    assert enabled == {"lucky-star": True, "nordic-spins": True}

    visitor = await widget_session(client, lucky_chat, locale="en")
    [reply] = await ask(client, db, visitor, "where is my withdrawal")
    assert "/help/lucky-star/en/a/withdrawal-times" in reply["body"] and "approved today" not in reply["body"]

    mikko = DEMO_PLAYERS["nordic-spins"]
    async with db.transaction() as s:  # his seeded conversation, answered by an agent, is closed: a new one opens
        await s.execute(update(Conversation).where(Conversation.player_id.in_(
            select(Player.id).where(Player.external_id == mikko.id))).values(status=Status.closed))
    player = await widget_session(client, nordic_chat, player_id=mikko.id, name=mikko.name, locale="fi")
    [reply] = await ask(client, db, player, "missä kotiutukseni on?")
    assert "Trustly-kotiutuksesi (180,00\xa0€) hyväksyttiin tänään" in reply["body"]
    assert "1 tunnin kuluessa" in reply["body"] and "/help/nordic-spins/fi/a/withdrawal-times" in reply["body"]
