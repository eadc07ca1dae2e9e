"""Channel administration (administrators only): each brand's channels with their webhook addresses (email
channels, which receive by IMAP or the SMTP listener, show where mail arrives instead); adding
a channel of any provider type and changing its settings through a form built from the type's settings
(channels/config.py); disabling and enabling a channel; sending a test message through it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.brand.service import brand_service
from croupier.channels import probe
from croupier.channels.admin import channel_admin, settings_of
from croupier.channels.config import InvalidSettings
from croupier.channels.registry import CONFIGS
from croupier.config import get_settings
from croupier.console.channel_admin_view import form_fields, mail_facts
from croupier.console.rendering import go, render
from croupier.console.staff import Staff, signed_in
from croupier.errors import BadRequest, Forbidden
from croupier.kit import i18n
from croupier.kit.i18n import N_
from croupier.models import Brand, Channel, ChannelType, Role
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/admin/channels")
PAGE = "/console/admin/channels"
TEST_TEXT = N_("This is a test message from your casino's support desk. No reply is needed.")
NO_STORE = {"Cache-Control": "no-store"}


def _admin(staff: Staff) -> Staff:
    if staff.role != Role.admin:
        raise Forbidden(N_("Only administrators can manage channels."), code="admin_only")
    return staff


async def admin(staff: Staff = Depends(signed_in)) -> Staff:
    return _admin(staff)


NO_WEBHOOK = (ChannelType.webchat, ChannelType.email)  # our own widget; mail by IMAP or SMTP


def webhook_url(key: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}/channels/{key}/webhook"


def arrival(channel: Channel) -> dict[str, Any]:
    """How the channel receives: its webhook address, or (email) where mail arrives; None where not needed."""
    return {"webhook": None if channel.type in NO_WEBHOOK else webhook_url(channel.key),
            "mail": mail_facts(channel.config or {}) if channel.type == ChannelType.email else None}


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _id(form: Any, name: str) -> int:
    value = _text(form, name)
    if not value.isdigit() or len(value) > 12:
        raise BadRequest(N_("The field '%(name)s' does not accept the value '%(value)s'."), code="invalid_field",
                         name=name, value=value[:20])
    return int(value)


def _type(value: str) -> ChannelType:
    try:
        type_ = ChannelType(value)
    except ValueError:
        raise BadRequest(N_("There is no channel type '%(type)s'."), code="unknown_channel_type",
                         type=value[:20]) from None
    settings_of(type_)
    return type_


@router.get("", response_class=HTMLResponse)
async def page(request: Request, staff: Staff = Depends(admin),
               session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    brands = await brand_service.list(session, staff.principal)
    channels = await brand_service.channels(session, staff.principal, [b.id for b in brands])
    rows = [{"channel": c, **arrival(c), "configurable": c.type in CONFIGS} for c in channels]
    return render(request, "admin/channels.html", brands=brands, types=list(CONFIGS),
                  rows_by_brand={b.id: [r for r in rows if r["channel"].brand_id == b.id] for b in brands})


def _form_page(request: Request, brand: Brand, type_: ChannelType, channel: Channel | None, *,
               submitted: Any = None, error: InvalidSettings | None = None, **context: Any) -> HTMLResponse:
    """The settings form of a new channel (`channel` None) or of `channel`; 400 with the refusals marked."""
    errors = error.messages() if error else {}
    model = CONFIGS[type_]
    return render(request, "admin/channel.html", 400 if error else 200, brand=brand, type=type_, channel=channel,
                  name=_text(submitted, "name") if submitted is not None else (channel.name if channel else ""),
                  name_error=errors.get("name"), error=error.render() if error else None,
                  fields=form_fields(model, channel.config if channel else {}, submitted, errors),
                  test_recipient=model.test_recipient, **context)


@router.get("/new", response_class=HTMLResponse)
async def new(request: Request, staff: Staff = Depends(admin), session: AsyncSession = Depends(session_dep)
              ) -> HTMLResponse:
    query = request.query_params
    brand = await brand_service.get(session, staff.principal, _id(query, "brand_id"))
    return _form_page(request, brand, _type(_text(query, "type")), None)


@router.post("")
async def add(request: Request, staff: Staff = Depends(admin), session: AsyncSession = Depends(session_dep)
              ) -> Response:
    form = await request.form()
    brand = await brand_service.get(session, staff.principal, _id(form, "brand_id"))
    type_ = _type(_text(form, "type"))
    try:
        channel, shown = await channel_admin.add(session, staff.principal, brand.id, type_, _text(form, "name"), form,
                                                 ip=client_ip(request))
    except InvalidSettings as exc:
        return _form_page(request, brand, type_, None, submitted=form, error=exc)
    labels = {f.name: f.label for f in form_fields(CONFIGS[type_], channel.config, None, {})}
    return render(request, "admin/channel_added.html", headers=NO_STORE, brand=brand, channel=channel,
                  shown=[(labels[k], v) for k, v in shown.items()], **arrival(channel))


async def _channel_page(request: Request, staff: Staff, session: AsyncSession, channel_id: int, *,
                        submitted: Any = None, error: InvalidSettings | None = None) -> HTMLResponse:
    channel = await brand_service.channel(session, staff.principal, channel_id)
    brand = await brand_service.get(session, staff.principal, channel.brand_id)
    settings_of(channel.type)
    tests = await probe.latest_tests(session, [channel.id])
    return _form_page(request, brand, channel.type, channel, submitted=submitted, error=error,
                      **arrival(channel), test=tests.get(channel.id),
                      saved=request.query_params.get("saved"), tested=request.query_params.get("tested"))


@router.get("/{channel_id:int}", response_class=HTMLResponse)
async def settings_page(channel_id: int, request: Request, staff: Staff = Depends(admin),
                        session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    return await _channel_page(request, staff, session, channel_id)


@router.post("/{channel_id:int}")
async def save(channel_id: int, request: Request, staff: Staff = Depends(admin),
               session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    try:
        await channel_admin.update(session, staff.principal, channel_id, _text(form, "name"), form,
                                   ip=client_ip(request))
    except InvalidSettings as exc:
        return await _channel_page(request, staff, session, channel_id, submitted=form, error=exc)
    return go(request, f"{PAGE}/{channel_id}?saved=1")


@router.post("/{channel_id:int}/{action:str}")
async def change(channel_id: int, action: str, request: Request, staff: Staff = Depends(admin),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    if action == "test":
        form = await request.form()
        await probe.send_test(session, staff.principal, channel_id, _text(form, "recipient"),
                              i18n.gettext(TEST_TEXT), ip=client_ip(request))
        return go(request, f"{PAGE}/{channel_id}?tested=1#test")
    if action not in ("enable", "disable"):
        raise BadRequest(N_("Unknown action."), code="unknown_action")
    await brand_service.set_channel_active(session, staff.principal, channel_id, action == "enable",
                                           ip=client_ip(request))
    return go(request, f"{PAGE}#channel-{channel_id}")
