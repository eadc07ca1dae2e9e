"""Trimming quoted history and signatures from the text of a reply, so agents see what the player wrote.

The whole original stays in the stored event; only the shown text is trimmed, and never to nothing (a
message that is all quote is shown whole). What is cut, from the first of these to the end:

- an attribution line ("On Mon, 3 Mar 2025 at 10:15, Lucky Star <support@…> wrote:", also wrapped over two
  lines, in every language below, or Gmail's verb-less "пн, 3 мар. 2025 г. в 10:15, … <support@…>:");
- an Outlook header block ("From: … / Sent: …", localised) or its "____" separator line;
- a separator such as "-----Original Message-----" (forwarded messages are kept: players forward
  evidence);
- a trailing block of "> " quoted lines;
- a signature after the RFC 3676 delimiter "-- ", and a last line such as "Sent from my iPhone".

Adding a language is adding a row to LANGUAGES."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Words:
    wrote: tuple[str, ...]  # the verb ending an attribution line
    original: tuple[str, ...]  # "Original Message" separators
    header_from: tuple[str, ...]  # Outlook's header block: the sender's field …
    header_sent: tuple[str, ...]  # … and the date's
    sent_from: tuple[str, ...]  # mobile signatures: "Sent from my …"


LANGUAGES = {
    "en": Words(("wrote",), ("Original Message",), ("From",), ("Sent", "Date"),
                ("Sent from my", "Sent from Outlook", "Get Outlook for", "Sent from Mail for", "Sent from Yahoo Mail")),
    "ru": Words(("написал", "написала", "написал\\(а\\)", "пишет"), ("Исходное сообщение",), ("От", "От кого"),
                ("Отправлено", "Дата"), ("Отправлено с", "Отправлено из", "Получите Outlook для")),
    "pl": Words(("napisał", "napisała", "napisał\\(a\\)"), ("Oryginalna wiadomość", "Wiadomość oryginalna"),
                ("Od",), ("Wysłano", "Wysłane", "Data"), ("Wysłane z", "Wysłano z", "Pobierz aplikację Outlook")),
    "fi": Words(("kirjoitti",), ("Alkuperäinen viesti",), ("Lähettäjä",), ("Lähetetty", "Päivämäärä"),
                ("Lähetetty iPhonesta", "Lähetetty Android", "Lähetetty Outlook", "Hanki Outlook")),
    "az": Words(("yazdı", "yazıb"), ("Orijinal mesaj", "Əsl mesaj"), ("Kimdən", "Göndərən"),
                ("Göndərildi", "Tarix"), ("iPhone-dan göndərildi", "Android-dən göndərildi")),
    "de": Words(("schrieb",), ("Ursprüngliche Nachricht",), ("Von",), ("Gesendet", "Datum"), ("Von meinem",)),
}


def _any(words: set[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


def _collect(attr: str) -> set[str]:
    return {w for words in LANGUAGES.values() for w in getattr(words, attr)}


_EMAIL = r"[^\s<>@]+@[^\s<>@]+"
ATTRIBUTION = re.compile(rf"^(?!>).{{0,300}}(?:\b(?:{_any(_collect('wrote'))})\s*:|<{_EMAIL}>\)?\s*:)\s*$",
                         re.IGNORECASE)
SEPARATOR = re.compile(rf"^\s*-{{2,}}\s*(?:{_any(_collect('original'))})\s*-{{2,}}\s*$", re.IGNORECASE)
OUTLOOK_LINE = re.compile(r"^\s*_{20,}\s*$")
HEADER_FROM = re.compile(rf"^\s*\*?(?:{_any(_collect('header_from'))})\s*:\*?\s+\S", re.IGNORECASE)
HEADER_SENT = re.compile(rf"^\s*\*?(?:{_any(_collect('header_sent'))})\s*:\*?\s+\S", re.IGNORECASE)
SENT_FROM = re.compile(rf"^\s*(?:{_any(_collect('sent_from'))})\b.{{0,60}}$", re.IGNORECASE)
SIGNATURE = re.compile(r"^-- ?$")
QUOTED = re.compile(r"^\s*>")


def trim(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    end = _history_start(lines)
    kept = lines[:end]
    while kept and (not kept[-1].strip() or QUOTED.match(kept[-1])):
        kept.pop()
    for i, line in enumerate(kept):
        if SIGNATURE.match(line):
            kept = kept[:i]
            break
    while kept and not kept[-1].strip():
        kept.pop()
    if kept and SENT_FROM.match(kept[-1]):
        kept.pop()
    shown = "\n".join(kept).strip()
    return shown or text.strip()


def _history_start(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if len(line) > 400:
            continue
        if SEPARATOR.match(line) or _outlook_block(lines, i):
            return i
        if ATTRIBUTION.match(line):
            return i
        if i + 1 < len(lines) and line.strip() and ATTRIBUTION.match(f"{line} {lines[i + 1].strip()[:200]}") \
                and _starts_history(lines, i + 2):
            return i
    return len(lines)


def _outlook_block(lines: list[str], i: int) -> bool:
    """"From: …" followed within two lines by "Sent: …" (or the "____" line right before such a block)."""
    if OUTLOOK_LINE.match(lines[i]):
        return any(HEADER_FROM.match(line) for line in lines[i + 1:i + 3])
    return bool(HEADER_FROM.match(lines[i])) and any(HEADER_SENT.match(line) for line in lines[i + 1:i + 3])


def _starts_history(lines: list[str], i: int) -> bool:
    """After a wrapped attribution: quoted lines (after blank ones), or nothing."""
    rest = [line for line in lines[i:i + 3] if line.strip()]
    return not rest or bool(QUOTED.match(rest[0]))
