"""Numbers, money, percentages and dates as the reader writes them (Babel)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from panel_tui.domain import formatting
from panel_tui.i18n import set_language


@pytest.fixture(params=["id", "en"])
def lang(request: pytest.FixtureRequest) -> str:
    set_language(request.param)
    return str(request.param)


CASES: dict[str, tuple[Callable[[], str], str, str]] = {
    "number": (lambda: formatting.number(32680), "32.680", "32,680"),
    "decimal": (lambda: formatting.number(1234.5), "1.234,5", "1,234.5"),
    "fixed": (lambda: formatting.fixed(84.25), "84,25", "84.25"),
    "fixed whole": (lambda: formatting.fixed(80), "80,00", "80.00"),
    "percent": (lambda: formatting.percent(50.88), "50,88%", "50.88%"),
    "percent whole": (lambda: formatting.percent(25, 0), "25%", "25%"),
    "money compact": (lambda: formatting.money(3_000_000_000), "Rp3 miliar", "IDR 3 billion"),
    "money half": (lambda: formatting.money(1_500_000), "Rp1,5 juta", "IDR 1.5 million"),
    "money trillion": (
        lambda: formatting.money(2_000_000_000_000),
        "Rp2 triliun",
        "IDR 2 trillion",
    ),
    "money exact": (
        lambda: formatting.money(1_234_567_890),
        "Rp1.234.567.890",
        "IDR 1,234,567,890",
    ),
    "money small": (lambda: formatting.money(500_000), "Rp500.000", "IDR 500,000"),
    "date": (lambda: formatting.long_date(date(2025, 7, 14)), "14 Juli 2025", "14 July 2025"),
    "date range": (
        lambda: formatting.date_range([date(2025, 7, 15), date(2025, 7, 14)]),
        "14–15 Juli 2025",
        "14–15 July 2025",
    ),
    "date list": (
        lambda: formatting.date_range([date(2025, 7, 14), date(2025, 8, 1)]),
        "14 Juli 2025, 1 Agustus 2025",
        "14 July 2025, 1 August 2025",
    ),
    "slot": (
        lambda: formatting.long_slot(datetime(2025, 7, 14, 9, 30)),
        "14 Juli 2025 09.30",
        "14 July 2025 09:30",
    ),
    "short slot": (
        lambda: formatting.short_slot(datetime(2025, 7, 14, 9, 30)),
        "14/07 09.30",
        "14/07 09:30",
    ),
    "persons": (
        lambda: formatting.claim_value(17000, "17.000", "persons"),
        "17.000 orang",
        "17,000 persons",
    ),
    "claim money": (
        lambda: formatting.claim_value(3e9, "Rp3 miliar", "IDR"),
        "Rp3 miliar",
        "IDR 3 billion",
    ),
    "claim percent": (
        lambda: formatting.claim_value(50.88, "50,88%", "%"),
        "50,88%",
        "50.88%",
    ),
    "other unit as written": (
        lambda: formatting.claim_value(73000, "73.000", "UMKM"),
        "73.000 UMKM",
        "73,000 UMKM",
    ),
    "free text as written": (
        lambda: formatting.claim_value(None, "Perda No. 5/2024", "text"),
        "Perda No. 5/2024",
        "Perda No. 5/2024",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_written_as_the_reader_expects(lang: str, case: str) -> None:
    make, indonesian, english = CASES[case]
    assert make() == (indonesian if lang == "id" else english)


# --- the signs and month names written out in formatting.py are Babel's ------------------

# Values that exercise rounding (half-even at the last digit kept), grouping, negative zero,
# long fractions and the float-to-text step, besides a spread of ordinary figures.
EDGE_VALUES = [
    0,
    -0.0,
    0.005,
    0.015,
    0.025,
    0.125,
    2.675,
    1.005,
    999.995,
    999.9951,
    1000,
    1234.5,
    -1234.567,
    12_345_678.9,
    0.1 + 0.2,
    1e-7,
    123_456_789_012.345,
    float("inf"),
    float("-inf"),
]


def _babel(value: float, pattern: str, code: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, format=pattern, locale=code)


@pytest.mark.parametrize("value", EDGE_VALUES + [i * 7.3157 - 500 for i in range(300)])
def test_numbers_are_babels(lang: str, value: float) -> None:
    code = "id_ID" if lang == "id" else "en_US"
    for decimals in range(4):
        fraction = "." + "#" * decimals if decimals else ""
        fixed = "." + "0" * decimals if decimals else ""
        assert formatting.number(value, decimals) == _babel(value, "#,##0" + fraction, code)
        assert formatting.fixed(value, decimals) == _babel(value, "#,##0" + fixed, code)
        assert formatting.percent(value, decimals) == _babel(value, "#,##0" + fraction, code) + "%"


@given(st.floats(allow_nan=False, min_value=-1e12, max_value=1e12), st.integers(0, 3))
@settings(max_examples=300, deadline=None)
def test_any_number_is_babels(value: float, decimals: int) -> None:
    for lang, code in (("id", "id_ID"), ("en", "en_US")):
        set_language(lang)
        pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
        assert formatting.number(value, decimals) == _babel(value, pattern, code)


def test_month_names_are_babels(lang: str) -> None:
    from babel.dates import format_date

    code = "id_ID" if lang == "id" else "en_US"
    for month in range(1, 13):
        day = date(2025, month, 9)
        assert formatting.long_date(day) == format_date(day, "d MMMM y", locale=code)


def test_the_first_screen_does_not_load_babel() -> None:
    """Numbers and dates need no locale data: starting the app does not pay for it."""
    import subprocess
    import sys

    code = (
        "import sys; from datetime import date; from panel_tui.domain import formatting;"
        "from panel_tui.i18n import set_language;"
        "[(set_language(l), formatting.date_range([date(2025, 7, 14)]),"
        " formatting.percent(37.5, 0), formatting.fixed(84.25)) for l in ('id', 'en')];"
        "print(sorted(m for m in sys.modules if m.startswith('babel')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_score_is_written_in_the_readers_language_everywhere() -> None:
    """formatting.score is the one display form: scale refusals, merge and verify conflicts."""
    from panel_tui.domain.model import Rubric

    rubric = Rubric("r", 1, 5, 0.5, ())
    set_language("id")
    assert formatting.score(3.5) == "3,5" and formatting.score(None) == ""
    refusal = rubric.scale_problem(3.25) or ""
    assert "3,25" in refusal and "0,5" in refusal and "3.25" not in refusal
    assert formatting.cell_value(4.5) == "4,5"
    set_language("en")
    assert formatting.score(3.5) == "3.5" and formatting.score(-0.0) == "0"
    assert "3.25" in (rubric.scale_problem(3.25) or "")
    for odd in (float("inf"), float("nan"), 1e300):
        assert formatting.score(odd)  # a refusal of it never fails to be written


@pytest.mark.parametrize("value", [1e26, 1e30, -1e300, 1.7976931348623157e308, 10.0**28 + 0.5])
def test_a_number_beyond_28_digits_is_written_in_full(lang: str, value: float) -> None:
    """Babel's patterns, and these as their copy, raised decimal.InvalidOperation past 28
    digits: a score of 1e308 or an `advance` of 10**30 in an edited database stopped
    `verify`, `tally` and the scoring app with "unexpected error". Written in full instead."""
    group = "." if lang == "id" else ","
    digits = f"{Decimal(repr(abs(value))):f}"  # its shortest text, as for any number
    grouped = f"{int(digits):,}".replace(",", group)
    sign = "-" if value < 0 else ""
    assert formatting.number(value, 2) == sign + grouped
    point = "," if lang == "id" else "."
    assert formatting.fixed(value, 2) == sign + grouped + point + "00"
