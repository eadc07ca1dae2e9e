"""Web chat sessions.

A widget session is a bearer token `wc1.<identity id>.<mac>` where mac is an HMAC of the identity
id under the installation's secret key: checking it needs no database read, and it survives page
loads in the visitor's localStorage. A logged-in player is identified only by an HMAC-SHA256 that
the operator's backend computes over the player's id with the channel's identity secret; a missing
or forged signature is refused, never downgraded to trust.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.brand import repository as brands
from croupier.config import get_settings
from croupier.conversation import repository as conversation_repository
from croupier.conversation.attachments import StoredFile
from croupier.conversation.service import conversation_service
from croupier.errors import BadRequest, NotFound, Unauthorized
from croupier.kit import i18n, secrets
from croupier.kit.i18n import N_
from croupier.live import LiveEvent, publish_after_commit
from croupier.models import Brand, Channel, ChannelType, Conversation, Message, Player, PlayerIdentity
from croupier.player.service import player_service

TOKEN_VERSION = "wc1"
BAD_TOKEN = N_("This chat session is not valid any more. Reload the page to start a new one.")
# Every widget request starts with this read, so it is built once, not per request.
_RESUME = (select(PlayerIdentity, Channel, Brand, Conversation)
           .join(Channel, Channel.id == PlayerIdentity.channel_id).join(Brand, Brand.id == Channel.brand_id)
           .outerjoin(Conversation, Conversation.id == conversation_repository.current_id(PlayerIdentity.id))
           .where(PlayerIdentity.id == bindparam("identity_id")))


@dataclass
class WidgetSession:
    token: str
    identity: PlayerIdentity
    channel: Channel
    brand: Brand
    conversation: Conversation | None = None  # the one the visitor's next message joins, as loaded by resume()


def identity_signature(secret: str, player_external_id: str) -> str:
    """What the operator's backend computes: hex HMAC-SHA256(identity secret, player id)."""
    return secrets.sign(secret, player_external_id)


class WebchatService:
    def token_for(self, identity_id: int) -> str:
        mac = secrets.sign(get_settings().effective_secret_key, f"webchat:{identity_id}")[:40]
        return f"{TOKEN_VERSION}.{identity_id}.{mac}"

    def identity_id_from(self, token: str | None) -> int:
        parts = (token or "").split(".")
        if len(parts) != 3 or parts[0] != TOKEN_VERSION or not parts[1].isdigit():
            raise Unauthorized(BAD_TOKEN, code="invalid_widget_token")
        if not secrets.equal(self.token_for(int(parts[1])), token or ""):
            raise Unauthorized(BAD_TOKEN, code="invalid_widget_token")
        return int(parts[1])

    def locale_for(self, brand: Brand, *wanted: str | None) -> str:
        """The first wanted language the brand speaks (and we have a catalog for), else its default."""
        for code in wanted:
            found = i18n.normalize(code)
            if found is not None and found in brand.locales:
                return found
        return brand.default_locale

    async def channel(self, session: AsyncSession, key: str) -> tuple[Channel, Brand]:
        channel = await brands.channel_by_key(session, key)
        brand = await session.get(Brand, channel.brand_id) if channel else None
        if channel is None or channel.type != ChannelType.webchat or not channel.is_active or brand is None \
                or not brand.is_active:
            raise NotFound(N_("There is no chat for this key. Check the data-key of the widget's script tag."),
                           code="unknown_widget_key")
        return channel, brand

    async def start(self, session: AsyncSession, *, key: str, token: str | None = None,
                    player_id: str | None = None, signature: str | None = None, name: str | None = None,
                    email: str | None = None, locale: str | None = None) -> WidgetSession:
        channel, brand = await self.channel(session, key)
        previous = await self._identity_from_token(session, token, channel) if token else None
        if player_id is not None or signature is not None:
            if not player_id or not signature:
                raise Unauthorized(N_("A logged-in player must come with the operator's signature."),
                                   code="identity_signature_missing")
            if not secrets.equal(identity_signature(channel.secret, player_id), signature.lower()):
                await audit_service.record(session, "webchat.identity_signature_refused", actor=f"player:{player_id}"[:254],
                                           brand_id=brand.id, target_type="channel", target_id=channel.id)
                raise Unauthorized(N_("The player's identity signature is not valid."),
                                   code="identity_signature_invalid")
            identity = await player_service.resolve_identity(
                session, channel, f"player:{player_id}", display_name=name, player_external_id=player_id,
                email=email, locale=locale)
            if previous is not None and previous.id != identity.id and previous.external_id.startswith("visitor:"):
                await self._adopt_visitor(session, previous, identity)
        elif previous is not None:
            identity = previous
        else:
            identity = await player_service.resolve_identity(session, channel, f"visitor:{secrets.token(16)}",
                                                             display_name=name, locale=locale)
        return WidgetSession(self.token_for(identity.id), identity, channel, brand)

    async def resume(self, session: AsyncSession, token: str | None) -> WidgetSession:
        """The session behind a token, in one read: identity, channel, brand and current conversation."""
        identity_id = self.identity_id_from(token)
        row = (await session.execute(_RESUME, {"identity_id": identity_id})).first()
        if row is None or not row[1].is_active or not row[2].is_active:
            raise Unauthorized(BAD_TOKEN, code="invalid_widget_token")
        return WidgetSession(token or "", row[0], row[1], row[2], row[3])

    async def post(self, session: AsyncSession, ws: WidgetSession, body: str, *, client_id: str | None,
                   files: tuple[StoredFile, ...] = (), locale: str | None = None) -> tuple[Message, bool]:
        body = body.strip()
        if not body and not files:
            raise BadRequest(N_("The message is empty."), code="empty_message")
        if len(body) > get_settings().max_message_chars:
            raise BadRequest(N_("The message is too long: at most %(limit)s characters."), code="message_too_long",
                             limit=get_settings().max_message_chars)
        return await conversation_service.receive(session, channel=ws.channel, identity=ws.identity, body=body,
                                                  client_id=client_id, files=files, language=locale,
                                                  current=ws.conversation)

    async def typing(self, session: AsyncSession, ws: WidgetSession, typing: bool) -> None:
        """Tell the agents on the visitor's current conversation that the player is (not) typing."""
        current = await conversation_repository.current_for_identity(session, ws.identity.id)
        if current is not None:
            publish_after_commit(session, LiveEvent(type="typing", brand_id=current.brand_id,
                                                    conversation_id=current.id, identity_id=ws.identity.id,
                                                    to_staff=True, to_player=False,
                                                    data={"who": "player", "typing": typing}))

    async def conversation_ids(self, session: AsyncSession, identity_id: int) -> list[int]:
        return list(await session.scalars(select(Conversation.id).where(Conversation.identity_id == identity_id)))

    async def _identity_from_token(self, session: AsyncSession, token: str, channel: Channel
                                   ) -> PlayerIdentity | None:
        try:
            identity_id = self.identity_id_from(token)
        except Unauthorized:
            return None  # a stale token from another installation: start afresh
        identity = await session.get(PlayerIdentity, identity_id)
        return identity if identity is not None and identity.channel_id == channel.id else None

    async def _adopt_visitor(self, session: AsyncSession, visitor: PlayerIdentity, player: PlayerIdentity) -> None:
        """An anonymous visitor logged in: their conversations continue under the player's identity."""
        await session.execute(update(Conversation).where(Conversation.identity_id == visitor.id)
                              .values(identity_id=player.id))
        if visitor.player_id != player.player_id:
            source = await session.get(Player, visitor.player_id)
            target = await session.get(Player, player.player_id)
            if source is not None and target is not None and source.merged_into_id is None:
                await player_service.fold(session, source, target)


webchat_service = WebchatService()
