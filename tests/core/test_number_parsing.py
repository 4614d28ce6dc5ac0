"""Numbers as Indonesian and English spreadsheets write them: strict under the round's format."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from panel_tui.numbers import NumberError, format_number, looks_numeric, parse_number

FORMATS = st.sampled_from(["id", "en"])
FINITE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e18, max_value=1e18)
MAGNITUDE_WORDS = {
    "id": [("ribu", 10**3), ("juta", 10**6), ("miliar", 10**9), ("triliun", 10**12)],
    "en": [("thousand", 10**3), ("million", 10**6), ("billion", 10**9), ("trillion", 10**12)],
}


@given(value=FINITE, number_format=FORMATS)
@example(value=32680.0, number_format="id")
@example(value=50.88, number_format="id")
@example(value=-1234567.5, number_format="en")
@example(value=0.1, number_format="id")
@example(value=1e16, number_format="en")
@example(value=1.5e-7, number_format="id")
def test_format_then_parse_gives_the_number_back(value: float, number_format: str) -> None:
    text = format_number(value, number_format)  # type: ignore[arg-type]
    assert parse_number(text, number_format) == value  # type: ignore[arg-type]


@given(value=FINITE, number_format=FORMATS, decimals=st.integers(0, 4))
def test_format_with_decimals_then_parse(value: float, number_format: str, decimals: int) -> None:
    text = format_number(value, number_format, decimals)  # type: ignore[arg-type]
    parsed = parse_number(text, number_format)  # type: ignore[arg-type]
    assert parsed == pytest.approx(value, abs=0.51 * 10**-decimals, rel=1e-12)


@given(
    value=st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False),
    number_format=FORMATS,
    word=st.integers(0, 3),
    negative=st.booleans(),
    currency=st.booleans(),
)
def test_magnitude_words_currency_and_sign(
    value: Decimal, number_format: str, word: int, negative: bool, currency: bool
) -> None:
    name, factor = MAGNITUDE_WORDS[number_format][word]
    written = format_number(float(value), number_format)  # type: ignore[arg-type]
    prefix = ("Rp" if number_format == "id" else "IDR ") if currency else ""
    text = f"{'-' if negative else ''}{prefix}{written} {name}"
    expected = float(Decimal(repr(float(value))) * factor) * (-1 if negative else 1)
    assert parse_number(text, number_format) == expected  # type: ignore[arg-type]


@given(value=FINITE, number_format=FORMATS)
def test_percent_sign(value: float, number_format: str) -> None:
    text = format_number(value, number_format) + "%"  # type: ignore[arg-type]
    assert parse_number(text, number_format) == value  # type: ignore[arg-type]


@given(value=st.integers(1000, 10**15))
def test_grouped_integers_never_cross_formats_silently_as_integers(value: int) -> None:
    """An Indonesian grouped integer read as English is either refused or a small decimal,
    never the same integer with a digit lost or gained."""
    text = format_number(value, "id")
    try:
        other = parse_number(text, "en")
    except NumberError:
        return
    assert other != value and other < 1000


@given(text=st.text(max_size=30), number_format=FORMATS)
def test_parse_never_raises_anything_but_number_error(text: str, number_format: str) -> None:
    try:
        value = parse_number(text, number_format)  # type: ignore[arg-type]
    except NumberError as exc:
        assert str(exc)
    else:
        assert value == value  # never NaN


ACCEPTED = [
    ("id", "32.680", 32680),
    ("id", "50,88", 50.88),
    ("id", "50,88%", 50.88),
    ("id", "1.873.899", 1873899),
    ("id", "1.234.567,89", 1234567.89),
    ("id", "Rp3 miliar", 3_000_000_000),
    ("id", "Rp 3 miliar", 3_000_000_000),
    ("id", "Rp. 500 ribu", 500_000),
    ("id", "rp1 juta", 1_000_000),
    ("id", "IDR 30 miliar", 30_000_000_000),
    ("id", "Rp3,5 triliun", 3_500_000_000_000),
    ("id", "Rp1.500.000", 1_500_000),
    ("id", "-12,5", -12.5),
    ("id", "Rp 500.000,-", 500_000),  # the Indonesian price style
    ("id", "+5", 5),
    ("id", "Rp-5", -5),
    ("id", "\u2212 7", -7),
    ("id", "  17.000  ", 17000),
    ("en", "32,680", 32680),
    ("en", "32.680", 32.68),
    ("en", "50.88", 50.88),
    ("en", "1,873,899", 1873899),
    ("en", "IDR 3 billion", 3_000_000_000),
    ("en", "Rp3 billion", 3_000_000_000),
    ("en", "3 million", 3_000_000),
    ("en", "500 thousand", 500_000),
    ("en", "66%", 66),
    ("en", "-0.5", -0.5),
    ("en", "0", 0),
]

REFUSED = [
    ("id", "1.5"),  # a decimal point is not Indonesian: 1.5 is neither 15 nor 1,5
    ("id", "1.50"),
    ("id", "1.2345"),
    ("id", "32,680.5"),
    ("id", "3 billion"),  # English word under the Indonesian format
    ("id", ""),
    ("id", "   "),
    ("id", "Rp"),
    ("id", "12 orang"),
    ("id", ",5"),
    ("id", "1..000"),
    ("en", "1,5"),
    ("en", "50,88"),
    ("en", "1,2345"),
    ("en", "1.234.567"),
    ("en", "3 miliar"),
    ("en", "1e5"),
    ("en", "0x10"),
    ("en", "nan"),
    ("en", "inf"),
    ("en", "five"),
    ("en", "12,34,567"),
    ("en", "--5"),
    ("en", "+-5"),
    ("en", "-+5"),
    ("en", "+"),
    ("en", "500,-"),  # the ",-" price style is Indonesian only
    ("en", "5-"),
    ("en", "1 000"),
    ("id", "17\u00a0000"),  # no space grouping: it is not how Excel writes numbers
]


@pytest.mark.parametrize(("number_format", "text", "expected"), ACCEPTED)
def test_accepted(number_format: str, text: str, expected: float) -> None:
    assert parse_number(text, number_format) == pytest.approx(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(("number_format", "text"), REFUSED)
def test_refused(number_format: str, text: str) -> None:
    with pytest.raises(NumberError) as info:
        parse_number(text, number_format)  # type: ignore[arg-type]
    if text.strip():
        assert repr(text) in str(info.value)
        assert "expected" in str(info.value)


@pytest.mark.parametrize(
    ("value", "number_format", "decimals", "text"),
    [
        (32680, "id", None, "32.680"),
        (32680, "en", None, "32,680"),
        (50.88, "id", None, "50,88"),
        (1234567.891, "en", 2, "1,234,567.89"),
        (-0.001, "en", 2, "0.00"),
        (3e9, "id", 0, "3.000.000.000"),
        (-1500.5, "id", None, "-1.500,5"),
    ],
)
def test_format_examples(value: float, number_format: str, decimals: int | None, text: str) -> None:
    assert format_number(value, number_format, decimals) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "numeric"),
    [
        ("32.680", True),
        ("Rp3 miliar", True),
        ("IDR 3 billion", True),
        ("50,88%", True),
        ("1.5", True),  # meant as a number, so it must parse (and under "id" it does not)
        ("-5", True),
        ("17,000 tobacco farmers", False),
        ("more than 30 percent", False),
        ("Perda 5/2024", False),
        ("", False),
        ("Rp", False),
        ("seluruh perusahaan", False),
    ],
)
def test_looks_numeric(text: str, numeric: bool) -> None:
    assert looks_numeric(text) is numeric


@pytest.mark.parametrize("text", ["9" * 400, "-" + "9" * 400, "9" * 300 + " miliar"])
def test_a_number_too_large_for_a_float_is_refused(text: str) -> None:
    with pytest.raises(NumberError, match="too large"):
        parse_number(text, "id")
