"""What the public transparency pages show: the template environment with locale-aware number, money,
percent and duration formats, and the charts drawn from the reports."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_timedelta
from babel.numbers import format_currency, format_decimal

from croupier.kit import i18n
from croupier.kit.i18n import N_, gettext
from croupier.kit.markdown import render_markdown
from croupier.kit.templating import make_environment
from croupier.transparency import labels
from croupier.transparency.charts import Chart, Row, bar_chart
from croupier.transparency.reports import MethodReport, PayoutReport, PayoutRow

HERE = Path(__file__).resolve().parent
MONTH_CHOICES = (3, 6, 12)
DAY_CHOICES = (30, 90)
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")


def _locale() -> str:
    return i18n.current_locale.get()


def number(value: Decimal | float | int | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return format_decimal(value, format=f"#,##0{'.' + '0' * digits if digits else ''}", locale=_locale())


def percent(value: Decimal | float | None) -> str:
    """96.21 -> '96.21 %' (or '96,21 %' in Finnish): the value is already in percent."""
    if value is None:
        return "—"
    return gettext("%(value)s%%") % {"value": number(value, 2)}


def money(value: Decimal | None, currency: str) -> str:
    return "—" if value is None else format_currency(value, currency, locale=_locale())


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    return format_timedelta(timedelta(seconds=seconds), threshold=2, locale=_locale())


def day(value: date | None) -> str:
    return "" if value is None else format_date(value, "long", locale=_locale())


def month_name(value: date) -> str:
    return format_date(value, "LLLL y", locale=_locale()).capitalize()


def country(code: str) -> str:
    return Locale.parse(_locale()).territories.get(code, code)


env = make_environment(HERE / "templates")
env.filters.update(number=number, percent=percent, duration=duration, day=day, month_name=month_name,
                   country=country, markdown=render_markdown)
env.globals.update(labels=labels, money=money)


def payout_note(row: PayoutRow) -> str:
    note = gettext(labels.verdict_note[row.verdict])
    if row.verdict == "too_small":
        note = note % {"low": percent(row.expected_low), "high": percent(row.expected_high)}
    return note


def payout_chart(report: PayoutReport, months: int) -> Chart:
    rows = [Row(label=r.game.name, values=(float(r.measured_rtp) if r.measured_rtp is not None else None,),
                text=percent(r.measured_rtp), marker=float(r.game.theoretical_rtp),
                span=(float(r.expected_low), float(r.expected_high)) if r.expected_low is not None else None)
            for r in report.totals]
    return bar_chart(
        "payout-chart", gettext("Measured RTP per game over the last %(months)s months") % {"months": months},
        gettext("Each bar is a game's measured return to player over the period. The dark tick marks its "
                "theoretical RTP; the thin line is the range a fair game lands in 95 times out of 100."),
        (gettext("Measured RTP"),), rows, tick_text=lambda v: percent(Decimal(str(v))),
        marker_label=gettext("Theoretical RTP"), span_label=gettext("Expected range"))


def payment_chart(reports: list[MethodReport], days: int) -> Chart:
    hours = N_("%(value)s h")
    rows = []
    for report in reports:
        figures = report.figure("withdrawal")
        if figures is None or figures.median_seconds is None:
            continue
        rows.append(Row(label=report.method.name,
                        values=(figures.median_seconds / 3600, (figures.p90_seconds or 0) / 3600),
                        text=f"{duration(figures.median_seconds)} · {duration(figures.p90_seconds)}"))
    return bar_chart(
        "payment-chart", gettext("Withdrawal processing time over the last %(days)s days") % {"days": days},
        gettext("For each payment method, the upper bar is the median time from request to payout and the lower "
                "bar the time within which 9 out of 10 withdrawals were paid."),
        (gettext("Median"), gettext("90th percentile")), rows, floor=0.0,
        tick_text=lambda v: gettext(hours) % {"value": number(v, 0 if v == int(v) else 1)})


def choice(raw: str | None, choices: tuple[int, ...], default: int) -> int | None:
    """The chosen period from a query parameter; None when it is not one of `choices`."""
    if raw is None:
        return default
    return int(raw) if raw.isdigit() and int(raw) in choices else None
