"""HTML mail to safe text: sanitised with nh3 (Ammonia) — scripts, styles, event handlers, forms, images and
unsafe link schemes dropped — then laid out as plain text by inscriptis, links kept as [text](url) so agents
(and the phishing checks) see where they point."""

from __future__ import annotations

import re

import nh3
from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig

TAGS = nh3.ALLOWED_TAGS - {"img", "map", "area"}
DROPPED_WITH_CONTENT = {"script", "style", "head", "title", "template", "noscript", "object", "iframe", "svg",
                        "math", "select", "textarea", "button"}
LAYOUT = ParserConfig(css=CSS_PROFILES["strict"], display_links=True)  # strict: no padding around blocks
BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
MAX_HTML = 2_000_000


def clean(html: str) -> str:
    return nh3.clean(html[:MAX_HTML], tags=TAGS, clean_content_tags=DROPPED_WITH_CONTENT,
                     attributes={"a": {"href"}, "td": {"colspan"}, "th": {"colspan"}},
                     url_schemes={"http", "https", "mailto", "tel"}, link_rel=None)


def to_text(html: str) -> str:
    safe = clean(html)
    text = get_text(safe, LAYOUT) if safe.strip() else ""
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return BLANK_LINES.sub("\n\n", text).strip()
