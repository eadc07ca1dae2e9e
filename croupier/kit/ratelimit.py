"""Rate limits (the `limits` library): in memory for one process, in Redis when processes share the load."""

from __future__ import annotations

import time

from limits import parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from croupier.errors import TooManyRequests
from croupier.kit.i18n import N_


class RateLimits:
    def __init__(self, redis_url: str = "") -> None:
        # redis-py (already a dependency) rather than limits' default async client, coredis.
        storage: Storage = (storage_from_string(f"async+{redis_url}", implementation="redispy")  # type: ignore[assignment]
                            if redis_url else MemoryStorage())
        self.limiter = MovingWindowRateLimiter(storage)

    async def allows(self, rule: str, *key: str) -> bool:
        """Whether one more hit would be within the limit (counts nothing: see `count`)."""
        return await self.limiter.test(parse(rule), *key)

    async def count(self, rule: str, *key: str) -> None:
        """Count a hit already known to be allowed."""
        await self.limiter.hit(parse(rule), *key)

    async def hit(self, rule: str, *key: str) -> None:
        item = parse(rule)
        if not await self.limiter.hit(item, *key):
            stats = await self.limiter.get_window_stats(item, *key)
            retry = max(1, int(stats.reset_time - time.time()))
            raise TooManyRequests(N_("Too many requests. Try again in %(retry_after)s seconds."),
                                  headers={"Retry-After": str(retry)}, retry_after=retry)

    async def reset(self) -> None:
        await self.limiter.storage.reset()
