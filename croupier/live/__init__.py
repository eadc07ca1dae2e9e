"""Real-time fan-out of events to the console and the widget.

`publish()` is called by services (after commit, see `publish_after_commit`). Streams
(SSE endpoints) `subscribe()` with a predicate choosing what their audience may see.
In one process the hub is in memory; with CROUPIER_REDIS_URL set, every process
publishes to Redis and delivers what Redis sends back, so any process's subscribers
see every process's events.
"""

from croupier.live.hub import Hub, LiveEvent, get_hub, publish_after_commit, publish_soon, set_hub

__all__ = ["Hub", "LiveEvent", "get_hub", "publish_after_commit", "publish_soon", "set_hub"]
