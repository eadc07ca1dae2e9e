"""Translation catalogs (gettext .po files under croupier/locales/) and locale negotiation.

Adding a language is adding `croupier/locales/<code>.po`; nothing else changes.
"""

from __future__ import annotations

import gettext as _gettext
import io
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
SOURCE_LOCALE = "en"

current_locale: ContextVar[str] = ContextVar("current_locale", default=SOURCE_LOCALE)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


@lru_cache
def available_locales() -> tuple[str, ...]:
    found = sorted(p.stem for p in LOCALES_DIR.glob("*.po"))
    return tuple([SOURCE_LOCALE] + [c for c in found if c != SOURCE_LOCALE])


@lru_cache
def translations(locale: str) -> _gettext.NullTranslations:
    path = LOCALES_DIR / f"{locale}.po"
    if locale == SOURCE_LOCALE or not path.exists():
        return _gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def normalize(code: str | None) -> str | None:
    """'pl-PL' -> 'pl' if supported; None when we do not speak it."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in available_locales() else None


def negotiate(accept_language: str | None, default: str = SOURCE_LOCALE) -> str:
    """Pick the best supported locale from an Accept-Language header."""
    if not accept_language:
        return default
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        q = 1.0
        for p in pieces[1:]:
            if p.strip().startswith("q="):
                try:
                    q = float(p.strip()[2:])
                except ValueError:
                    q = 0.0
        weighted.append((-q, index, pieces[0]))
    for _q, _i, code in sorted(weighted):
        found = normalize(code)
        if found:
            return found
    return default


def gettext(message: str, locale: str | None = None) -> str:
    return translations(locale or current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int, locale: str | None = None) -> str:
    return translations(locale or current_locale.get()).ngettext(singular, plural, n)


_ = gettext


def display_name(locale: str) -> str:
    try:
        return (Locale.parse(locale).get_display_name(locale) or locale).capitalize()
    except (UnknownLocaleError, ValueError):
        return locale


def catalog_dict(locale: str, messages: list[str]) -> dict[str, str]:
    """The given messages translated into `locale` (for the JavaScript widget)."""
    t = translations(locale)
    return {m: t.gettext(m) for m in messages}
