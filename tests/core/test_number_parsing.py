"""Numbers as Indonesian and English spreadsheets write them: strict under the round's format."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from panel_tui.domain.numbers import (
    MAGNITUDES,
    SEPARATORS,
    NumberError,
    format_number,
    looks_numeric,
    parse_number,
    plain_numbers,
    plain_parser,
)

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


# --- the fast paths against the general reading they shortcut -------------------------------
#
# parse_number and looks_numeric answer the usual cells without their general path, and the
# loader uses plain_parser to skip looks_numeric. These reference copies are the functions as
# they were before those shortcuts; every answer must stay the same, error messages included.

_REF_WORDS = {w for table in MAGNITUDES.values() for w in table} | {"rp", "idr", "rp."}
_REF_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_REF_MAGNITUDE = re.compile(r"\s*([a-zA-Z]+)$")


def _ref_plain(text: str, number_format: str) -> str | None:
    thousands, decimal = SEPARATORS[number_format]  # type: ignore[index]
    t, d = re.escape(thousands), re.escape(decimal)
    match = re.match(rf"^(\d+|\d{{1,3}}(?:{t}\d{{3}})+)(?:{d}(\d+))?$", text)
    if match is None:
        return None
    whole = match.group(1).replace(thousands, "")
    return f"{whole}.{match.group(2)}" if match.group(2) else whole


def _ref_parse(text: str, number_format: str) -> float:
    expected = (
        "expected an Indonesian number such as 32.680, 50,88, Rp3 miliar or 66%"
        if number_format == "id"
        else "expected an English number such as 32,680, 50.88, IDR 3 billion or 66%"
    )
    original = text
    text = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if not text:
        raise NumberError("empty where a number is required")
    negative = signed = False
    if text[0] in "-\u2212\u2013":
        negative = signed = True
        text = text[1:].lstrip()
    elif text[0] == "+":
        signed, text = True, text[1:].lstrip()
    text = _REF_CURRENCY.sub("", text)
    if text and text[0] in "-\u2212\u2013" and not signed:
        negative, text = True, text[1:].lstrip()
    if number_format == "id" and text.endswith(",-"):
        text = text[:-2].rstrip()
    multiplier = 1
    if text.endswith("%"):
        text = text[:-1].rstrip()
    else:
        match = _REF_MAGNITUDE.search(text)
        if match:
            factor = MAGNITUDES[number_format].get(match.group(1).lower())  # type: ignore[index]
            if factor is None:
                raise NumberError(f"{original!r} is not a number: {expected}")
            multiplier = factor
            text = text[: match.start()]
    plain = _ref_plain(text, number_format)
    if plain is None:
        raise NumberError(f"{original!r} is not a number: {expected}")
    result = float(plain) if multiplier == 1 else float(Decimal(plain) * multiplier)
    if result == float("inf"):
        shown = repr(original) if len(original) <= 40 else f"{original[:40]!r}…"
        raise NumberError(f"{shown} is too large a number")
    return -result if negative else result


def _ref_looks_numeric(text: str) -> bool:
    if re.match(r"\d[\d.,]*\Z", text):
        return True
    stripped = text.replace("\u00a0", " ").strip().lower()
    if not stripped or not any(ch.isdigit() for ch in stripped):
        return False
    words = re.findall(r"[a-z]+\.?", stripped)
    if any(w.rstrip(".") not in _REF_WORDS and w not in _REF_WORDS for w in words):
        return False
    return re.fullmatch(r"[\d\s.,%+\-\u2212\u2013a-z]+", stripped) is not None


def _outcome(parse: Callable[[], float]) -> tuple[str, object]:
    try:
        return ("value", parse())
    except NumberError as exc:
        return ("error", str(exc))


# Pieces of numbers as cells hold them, and of text that is almost a number.
NUMBER_PIECES = st.sampled_from(
    [
        *"0123456789",
        "12",
        "123",
        "1234",
        ".",
        ",",
        " ",
        "  ",
        "\u00a0",
        "\u202f",
        "\t",
        "\n",
        "%",
        "-",
        "\u2212",
        "\u2013",
        "+",
        ",-",
        "Rp",
        "rp",
        "RP",
        "Rp.",
        "IDR",
        "idr",
        "ribu",
        "rb",
        "juta",
        "Juta",
        "jt",
        "miliar",
        "milyar",
        "triliun",
        "thousand",
        "million",
        "Billion",
        "trillion",
        "persons",
        "x",
        "\u0661",  # ARABIC-INDIC DIGIT ONE: a digit to the regexes and to float()
        "\u00b2",  # SUPERSCRIPT TWO: isdigit() but not a decimal digit
        "\u0130",  # 'İ': matches 'i' when case is ignored
        "\u0131",
        "9" * 320,
    ]
)
NUMBERISH = st.one_of(
    st.lists(NUMBER_PIECES, max_size=8).map("".join),
    st.text(alphabet="0123456789.,% RrpPIiDdjutaJU-+\u00a0\n", max_size=16),
    st.text(max_size=12),
    st.builds(
        lambda prefix, value, fmt, suffix: prefix + format_number(value, fmt) + suffix,
        st.sampled_from(["", "Rp", "Rp ", "IDR ", "-", "+", " ", "Rp.", "Rp  "]),
        FINITE,
        FORMATS,
        st.sampled_from(["", "%", " %", " juta", "juta", " million", " rb", ",-", " ", "\n"]),
    ),
)


@given(text=NUMBERISH, number_format=FORMATS)
@example(text="Rp817 juta", number_format="id")
@example(text="IDR 1,234.5 million", number_format="en")
@example(text="80,53%", number_format="id")
@example(text="12\n%", number_format="id")
@example(text="Rp" + "9" * 320, number_format="id")
@example(text="\u0661\u0662 juta", number_format="id")
def test_parse_number_reads_as_the_general_path_does(text: str, number_format: str) -> None:
    assert _outcome(lambda: parse_number(text, number_format)) == _outcome(  # type: ignore[arg-type]
        lambda: _ref_parse(text, number_format)
    )


@given(text=NUMBERISH)
@example(text="rp817 juta.")
@example(text="\u00b2")
@example(text="\u0661")
@example(text="5 \u0130dr")
def test_looks_numeric_answers_as_the_general_test_does(text: str) -> None:
    assert looks_numeric(text) is _ref_looks_numeric(text)


@given(text=NUMBERISH, number_format=FORMATS)
@example(text="Rp5 jt", number_format="id")
def test_what_the_fast_path_reads_looks_numeric_and_parses_the_same(
    text: str, number_format: str
) -> None:
    value = plain_parser(number_format)(text)  # type: ignore[arg-type]
    if value is not None:
        assert _ref_looks_numeric(text)
        assert _ref_parse(text, number_format) == value


@given(
    cells=st.lists(NUMBERISH, max_size=6)
    | st.lists(st.builds(lambda v, fmt: format_number(v, fmt), FINITE, FORMATS), max_size=6),
    number_format=FORMATS,
)
@example(cells=["1.234", "56,20", "12"], number_format="id")
@example(cells=["1,234", "56.20", "12"], number_format="en")
@example(cells=["80,53%", "1.000"], number_format="id")
@example(cells=["1\n2", "3"], number_format="en")
@example(cells=["12\n", "3"], number_format="en")
@example(cells=["9" * 400, "1"], number_format="en")
@example(cells=["", "1"], number_format="en")
def test_plain_numbers_are_those_of_each_cell(cells: list[str], number_format: str) -> None:
    """The column-at-a-time conversion gives each cell what plain_parser gives it."""
    plain = plain_parser(number_format)  # type: ignore[arg-type]
    expected = [plain(cell) for cell in cells]
    assert plain_numbers(cells, number_format) == expected  # type: ignore[arg-type]
