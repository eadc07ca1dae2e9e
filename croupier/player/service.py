"""Players: resolving who wrote, and merging two records of one person."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.brand import repository as brands
from croupier.errors import BadRequest, Conflict, NotFound
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.models import Channel, ChannelType, Conversation, Player, PlayerIdentity
from croupier.player import identifiers, repository
from croupier.player.schemas import LinkIn


class PlayerService:
    async def resolve_identity(self, session: AsyncSession, channel: Channel, external_id: str, *,
                               display_name: str | None = None, player_external_id: str | None = None,
                               email: str | None = None, locale: str | None = None) -> PlayerIdentity:
        """The identity for (channel, external_id), created with its player on first contact.

        `player_external_id` is the operator's own id for the player (verified by the caller):
        identities carrying it on any channel link to the same player."""
        found = await repository.identity(session, channel.id, external_id)
        if found is None:
            try:
                async with session.begin_nested():
                    return await self._first_contact(session, channel, external_id, display_name=display_name,
                                                     player_external_id=player_external_id, email=email,
                                                     locale=locale)
            except IntegrityError:  # the same sender's first message, stored meanwhile on another connection
                found = await repository.identity(session, channel.id, external_id)
                if found is None:
                    raise
        found.last_seen_at = utcnow()
        if display_name and found.display_name != display_name:
            found.display_name = display_name
        return found

    async def _first_contact(self, session: AsyncSession, channel: Channel, external_id: str, *,
                             display_name: str | None, player_external_id: str | None, email: str | None,
                             locale: str | None) -> PlayerIdentity:
        player = None
        if player_external_id:
            player = await repository.player_by_external_id(session, channel.brand_id, player_external_id)
        if player is None:
            player = Player(brand_id=channel.brand_id, external_id=player_external_id, display_name=display_name,
                            email=email, locale=locale)
            session.add(player)
            await session.flush()
        identity = PlayerIdentity(player_id=player.id, channel_id=channel.id, external_id=external_id,
                                  display_name=display_name, last_seen_at=utcnow())
        session.add(identity)
        await session.flush()
        return identity

    async def list(self, session: AsyncSession, principal: Principal, *, brand_id: int | None = None,
                   external_id: str | None = None, email: str | None = None, before_id: int | None = None,
                   limit: int = 50) -> list[Player]:
        principal.require("players:read")
        return await repository.search(session, principal, brand_id=brand_id, external_id=external_id,
                                       email=email, before_id=before_id, limit=limit)

    async def identities(self, session: AsyncSession, principal: Principal, player_id: int
                         ) -> list[tuple[PlayerIdentity, Channel]]:
        player = await self.get(session, principal, player_id)
        return await repository.identities_of(session, player.id)

    async def get(self, session: AsyncSession, principal: Principal, player_id: int) -> Player:
        principal.require("players:read")
        player = await repository.player_for(session, principal, player_id)
        if player is None:
            raise NotFound(N_("There is no player %(id)s."), id=player_id)
        return player

    async def merge(self, session: AsyncSession, principal: Principal, source_id: int, target_id: int) -> Player:
        """Fold `source` into `target`: its identities and conversations move; source is kept as a tombstone."""
        principal.require("players:write")
        if source_id == target_id:
            raise BadRequest(N_("A player cannot be merged into itself."), code="merge_same_player")
        source = await self.get(session, principal, source_id)
        target = await self.get(session, principal, target_id)
        if source.brand_id != target.brand_id:
            raise BadRequest(N_("Players of different brands cannot be merged."), code="merge_across_brands")
        await self.fold(session, source, target)
        await audit_service.record(session, "player.merged", principal=principal, target_type="player",
                                   target_id=target.id, brand_id=target.brand_id, source_player_id=source.id)
        return target

    async def link(self, session: AsyncSession, principal: Principal, data: LinkIn) -> Player:
        """The operator states that a channel identity belongs to its player `data.player_external_id`: the
        identity is linked to that player (created if need be) and a separate player who wrote from it is
        merged in. Repeating a link changes nothing. An identity of another operator player is a Conflict."""
        principal.require("players:write")
        brand = await brands.brand_for(session, principal, data.brand_id)
        if brand is None:
            raise NotFound(N_("There is no brand %(id)s."), id=data.brand_id)
        channel = await self._channel_to_link(session, brand.id, data.channel_type, data.channel_id)
        external_id = identifiers.normalize(channel.type, data.external_id)
        identity = await repository.identity(session, channel.id, external_id)
        owner = await session.get(Player, identity.player_id) if identity else None
        player = await self._live(session, await repository.player_by_external_id(
            session, brand.id, data.player_external_id))
        if owner is not None and owner.external_id not in (None, data.player_external_id):
            raise Conflict(N_("This identity already belongs to the operator's player %(other)s."),
                           code="identity_linked_elsewhere", other=owner.external_id)
        changes: dict[str, object] = {}
        if player is None and owner is not None:  # the one who wrote from it is that player
            owner.external_id, player = data.player_external_id, owner
            changes["player_external_id_set"] = True
        if player is None:
            player = Player(brand_id=brand.id, external_id=data.player_external_id, display_name=data.display_name)
            session.add(player)
            await session.flush()
            changes["player_created"] = True
        if identity is None:
            identity = await self._add_identity(session, player, channel, external_id, data.display_name)
            changes["identity_created"] = True
        elif owner is not None and owner.id != player.id:
            await self.fold(session, owner, player)
            changes["merged_player_id"] = owner.id
        if changes:
            await audit_service.record(session, "player.identity_linked", principal=principal, target_type="player",
                                       target_id=player.id, brand_id=brand.id, channel_id=channel.id,
                                       identity_id=identity.id, **changes)
        return player

    async def _channel_to_link(self, session: AsyncSession, brand_id: int, channel_type: ChannelType,
                               channel_id: int | None) -> Channel:
        found = [c for c in await brands.channels_of(session, [brand_id]) if c.type == channel_type
                 and (channel_id is None or c.id == channel_id)]
        if channel_id is not None and not found:
            raise NotFound(N_("The brand has no %(type)s channel %(id)s."), code="unknown_channel",
                           type=channel_type.value, id=channel_id)
        if not found:
            raise BadRequest(N_("The brand has no %(type)s channel."), code="no_such_channel",
                             type=channel_type.value)
        if len(found) > 1:
            raise BadRequest(N_("The brand has several %(type)s channels: say which with channel_id."),
                             code="channel_ambiguous", type=channel_type.value)
        return found[0]

    async def _live(self, session: AsyncSession, player: Player | None) -> Player | None:
        """The record a player was merged into, if it was (merges can chain)."""
        while player is not None and player.merged_into_id is not None:
            player = await session.get(Player, player.merged_into_id)
        return player

    async def _add_identity(self, session: AsyncSession, player: Player, channel: Channel, external_id: str,
                            display_name: str | None) -> PlayerIdentity:
        identity = PlayerIdentity(player_id=player.id, channel_id=channel.id, external_id=external_id,
                                  display_name=display_name)
        try:
            async with session.begin_nested():
                session.add(identity)
        except IntegrityError:  # the player wrote from it at this very moment: merge the one who did
            raced = await repository.identity(session, channel.id, external_id)
            if raced.player_id != player.id:
                await self.fold(session, await session.get(Player, raced.player_id), player)
            return raced
        return identity

    async def fold(self, session: AsyncSession, source: Player, target: Player) -> None:
        """Move everything of `source` to `target`; `source` stays as a tombstone pointing at `target`."""
        await session.execute(update(PlayerIdentity).where(PlayerIdentity.player_id == source.id)
                              .values(player_id=target.id))
        await session.execute(update(Conversation).where(Conversation.player_id == source.id)
                              .values(player_id=target.id))
        for field in ("external_id", "display_name", "email", "locale", "country"):
            if getattr(target, field) is None and getattr(source, field) is not None:
                value = getattr(source, field)
                if field == "external_id":
                    source.external_id = None
                    await session.flush()
                setattr(target, field, value)
        source.merged_into_id = target.id


player_service = PlayerService()
