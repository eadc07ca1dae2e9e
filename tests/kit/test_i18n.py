"""Every staff- and player-facing string is translated into every shipped language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from croupier.kit import i18n

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {"en", "ru", "pl", "az", "fi"}
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _source_msgids() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"N_": None, "_": None, "gettext": None, "ngettext": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT / "croupier"), method_map, options, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(code: str):
    with (i18n.LOCALES_DIR / f"{code}.po").open("rb") as fh:
        return read_po(fh, locale=code)


def test_required_languages_are_shipped():
    assert REQUIRED <= set(i18n.available_locales())


def test_template_lists_every_string_in_the_code():
    with (i18n.LOCALES_DIR / "messages.pot").open("rb") as fh:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    missing = _source_msgids() - template
    assert not missing, f"run ./scripts/update-catalogs; not extracted: {sorted(missing)[:10]}"


@pytest.mark.parametrize("code", sorted(REQUIRED - {"en"}))
def test_every_string_is_translated_with_the_same_placeholders(code):
    catalog = _catalog(code)
    untranslated, broken = [], []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strs) or message.fuzzy:
            untranslated.append(ids[0])
            continue
        if any(set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(ids[0])) for s in strs):
            broken.append(ids[0])
    assert not untranslated, f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not broken, f"{code}: placeholders differ in {broken[:5]}"


def test_negotiation_prefers_the_best_supported_language():
    assert i18n.negotiate("de-DE,pl;q=0.9,en;q=0.5") == "pl"
    assert i18n.negotiate("az-Latn-AZ") == "az"
    assert i18n.negotiate("xx, yy") == "en"
    assert i18n.negotiate(None) == "en"


def test_a_translated_string_is_returned_in_the_requested_language():
    msgid = "The e-mail or password is wrong."
    assert i18n.gettext(msgid, "en") == msgid
    for code in REQUIRED - {"en"}:
        assert i18n.gettext(msgid, code) != msgid, code
