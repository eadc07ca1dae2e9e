"""Channel administration (administrators only): each brand's channels with their webhook addresses,
adding a Telegram bot, disabling and enabling a channel, and sending a test message through it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.brand.service import brand_service
from croupier.channels import probe
from croupier.config import get_settings
from croupier.console.rendering import go, render
from croupier.console.staff import Staff, signed_in
from croupier.errors import BadRequest, Forbidden
from croupier.kit import i18n
from croupier.kit.i18n import N_
from croupier.models import Role
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/admin/channels")
PAGE = "/console/admin/channels"
TEST_TEXT = N_("This is a test message from your casino's support desk. No reply is needed.")


def _admin(staff: Staff) -> Staff:
    if staff.role != Role.admin:
        raise Forbidden(N_("Only administrators can manage channels."), code="admin_only")
    return staff


async def admin(staff: Staff = Depends(signed_in)) -> Staff:
    return _admin(staff)


def webhook_url(key: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}/channels/{key}/webhook"


def _tails(config: dict[str, Any]) -> list[str]:
    """The last characters of each encrypted secret in a channel's config (never the secret itself)."""
    return [str(v) for k, v in sorted(config.items()) if k.endswith("_last4") and v]


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _id(form: Any, name: str) -> int:
    value = _text(form, name)
    if not value.isdigit() or len(value) > 12:
        raise BadRequest(N_("The field '%(name)s' does not accept the value '%(value)s'."), code="invalid_field",
                         name=name, value=value[:20])
    return int(value)


@router.get("", response_class=HTMLResponse)
async def page(request: Request, staff: Staff = Depends(admin),
               session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    brands = await brand_service.list(session, staff.principal)
    channels = await brand_service.channels(session, staff.principal, [b.id for b in brands])
    tests = await probe.latest_tests(session, [c.id for c in channels])
    rows = [{"channel": c, "webhook": webhook_url(c.key), "secret_tails": _tails(c.config), "test": tests.get(c.id)}
            for c in channels]
    return render(request, "admin/channels.html", brands=brands,
                  rows_by_brand={b.id: [r for r in rows if r["channel"].brand_id == b.id] for b in brands},
                  added=request.query_params.get("added"), tested=request.query_params.get("tested"))


@router.post("")
async def add(request: Request, staff: Staff = Depends(admin), session: AsyncSession = Depends(session_dep)
              ) -> Response:
    form = await request.form()
    channel = await brand_service.add_telegram_channel(
        session, staff.principal, _id(form, "brand_id"), _text(form, "name"), _text(form, "bot_token"),
        ip=client_ip(request))
    return go(request, f"{PAGE}?added={channel.id}")


@router.post("/{channel_id:int}/{action:str}")
async def change(channel_id: int, action: str, request: Request, staff: Staff = Depends(admin),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    if action == "test":
        form = await request.form()
        await probe.send_test(session, staff.principal, channel_id, _text(form, "chat_id"),
                              i18n.gettext(TEST_TEXT), ip=client_ip(request))
        return go(request, f"{PAGE}?tested={channel_id}#channel-{channel_id}")
    if action not in ("enable", "disable"):
        raise BadRequest(N_("Unknown action."), code="unknown_action")
    await brand_service.set_channel_active(session, staff.principal, channel_id, action == "enable",
                                           ip=client_ip(request))
    return go(request, f"{PAGE}#channel-{channel_id}")
