"""Call-log rules: agents and the API log calls on a conversation they may change (audited); the voice
channel logs the provider's calls (missed, voicemail, completed) as it receives them."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.call import repository
from croupier.call.schemas import CallIn
from croupier.channels.base import InboundCall
from croupier.conversation.service import conversation_service
from croupier.errors import BadRequest
from croupier.kit import phone
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.models import CallLog

CLOCK_SKEW = timedelta(minutes=5)
MAX_CALLS = 200


class CallService:
    async def log(self, session: AsyncSession, principal: Principal, conversation_id: int, data: CallIn, *,
                  ip: str | None = None) -> CallLog:
        """A call an agent made or took, logged on the conversation by that agent."""
        principal.require("conversations:write")
        conversation = await conversation_service.get(session, principal, conversation_id)
        started = (data.started_at or utcnow()).astimezone(UTC)
        if started > utcnow() + CLOCK_SKEW:
            raise BadRequest(N_("A call cannot start in the future."), code="call_in_future")
        number = None
        if data.phone_number and data.phone_number.strip():
            number = phone.to_e164(data.phone_number, phone.region_hint(None, conversation.language))
            if number is None:
                raise BadRequest(N_("%(number)s is not a valid phone number. Enter it with + and the country code."),
                                 code="invalid_phone_number", number=data.phone_number.strip()[:40])
        call = CallLog(conversation_id=conversation.id, direction=data.direction, outcome=data.outcome,
                       started_at=started, duration_s=data.duration_s, phone_number=number,
                       agent_id=principal.user_id, notes=(data.notes or "").strip() or None,
                       recording_url=data.recording_url, transcript=(data.transcript or "").strip() or None)
        session.add(call)
        await session.flush()
        await audit_service.record(session, "conversation.call_logged", principal=principal,
                                   target_type="conversation", target_id=conversation.id,
                                   brand_id=conversation.brand_id, ip=ip, call_id=call.id,
                                   direction=call.direction.value, outcome=call.outcome.value)
        return call

    async def record(self, session: AsyncSession, conversation_id: int, call: InboundCall) -> CallLog:
        """A call the voice provider reported, logged with the message it produced (no agent)."""
        logged = CallLog(conversation_id=conversation_id, direction=call.direction, outcome=call.outcome,
                         started_at=call.started_at or utcnow(), duration_s=call.duration_s,
                         phone_number=call.number, recording_url=call.recording_url, transcript=call.transcript,
                         external_id=call.external_id)
        session.add(logged)
        await session.flush()
        return logged

    async def calls(self, session: AsyncSession, principal: Principal, conversation_id: int) -> list[CallLog]:
        """The conversation's calls for staff, latest first."""
        conversation = await conversation_service.get(session, principal, conversation_id)
        return await repository.calls_of(session, conversation.id, MAX_CALLS)


call_service = CallService()
