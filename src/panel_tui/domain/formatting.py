"""Numbers, money, percentages and dates written the way the reader expects.

Indonesian: `32.680 orang`, `50,88%`, `Rp3 miliar`, `14 Juli 2025`; English: `32,680`,
`50.88%`, `IDR 3 billion`, `14 July 2025`. The language is the one chosen in panel_tui.i18n.

The app speaks exactly two languages, and for them numbers need only CLDR's decimal and group
signs and dates only its month names: those are written out here, and numbers are rounded
and grouped the way Babel's NumberPattern does it (half-even, groups of three). Loading
Babel's locale data costs ~35 ms (a pickle, and babel.dates for it), which the first screen
(a date and a percentage) would pay on every start. Babel still writes the compact amounts
(`Rp3 miliar`), on first use. tests/i18n/test_formatting.py holds every figure and month
here to what Babel gives, in both languages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Context, Decimal
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING

from panel_tui.i18n import N_, _, language

if TYPE_CHECKING:
    from babel.core import Locale

MONEY_UNITS = {"idr", "rp", "rupiah"}
PERCENT_UNITS = {"%", "percent", "persen"}
# Units written for people: shown as the reader's word ("orang" / "persons"). Any other unit
# ("perusahaan", "workers", …) is round content and is shown as written.
PERSON_UNITS = {"persons", "person", "people", "orang"}


# Words of round.toml's fixed vocabularies, as the reader says them.
AFFILIATION_LABELS = {
    "government": N_("government"),
    "bpjs": "BPJS Ketenagakerjaan",
    "academic": N_("academic"),
    "employer": N_("employers"),
    "union": N_("union"),
    "other": N_("other"),
}
STAGE_LABELS = {"provincial": N_("provincial"), "national": N_("national")}


def affiliation_label(affiliation: str) -> str:
    """The reader's word for a known affiliation; anything else as the round wrote it."""
    label = AFFILIATION_LABELS.get(affiliation)
    return _(label) if label else affiliation


def stage_label(stage: str) -> str:
    label = STAGE_LABELS.get(stage)
    return _(label) if label else stage


def _locale() -> str:
    return "id_ID" if language() == "id" else "en_US"


# CLDR's decimal and group signs (id_ID, en_US) and wide month names in dates (`d MMMM y`).
SIGNS = {"id": (",", "."), "en": (".", ",")}
MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


@cache
def _babel_locale(code: str) -> Locale:
    from babel.core import Locale

    return Locale.parse(code)


@cache
def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


@cache
def _context(precision: int) -> Context:
    return Context(prec=precision)


def _format(value: float, digit: str, decimals: int) -> str:
    """What Babel's pattern `#,##0.##` (digit "#") or `#,##0.00` (digit "0") gives.

    As NumberPattern.apply: the value's shortest decimal text, rounded half-even to
    `decimals` digits; with "#" trailing zeros go (and the fraction, when nothing is left).
    """
    point, group = SIGNS["id" if language() == "id" else "en"]
    exact = Decimal(str(value))
    sign = "-" if exact.is_signed() else ""
    exact = abs(exact)
    if exact.is_infinite():
        return sign + "∞"
    # Precision for every digit the result has (Babel's 28 raised InvalidOperation past them:
    # a score of 1e308 in an edited file stopped verify, tally and the app).
    digits = _context(max(28, exact.adjusted() + decimals + 2))
    rounded = exact.normalize(digits).quantize(_quantum(decimals), context=digits)
    whole, _dot, fraction = f"{rounded:f}".partition(".")
    if digit == "#":
        fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", group) if len(whole) > 3 else whole
    return sign + grouped + (point + fraction if fraction else "")


def number(value: float, decimals: int = 2) -> str:
    """32.680 / 32,680; up to `decimals` fraction digits, trailing zeros dropped."""
    return _format(value, "#", decimals)


def score(value: float | None) -> str:
    """A score, mean or weight as the reader writes it: 4, 3,5 / 3.5, 3,3333 / 3.3333; empty
    when there is none. The one display form of a score (model.format_score is the plain
    spelling keys and typed sheets are matched against)."""
    if value is None:
        return ""
    if not math.isfinite(value) or abs(value) >= 1e15:
        return f"{value:g}"  # only in a refusal of such a value: no locale pattern takes it
    return number(value + 0.0, 4)  # + 0.0: -0.0 is written 0


def cell_value(value: float | bool | None, recusal: bool = False) -> str:
    """A cell's current value in a message (merge's and verify's conflicts): a score as the
    reader writes it (3,5 / 3.5), "cleared", or for a recusal "recused" / "not recused"."""
    if recusal:
        return _("recused") if value else _("not recused")
    if value is None or isinstance(value, bool):
        return _("cleared")
    return score(value)


def fixed(value: float, decimals: int = 2) -> str:
    """Exactly `decimals` fraction digits: totals 84,25 / 84.25, 80,00 / 80.00."""
    return _format(value, "0", decimals)


def percent(value: float, decimals: int = 2) -> str:
    """`value` is already in percent: 50.88 -> 50,88% / 50.88%."""
    return number(value, decimals) + "%"


def money(value: float) -> str:
    """Rp3 miliar / IDR 3 billion for round amounts; full figures otherwise."""
    from babel.numbers import format_compact_decimal

    if abs(value) >= 1_000_000:
        compact = format_compact_decimal(
            value, format_type="long", locale=_babel_locale(_locale()), fraction_digits=2
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
    return bool(abs(scaled * 100 - round(scaled * 100)) < 1e-6)


def long_date(value: date | datetime) -> str:
    """14 Juli 2025 / 14 July 2025: Babel's `d MMMM y`, from the locale's month names."""
    months = MONTHS["id" if language() == "id" else "en"]
    return f"{value.day} {months[value.month - 1]} {value.year}"


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
