"""The weighted total of contracts.md section 3, shared by the app's read-back and the tally."""

from __future__ import annotations

from collections.abc import Mapping

from panel_tui.domain.model import Rubric


def weighted_total(rubric: Rubric, scores: Mapping[str, float]) -> float | None:
    """100 × Σ w_c·(s_c − min)/(max − min) / Σ w_c over the rubric; None if a criterion lacks a score.

    `scores` are one assessor's scores or the panel's criterion means; the result is not rounded.
    """
    span = rubric.max - rubric.min
    total_weight = rubric.total_weight
    if span <= 0 or total_weight <= 0:
        return None
    acc = 0.0
    for criterion in rubric.criteria:
        value = scores.get(criterion.id)
        if value is None:
            return None
        acc += criterion.weight * (value - rubric.min) / span
    return 100.0 * acc / total_weight


def partial_total(rubric: Rubric, scores: Mapping[str, float]) -> float:
    """The weighted total counting missing criteria as the scale minimum (a running figure)."""
    filled = {c.id: scores.get(c.id, rubric.min) for c in rubric.criteria}
    return weighted_total(rubric, filled) or 0.0
