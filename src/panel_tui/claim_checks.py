"""Consistency checks on submitted claims: the figures a panel would question.

They are warnings, not errors: the nominee stated what it stated, and the assessor sees the
warning beside the claim while the presenter is in the room.
"""

from __future__ import annotations

from dataclasses import replace

from panel_tui.i18n import _, language
from panel_tui.model import Claim

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
    for claim in claims:
        warnings: list[str] = []
        parts = children.get((claim.nominee, claim.key), [])
        numeric_parts = [p.value for p in parts if p.value is not None]
        if claim.value is not None and parts and len(numeric_parts) == len(parts):
            total = sum(numeric_parts)
            if abs(total - claim.value) > 1e-6 * max(1.0, abs(claim.value)):
                warnings.append(
                    _("its {count} parts add up to {total}, not {value}").format(
                        count=len(parts), total=_fmt(total), value=_fmt(claim.value)
                    )
                )
        if claim.value is not None and claim.denominator and claim.percent is not None:
            share = 100.0 * claim.value / claim.denominator
            if abs(share - claim.percent) > PERCENT_TOLERANCE:
                warnings.append(
                    _("value / denominator is {share}%, but {percent}% is stated").format(
                        share=_fmt(share), percent=_fmt(claim.percent)
                    )
                )
        is_percent = claim.unit.strip().lower() in PERCENT_UNITS or claim.text.endswith("%")
        if claim.percent is not None and claim.percent > 100:
            warnings.append(
                _("stated percent {percent}% is over 100%").format(percent=_fmt(claim.percent))
            )
        elif is_percent and claim.value is not None and claim.value > 100:
            warnings.append(
                _("percentage {percent}% is over 100%").format(percent=_fmt(claim.value))
            )
        elif claim.coverage is not None and claim.coverage > 100:
            warnings.append(
                _("value is {share}% of its denominator: over 100%").format(
                    share=_fmt(claim.coverage)
                )
            )
        if claim.value is not None and claim.value < 0 and not is_percent:
            warnings.append(_("negative count {value}").format(value=_fmt(claim.value)))
        checked.append(replace(claim, warnings=tuple(warnings)) if warnings else claim)
    return checked
