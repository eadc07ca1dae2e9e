"""Brand rules: creating a brand gives it a web chat channel with its widget key and identity secret."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.brand import repository
from croupier.brand.schemas import BrandIn, BrandUpdate
from croupier.errors import BadRequest, Conflict, NotFound
from croupier.kit import secrets
from croupier.kit.i18n import N_, available_locales
from croupier.models import Brand, Channel, ChannelType


def _check_locales(default: str, locales: list[str]) -> None:
    supported = available_locales()
    unknown = [code for code in [default, *locales] if code not in supported]
    if unknown:
        raise BadRequest(N_("Unsupported language: %(codes)s. Supported: %(supported)s."), code="unknown_locale",
                         codes=", ".join(sorted(set(unknown))), supported=", ".join(supported))
    if default not in locales:
        raise BadRequest(N_("The default language must be one of the brand's languages."),
                         code="default_locale_not_listed")


class BrandService:
    async def create(self, session: AsyncSession, principal: Principal | None, data: BrandIn, *,
                     ip: str | None = None) -> Brand:
        """Create a brand; `principal` None means the command line or the demo seed."""
        if principal is not None:
            principal.require("brands:write")
        _check_locales(data.default_locale, data.locales)
        if await repository.brand_by_slug(session, data.slug):
            raise Conflict(N_("A brand with the address name '%(slug)s' already exists."), slug=data.slug)
        brand = Brand(**data.model_dump())
        session.add(brand)
        await session.flush()
        session.add(Channel(brand_id=brand.id, type=ChannelType.webchat, name="Web chat",
                            key=f"wc_{secrets.token(12)}", secret=secrets.token(32), config={}))
        await session.flush()
        await audit_service.record(session, "brand.created", principal=principal, actor="cli", target_type="brand",
                                   target_id=brand.id, brand_id=brand.id, ip=ip, slug=brand.slug)
        return brand

    async def list(self, session: AsyncSession, principal: Principal) -> list[Brand]:
        principal.require("brands:read")
        return await repository.visible_brands(session, principal)

    async def channels(self, session: AsyncSession, principal: Principal, brand_ids: list[int]
                       ) -> list[Channel]:
        """The channels of the given brands the principal can see."""
        principal.require("brands:read")
        return await repository.channels_of(session, [b for b in brand_ids if principal.sees_brand(b)])

    async def get(self, session: AsyncSession, principal: Principal, brand_id: int) -> Brand:
        principal.require("brands:read")
        brand = await repository.brand_for(session, principal, brand_id)
        if brand is None:
            raise NotFound(N_("There is no brand %(id)s."), id=brand_id)
        return brand

    async def update(self, session: AsyncSession, principal: Principal, brand_id: int, data: BrandUpdate, *,
                     ip: str | None = None) -> Brand:
        principal.require("brands:write")
        brand = await self.get(session, principal, brand_id)
        changes = data.model_dump(exclude_unset=True)
        _check_locales(changes.get("default_locale", brand.default_locale), changes.get("locales", brand.locales))
        for field, value in changes.items():
            setattr(brand, field, value)
        await audit_service.record(session, "brand.updated", principal=principal, target_type="brand",
                                   target_id=brand.id, brand_id=brand.id, ip=ip, changes=changes)
        return brand

    async def add_channel(self, session: AsyncSession, principal: Principal | None, brand_id: int,
                          type_: ChannelType, name: str, config: dict[str, object], *,
                          ip: str | None = None) -> Channel:
        """Add a provider channel; its key addresses the webhook, its secret verifies the provider."""
        if principal is not None:
            principal.require("brands:write")
            await self.get(session, principal, brand_id)
        if type_ == ChannelType.webchat:
            raise BadRequest(N_("Every brand already has its web chat channel."), code="webchat_exists")
        channel = Channel(brand_id=brand_id, type=type_, name=name.strip()[:200] or type_.value,
                          key=f"{type_.value[:2]}_{secrets.token(12)}", secret=secrets.token(32), config=config)
        session.add(channel)
        await session.flush()
        await audit_service.record(session, "channel.created", principal=principal, actor="cli",
                                   target_type="channel", target_id=channel.id, brand_id=brand_id, ip=ip,
                                   type=type_.value)
        return channel

    async def channel(self, session: AsyncSession, principal: Principal, channel_id: int) -> Channel:
        principal.require("brands:read")
        channel = await session.get(Channel, channel_id)
        if channel is None or not principal.sees_brand(channel.brand_id):
            raise NotFound(N_("There is no channel %(id)s."), id=channel_id)
        return channel

    async def set_channel_active(self, session: AsyncSession, principal: Principal, channel_id: int,
                                 active: bool, *, ip: str | None = None) -> Channel:
        """Disable a provider channel (its webhook answers 404 and nothing is received) or enable it again."""
        principal.require("brands:write")
        channel = await self.channel(session, principal, channel_id)
        if channel.type == ChannelType.webchat:
            raise BadRequest(N_("The web chat channel cannot be disabled here."), code="webchat_always_on")
        if channel.is_active != active:
            channel.is_active = active
            await audit_service.record(session, "channel.enabled" if active else "channel.disabled",
                                       principal=principal, target_type="channel", target_id=channel.id,
                                       brand_id=channel.brand_id, ip=ip)
        return channel

    async def rotate_identity_secret(self, session: AsyncSession, principal: Principal, brand_id: int, *,
                                     ip: str | None = None) -> Channel:
        principal.require("brands:write")
        brand = await self.get(session, principal, brand_id)
        channel = await repository.webchat_channel(session, brand.id)
        if channel is None:
            raise NotFound(N_("This brand has no web chat channel."))
        channel.secret = secrets.token(32)
        await audit_service.record(session, "channel.secret_rotated", principal=principal, target_type="channel",
                                   target_id=channel.id, brand_id=brand.id, ip=ip)
        return channel


brand_service = BrandService()
