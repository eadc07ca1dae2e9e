"""A player asking the assistant through the widget's API, with the worker running its job."""

from __future__ import annotations

from tests.channels.pipeline import run
from tests.factories import player_says


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
