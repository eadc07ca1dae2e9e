"""Text kept per locale ({locale: value}): choosing the entry to show, with fallbacks, and checking the
locales an editor wrote in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from croupier.errors import BadRequest
from croupier.kit.i18n import N_, SOURCE_LOCALE

T = TypeVar("T")


def pick(texts: dict[str, T], *wanted: str | None) -> tuple[str, T] | None:
    """(locale, entry) for the first of `wanted` that has an entry, then English, then any; None if empty."""
    for locale in (*wanted, SOURCE_LOCALE):
        if locale and locale in texts:
            return locale, texts[locale]
    for locale in sorted(texts):
        return locale, texts[locale]
    return None


def check_locales(locales: Iterable[str], allowed: Iterable[str]) -> None:
    """Refuse a locale outside `allowed` (a brand's languages, or every language the product speaks)."""
    allowed = list(allowed)
    unknown = [code for code in locales if code not in allowed]
    if unknown:
        raise BadRequest(N_("Unknown language '%(locale)s': use one of %(locales)s."), code="unknown_locale",
                         locale=unknown[0][:16], locales=", ".join(allowed))
