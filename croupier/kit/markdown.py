"""Markdown written by staff, rendered to HTML that is safe to show to anyone.

markdown-it-py (CommonMark, tables and strikethrough) with raw HTML switched off, so `<script>` in the
source is shown as text; then nh3 keeps only a small allow-list of tags and attributes and only http(s)
and mailto links, in case a future change lets something through."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"])

TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}


def render_markdown(source: str) -> Markup:
    """Sanitised HTML for the Markdown `source`; links get rel="noopener noreferrer nofollow"."""
    html = _parser.render(source)
    return Markup(nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},  # noqa: S704
                            link_rel="noopener noreferrer nofollow", filter_style_properties={"text-align"}))
