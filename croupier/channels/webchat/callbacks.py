"""Callback requests: a player asks to be called back from the widget or the help centre. The number is
read into E.164 (a national number in the player's country), and the request becomes a system message in
their conversation, opening or reopening it and tagging it `callback` so agents see it in the inbox."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.channels.webchat.schemas import CallbackIn, CallbackWindow
from croupier.channels.webchat.service import WidgetSession, webchat_service
from croupier.conversation.service import conversation_service
from croupier.errors import BadRequest
from croupier.kit import i18n, phone
from croupier.kit.i18n import N_
from croupier.models import AuthorType, Message

TAG = "callback"
REQUESTED = N_("Callback requested to %(number)s")
WHEN = N_("preferred time: %(window)s")
NOTE = N_("Note: %(note)s")
WINDOWS = {
    CallbackWindow.asap: N_("as soon as possible"),
    CallbackWindow.morning: N_("morning (9:00–12:00)"),
    CallbackWindow.afternoon: N_("afternoon (12:00–17:00)"),
    CallbackWindow.evening: N_("evening (17:00–21:00)"),
}


def _time_zone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return ZoneInfo(name).key
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(N_("%(zone)s is not a time zone."), code="invalid_timezone", zone=name[:64]) from None


def wording(locale: str, number: str, window: CallbackWindow | None, zone: str | None, note: str | None) -> str:
    """'Callback requested to +48 601 234 567, preferred time: evening (17:00–21:00), Europe/Warsaw' (+ note)."""
    text = i18n.gettext(REQUESTED, locale) % {"number": phone.readable(number)}
    if window is not None:
        text += ", " + i18n.gettext(WHEN, locale) % {"window": i18n.gettext(WINDOWS[window], locale)}
    if zone:
        text += f", {zone}"
    if note:
        text += "\n" + i18n.gettext(NOTE, locale) % {"note": note}
    return text


class CallbackService:
    async def request(self, session: AsyncSession, ws: WidgetSession, data: CallbackIn,
                      *, languages: tuple[str | None, ...] = ()) -> tuple[Message, bool, str]:
        """Store the request as a system message; (message, created, number in E.164). `languages` (the
        browser's, best first) hint at the country of a national number when `data.country` is absent."""
        if not data.phone:
            raise BadRequest(N_("Enter the phone number we should call."), code="phone_required")
        number = phone.to_e164(data.phone, phone.region_hint(data.country, data.locale, *languages))
        if number is None:
            raise BadRequest(N_("%(number)s is not a phone number we can call. Check it, or write it with + and "
                                "the country code."), code="invalid_phone_number", number=data.phone[:40])
        zone = _time_zone(data.timezone)
        locale = webchat_service.locale_for(ws.brand, data.locale, *languages)
        body = wording(locale, number, data.preferred_time, zone, data.note or None)
        message, created = await conversation_service.receive(
            session, channel=ws.channel, identity=ws.identity, body=body, client_id=data.client_id,
            language=i18n.normalize(data.locale), current=ws.conversation, author_type=AuthorType.system,
            tags=(TAG,))
        return message, created, number


callback_service = CallbackService()
