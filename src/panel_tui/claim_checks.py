"""Consistency checks on submitted claims: the figures a panel would question.

They are warnings, not errors: the nominee stated what it stated, and the assessor sees the
warning beside the claim while the presenter is in the room.
"""

from __future__ import annotations

from dataclasses import replace

from panel_tui.model import Claim

PERCENT_TOLERANCE = 1.0  # percentage points between value/denominator and the stated percent
PERCENT_UNITS = {"%", "percent", "persen"}


def _fmt(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


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
                    f"its {len(parts)} parts add up to {_fmt(total)}, not {_fmt(claim.value)}"
                )
        if claim.value is not None and claim.denominator and claim.percent is not None:
            share = 100.0 * claim.value / claim.denominator
            if abs(share - claim.percent) > PERCENT_TOLERANCE:
                warnings.append(
                    f"value / denominator is {_fmt(share)}%, but {_fmt(claim.percent)}% is stated"
                )
        is_percent = claim.unit.strip().lower() in PERCENT_UNITS or claim.text.endswith("%")
        if claim.percent is not None and claim.percent > 100:
            warnings.append(f"stated percent {_fmt(claim.percent)}% is over 100%")
        elif is_percent and claim.value is not None and claim.value > 100:
            warnings.append(f"percentage {_fmt(claim.value)}% is over 100%")
        elif claim.coverage is not None and claim.coverage > 100:
            warnings.append(f"value is {_fmt(claim.coverage)}% of its denominator: over 100%")
        if claim.value is not None and claim.value < 0 and not is_percent:
            warnings.append(f"negative count {_fmt(claim.value)}")
        checked.append(replace(claim, warnings=tuple(warnings)) if warnings else claim)
    return checked
