"""Consistency checks on submitted claims: the figures a panel would question.

They are warnings, not errors: the nominee stated what it stated, and the assessor sees the
warning beside the claim while the presenter is in the room.
"""

from __future__ import annotations

from collections.abc import Sequence

from panel_tui.domain.model import Claim, claim_with_warnings
from panel_tui.i18n import _, language

PERCENT_TOLERANCE = 1.0  # percentage points between value/denominator and the stated percent
PERCENT_UNITS = {"%", "percent", "persen"}


def _fmt(value: float) -> str:
    """1,234.5 / 1.234,5 (the reader's language; no Babel import on the `check` path)."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if language() == "id":
        text = text.translate(_INDONESIAN)
    return text


_INDONESIAN = str.maketrans({",": ".", ".": ","})


def claim_warnings(claims: list[Claim]) -> list[Claim]:
    """The same claims, each carrying the warnings that concern it."""
    found = warnings_of(
        [c.nominee for c in claims],
        [c.key for c in claims],
        [c.value for c in claims],
        [c.text for c in claims],
        [c.unit for c in claims],
        [c.denominator for c in claims],
        [c.percent for c in claims],
        [c.part_of for c in claims],
    )
    return [
        claim_with_warnings(claim, warnings) if warnings else claim
        for claim, warnings in zip(claims, found, strict=True)
    ]


def warnings_of(
    nominees: Sequence[str],
    keys: Sequence[str],
    values: Sequence[float | None],
    texts: Sequence[str],
    units: Sequence[str],
    denominators: Sequence[float | None],
    percents: Sequence[float | None],
    part_ofs: Sequence[str],
) -> list[tuple[str, ...]]:
    """The warnings of each claim of a table given a column at a time (`check` reads a
    national round's 50,000 claims this way, before any claim is built)."""
    children: dict[tuple[str, str], list[float | None]] = {}
    for nominee, part_of, value in zip(nominees, part_ofs, values, strict=True):
        if part_of:
            children.setdefault((nominee, part_of), []).append(value)
    found: list[tuple[str, ...]] = []
    append = found.append
    none: tuple[str, ...] = ()
    for nominee, key, value, text, unit, denominator, percent in zip(
        nominees, keys, values, texts, units, denominators, percents, strict=True
    ):
        if value is None:
            # Every check but the stated percent needs a value: skip them.
            append((_over_100(percent),) if percent is not None and percent > 100 else none)
            continue
        warnings: list[str] = []
        parts = children.get((nominee, key)) if children else None
        if parts and None not in parts:
            total = sum(parts)  # type: ignore[arg-type]
            if abs(total - value) > 1e-6 * max(1.0, abs(value)):
                warnings.append(
                    _("its {count} parts add up to {total}, not {value}").format(
                        count=len(parts), total=_fmt(total), value=_fmt(value)
                    )
                )
        if denominator and percent is not None:
            share = 100.0 * value / denominator
            if abs(share - percent) > PERCENT_TOLERANCE:
                warnings.append(
                    _("value / denominator is {share}%, but {percent}% is stated").format(
                        share=_fmt(share), percent=_fmt(percent)
                    )
                )
        # Whether the claim is a percentage matters only to a value over 100 or below 0 (at
        # most one of the two): it is worked out only then.
        if percent is not None and percent > 100:
            warnings.append(_over_100(percent))
        elif value > 100 and _is_percent(unit, text):
            warnings.append(_("percentage {percent}% is over 100%").format(percent=_fmt(value)))
        elif denominator and 100.0 * value / denominator > 100:  # Claim.coverage over 100
            warnings.append(
                _("value is {share}% of its denominator: over 100%").format(
                    share=_fmt(100.0 * value / denominator)
                )
            )
        if value < 0 and not _is_percent(unit, text):
            warnings.append(_("negative count {value}").format(value=_fmt(value)))
        append(tuple(warnings) if warnings else none)
    return found


def _is_percent(unit: str, text: str) -> bool:
    return unit.strip().lower() in PERCENT_UNITS or text.endswith("%")


def _over_100(percent: float) -> str:
    return _("stated percent {percent}% is over 100%").format(percent=_fmt(percent))
