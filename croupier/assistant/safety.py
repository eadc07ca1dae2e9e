"""The assistant's safety rules: a reply never asks for or repeats a secret and never promises money, and a
player's secrets are masked before their words are stored in a summary or sent to a language model.

Text is matched folded (lower case, no diacritics, dotless i or ł: players and models often write
"haslo", "sifre", "salasana" for "hasło", "şifrə") against the words of safety_lexicon.py, every
supported language at once, since a reply may quote an article in the brand's default language.

check_reply() reads a reply clause by clause (sentences, split again at "but"/"но"/"ale"/"amma"/"mutta").
A clause asks for a secret when it names one and a comma-separated stretch of it makes a request ("send",
"what is your", "нам нужен", "podaj", "göndərin", "kerro"), unless that stretch is negated or a warning
("we will never ask for your password", "никому не сообщайте код") or the secret is named only in a negated
stretch ("send us your ID, never your password"). A stretch opening with "if"/"если"/"jeśli"/"əgər"/"jos"
is a condition: it names the secret ("if you have the SMS code, send it") but neither requests nor negates.
Promises of money are found the same way, in stretches that are not negated ("no win is guaranteed").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from croupier.assistant import safety_lexicon as lexicon
from croupier.assistant.features import fold

ASKS = "asks_"
REPEATS = "repeats_"
PROMISES_MONEY = "promises_money"
MASK = "•••"


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch.translate(_QUOTES))


_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` folded, and for each folded character the index of the character of `text` it came from."""
    parts, origin = [], []
    for index, ch in enumerate(text):
        folded = _fold_char(ch)
        parts.append(folded)
        origin.extend([index] * len(folded))
    return "".join(parts), origin


def _compiled(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{fold(p)})" for p in patterns))


_SECRETS = {kind: _compiled(patterns) for kind, patterns in lexicon.SECRETS.items()}
_REQUEST = _compiled(lexicon.REQUESTS)
_NEGATION = _compiled(lexicon.NEGATIONS)
_CONDITION = re.compile(rf"^\W*(?:{_compiled(lexicon.CONDITIONS).pattern})")
_PROMISE = _compiled(lexicon.PROMISES)
_SENTENCE = re.compile(r"[.!?;\n]+(?=\s|$)|\n|\s[-–—]\s|"
                       + _compiled([r"\b(but|however|although|though|но|однако|хотя|зато|ale|jednak|lecz|choć|amma"
                                    r"|lakin|ancaq|fəqət|mutta|kuitenkin|vaikka)\b"]).pattern)

# Card numbers: 13-19 digits in one run, in groups of four (the last group shorter), or grouped 4-6-5 / 4-6-4.
_CARD = re.compile(r"(?<![0-9])(?:[0-9]{13,19}|[0-9]{4}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{1,4}(?:\1[0-9]{1,3})?"
                   r"|[0-9]{4}([ -])[0-9]{6}\2[0-9]{4,5})(?![0-9])")
# A code's value: 3 to 8 digits (or 3 + 3) shortly after the word, unless an error/postal/promo word is
# just before or between them.
_VALUE_GAP = r"(?P<gap>[^0-9\n]{0,25}?)(?<![0-9])(?P<value>[0-9]{3} [0-9]{3}(?![0-9])|[0-9]{3,8})(?![0-9])"
_NOT_SECRET_GAP = _compiled([r"\b(error|zip|postal|post|promo|bonus|ошибк|почтов|промо|бонус|błęd|pocztow|promocyj"
                             r"|bonusow|xəta|poçt|promo|virhe|posti|bonus)\w*"])
_CVV_VALUE = re.compile(rf"(?:{_SECRETS['cvv'].pattern}){_VALUE_GAP}")
_CODE_WORD = _compiled([r"\b(code|passcode|код|kod|koodi)\w*"])
_CODE_VALUE = re.compile(rf"(?:{_SECRETS['code'].pattern}|{_SECRETS['pin'].pattern}|{_CODE_WORD.pattern}){_VALUE_GAP}")
_PASSWORD_VALUE = re.compile(rf"(?:{_SECRETS['password'].pattern})(?P<rest>[^\n]{{0,60}})")
_SEPARATOR = re.compile(r"\s*(?:[:=]|(?<=\s)(?:is|это|to|jest|on|-|–|—)(?=\s))\s*")
_TOKEN = re.compile(r"\S+")
_TRAILING = ".,;:)\"'»”"
_NOT_A_PASSWORD = frozenset(fold(word) for word in lexicon.NOT_A_PASSWORD)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _cards(text: str) -> list[tuple[int, int, str]]:
    """(start, end, last four digits) of each Luhn-valid card number in `text`."""
    found = []
    for match in _CARD.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            found.append((match.start(), match.end(), digits[-4:]))
    return found


def _password_values(folded: str) -> list[tuple[int, int]]:
    """Spans (in `folded`) of the values given after a password word: after "is", ":", "=", "это", "to",
    "jest", "on" within three words (no punctuation between), or else one of the next two words if it holds a digit."""
    spans = []
    for match in _PASSWORD_VALUE.finditer(folded):
        rest, offset = match.group("rest"), match.start("rest")
        separator = _SEPARATOR.search(rest)
        tokens = list(_TOKEN.finditer(rest))
        gap = rest[:separator.start()] if separator else ""
        if separator and len(_TOKEN.findall(gap)) <= 3 and not re.search(r"[,.;!?()]", gap):
            value = _TOKEN.search(rest, separator.end())
        else:
            value = next((t for t in tokens[:2] if re.search(r"[0-9]", t.group())), None)
        if value is None:
            continue
        word = value.group().rstrip(_TRAILING)
        if word and word not in _NOT_A_PASSWORD:
            spans.append((offset + value.start(), offset + value.start() + len(word)))
    return spans


def _code_values(pattern: re.Pattern[str], folded: str) -> list[tuple[int, int]]:
    return [match.span("value") for match in pattern.finditer(folded)
            if not _NOT_SECRET_GAP.search(folded[max(0, match.start() - 12):match.start()] + match.group("gap"))]


def _secret_values(text: str) -> dict[str, list[tuple[int, int, str]]]:
    """Each kind of secret written in `text`: (start, end, replacement) in `text`'s own indices."""
    folded, origin = _folded(text)

    def back(spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
        return [(origin[start], origin[end - 1] + 1, MASK) for start, end in spans if end > start]

    return {
        "card_number": [(start, end, f"•••• {last4}") for start, end, last4 in _cards(text)],
        "password": back(_password_values(folded)),
        "cvv": back(_code_values(_CVV_VALUE, folded)),
        "code": back(_code_values(_CODE_VALUE, folded)),
    }


def redact(text: str) -> str:
    """`text` with card numbers masked to their last four digits (`•••• 4242`), and CVVs, one-time codes,
    PINs and passwords given after their word masked as `•••`."""
    spans: list[tuple[int, int, str]] = []
    for found in _secret_values(text).values():
        for span in found:
            if all(span[1] <= start or span[0] >= end for start, end, _ in spans):
                spans.append(span)
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _clauses(text: str) -> list[str]:
    """The folded text's sentences, split again at "but" and its kin."""
    return [clause for clause in _SENTENCE.split(_folded(text)[0]) if clause and clause.strip()]


def _stretches(clause: str) -> list[tuple[str, bool]]:
    """The comma-separated stretches of a clause, each with whether it is a condition."""
    return [(part, bool(_CONDITION.search(part))) for part in clause.split(",") if part.strip()]


def _asked(clause: str) -> list[str]:
    stretches = _stretches(clause)
    requested = [part for part, condition in stretches
                 if not condition and _REQUEST.search(part) and not _NEGATION.search(part)]
    if not requested:
        return []
    named = [part for part, condition in stretches if condition or not _NEGATION.search(part)]
    return [kind for kind, pattern in _SECRETS.items() if any(pattern.search(part) for part in named)]


def _promised(clause: str) -> bool:
    return any(not condition and _PROMISE.search(part) and not _NEGATION.search(part)
               for part, condition in _stretches(clause))


def check_reply(text: str, language: str) -> list[str]:
    """Why the reply must not be sent: "asks_password", "asks_card_number", "asks_cvv", "asks_code",
    "asks_pin", "repeats_<the same kinds>" (a secret written out in the reply), "promises_money".
    Empty: safe. `language` is the reply's; the rules of every supported language apply to any reply."""
    reasons: set[str] = set()
    for clause in _clauses(text):
        reasons.update(ASKS + kind for kind in _asked(clause))
        if _promised(clause):
            reasons.add(PROMISES_MONEY)
    reasons.update(REPEATS + kind for kind, spans in _secret_values(text).items() if spans)
    return sorted(reasons)


def asks_for_secret(text: str) -> bool:
    """Whether `text` asks for a password, a card number, a CVV, a one-time code or a PIN."""
    return any(_asked(clause) for clause in _clauses(text))
