"""Macro rules: editors (macros:write) keep canned replies per brand, or for every brand (administrators);
agents find them by shortcut or words and get them rendered for the conversation: in its language when
the macro has it, else in the brand's default language, with the variables filled in. Every change is
audited. The service never commits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.brand.service import brand_service
from croupier.conversation.service import conversation_service
from croupier.errors import BadRequest, Conflict, Forbidden, NotFound
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_, SOURCE_LOCALE, available_locales
from croupier.kit.localized import check_locales, pick
from croupier.macro import repository, template
from croupier.macro.schemas import MacroIn, MacroText, MacroUpdate
from croupier.models import Brand, Conversation, Macro, Player, PlayerIdentity

SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
SEARCH_LIMIT = 8
MAX_TITLE = 200
MAX_BODY = 10_000


@dataclass(frozen=True)
class Rendered:
    macro: Macro
    locale: str
    fallback: bool
    title: str
    text: str


def _shortcut(value: str) -> str:
    value = value.strip().removeprefix("/").lower()
    if not SHORTCUT.match(value):
        raise BadRequest(N_("'%(shortcut)s' cannot be a shortcut: use up to 32 lower-case letters, digits, - or _, "
                            "e.g. kyc."), code="invalid_shortcut", shortcut=value[:40])
    return value


def _texts(texts: dict[str, MacroText], brand: Brand | None) -> dict[str, dict[str, str]]:
    """Checked texts: known languages, the required one present, every body in the template syntax."""
    check_locales(texts, brand.locales if brand else available_locales())
    required = brand.default_locale if brand else SOURCE_LOCALE
    if required not in texts:
        raise BadRequest(N_("Write the macro in %(locale)s too: it is shown when a conversation's language has no "
                            "text."), code="default_text_missing", locale=required)
    clean = {}
    for locale, text in sorted(texts.items()):
        title, body = " ".join(text.title.split()), text.body.replace("\r\n", "\n").strip()
        if not title or not body:
            raise BadRequest(N_("The %(locale)s text needs a title and a body."), code="empty_macro_text",
                             locale=locale)
        if len(title) > MAX_TITLE or len(body) > MAX_BODY:
            raise BadRequest(N_("The %(locale)s text is too long: at most %(limit)s characters."),
                             code="text_too_long", locale=locale, limit=MAX_TITLE if len(title) > MAX_TITLE
                             else MAX_BODY)
        template.parse(body, locale)
        clean[locale] = {"title": title, "body": body}
    return clean


def _matches(macro: Macro, title: str, body: str, query: str) -> int | None:
    """How well `query` finds the macro (lower is better), None if it does not."""
    if query.startswith("/"):
        return 0 if macro.shortcut.startswith(query[1:]) else None
    words = query.split()
    if macro.shortcut == query:
        return 0
    if macro.shortcut.startswith(query):
        return 1
    if all(w in title.casefold() for w in words):
        return 2
    if all(w in f"{title} {body}".casefold() for w in words):
        return 3
    return None


class MacroService:
    async def list(self, session: AsyncSession, principal: Principal, brand_id: int | None = None) -> list[Macro]:
        principal.require("macros:read")
        if brand_id is not None:
            await brand_service.get(session, principal, brand_id)
        return await repository.listed(session, principal, brand_id)

    async def get(self, session: AsyncSession, principal: Principal, macro_id: int) -> Macro:
        principal.require("macros:read")
        macro = await repository.get(session, principal, macro_id)
        if macro is None:
            raise NotFound(N_("There is no macro %(id)s."), id=macro_id)
        return macro

    async def create(self, session: AsyncSession, principal: Principal | None, data: MacroIn, *,
                     ip: str | None = None) -> Macro:
        """A new macro; `principal` None means the demo seed."""
        brand = await self._writable_brand(session, principal, data.brand_id)
        shortcut = _shortcut(data.shortcut)
        await self._unique(session, brand, shortcut)
        macro = Macro(brand_id=data.brand_id, shortcut=shortcut, texts=_texts(data.texts, brand),
                      updated_by_id=principal.user_id if principal else None, updated_at=utcnow())
        session.add(macro)
        await session.flush()
        await audit_service.record(session, "macro.created", principal=principal, actor="cli", target_type="macro",
                                   target_id=macro.id, brand_id=macro.brand_id, ip=ip, shortcut=shortcut,
                                   locales=sorted(macro.texts))
        return macro

    async def update(self, session: AsyncSession, principal: Principal, macro_id: int, data: MacroUpdate, *,
                     ip: str | None = None) -> Macro:
        macro = await self.get(session, principal, macro_id)
        brand = await self._writable_brand(session, principal, macro.brand_id)
        changes: dict[str, object] = {}
        if data.shortcut is not None and _shortcut(data.shortcut) != macro.shortcut:
            shortcut = _shortcut(data.shortcut)
            await self._unique(session, brand, shortcut)
            changes["shortcut"] = [macro.shortcut, shortcut]
            macro.shortcut = shortcut
        if data.texts is not None:
            texts = _texts(data.texts, brand)
            changed = sorted(k for k in texts.keys() | macro.texts.keys() if texts.get(k) != macro.texts.get(k))
            if changed:
                changes["locales_changed"] = changed
                macro.texts = texts
        if changes:
            macro.updated_at, macro.updated_by_id = utcnow(), principal.user_id
            await audit_service.record(session, "macro.updated", principal=principal, target_type="macro",
                                       target_id=macro.id, brand_id=macro.brand_id, ip=ip, changes=changes)
        return macro

    async def delete(self, session: AsyncSession, principal: Principal, macro_id: int, *,
                     ip: str | None = None) -> None:
        macro = await self.get(session, principal, macro_id)
        await self._writable_brand(session, principal, macro.brand_id)
        await audit_service.record(session, "macro.deleted", principal=principal, target_type="macro",
                                   target_id=macro.id, brand_id=macro.brand_id, ip=ip, shortcut=macro.shortcut,
                                   texts=macro.texts)
        await session.delete(macro)

    # -- in a conversation ---------------------------------------------------------------
    async def search(self, session: AsyncSession, principal: Principal, conversation_id: int, query: str, *,
                     agent_name: str | None, limit: int = SEARCH_LIMIT) -> list[Rendered]:
        """The conversation's macros that `query` finds ("/kyc" by shortcut, words in the title or text; all
        of them when empty), best first, rendered for the conversation."""
        principal.require("macros:read")
        conversation = await conversation_service.get(session, principal, conversation_id)
        brand, values = await self._values(session, conversation, agent_name)
        macros = await repository.for_brand(session, brand.id)
        own = {m.shortcut for m in macros if m.brand_id is not None}
        query = " ".join(query.casefold().split())
        ranked = []
        for macro in macros:
            if macro.brand_id is None and macro.shortcut in own:
                continue  # the brand's own macro takes the place of every brand's
            locale, text = self._text(macro, conversation, brand)
            rank = _matches(macro, text["title"], text["body"], query) if query else 0
            if rank is not None:
                ranked.append((rank, macro.shortcut, macro, locale, text))
        ranked.sort(key=lambda r: (r[0], r[1]))
        return [self._rendered(m, conversation, locale, text, values) for _r, _s, m, locale, text in ranked[:limit]]

    async def render(self, session: AsyncSession, principal: Principal, macro_id: int, conversation_id: int, *,
                     agent_name: str | None) -> Rendered:
        """One macro rendered for the conversation (404 for a macro of another brand)."""
        macro = await self.get(session, principal, macro_id)
        conversation = await conversation_service.get(session, principal, conversation_id)
        if macro.brand_id not in (None, conversation.brand_id):
            raise NotFound(N_("There is no macro %(id)s."), id=macro_id)
        brand, values = await self._values(session, conversation, agent_name)
        locale, text = self._text(macro, conversation, brand)
        return self._rendered(macro, conversation, locale, text, values)

    # -- internals -----------------------------------------------------------------------
    def _text(self, macro: Macro, conversation: Conversation, brand: Brand) -> tuple[str, dict[str, str]]:
        found = pick(macro.texts, conversation.language, brand.default_locale)
        assert found is not None  # a saved macro has at least its required text
        return found

    def _rendered(self, macro: Macro, conversation: Conversation, locale: str, text: dict[str, str],
                  values: template.Values) -> Rendered:
        return Rendered(macro=macro, locale=locale, fallback=locale != conversation.language, title=text["title"],
                        text=template.render(text["body"], locale, values))

    async def _values(self, session: AsyncSession, conversation: Conversation, agent_name: str | None
                      ) -> tuple[Brand, template.Values]:
        brand = await session.get(Brand, conversation.brand_id)
        player = await session.get(Player, conversation.player_id)
        identity = await session.get(PlayerIdentity, conversation.identity_id)
        name = (player and player.display_name) or (identity and identity.display_name)
        return brand, template.Values(player_name=name, brand=brand.name, agent_name=agent_name,
                                      conversation=conversation.id, today=utcnow().date())

    async def _writable_brand(self, session: AsyncSession, principal: Principal | None,
                              brand_id: int | None) -> Brand | None:
        if principal is None:
            return await session.get(Brand, brand_id) if brand_id is not None else None
        principal.require("macros:write")
        if brand_id is None:
            if principal.brand_ids is not None:
                raise Forbidden(N_("Only administrators change the macros of every brand."), code="global_macro")
            return None
        return await brand_service.get(session, principal, brand_id)

    async def _unique(self, session: AsyncSession, brand: Brand | None, shortcut: str) -> None:
        if await repository.by_shortcut(session, brand.id if brand else None, shortcut) is not None:
            raise Conflict(N_("There is already a macro /%(shortcut)s here."), code="shortcut_taken",
                           shortcut=shortcut)


macro_service = MacroService()
