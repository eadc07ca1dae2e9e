"""Every text the widget shows comes from the server's catalogs: none is missing from WIDGET_STRINGS."""

from __future__ import annotations

import re
from pathlib import Path

from croupier.channels.webchat.strings import WIDGET_STRINGS

STATIC = Path(__file__).resolve().parents[2] / "croupier" / "widget" / "static"


def _asked_for() -> set[str]:
    source = "\n".join(p.read_text(encoding="utf-8") for p in STATIC.glob("*.js"))
    called = re.findall(r'(?<![\w.])t\("([^"]+)"\)', source)
    marked = re.findall(r'data-i18n(?:-label|-placeholder)?="([^"]+)"', source)
    return set(called) | set(marked)


def test_every_text_the_script_shows_is_served_by_the_strings_endpoint():
    asked = _asked_for()
    assert len(asked) >= 15
    assert asked - set(WIDGET_STRINGS) == set()


def test_no_served_text_is_left_unused():
    assert set(WIDGET_STRINGS) - _asked_for() == set()
