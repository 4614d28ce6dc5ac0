"""Numbers as Indonesian and English spreadsheets write them.

`32.680` is 32680 in Indonesian and 32.68 in English; guessing would silently turn one into the
other, so a round declares its `number_format` and every cell is read strictly under it: a
cell that is not a well-formed number in that format is an error, never a different number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from panel_tui.domain.model import NumberFormat
from panel_tui.i18n import _

MAGNITUDES: dict[NumberFormat, dict[str, int]] = {
    "id": {
        "ribu": 10**3,
        "rb": 10**3,
        "juta": 10**6,
        "jt": 10**6,
        "miliar": 10**9,
        "milyar": 10**9,
        "triliun": 10**12,
    },
    "en": {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12},
}
SEPARATORS: dict[NumberFormat, tuple[str, str]] = {"id": (".", ","), "en": (",", ".")}

_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_MINUS = "-\u2212\u2013"
# Anything that could only be part of a number (digits, separators, currency, magnitude
# words): a cell made of these is meant as a number, so failing to parse it is an error.
_NUMERIC_WORDS = {w for table in MAGNITUDES.values() for w in table} | {"rp", "idr", "rp."}
# Compiled once: a round of 50,000 claims parses a number or three per claim.
_MAGNITUDE_WORD = re.compile(r"\s*([a-zA-Z]+)$")
_WORDS = re.compile(r"[a-z]+\.?")
_DIGITS = re.compile(r"\d[\d.,]*\Z")
_NUMERIC_CHARS = re.compile(r"[\d\s.,%+\-\u2212\u2013a-z]+")
_ANY_DIGIT = re.compile(r"\d")
# The words (as _WORDS finds them: letters and perhaps one '.') a number may hold.
_NUMERIC_TOKENS = frozenset(word.rstrip(".") + dot for word in _NUMERIC_WORDS for dot in ("", "."))


def _plain_pattern(number_format: NumberFormat, flags: int = 0) -> re.Pattern[str]:
    thousands, decimal = SEPARATORS[number_format]
    t, d = re.escape(thousands), re.escape(decimal)
    # Either no grouping at all, or groups of exactly three digits after the first.
    return re.compile(rf"^(\d+|\d{{1,3}}(?:{t}\d{{3}})+)(?:{d}(\d+))?$", flags)


_PLAIN: dict[NumberFormat, re.Pattern[str]] = {fmt: _plain_pattern(fmt) for fmt in SEPARATORS}


_INFINITY = float("inf")


class NumberError(ValueError):
    """A cell that is not a number in the round's number format."""


def _expected(number_format: NumberFormat) -> str:
    if number_format == "id":
        return _("expected an Indonesian number such as 32.680, 50,88, Rp3 miliar or 66%")
    return _("expected an English number such as 32,680, 50.88, IDR 3 billion or 66%")


def _money_pattern(number_format: NumberFormat) -> re.Pattern[str]:
    """`Rp3 miliar`, `IDR 500`, `Rp 1.234,5 juta`: the currency and magnitude words as they are
    usually written (the general path reads every other spelling)."""
    thousands, decimal = SEPARATORS[number_format]
    t, d = re.escape(thousands), re.escape(decimal)
    words = "|".join(sorted(MAGNITUDES[number_format], key=len, reverse=True))
    return re.compile(rf"(?:Rp|IDR) ?((?:\d+|\d{{1,3}}(?:{t}\d{{3}})+)(?:{d}\d+)?)(?: ?({words}))?")


def plain_parser(number_format: NumberFormat) -> Callable[[str], float | None]:
    """parse_number's fast path: the value of a cell written the usual way (digits and
    separators, perhaps with a trailing `%` or as `Rp3 miliar`), else None; parse_number then
    reads the rest or says why it is no number. Every cell it reads also looks numeric."""
    match = _PLAIN[number_format].match
    money = _money_pattern(number_format).fullmatch
    magnitudes = MAGNITUDES[number_format]
    thousands, decimal = SEPARATORS[number_format]

    def plain(text: str) -> float | None:
        # Each branch computes what parse_number's general path computes for such a cell:
        # without the grouping and with '.' for the decimal separator, the digits are those
        # _digits gives. The first and last characters choose the one branch whose pattern
        # can match (a plain number starts with a digit and has no '%').
        first = text[:1]
        if text[-1:] == "%":
            if match(text[:-1]) is None:
                return None
            value = float(text[:-1].replace(thousands, "").replace(decimal, "."))
        elif first == "R" or first == "I":
            found = money(text)
            if found is None:
                return None
            digits = found.group(1).replace(thousands, "").replace(decimal, ".")
            word = found.group(2)
            value = float(digits) if word is None else float(Decimal(digits) * magnitudes[word])
        elif match(text) is not None:
            value = float(text.replace(thousands, "").replace(decimal, "."))
        else:
            return None
        return None if value == _INFINITY else value

    return plain


_PLAIN_PARSERS = {fmt: plain_parser(fmt) for fmt in SEPARATORS}
# _PLAIN for each line of a text.
_PLAIN_LINES = {fmt: _plain_pattern(fmt, re.MULTILINE) for fmt in SEPARATORS}


def plain_numbers(cells: list[str], number_format: NumberFormat) -> list[float | None]:
    """`[plain_parser(number_format)(cell) for cell in cells]`, by C code when every cell is a
    plain number (a column of counts or percentages): one regex over the cells joined by line
    breaks, one replace of the separators, one float() each."""
    if cells:
        joined = "\n".join(cells)
        # One line per cell, and each a plain number: as many matches as cells.
        if joined.count("\n") == len(cells) - 1 and _PLAIN_LINES[number_format].subn("", joined)[
            1
        ] == len(cells):
            thousands, decimal = SEPARATORS[number_format]
            numbers = list(
                map(float, joined.replace(thousands, "").replace(decimal, ".").split("\n"))
            )
            if _INFINITY not in numbers:
                return numbers  # type: ignore[return-value]
    plain = _PLAIN_PARSERS[number_format]
    return [plain(cell) for cell in cells]


def parse_number(text: str, number_format: NumberFormat = "en") -> float:
    """Read `text` as a number under `number_format`, or raise NumberError saying why."""
    value = _PLAIN_PARSERS[number_format](text)
    if value is not None:
        return value
    original = text
    text = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if not text:
        raise NumberError(_("empty where a number is required"))
    negative = signed = False
    if text[0] in _MINUS:
        negative = signed = True
        text = text[1:].lstrip()
    elif text[0] == "+":
        signed, text = True, text[1:].lstrip()
    text = _CURRENCY.sub("", text)
    if text and text[0] in _MINUS and not signed:
        negative, text = True, text[1:].lstrip()
    if number_format == "id" and text.endswith(",-"):
        # Indonesian price style: "Rp 500.000,-" (no cents)
        text = text[:-2].rstrip()
    multiplier = 1
    if text.endswith("%"):
        text = text[:-1].rstrip()
    else:
        match = _MAGNITUDE_WORD.search(text)
        if match:
            word = match.group(1).lower()
            factor = MAGNITUDES[number_format].get(word)
            if factor is None:
                raise NumberError(
                    _("{original!r} is not a number: {expected}").format(
                        original=original, expected=_expected(number_format)
                    )
                )
            multiplier = factor
            text = text[: match.start()]
    plain = _plain_digits(text, number_format)
    if plain is None:
        raise NumberError(
            _("{original!r} is not a number: {expected}").format(
                original=original, expected=_expected(number_format)
            )
        )
    if multiplier == 1:
        # float() of the digits rounds exactly as float(Decimal(digits)) does, only faster.
        result = float(plain)
    else:
        try:
            result = float(Decimal(plain) * multiplier)
        except InvalidOperation:  # pragma: no cover - the pattern admits digits only
            raise NumberError(
                _("{original!r} is not a number: {expected}").format(
                    original=original, expected=_expected(number_format)
                )
            ) from None
    if result == _INFINITY:
        shown = repr(original) if len(original) <= 40 else f"{original[:40]!r}…"
        raise NumberError(_("{shown} is too large a number").format(shown=shown))
    return -result if negative else result


# A number written alone, as a score is: an optional sign, ASCII digits and separators.
_ALONE: dict[NumberFormat, re.Pattern[str]] = {
    fmt: re.compile(rf"[+{_MINUS}]?\s*{_plain_pattern(fmt, re.ASCII).pattern[1:-1]}", re.ASCII)
    for fmt in SEPARATORS
}


def parse_score(text: str, number_format: NumberFormat = "en") -> float:
    """A score cell: a number in `number_format` written alone (`4`, `-1`, `4,5` under "id"),
    else NumberError. What parse_number reads beyond that (a currency, a `%`, a magnitude
    word, another script's digits) is an amount or a slip, never a score."""
    value = parse_number(text, number_format)
    if _ALONE[number_format].fullmatch(text.replace("\u00a0", " ").strip()) is None:
        half = "4,5" if number_format == "id" else "4.5"
        raise NumberError(
            _("{text!r} is not a score: write only the number, such as 4 or {half}").format(
                text=text.strip(), half=half
            )
        )
    return value


def _plain_digits(text: str, number_format: NumberFormat) -> str | None:
    """`text` without grouping, with '.' as the decimal point; None when malformed."""
    match = _PLAIN[number_format].match(text)
    return None if match is None else _digits(match, number_format)


def _digits(match: re.Match[str], number_format: NumberFormat) -> str:
    whole = match.group(1).replace(SEPARATORS[number_format][0], "")
    fraction = match.group(2)
    return f"{whole}.{fraction}" if fraction else whole


def looks_numeric(text: str) -> bool:
    """True when a cell is written as a number (so it must parse), not as free text.

    That is: it has a digit, every character is one a number can hold, and every word is a
    currency or magnitude word.
    """
    if _DIGITS.match(text):  # digits and separators only: numeric, as the checks below find
        return True
    stripped = text.replace("\u00a0", " ").strip().lower()
    # The cheap whole-cell test first: it rules out most free text at once.
    if _NUMERIC_CHARS.fullmatch(stripped) is None:
        return False
    # Every character now is one of _NUMERIC_CHARS, whose only digits are \d's.
    if _ANY_DIGIT.search(stripped) is None:
        return False
    return _NUMERIC_TOKENS.issuperset(_WORDS.findall(stripped))


def format_number(
    value: float, number_format: NumberFormat = "en", decimals: int | None = None
) -> str:
    """Write `value` with thousands grouping; `decimals=None` keeps every significant digit."""
    thousands, decimal = SEPARATORS[number_format]
    if decimals is None:
        exact = Decimal(repr(float(value)))
        text = (
            format(exact.normalize(), "f")
            if exact == exact.to_integral_value()
            else repr(float(value))
        )
        if "e" in text or "E" in text:
            text = format(exact, "f")
        sign = "-" if text.startswith("-") else ""
        text = text.lstrip("-")
        whole, _point, fraction = text.partition(".")
    else:
        text = f"{abs(value):.{decimals}f}"
        sign = "-" if value < 0 and float(text) != 0 else ""
        whole, _point, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", thousands)
    return f"{sign}{grouped}{decimal + fraction if fraction else ''}"
