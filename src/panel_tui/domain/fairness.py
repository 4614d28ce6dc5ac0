"""The numbers behind fair and explainable results (shared/fairness.md): the centres of a
cell under each method, the per-assessor z-score calibration, the Borda share, Krippendorff's
α (interval), Kendall's W, leniency and outliers.

Pure arithmetic on plain values: no SQLite, no tally. Sums are `math.fsum` in a fixed order,
or exact (`fractions`) where the statistic is a ratio of sums, so the same file always gives
the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from panel_tui.domain.methods import METHODS

# Every centre of a cell, in the order the sensitivity table shows them; "rank" is the Borda
# share, shown for comparison only (it is not a centre per criterion).
SENSITIVITY_METHODS = (*METHODS, "rank")
# Scores this far from the median of the other scores of their cell, as a share of the
# scale's span, are listed as outliers.
OUTLIER_SHARE = 0.4


def mean(values: Sequence[float]) -> float:
    """The contract's mean, exactly as the tally has always computed it."""
    return math.fsum(values) / len(values)


def median(values: Sequence[float]) -> float:
    """The middle value; the mean of the two middle values when there are an even number."""
    ordered = sorted(values)
    k = len(ordered)
    if k % 2:
        return ordered[k // 2]
    return math.fsum(ordered[k // 2 - 1 : k // 2 + 1]) / 2


def trimmed(values: Sequence[float]) -> float:
    """With 3 or more scores, the mean after setting aside one highest and one lowest;
    otherwise the mean."""
    if len(values) < 3:
        return mean(values)
    ordered = sorted(values)
    return mean(ordered[1:-1])


CENTRES: dict[str, Callable[[Sequence[float]], float]] = {
    "mean": mean,
    "median": median,
    "trimmed": trimmed,
    "zscore": mean,  # of the calibrated scores
}


def population_sd(values: Sequence[float]) -> float:
    centre = mean(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / len(values))


@dataclass
class Calibration:
    """The z-score calibration of one category (shared/fairness.md, "zscore")."""

    nominees: list[str]  # the calibration set K
    means: dict[str, float] = field(default_factory=dict)  # μ_a
    sds: dict[str, float] = field(default_factory=dict)  # σ_a
    mean: float = 0.0  # μ, pooled
    sd: float = 0.0  # σ, pooled
    zero_variance: list[str] = field(default_factory=list)  # assessors with σ_a = 0
    reason: str | None = None  # why zscore is unavailable; None when it is available

    @property
    def available(self) -> bool:
        return self.reason is None

    def adjust(self, assessor: str, score: float) -> float:
        """s′ = μ + σ·(s − μ_a)/σ_a; μ when σ_a = 0; the score itself when σ = 0."""
        if self.sd == 0 or assessor not in self.means:
            return score
        spread = self.sds[assessor]
        if spread == 0:
            return self.mean
        return self.mean + self.sd * (score - self.means[assessor]) / spread


# A nominee as the fairness figures see it: its id, the assessors who count for it (the panel
# less those recused from it), and their scores by criterion.
@dataclass(frozen=True)
class Sheets:
    nominee: str
    counted: tuple[str, ...]
    scores: Mapping[str, Mapping[str, float]]  # counted assessor -> criterion -> score
    complete: bool


def calibrate(
    panel: Sequence[str], nominees: Iterable[Sheets], criteria: Sequence[str], too_few: str
) -> Calibration:
    """μ_a, σ_a over the complete nominees no panel member is recused from, and μ, σ pooled
    over the panel. `too_few`: the reason given when fewer than 3 such nominees exist."""
    members = tuple(panel)
    calibration_set = [
        n.nominee for n in nominees if n.complete and members and n.counted == members
    ]
    calibration = Calibration(nominees=calibration_set)
    if len(calibration_set) < 3:
        calibration.reason = too_few
        return calibration
    by_nominee = {n.nominee: n for n in nominees}
    pooled: list[float] = []
    for assessor in members:
        own = [by_nominee[n].scores[assessor][c] for n in calibration_set for c in criteria]
        pooled += own
        calibration.means[assessor] = mean(own)
        calibration.sds[assessor] = population_sd(own)
        if calibration.sds[assessor] == 0:
            calibration.zero_variance.append(assessor)
    calibration.mean = mean(pooled)
    calibration.sd = population_sd(pooled)
    return calibration


def borda(totals: Mapping[str, Mapping[str, float]]) -> dict[str, float | None]:
    """B_n = 100 × the mean over n's counted assessors of the share of the other complete
    nominees they gave a lower sheet total (ties count half).

    `totals`: complete nominee -> counted assessor -> that assessor's sheet total. An
    assessor who counts for only one nominee compares nothing and is left out; a nominee left
    with nobody gets None."""
    from bisect import bisect_left, bisect_right

    given: dict[str, list[float]] = {}
    for sheet in totals.values():
        for assessor, total in sheet.items():
            given.setdefault(assessor, []).append(total)
    for series in given.values():
        series.sort()
    shares: dict[str, float | None] = {}
    for nominee, sheet in totals.items():
        parts: list[Fraction] = []
        for assessor, own in sheet.items():
            ordered = given[assessor]
            others = len(ordered) - 1
            if not others:
                continue
            below = bisect_left(ordered, own)
            level = bisect_right(ordered, own) - below - 1  # not counting n itself
            parts.append(Fraction(2 * below + level, 2 * others))
        shares[nominee] = float(100 * sum(parts, Fraction(0)) / len(parts)) if parts else None
    return shares


@dataclass(frozen=True)
class Statistic:
    """An agreement figure, or None with the reason it is undefined."""

    value: float | None
    counts: dict[str, object]
    reason: str | None = None

    def to_json(self) -> dict[str, object]:
        if self.value is None:
            return {"value": None, "reason": self.reason, **self.counts}
        return {"value": round(self.value, 6), **self.counts}


def _integers(values: Iterable[Sequence[float]]) -> list[list[int]]:
    """Every value times one common power of two, as integers: exact (a float is a dyadic
    fraction), and integer sums are far faster than Fraction's."""
    ratios = [[v.as_integer_ratio() for v in unit] for unit in values]
    scale = max((q for unit in ratios for _p, q in unit), default=1)
    return [[p * (scale // q) for p, q in unit] for unit in ratios]


def alpha_interval_exact(units: Iterable[Sequence[float]]) -> Fraction | None:
    """Krippendorff's α with the interval metric, in closed form; None when undefined (no
    unit with two values, or no variance among the pairable values). Exact: the ratio does
    not change when every value is scaled, so the values are taken as integers."""
    pairable = _integers(unit for unit in units if len(unit) >= 2)
    if not pairable:
        return None
    n = sum(len(unit) for unit in pairable)
    squares = sum(v * v for unit in pairable for v in unit)
    total = sum(v for unit in pairable for v in unit)
    expected = n * squares - total * total
    if expected == 0:
        return None
    by_size: dict[int, int] = {}  # m_u -> Σ (m_u·Σv² − (Σv)²) over units of that size
    for unit in pairable:
        m = len(unit)
        by_size[m] = by_size.get(m, 0) + m * sum(v * v for v in unit) - sum(unit) ** 2
    observed = sum((Fraction(part, m - 1) for m, part in by_size.items()), Fraction(0))
    return 1 - (n - 1) * observed / expected


def alpha_interval(units: Sequence[Sequence[float]], reasons: Mapping[str, str]) -> Statistic:
    pairable = [u for u in units if len(u) >= 2]
    counts: dict[str, object] = {
        "units": len(pairable),
        "values": sum(len(u) for u in pairable),
    }
    if not pairable:
        return Statistic(None, counts, reasons["no_pairs"])
    value = alpha_interval_exact(pairable)
    if value is None:
        return Statistic(None, counts, reasons["no_variance"])
    return Statistic(float(value), counts)


def doubled_ranks(values: Sequence[float]) -> tuple[list[int], list[int]]:
    """Twice the rank of each value (rank 1 = the highest; tied values share the mean of
    their ranks, so twice it is an integer), and the sizes of the tied groups."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0] * len(values)
    groups: list[int] = []
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for i in order[start : end + 1]:
            ranks[i] = start + end + 2
        groups.append(end - start + 1)
        start = end + 1
    return ranks, groups


def kendall_w_exact(raters: Sequence[Sequence[float]]) -> Fraction | None:
    """Kendall's W with the tie correction; each rater's values are ranked (so ranks given
    as values rank as themselves). None when undefined (fewer than 2 raters or 3 objects, or
    every rater ties everything). Exact, on doubled ranks:
    12·S = 12·Σ(R_j − m(n+1)/2)² = 3·Σ(2R_j − m(n+1))²."""
    m = len(raters)
    if m < 2:
        return None
    n = len(raters[0])
    if n < 3:
        return None
    sums = [0] * n
    ties = 0
    for values in raters:
        ranks, groups = doubled_ranks(values)
        for j, rank in enumerate(ranks):
            sums[j] += rank
        ties += sum(t**3 - t for t in groups)
    centre = m * (n + 1)
    twelve_s = 3 * sum((r - centre) ** 2 for r in sums)
    denominator = m * m * (n**3 - n) - m * ties
    if denominator == 0:
        return None
    return Fraction(twelve_s, denominator)


def kendall_w(
    raters: Sequence[Sequence[float]], left_out: list[str], reasons: Mapping[str, str]
) -> Statistic:
    n = len(raters[0]) if raters else 0
    counts: dict[str, object] = {"raters": len(raters), "nominees": n, "left_out": left_out}
    if len(raters) < 2:
        return Statistic(None, counts, reasons["few_raters"])
    if n < 3:
        return Statistic(None, counts, reasons["few_nominees"])
    value = kendall_w_exact(raters)
    if value is None:
        return Statistic(None, counts, reasons["no_variance"])
    return Statistic(float(value), counts)


@dataclass
class Leniency:
    points: float | None = None
    total: float | None = None
    cells: int = 0
    nominees: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "leniency_points": None if self.points is None else round(self.points, 4),
            "leniency_total": None if self.total is None else round(self.total, 4),
            "cells": self.cells,
            "nominees": self.nominees,
        }


def _differences(cell: Mapping[str, float]) -> Iterable[tuple[str, float]]:
    """Each score's distance from the mean of the others of its cell, where there are at
    least 2 others."""
    if len(cell) < 3:
        return
    values = list(cell.values())
    total = math.fsum(values)
    for assessor, value in cell.items():
        yield assessor, value - (total - value) / (len(values) - 1)


def leniency(
    panel: Sequence[str],
    cells: Iterable[Mapping[str, float]],
    sheet_totals: Iterable[Mapping[str, float]],
) -> dict[str, Leniency]:
    """Per assessor: how far above the others they score, in points (cells) and on totals
    (complete nominees). Positive = lenient."""
    points: dict[str, list[float]] = {a: [] for a in panel}
    totals: dict[str, list[float]] = {a: [] for a in panel}
    for cell in cells:
        for assessor, difference in _differences(cell):
            points[assessor].append(difference)
    for sheet in sheet_totals:
        for assessor, difference in _differences(sheet):
            totals[assessor].append(difference)
    return {
        a: Leniency(
            mean(points[a]) if points[a] else None,
            mean(totals[a]) if totals[a] else None,
            len(points[a]),
            len(totals[a]),
        )
        for a in panel
    }


def outliers(cell: Mapping[str, float], span: float) -> list[tuple[str, float, float]]:
    """(assessor, score, median of the others) for each score at least OUTLIER_SHARE × span
    from the median of the other scores, where there are at least 2 others."""
    found: list[tuple[str, float, float]] = []
    if len(cell) < 3:
        return found
    ordered = sorted(cell.values())
    position = {v: i for i, v in enumerate(ordered)}  # any copy of a value: the others alike
    for assessor, value in cell.items():
        others = median_without(ordered, position[value])
        if abs(value - others) >= OUTLIER_SHARE * span - 1e-9:
            found.append((assessor, value, others))
    return found


def median_without(ordered: Sequence[float], index: int) -> float:
    """The median of sorted `ordered` without its element at `index`."""
    k = len(ordered) - 1

    def at(j: int) -> float:
        return ordered[j] if j < index else ordered[j + 1]

    if k % 2:
        return at(k // 2)
    return math.fsum((at(k // 2 - 1), at(k // 2))) / 2
