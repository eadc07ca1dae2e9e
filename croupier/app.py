"""The ASGI application: routers, middleware, and the lifespan that owns DB, live hub and rate limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from croupier import __version__, errors
from croupier.channels.email.listener import SmtpListeners
from croupier.config import Settings, get_settings
from croupier.db import Database
from croupier.kit import gc as gc_tuning
from croupier.kit.asgi import build_routes
from croupier.kit.middleware import BodyLimit, RequestLocale, SecurityHeaders
from croupier.kit.ratelimit import RateLimits
from croupier.live import Hub, set_hub
from croupier.worker.runner import Runner


def served_app() -> FastAPI:
    """The app as `croupier serve` runs it (each worker process, until stopped)."""
    gc_tuning.long_lived()
    return create_app()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = Database(settings)
        app.state.rate_limits = RateLimits(settings.redis_url)
        # Per process, in memory: limits hit on every message, where a Redis round trip would cost more
        # than the message (a visitor's limit then holds per worker process).
        app.state.local_rate_limits = RateLimits()
        hub = Hub(settings.redis_url)
        await hub.start()
        set_hub(hub)
        runner = Runner(app.state.db, concurrency=settings.worker_concurrency) if settings.run_worker else None
        if runner:
            runner.start()
        app.state.smtp_listeners = SmtpListeners(app.state.db)  # email channels' built-in SMTP servers
        # A shared client for what the processes keep together (the help centre's pages); None: no Redis.
        app.state.redis = aioredis.from_url(settings.redis_url) if settings.redis_url else None
        await app.state.smtp_listeners.start()
        if gc_tuning.is_long_lived():  # a process serving until stopped: its first requests wait for nothing
            await build_routes(app)
            await app.state.db.open_pool(settings.db_pool_size)
            gc_tuning.settle()
        try:
            yield
        finally:
            await app.state.smtp_listeners.stop()
            if runner:
                await runner.stop()
            await hub.stop()
            if app.state.redis is not None:
                await app.state.redis.aclose()
            set_hub(None)
            await app.state.db.dispose()

    app = FastAPI(title="Croupier", version=__version__, lifespan=lifespan,
                  description="Player support for online casino operators. REST API v1: authenticate with "
                              "`Authorization: Bearer crp_…` (create tokens in the console or with the API).",
                  openapi_url="/api/v1/openapi.json", docs_url="/api/v1/docs", redoc_url=None)
    errors.install(app)

    from croupier.assistant.api import router as assistant_api
    from croupier.audit.endpoints import router as audit_api
    from croupier.auth.endpoints import router as auth_api
    from croupier.brand.endpoints import router as brand_api
    from croupier.call.endpoints import router as call_api
    from croupier.channels.endpoints import router as channel_webhooks
    from croupier.channels.intake import WebhookFastPath
    from croupier.channels.webchat.endpoints import router as widget_api
    from croupier.channels.webchat.fastpath import WidgetMessageFastPath
    from croupier.console.routes import router as console
    from croupier.conversation.endpoints import router as conversation_api
    from croupier.demo.routes import router as demo
    from croupier.health import router as health
    from croupier.helpcenter.page_cache import HelpPageCache
    from croupier.helpcenter.routes import router as help_centre
    from croupier.kb.endpoints import router as kb_api
    from croupier.macro.endpoints import router as macro_api
    from croupier.playbook.endpoints import router as playbook_api
    from croupier.player.endpoints import router as player_api
    from croupier.transparency.endpoints import router as transparency_api
    from croupier.transparency.public_routes import router as transparency_pages
    from croupier.widget.routes import router as widget_static

    # Routes are matched in this order, one by one: the busiest first (the players' widget API, provider
    # webhooks, the public help centre), the console's two hundred routes late.
    for router in (widget_api, channel_webhooks, help_centre, health, brand_api, player_api, conversation_api,
                   call_api, auth_api, audit_api, kb_api, macro_api, playbook_api, assistant_api, transparency_api,
                   transparency_pages, widget_static, console, demo):
        app.include_router(router)

    app.add_middleware(WidgetMessageFastPath)  # innermost: the middleware below still wraps it
    app.add_middleware(WebhookFastPath)
    app.add_middleware(HelpPageCache, max_bytes=settings.help_cache_mb * 1024 * 1024,
                       check_seconds=settings.help_cache_check_ms / 1000)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False,
                       allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                       allow_headers=["Authorization", "Content-Type", "Accept-Language"])
    app.add_middleware(RequestLocale)
    app.add_middleware(SecurityHeaders, hsts=settings.production)
    app.add_middleware(BodyLimit, json_limit=settings.max_json_bytes,
                       upload_limit=settings.attachment_max_bytes + 64 * 1024)
    return app
