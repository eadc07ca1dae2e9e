"""Live fan-out: in one process, and between processes through a real Redis."""

from __future__ import annotations

import asyncio

from croupier.live import Hub, LiveEvent
from tests.servers import redis_server


def _event(brand_id: int = 1, conversation_id: int = 7, **kw) -> LiveEvent:
    return LiveEvent(type="message.created", brand_id=brand_id, conversation_id=conversation_id, **kw)


async def _next(sub, timeout: float = 5.0):
    return await asyncio.wait_for(sub.queue.get(), timeout)


class TestInMemory:
    async def test_subscriber_gets_only_what_it_wants(self):
        hub = Hub()
        await hub.start()
        async with hub.subscribe(lambda e: e.brand_id == 1) as sub:
            await hub.publish(_event(brand_id=2))
            await hub.publish(_event(brand_id=1, data={"n": 1}))
            got = await _next(sub)
            assert got.brand_id == 1 and got.data == {"n": 1}
            assert sub.queue.empty()
        await hub.stop()

    async def test_a_stuck_subscriber_is_cut_off_not_the_publisher(self):
        hub = Hub()
        await hub.start()
        async with hub.subscribe(lambda e: True) as sub:
            for i in range(1005):
                await hub.publish(_event(data={"i": i}))
            assert sub.overflowed
            items = [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]
            assert items[-1] is None  # end-of-stream marker: the client reconnects and re-reads
        await hub.stop()


class TestThroughRedis:
    async def test_events_cross_between_two_hubs(self, redis_url):
        a, b = Hub(redis_url), Hub(redis_url)
        await a.start()
        await b.start()
        try:
            async with b.subscribe(lambda e: e.to_player and e.identity_id == 42) as sub:
                await a.publish(_event(identity_id=41, to_player=True))
                await a.publish(_event(identity_id=42, to_player=True, data={"body": "hi"}))
                got = await _next(sub)
                assert got.identity_id == 42 and got.data == {"body": "hi"}
        finally:
            await a.stop()
            await b.stop()

    async def test_a_burst_of_concurrent_publishers_arrives_complete_and_in_order(self, redis_url):
        a, b = Hub(redis_url), Hub(redis_url)
        await a.start()
        await b.start()
        try:
            async with b.subscribe(lambda e: True) as sub:
                await asyncio.gather(*(a.publish(_event(data={"i": i})) for i in range(300)))
                got = [(await _next(sub)).data["i"] for _ in range(300)]
                assert got == list(range(300))
        finally:
            await a.stop()
            await b.stop()

    async def test_publishers_hear_when_redis_is_gone(self):
        with redis_server() as url:
            hub = Hub(url)
            await hub.start()
        try:  # the server is stopped now
            results = await asyncio.wait_for(
                asyncio.gather(hub.publish(_event()), hub.publish(_event()), return_exceptions=True), 30)
            assert all(isinstance(r, Exception) for r in results), results
        finally:
            await hub.stop()


class TestPublishSoon:
    async def test_events_arrive_without_the_publisher_waiting_and_a_refusal_is_logged(self, monkeypatch, caplog):
        from croupier.live import hub as hub_module
        from croupier.live import publish_soon, set_hub

        hub = Hub()
        await hub.start()
        set_hub(hub)
        try:
            async with hub.subscribe(lambda e: True) as sub:
                publish_soon([_event(data={"n": 1}), _event(data={"n": 2})])
                assert sub.queue.empty()  # nothing was awaited: the caller goes on first
                assert [(await _next(sub)).data["n"] for _ in range(2)] == [1, 2]

                async def refused(event):
                    raise ConnectionError("redis is gone")

                monkeypatch.setattr(hub, "publish", refused)
                publish_soon([_event()])
                for _ in range(50):
                    if not hub_module._publishing:
                        break
                    await asyncio.sleep(0.01)
            assert "a live event was not published: redis is gone" in caplog.text
        finally:
            set_hub(None)
            await hub.stop()
