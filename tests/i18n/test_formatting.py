"""Numbers, money, percentages and dates as the reader writes them (Babel)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from panel_tui import formatting
from panel_tui.i18n import set_language


@pytest.fixture(params=["id", "en"])
def lang(request: pytest.FixtureRequest) -> str:
    set_language(request.param)
    return str(request.param)


CASES = {
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
