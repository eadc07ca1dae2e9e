"""Channel administration rules: adding a provider channel from its settings form and changing its name
and settings, validated against the channel type's `ChannelConfig` (registry.CONFIGS) with secrets sealed.
Every change is audited with the names of the settings it changed, never their values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.brand import repository
from croupier.brand.service import brand_service
from croupier.channels.config import MESSAGES, ChannelConfig, InvalidSettings, apply
from croupier.channels.registry import CONFIGS
from croupier.errors import BadRequest
from croupier.kit.i18n import N_
from croupier.models import Channel, ChannelType

MAX_NAME = 200
NAME_TAKEN = N_("This brand already has a channel with this name.")


def settings_of(type_: ChannelType) -> type[ChannelConfig]:
    model = CONFIGS.get(type_)
    if model is None:
        raise BadRequest(N_("Channels of this type cannot be set up here."), code="channel_type_not_configurable")
    return model


class ChannelAdmin:
    async def add(self, session: AsyncSession, principal: Principal, brand_id: int, type_: ChannelType, name: str,
                  form: Mapping[str, Any], *, ip: str | None = None) -> tuple[Channel, dict[str, str]]:
        """(the new channel, the secrets generated for it, to be shown this once); InvalidSettings if refused."""
        principal.require("brands:write")
        await brand_service.get(session, principal, brand_id)
        name = name.strip()
        config, shown = await self._checked(session, settings_of(type_), brand_id, name, form, {}, None)
        channel = await brand_service.add_channel(session, principal, brand_id, type_, name, config, ip=ip)
        return channel, shown

    async def update(self, session: AsyncSession, principal: Principal, channel_id: int, name: str,
                     form: Mapping[str, Any], *, ip: str | None = None) -> Channel:
        """Change a channel's name and settings; a secret left empty keeps its stored value."""
        principal.require("brands:write")
        channel = await brand_service.channel(session, principal, channel_id)
        name = name.strip()
        config, _shown = await self._checked(session, settings_of(channel.type), channel.brand_id, name, form,
                                             channel.config, channel.id)
        changed = sorted({k.removesuffix("_enc").removesuffix("_last4") for k in config.keys() | channel.config.keys()
                          if config.get(k) != channel.config.get(k)} | ({"name"} if name != channel.name else set()))
        if changed:
            channel.name, channel.config = name, config
            await audit_service.record(session, "channel.updated", principal=principal, target_type="channel",
                                       target_id=channel.id, brand_id=channel.brand_id, ip=ip, changed=changed)
        return channel

    async def _checked(self, session: AsyncSession, model: type[ChannelConfig], brand_id: int, name: str,
                       form: Mapping[str, Any], current: Mapping[str, Any], channel_id: int | None
                       ) -> tuple[dict[str, Any], dict[str, str]]:
        problems: dict[str, tuple[str, dict[str, Any]]] = {}
        if not name:
            problems["name"] = (MESSAGES["missing"], {})
        elif len(name) > MAX_NAME:
            problems["name"] = (MESSAGES["string_too_long"], {"max_length": MAX_NAME})
        else:
            same = await repository.channel_named(session, brand_id, name)
            if same is not None and same.id != channel_id:
                problems["name"] = (NAME_TAKEN, {})
        try:
            config, shown = apply(model, form, current)
        except InvalidSettings as exc:
            raise InvalidSettings({**problems, **exc.problems}) from None
        if problems:
            raise InvalidSettings(problems)
        return config, shown


channel_admin = ChannelAdmin()
