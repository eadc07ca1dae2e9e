"""Phone numbers as people type them, read into E.164 with `phonenumbers`; a country hint lets a
national number ("601 234 567") be read as the caller means it."""

from __future__ import annotations

import phonenumbers
from babel.core import get_global

MAX_INPUT = 40


def region_hint(country: str | None, *locales: str | None) -> str | None:
    """The country to read national numbers in: `country` if it is an ISO 3166 code phonenumbers knows,
    else the region of the first locale that has one ('pl-PL' -> PL, 'fi' -> FI by its likely region)."""
    regions = phonenumbers.SUPPORTED_REGIONS
    if country and country.strip().upper() in regions:
        return country.strip().upper()
    likely = get_global("likely_subtags")
    for locale in locales:
        parts = (locale or "").strip().replace("-", "_").split("_")
        if not parts[0]:
            continue
        region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
        if region is None:
            region = likely.get(parts[0].lower(), "").split("_")[-1].upper() or None
        if region in regions:
            return region
    return None


def to_e164(number: str, region: str | None = None) -> str | None:
    """`number` in E.164 (+48601234567), or None when it is not a valid number. A number in international
    format (+ and country code) is read as such; any other needs `region`."""
    text = number.strip()
    if not text or len(text) > MAX_INPUT:
        return None
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def readable(e164: str) -> str:
    """+48601234567 -> '+48 601 234 567'."""
    return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
