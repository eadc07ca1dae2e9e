"""Players: resolving who wrote, and merging two records of one person."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.errors import BadRequest, NotFound
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.models import Channel, Conversation, Player, PlayerIdentity
from croupier.player import repository


class PlayerService:
    async def resolve_identity(self, session: AsyncSession, channel: Channel, external_id: str, *,
                               display_name: str | None = None, player_external_id: str | None = None,
                               email: str | None = None, locale: str | None = None) -> PlayerIdentity:
        """The identity for (channel, external_id), created with its player on first contact.

        `player_external_id` is the operator's own id for the player (verified by the caller):
        identities carrying it on any channel link to the same player."""
        found = await repository.identity(session, channel.id, external_id)
        if found is not None:
            found.last_seen_at = utcnow()
            if display_name and found.display_name != display_name:
                found.display_name = display_name
            return found
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
