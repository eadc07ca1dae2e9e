"""The macros' template syntax: plain text with {variables}, nothing else.

    {player_name}        the player's name; {player_name:there} says "there" when the name is unknown
    {brand}              the brand's name
    {agent_name}         the replying agent's first name
    {conversation}       the conversation's number
    {amount:EUR 250}     an amount of money, written the language's way (250,00 € in Polish, €250.00 in English)
    {date}               today's date, written the language's way; {date:+3} three days on; {date:2026-12-31}
    {{ and }}            a literal brace

There are no expressions, attributes or filters. `parse` refuses anything else when a macro is saved, so
rendering cannot fail; the result is plain text (the console and the widget escape it when they show it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, list_currencies

from croupier.errors import BadRequest
from croupier.kit.i18n import N_

VARIABLES = ("player_name", "brand", "agent_name", "conversation", "amount", "date")
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
AMOUNT = re.compile(r"^(?:([A-Z]{3})\s*(\d{1,12}(?:\.\d{1,4})?)|(\d{1,12}(?:\.\d{1,4})?)\s*([A-Z]{3}))$")
DAYS = re.compile(r"^[+-]\d{1,4}$")
MAX_FALLBACK = 60


@dataclass(frozen=True)
class Variable:
    name: str
    argument: str | None


@dataclass(frozen=True)
class Values:
    """What the variables stand for in one conversation."""

    player_name: str | None
    brand: str
    agent_name: str | None
    conversation: int
    today: date


def _bad(message: str, locale: str, **details: object) -> BadRequest:
    return BadRequest(message, code="invalid_macro_template", locale=locale, **details)


def _amount(argument: str) -> tuple[Decimal, str] | None:
    match = AMOUNT.match(argument.strip())
    if not match:
        return None
    currency = match.group(1) or match.group(4)
    if currency not in list_currencies():
        return None
    return Decimal(match.group(2) or match.group(3)), currency


def _date(argument: str | None, today: date) -> date | None:
    if not argument:
        return today
    argument = argument.strip()
    if DAYS.match(argument):
        return today + timedelta(days=int(argument))
    try:
        return date.fromisoformat(argument)
    except ValueError:
        return None


def _check(variable: Variable, locale: str) -> None:
    name, argument = variable.name, variable.argument
    if name not in VARIABLES:
        raise BadRequest(N_("The %(locale)s text uses an unknown variable {%(name)s}. Known variables: %(known)s."),
                         code="unknown_variable", locale=locale, name=name[:40], known=", ".join(VARIABLES))
    if name == "amount" and (argument is None or _amount(argument) is None):
        raise _bad(N_("In the %(locale)s text, {amount} needs a currency code and a number, e.g. {amount:EUR 250}."),
                   locale)
    if name == "date" and _date(argument, date.today()) is None:
        raise _bad(N_("In the %(locale)s text, {date} takes a number of days (+3) or a date (2026-12-31)."), locale)
    if name == "player_name" and argument is not None and len(argument) > MAX_FALLBACK:
        raise _bad(N_("In the %(locale)s text, the fallback of {player_name} is longer than %(limit)s characters."),
                   locale, limit=MAX_FALLBACK)
    if name in ("brand", "agent_name", "conversation") and argument is not None:
        raise _bad(N_("In the %(locale)s text, {%(name)s} takes nothing after a colon."), locale, name=name)


def parse(body: str, locale: str) -> list[str | Variable]:
    """The body as literal text and variables; a clear 400 for anything the syntax does not allow."""
    parts: list[str | Variable] = []
    position = 0
    for match in TOKEN.finditer(body):
        parts.append(body[position:match.start()])
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif token in ("{", "}"):
            raise _bad(N_("The %(locale)s text has a lone brace: write {{ or }} for a brace, or {variable}."),
                       locale)
        else:
            name, colon, argument = match.group(1).partition(":")
            variable = Variable(name.strip(), argument if colon else None)
            _check(variable, locale)
            parts.append(variable)
    parts.append(body[position:])
    return [p for p in parts if p != ""]


def _value(variable: Variable, values: Values, locale: str) -> str:
    name, argument = variable.name, variable.argument
    if name == "player_name":
        return values.player_name or (argument or "").strip()
    if name == "brand":
        return values.brand
    if name == "agent_name":
        return values.agent_name or ""
    if name == "conversation":
        return str(values.conversation)
    if name == "amount":
        amount, currency = _amount(argument or "")  # type: ignore[misc]  # checked by parse
        return format_currency(amount, currency, locale=locale)
    return format_date(_date(argument, values.today), "long", locale=locale)  # type: ignore[arg-type]


def render(body: str, locale: str, values: Values) -> str:
    """The body with its variables filled in for `locale` (a body that was saved always parses)."""
    return "".join(p if isinstance(p, str) else _value(p, values, locale) for p in parse(body, locale))
