"""Conversation rules: receiving player messages, replies and notes, status, assignment, priority, tags.

The single entry point for every channel (`receive`) and every staff action. It never commits;
live events go out after the caller's transaction commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant import gate as assistant_gate
from croupier.assistant import reviews as intent_reviews
from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.channels.base import DELIVER_JOB
from croupier.channels.whatsapp import templates as whatsapp_templates
from croupier.conversation import repository
from croupier.conversation.attachments import StoredFile
from croupier.conversation.schemas import ConversationUpdate, MessageOut
from croupier.errors import BadRequest, NotFound
from croupier.intents import INTENTS
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.live import LiveEvent, publish_after_commit
from croupier.models import (
    Attachment,
    AuthorType,
    Channel,
    ChannelType,
    Conversation,
    DeliveryState,
    Message,
    PlayerIdentity,
    Priority,
    Role,
    Status,
    Tag,
    Team,
    User,
    conversation_tags,
    user_brands,
)
from croupier.playbook.matching import before_ending
from croupier.worker.queue import enqueue

PREVIEW_CHARS = 160
ENDED = (Status.resolved, Status.closed)


class ConversationService:
    # -- inbound -------------------------------------------------------------------
    async def receive(self, session: AsyncSession, *, channel: Channel, identity: PlayerIdentity, body: str,
                      client_id: str | None = None, files: tuple[StoredFile, ...] = (),
                      language: str | None = None, external_id: str | None = None,
                      current: Conversation | None = None, author_type: AuthorType = AuthorType.player,
                      tags: tuple[str, ...] = (), fresh: bool = False,
                      subject: str | None = None) -> tuple[Message, bool]:
        """Store a player's message in their current conversation (reopening it) or a new one.

        `current` is the identity's current conversation when the caller has already loaded it (see
        `repository.current_id`); None means look it up, unless `fresh` asks for a new conversation (an email
        that continues none, opening one with `subject`). Returns (message, created); a repeated client_id
        returns the stored message, created=False, and changes nothing. A `system` author records something
        the player did other than writing (asking for a call back); `tags` are added to the conversation."""
        conversation = current or (None if fresh else await repository.current_for_identity(session, identity.id))
        if conversation is None and not fresh:
            await repository.lock_identity(session, identity.id)
            conversation = await repository.current_for_identity(session, identity.id)
        now = utcnow()
        preview = (body or (files[0].filename if files else ""))[:PREVIEW_CHARS]
        opened = conversation is None
        if conversation is None:
            conversation = Conversation(brand_id=channel.brand_id, channel_id=channel.id,
                                        player_id=identity.player_id, identity_id=identity.id, status=Status.open,
                                        language=language, last_message_at=now, last_player_message_at=now,
                                        message_count=1, preview=preview, reopened_count=0,
                                        subject=subject and subject[:300])
            session.add(conversation)
            await session.flush()
        message = await repository.add_message_once(
            session, conversation_id=conversation.id, author_type=author_type, body=body, is_private=False,
            delivery_state=DeliveryState.received, client_id=client_id, external_id=external_id, created_at=now)
        if message is None:
            existing = await repository.message_by_client_id(session, conversation.id, client_id or "")
            assert existing is not None  # the insert conflicted on it
            return existing, False
        if not opened:
            await repository.update_conversation(session, conversation,
                                                 self._player_wrote(conversation, language, preview, now))
        if tags:
            await self._retag(session, conversation, list(tags), [])
        attachments = await self._attach(session, message, files)
        self._publish(session, conversation, message, attachments, identity.display_name)
        if author_type == AuthorType.player and body.strip():
            await assistant_gate.after_player_message(session, conversation, message)
        return message, True

    def _player_wrote(self, conversation: Conversation, language: str | None, preview: str,
                      now: datetime) -> dict[str, object]:
        """What a new player message changes in their existing conversation (reopening it if need be)."""
        changes: dict[str, object] = {"last_message_at": now, "last_player_message_at": now,
                                      "message_count": conversation.message_count + 1, "preview": preview}
        if conversation.status != Status.open:
            changes.update(status=Status.open, snoozed_until=None)
            if conversation.status == Status.resolved:
                changes.update(reopened_count=conversation.reopened_count + 1, resolved_at=None)
        if language and not conversation.language:
            changes["language"] = language
        return changes

    # -- the assistant ---------------------------------------------------------------
    async def say(self, session: AsyncSession, conversation: Conversation, body: str) -> Message:
        """The assistant's message to the player: stored, delivered like an agent's reply, published."""
        now = utcnow()
        message = Message(conversation_id=conversation.id, author_type=AuthorType.assistant, body=body,
                          is_private=False, delivery_state=DeliveryState.sent, created_at=now)
        session.add(message)
        conversation.message_count += 1
        conversation.last_message_at = now
        conversation.preview = body[:PREVIEW_CHARS]
        await session.flush()
        if (await session.get(Channel, conversation.channel_id)).type != ChannelType.webchat:
            message.delivery_state = DeliveryState.pending
            enqueue(session, DELIVER_JOB, {"message_id": message.id})
        self._publish(session, conversation, message, [], None)
        return message

    async def hand_over(self, session: AsyncSession, conversation: Conversation, *, reason: str,
                        team_id: int | None, priority: Priority | None, tags: tuple[str, ...]) -> None:
        """The assistant hands the conversation to people: its team, priority and flags, audited and published."""
        changes: dict[str, object] = {}
        if team_id is not None and team_id != conversation.team_id:
            conversation.team_id = changes["team_id"] = team_id
        if priority is not None and priority != conversation.priority:
            conversation.priority = priority
            changes["priority"] = priority.value
        changes.update(await self._retag(session, conversation, list(tags), []))
        await session.flush()
        await audit_service.record(session, "conversation.handed_off", actor="assistant",
                                   target_type="conversation", target_id=conversation.id,
                                   brand_id=conversation.brand_id, reason=reason, changes=changes)
        publish_after_commit(session, LiveEvent(
            type="conversation.updated", brand_id=conversation.brand_id, conversation_id=conversation.id,
            data={"changes": {**changes, "handed_off": reason}}))

    # -- staff actions -------------------------------------------------------------
    async def list(self, session: AsyncSession, principal: Principal, f: repository.InboxFilter, *,
                   after: repository.Cursor | None = None, limit: int = 25) -> list[Conversation]:
        principal.require("conversations:read")
        return await repository.inbox(session, principal, f, after=after, limit=limit)

    async def messages(self, session: AsyncSession, principal: Principal, conversation_id: int, *,
                       after_id: int | None = None, limit: int = 100) -> list[Message]:
        """The conversation's messages for staff, private notes included, oldest first."""
        conversation = await self.get(session, principal, conversation_id)
        return await repository.message_page(session, conversation.id, after_id=after_id, limit=limit)

    async def attachment(self, session: AsyncSession, principal: Principal, attachment_id: int) -> Attachment:
        principal.require("conversations:read")
        found = await repository.attachment_for(session, principal, attachment_id)
        if found is None:
            raise NotFound(N_("There is no such file."))
        return found

    async def get(self, session: AsyncSession, principal: Principal, conversation_id: int,
                  *, for_update: bool = False) -> Conversation:
        principal.require("conversations:read")
        conversation = await repository.get(session, principal, conversation_id, for_update=for_update)
        if conversation is None:
            raise NotFound(N_("There is no conversation %(id)s."), id=conversation_id)
        return conversation

    async def reply(self, session: AsyncSession, principal: Principal, conversation_id: int, body: str, *,
                    private: bool = False, files: tuple[StoredFile, ...] = (), author_name: str | None = None,
                    ip: str | None = None) -> Message:
        principal.require("conversations:write")
        body = body.strip()
        if not body and not files:
            raise BadRequest(N_("The message is empty."), code="empty_message")
        conversation = await self.get(session, principal, conversation_id, for_update=True)
        channel = await session.get(Channel, conversation.channel_id)
        if not private and channel.type == ChannelType.whatsapp:  # its 24-hour window: refused before storing
            whatsapp_templates.check_reply(channel.config, conversation.last_player_message_at, body,
                                           has_files=bool(files))
        now = utcnow()
        message = Message(conversation_id=conversation.id, author_type=AuthorType.agent,
                          author_user_id=principal.user_id, body=body, is_private=private,
                          delivery_state=None if private else DeliveryState.sent, created_at=now)
        session.add(message)
        conversation.message_count += 1
        if not private:
            conversation.last_message_at = now
            conversation.preview = (body or files[0].filename)[:PREVIEW_CHARS]
            if conversation.first_response_at is None:
                conversation.first_response_at = now
            if conversation.assignee_id is None and principal.role == Role.agent:
                conversation.assignee_id = principal.user_id
        await session.flush()
        if not private and channel.type != ChannelType.webchat:
            # Provider channels: stored pending in this transaction, sent by a job after commit.
            message.delivery_state = DeliveryState.pending
            enqueue(session, DELIVER_JOB, {"message_id": message.id})
        attachments = await self._attach(session, message, files)
        self._publish(session, conversation, message, attachments, author_name)
        await audit_service.record(session, "conversation.note_added" if private else "conversation.replied",
                                   principal=principal, target_type="conversation", target_id=conversation.id,
                                   brand_id=conversation.brand_id, ip=ip, message_id=message.id)
        return message

    async def retry_delivery(self, session: AsyncSession, principal: Principal, message_id: int, *,
                             ip: str | None = None) -> Message:
        """Send a failed reply on a provider channel again: pending, reason cleared, a new delivery job."""
        principal.require("conversations:write")
        message = await session.get(Message, message_id)
        conversation = message and await repository.get(session, principal, message.conversation_id,
                                                         for_update=True)
        if message is None or conversation is None:
            raise NotFound(N_("There is no message %(id)s."), id=message_id)
        await session.refresh(message)  # read again under the conversation's lock: one retry per failure
        channel = await session.get(Channel, conversation.channel_id)
        if (message.author_type != AuthorType.agent or message.is_private or channel.type == ChannelType.webchat
                or message.delivery_state != DeliveryState.failed):
            raise BadRequest(N_("Only a reply that failed to reach the player can be sent again."),
                             code="not_retryable")
        message.delivery_state, message.failure_reason = DeliveryState.pending, None
        enqueue(session, DELIVER_JOB, {"message_id": message.id})
        publish_after_commit(session, LiveEvent(
            type="message.updated", brand_id=conversation.brand_id, conversation_id=conversation.id,
            data={"message_id": message.id, "delivery_state": DeliveryState.pending.value, "failure_reason": None}))
        await audit_service.record(session, "conversation.delivery_retried", principal=principal,
                                   target_type="conversation", target_id=conversation.id,
                                   brand_id=conversation.brand_id, ip=ip, message_id=message.id)
        return message

    async def update(self, session: AsyncSession, principal: Principal, conversation_id: int,
                     change: ConversationUpdate, *, ip: str | None = None) -> Conversation:
        principal.require("conversations:write")
        conversation = await self.get(session, principal, conversation_id, for_update=True)
        changes: dict[str, object] = {}
        resnooze = (change.status == Status.snoozed == conversation.status and change.snoozed_until is not None
                    and change.snoozed_until != conversation.snoozed_until)
        if change.intent is not None and (change.intent or None) != conversation.intent:
            if change.intent and change.intent not in INTENTS:
                raise BadRequest(N_("Unknown intent: %(intents)s. Known intents: %(known)s."), code="unknown_intent",
                                 intents=change.intent, known=", ".join(INTENTS))
            conversation.intent = changes["intent"] = change.intent or None
            await intent_reviews.review(session, principal, conversation)
        if change.status is not None and (change.status != conversation.status or resnooze):
            if change.status in ENDED and conversation.status not in ENDED:
                changes.update(await before_ending(session, principal, conversation,
                                                   override=change.playbook_override))
            self._set_status(conversation, change.status, change.snoozed_until)
            changes["status"] = change.status.value
            if conversation.snoozed_until is not None:
                changes["snoozed_until"] = conversation.snoozed_until.isoformat()
        if change.priority is not None and change.priority != conversation.priority:
            conversation.priority = change.priority
            changes["priority"] = change.priority.value
        if change.assignee_id is not None:
            new = None if change.assignee_id == 0 else await self._assignable(session, principal, conversation,
                                                                                change.assignee_id)
            if new != conversation.assignee_id:
                conversation.assignee_id = new
                changes["assignee_id"] = new
        if change.team_id is not None:
            team = None if change.team_id == 0 else change.team_id
            if team is not None and await session.get(Team, team) is None:
                raise BadRequest(N_("There is no team %(id)s."), code="unknown_team", id=team)
            if team != conversation.team_id:
                conversation.team_id = team
                changes["team_id"] = team
        if change.add_tags or change.remove_tags:
            changes.update(await self._retag(session, conversation, change.add_tags, change.remove_tags))
        if changes:
            await session.flush()
            await audit_service.record(session, "conversation.updated", principal=principal,
                                       target_type="conversation", target_id=conversation.id,
                                       brand_id=conversation.brand_id, ip=ip, changes=changes)
            publish_after_commit(session, LiveEvent(
                type="conversation.updated", brand_id=conversation.brand_id, conversation_id=conversation.id,
                data={"changes": changes}))
        return conversation

    async def agent_typing(self, session: AsyncSession, principal: Principal, conversation_id: int,
                           typing: bool) -> None:
        """Tell the player that an agent is (or stopped) typing a reply; nothing is stored."""
        principal.require("conversations:write")
        conversation = await self.get(session, principal, conversation_id)
        publish_after_commit(session, LiveEvent(
            type="typing", brand_id=conversation.brand_id, conversation_id=conversation.id,
            identity_id=conversation.identity_id, to_staff=False, to_player=True,
            data={"who": "agent", "typing": typing}))

    # -- internals -----------------------------------------------------------------
    def _set_status(self, conversation: Conversation, status: Status, snoozed_until: datetime | None) -> None:
        if status == Status.snoozed:
            if snoozed_until is None or snoozed_until <= utcnow():
                raise BadRequest(N_("Snoozing needs a time in the future to wake up at."), code="snooze_needs_time")
            conversation.snoozed_until = snoozed_until
        else:
            conversation.snoozed_until = None
        if status in (Status.resolved, Status.closed) and conversation.resolved_at is None:
            conversation.resolved_at = utcnow()
        if status in (Status.open, Status.pending):
            conversation.resolved_at = None
        conversation.status = status

    async def _assignable(self, session: AsyncSession, principal: Principal, conversation: Conversation,
                          user_id: int) -> int:
        if principal.role == Role.agent and user_id != principal.user_id:
            principal.require("users:read")  # agents may only take conversations themselves
        user = await session.get(User, user_id)
        if user is None or not user.is_active:
            raise BadRequest(N_("There is no active staff member %(id)s."), code="unknown_assignee", id=user_id)
        if user.role != Role.admin:
            allowed = await session.scalar(select(user_brands.c.user_id).where(
                user_brands.c.user_id == user_id, user_brands.c.brand_id == conversation.brand_id))
            if allowed is None:
                raise BadRequest(N_("%(name)s does not work on this brand."), code="assignee_out_of_scope",
                                 name=user.name)
        return user_id

    async def _retag(self, session: AsyncSession, conversation: Conversation, add: list[str],
                     remove: list[str]) -> dict[str, object]:
        current = set((await repository.tags_for(session, [conversation.id])).get(conversation.id, []))
        added, removed = [], []
        for raw in add:
            name = raw.strip().lower()[:64]
            if not name or name in current:
                continue
            tag = await repository.tag_by_name(session, name)
            if tag is None:
                tag = Tag(name=name)
                session.add(tag)
                await session.flush()
            await session.execute(insert(conversation_tags).values(conversation_id=conversation.id, tag_id=tag.id))
            current.add(name)
            added.append(name)
        for raw in remove:
            name = raw.strip().lower()
            tag = await repository.tag_by_name(session, name)
            if tag is not None and name in current:
                await session.execute(delete(conversation_tags).where(
                    conversation_tags.c.conversation_id == conversation.id, conversation_tags.c.tag_id == tag.id))
                current.discard(name)
                removed.append(name)
        out: dict[str, object] = {}
        if added:
            out["tags_added"] = added
        if removed:
            out["tags_removed"] = removed
        return out

    async def _attach(self, session: AsyncSession, message: Message, files: tuple[StoredFile, ...]
                      ) -> list[Attachment]:
        attachments = [Attachment(message_id=message.id, filename=f.filename, content_type=f.content_type,
                                  size=f.size, sha256=f.sha256, storage_key=f.storage_key) for f in files]
        if attachments:
            session.add_all(attachments)
            await session.flush()
        return attachments

    def _publish(self, session: AsyncSession, conversation: Conversation, message: Message,
                 attachments: list[Attachment], author_name: str | None) -> None:
        out = MessageOut.of(message, attachments, author_name)
        publish_after_commit(session, LiveEvent(
            type="message.created", brand_id=conversation.brand_id, conversation_id=conversation.id,
            identity_id=conversation.identity_id, to_staff=True, to_player=not message.is_private,
            data={"message": out.model_dump(mode="json"), "status": conversation.status.value}))


conversation_service = ConversationService()
