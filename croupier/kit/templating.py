"""Jinja2 environment shared by the console, the help centre and the demo page, with gettext installed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from babel.dates import format_datetime
from jinja2 import Environment, FileSystemLoader, select_autoescape

from croupier.kit import i18n
from croupier.kit.durations import duration

ROOT = Path(__file__).resolve().parent.parent


def _when(value: datetime | None, fmt: str = "short") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt, locale=i18n.current_locale.get())


def make_environment(*template_dirs: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda m: i18n.gettext(m), lambda s, p, n: i18n.ngettext(s, p, n), newstyle=True
    )
    env.filters["when"] = _when
    env.filters["duration"] = duration
    env.globals["locale_name"] = i18n.display_name
    env.globals["available_locales"] = i18n.available_locales
    return env
