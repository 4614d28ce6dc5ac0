"""Consistency checks on submitted claims: the figures a panel would question.

They are warnings, not errors: the nominee stated what it stated, and the assessor sees the
warning beside the claim while the presenter is in the room.
"""

from __future__ import annotations

from panel_tui.i18n import _, language
from panel_tui.model import Claim, claim_with_warnings

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
    children: dict[tuple[str, str], list[Claim]] = {}
    for claim in claims:
        if claim.part_of:
            children.setdefault((claim.nominee, claim.part_of), []).append(claim)
    checked = []
    append = checked.append
    for claim in claims:
        value = claim.value
        percent = claim.percent
        if value is None:
            # Every check but the stated percent needs a value: skip them.
            if percent is not None and percent > 100:
                append(claim_with_warnings(claim, (_over_100(percent),)))
            else:
                append(claim)
            continue
        warnings: list[str] = []
        parts = children.get((claim.nominee, claim.key)) if children else None
        if parts:
            numeric_parts = [p.value for p in parts if p.value is not None]
            if len(numeric_parts) == len(parts):
                total = sum(numeric_parts)
                if abs(total - value) > 1e-6 * max(1.0, abs(value)):
                    warnings.append(
                        _("its {count} parts add up to {total}, not {value}").format(
                            count=len(parts), total=_fmt(total), value=_fmt(value)
                        )
                    )
        denominator = claim.denominator
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
        elif value > 100 and _is_percent(claim):
            warnings.append(_("percentage {percent}% is over 100%").format(percent=_fmt(value)))
        elif denominator and 100.0 * value / denominator > 100:  # Claim.coverage over 100
            warnings.append(
                _("value is {share}% of its denominator: over 100%").format(
                    share=_fmt(100.0 * value / denominator)
                )
            )
        if value < 0 and not _is_percent(claim):
            warnings.append(_("negative count {value}").format(value=_fmt(value)))
        append(claim_with_warnings(claim, tuple(warnings)) if warnings else claim)
    return checked


def _is_percent(claim: Claim) -> bool:
    return claim.unit.strip().lower() in PERCENT_UNITS or claim.text.endswith("%")


def _over_100(percent: float) -> str:
    return _("stated percent {percent}% is over 100%").format(percent=_fmt(percent))
