"""Numbers, money, percentages and dates written the way the reader expects.

Indonesian: `32.680 orang`, `50,88%`, `Rp3 miliar`, `14 Juli 2025`; English: `32,680`,
`50.88%`, `IDR 3 billion`, `14 July 2025`. Babel holds the locale data; the language is the
one chosen in panel_tui.i18n. Babel is imported on first use: start-up does not pay for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from panel_tui.i18n import language

MONEY_UNITS = {"idr", "rp", "rupiah"}
PERCENT_UNITS = {"%", "percent", "persen"}
# Units written for people: shown as the reader's word ("orang" / "persons"). Any other unit
# ("perusahaan", "workers", …) is round content and is shown as written.
PERSON_UNITS = {"persons", "person", "people", "orang"}


def _locale() -> str:
    return "id_ID" if language() == "id" else "en_US"


def number(value: float, decimals: int = 2) -> str:
    """32.680 / 32,680; up to `decimals` fraction digits, trailing zeros dropped."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale())


def fixed(value: float, decimals: int = 2) -> str:
    """Exactly `decimals` fraction digits: totals 84,25 / 84.25, 80,00 / 80.00."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale())


def percent(value: float, decimals: int = 2) -> str:
    """`value` is already in percent: 50.88 -> 50,88% / 50.88%."""
    return number(value, decimals) + "%"


def money(value: float) -> str:
    """Rp3 miliar / IDR 3 billion for round amounts; full figures otherwise."""
    from babel.numbers import format_compact_decimal

    if abs(value) >= 1_000_000:
        compact = format_compact_decimal(
            value, format_type="long", locale=_locale(), fraction_digits=2
        )
        short = compact if _exact_compact(value) else None
    else:
        short = None
    text = short or number(value, 0)
    return f"Rp{text}" if language() == "id" else f"IDR {text}"


def _exact_compact(value: float) -> bool:
    """True when 2 significant fraction digits of the magnitude keep the value exact."""
    magnitude = 10 ** (3 * ((len(str(int(abs(value)))) - 1) // 3))
    scaled = abs(value) / magnitude
    return abs(scaled * 100 - round(scaled * 100)) < 1e-6


def long_date(value: date | datetime) -> str:
    """14 Juli 2025 / 14 July 2025."""
    from babel.dates import format_date

    return format_date(value, format="d MMMM y", locale=_locale())


def date_range(dates: Sequence[date]) -> str:
    """14–15 Juli 2025 for consecutive days of one month; otherwise the dates one by one."""
    if not dates:
        return ""
    ordered = sorted(dates)
    first, last = ordered[0], ordered[-1]
    consecutive = all(b - a == timedelta(days=1) for a, b in pairwise(ordered))
    if len(ordered) > 1 and consecutive and (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{long_date(last)}"
    return ", ".join(long_date(d) for d in ordered)


def clock_time(value: time | datetime) -> str:
    """09.00 (Indonesian) / 09:00: the 24-hour clock both readers use at a panel."""
    return value.strftime("%H.%M" if language() == "id" else "%H:%M")


def short_slot(value: datetime) -> str:
    """An agenda slot in a narrow column: 14/07 09.00 / 14/07 09:00."""
    return f"{value:%d/%m} {clock_time(value)}"


def long_slot(value: datetime) -> str:
    """14 Juli 2025 09.00 / 14 July 2025 09:00."""
    return f"{long_date(value)} {clock_time(value)}"


def claim_value(value: float | None, text: str, unit: str) -> str:
    """A claim's value with its unit, as the reader writes it; free text as submitted."""
    if value is None:
        return text
    kind = unit.strip().lower()
    if kind in MONEY_UNITS:
        return money(value)
    if kind in PERCENT_UNITS:
        return percent(value)
    if kind in PERSON_UNITS:
        word = "orang" if language() == "id" else ("person" if value == 1 else "persons")
        return f"{number(value)} {word}"
    if kind in ("", "text", "teks"):
        return text or number(value)
    return f"{number(value)} {unit.strip()}"
