"""Demo casino pages: a sample operator site per brand that embeds the widget with the real script tag.

The "logged-in player" switch signs the demo player's id on the server, exactly as an operator's
backend would. The pages exist for trying Croupier out and are switched off in production.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.brand import repository as brands
from croupier.channels.webchat.service import identity_signature, webchat_service
from croupier.config import get_settings
from croupier.demo.players import demo_player
from croupier.errors import NotFound
from croupier.kit import i18n
from croupier.kit.i18n import N_
from croupier.kit.templating import make_environment
from croupier.web import session_dep

router = APIRouter(prefix="/demo", include_in_schema=False)
templates = make_environment(Path(__file__).resolve().parent / "templates")

GAMES = [
    ("Book of Stars", ("#7c4dff", "#ff4081"), N_("Jackpot")), ("Gold Rush Express", ("#f5a623", "#8b2c00"), None),
    ("Aurora Reels", ("#00bfa5", "#1a237e"), N_("New")), ("Lightning Roulette", ("#ffd600", "#b71c1c"), N_("Live")),
    ("Viking Fortunes", ("#546e7a", "#0d47a1"), None), ("Sweet Cascade", ("#ff80ab", "#6a1b9a"), N_("New")),
    ("Blackjack VIP", ("#1b5e20", "#000000"), N_("Live")), ("Dragon Pearls", ("#d50000", "#ff6f00"), N_("Jackpot")),
    ("Midnight Fruits", ("#311b92", "#00e5ff"), None), ("Crazy Wheel", ("#ff3d00", "#ffea00"), N_("Live")),
    ("Frozen Gems", ("#80deea", "#283593"), None), ("Lucky Sevens", ("#c51162", "#311b92"), None),
]
THEMES = {"nordic-spins": "nordic"}
LICENCES = {"lucky-star": "MGA/B2C/417/2026", "nordic-spins": "EE-HKL-000318"}


def _open() -> None:
    if get_settings().production:
        raise NotFound(N_("There is nothing at this address."))


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("", response_class=HTMLResponse)
async def index(request: Request, session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    _open()
    locale = i18n.negotiate(request.headers.get("accept-language"))
    i18n.current_locale.set(locale)
    html = templates.get_template("index.html").render(
        locale=locale, base=_base(request), brands=await brands.active_brands(session))
    return HTMLResponse(html)


@router.get("/{slug}", response_class=HTMLResponse)
async def casino(request: Request, slug: str, as_: str = Query("visitor", alias="as", pattern="^(visitor|player)$"),
                 lang: str | None = Query(None, max_length=35),
                 session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    _open()
    brand = await brands.brand_by_slug(session, slug)
    channel = await brands.webchat_channel(session, brand.id) if brand is not None and brand.is_active else None
    if brand is None or channel is None or not channel.is_active:
        raise NotFound(N_("There is no demo casino %(slug)s."), slug=slug[:64])
    accepted = [part.split(";")[0] for part in request.headers.get("accept-language", "").split(",")]
    locale = webchat_service.locale_for(brand, lang, *accepted)
    i18n.current_locale.set(locale)
    player = demo_player(brand.slug)
    signed = as_ == "player"
    html = templates.get_template("casino.html").render(
        brand=brand, channel=channel, locale=locale, base=_base(request), theme=THEMES.get(brand.slug, "star"),
        games=[{"name": n, "colors": c, "tag": t} for n, c, t in GAMES], licence=LICENCES.get(brand.slug, "DEMO-0001"),
        player=signed, demo_player=player, signature=identity_signature(channel.secret, player.id) if signed else "",
        explicit_locale=bool(lang and i18n.normalize(lang) == locale),
        lang_query=f"&lang={locale}" if lang else "", as_query=f"&as={as_}")
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
