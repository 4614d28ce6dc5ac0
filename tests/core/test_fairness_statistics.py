"""The fairness statistics against published values, and their properties (hypothesis)."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from panel_tui.domain.fairness import (
    Sheets,
    alpha_interval_exact,
    borda,
    calibrate,
    kendall_w_exact,
    mean,
    median,
    outliers,
    trimmed,
)
from panel_tui.domain.model import Round


def units_of(rows: list[str]) -> list[list[int]]:
    """Observers as rows (`.` missing) -> the values of each unit (column)."""
    table = [row.split() for row in rows]
    return [[int(row[u]) for row in table if row[u] != "."] for u in range(len(table[0]))]


def test_krippendorff_2011_example() -> None:
    units = units_of(
        [
            "1 2 3 3 2 1 4 1 2 . . .",
            "1 2 3 3 2 2 4 1 2 5 . 3",
            ". 3 3 3 2 3 4 2 2 5 1 .",
            "1 2 3 3 2 4 4 1 2 5 1 .",
        ]
    )
    assert alpha_interval_exact(units) == Fraction(951, 1120)


def test_wikipedia_example() -> None:
    units = units_of(
        [
            ". . . . . 3 4 1 2 1 1 3 3 . 3",
            "1 . 2 1 3 3 4 3 . . . . . . .",
            ". . 2 1 3 4 4 . 2 1 1 3 3 . 4",
        ]
    )
    assert alpha_interval_exact(units) == Fraction(643, 793)


def test_nag_g08daf_kendall_w_with_ties() -> None:
    rankings = [
        [1, 4.5, 2, 4.5, 3, 7.5, 6, 9, 7.5, 10],
        [2.5, 1, 2.5, 4.5, 4.5, 8, 9, 6.5, 10, 6.5],
        [2, 1, 4.5, 4.5, 4.5, 4.5, 8, 8, 8, 10],
    ]
    assert kendall_w_exact(rankings) == Fraction(197, 238)


def test_undefined_statistics() -> None:
    assert alpha_interval_exact([[3], [4]]) is None  # no unit with 2 values
    assert alpha_interval_exact([[3, 3], [3, 3]]) is None  # no variance
    assert kendall_w_exact([[1, 2, 3]]) is None  # one rater
    assert kendall_w_exact([[1, 2], [2, 1]]) is None  # two objects
    assert kendall_w_exact([[5, 5, 5], [2, 2, 2]]) is None  # every rater ties everything


def test_centres_by_hand() -> None:
    assert median([4, 1, 3]) == 3 and median([4, 1, 3, 2]) == 2.5
    assert trimmed([1, 5]) == 3 and trimmed([1, 2, 3, 10]) == 2.5
    assert trimmed([5, 1, 2, 3, 4]) == 3


def test_borda_by_hand() -> None:
    # a: x 90 > y 50 = z 50; b: y 80 > x 60, b is recused from z
    shares = borda({"x": {"a": 90, "b": 60}, "y": {"a": 50, "b": 80}, "z": {"a": 50}})
    assert shares == {"x": 100 * (1 + 0) / 2, "y": 100 * (0.25 + 1) / 2, "z": 25.0}


scores = st.integers(min_value=0, max_value=20).map(lambda v: v / 2)  # half points 0-10


@given(st.lists(scores, min_size=1, max_size=12))
def test_the_mean_is_the_contract_mean_byte_for_byte(values: list[float]) -> None:
    assert repr(mean(values)) == repr(math.fsum(values) / len(values))


@given(st.lists(scores, min_size=3, max_size=4))
def test_trimmed_is_the_median_for_3_or_4_scores(values: list[float]) -> None:
    assert trimmed(values) == median(values)


def _sheets(matrix: list[list[float]]) -> list[Sheets]:
    """Assessor a_i's score matrix[i][n] on one criterion for nominee n_j, all complete."""
    panel = tuple(f"a{i}" for i in range(len(matrix)))
    return [
        Sheets(f"n{j}", panel, {a: {"c": matrix[i][j]} for i, a in enumerate(panel)}, True)
        for j in range(len(matrix[0]))
    ]


@settings(max_examples=60)
@given(
    st.integers(min_value=3, max_value=6).flatmap(
        lambda n: st.lists(st.lists(scores, min_size=n, max_size=n), min_size=2, max_size=4)
    ),
    st.data(),
)
def test_zscore_is_invariant_to_a_per_assessor_affine_change(
    matrix: list[list[float]], data: st.DataObject
) -> None:
    """An assessor who writes every score as k·s + d (k > 0) gets the same z-scores: only
    the pooled μ, σ move, and they move every calibrated score alike."""
    panel = [f"a{i}" for i in range(len(matrix))]
    before = calibrate(panel, _sheets(matrix), ["c"], "too few")
    who = data.draw(st.integers(min_value=0, max_value=len(matrix) - 1))
    k = data.draw(st.sampled_from([0.5, 2.0, 3.0]))
    d = data.draw(st.sampled_from([-1.0, 0.0, 2.5]))
    changed = [row[:] for row in matrix]
    changed[who] = [k * v + d for v in changed[who]]
    after = calibrate(panel, _sheets(changed), ["c"], "too few")
    assert before.available and after.available
    for i, a in enumerate(panel):
        for j in range(len(matrix[0])):
            z_before = (
                0.0 if before.sds[a] == 0 else (matrix[i][j] - before.means[a]) / before.sds[a]
            )
            z_after = 0.0 if after.sds[a] == 0 else (changed[i][j] - after.means[a]) / after.sds[a]
            assert math.isclose(z_before, z_after, abs_tol=1e-9)
            if before.sd and after.sd:
                standard = (before.adjust(a, matrix[i][j]) - before.mean) / before.sd
                moved = (after.adjust(a, changed[i][j]) - after.mean) / after.sd
                assert math.isclose(standard, moved, abs_tol=1e-9)


@given(
    st.integers(min_value=3, max_value=7).flatmap(
        lambda n: st.lists(st.lists(scores, min_size=n, max_size=n), min_size=2, max_size=5)
    )
)
def test_kendall_w_is_invariant_to_monotone_transforms(raters: list[list[float]]) -> None:
    transformed = [[math.exp(v) * 3 + v**3 for v in row] for row in raters]
    assert kendall_w_exact(raters) == kendall_w_exact(transformed)


@given(
    st.lists(scores, min_size=2, max_size=8).filter(lambda v: len(set(v)) > 1),
    st.integers(min_value=2, max_value=5),
)
def test_alpha_is_1_for_identical_assessors_with_spread(values: list[float], m: int) -> None:
    assert alpha_interval_exact([[v] * m for v in values]) == 1


@given(
    st.lists(st.lists(scores, min_size=1, max_size=4), min_size=1, max_size=8),
)
def test_alpha_closed_form_is_the_pairwise_definition(units: list[list[float]]) -> None:
    pairable = [[Fraction(v) for v in u] for u in units if len(u) >= 2]
    closed = alpha_interval_exact(units)
    values = [v for u in pairable for v in u]
    if not pairable:
        assert closed is None
        return
    n = len(values)
    expected = Fraction(sum((x - y) ** 2 for x in values for y in values), n - 1)
    if expected == 0:
        assert closed is None
        return
    observed = sum(Fraction(sum((x - y) ** 2 for x in u for y in u), len(u) - 1) for u in pairable)
    assert closed == 1 - observed / expected


def _demo_round() -> Round:
    import panel_tui
    from panel_tui.round_package.loader import load_round

    result = load_round(Path(panel_tui.__file__).resolve().parent / "demo")
    assert result.round is not None
    return result.round


DEMO = _demo_round()


@st.composite
def panel_scores(
    draw: st.DrawFn,
) -> tuple[list[tuple[str, str, str, float]], list[tuple[str, str]]]:
    """Scores (1-5 in half points, some cells left empty) and recusals on the demo round."""
    scores = []
    recusals = []
    for nominee in DEMO.nominees:
        category = DEMO.category(nominee.category)
        assert category is not None
        rubric = DEMO.rubric(category.rubric)
        assert rubric is not None
        for assessor in DEMO.assessors:
            if draw(st.integers(0, 9)) == 0:
                recusals.append((assessor.id, nominee.id))
            for criterion in rubric.criteria:
                if draw(st.integers(0, 14)):
                    value = draw(st.integers(2, 10)) / 2
                    scores.append((assessor.id, nominee.id, criterion.id, value))
    return scores, recusals


@settings(max_examples=40, deadline=None)
@given(panel_scores())
def test_every_method_from_cell_counts_is_the_full_tally(
    drawn: tuple[list[tuple[str, str, str, float]], list[tuple[str, str]]],
) -> None:
    """The JSON path (per-cell counts) and the detailed path agree under every method that
    counts can give; the mean of both is the contract's mean, value for value."""
    from panel_tui.secretariat.tally import tally, tally_again, tally_summary
    from panel_tui.secretariat.tally_result import MEAN_DECIMALS, round_half_up

    scores, recusals = drawn
    recused = set(recusals)
    counts: dict[str, dict[str, dict[float, int]]] = {}
    for assessor, nominee, criterion, value in scores:
        if (assessor, nominee) in recused:
            continue
        cell = counts.setdefault(nominee, {}).setdefault(criterion, {})
        cell[value] = cell.get(value, 0) + 1
    detailed = tally(DEMO, scores, recusals)
    for method in ("mean", "median", "trimmed", "zscore"):
        again = tally(DEMO, scores, recusals, method=method, strict=False)
        full = again.to_json()
        if method != "zscore":
            assert tally_summary(DEMO, counts, recusals, method=method).to_json() == full
        # the sensitivity tallies, from the grouped scores of a detailed result
        regrouped = tally_again(detailed, method)
        detailed.categories, kept = regrouped, detailed.categories
        detailed.method = method
        assert detailed.to_json() == full
        assert [c.calibration for c in regrouped] == [c.calibration for c in again.categories]
        detailed.categories, detailed.method = kept, "mean"
    plain = tally(DEMO, scores, recusals)
    for cat in plain.categories:
        for r in cat.results:
            for criterion, shown in r.means.items():
                values = [
                    v
                    for a, n, c, v in scores
                    if n == r.nominee.id and c == criterion and (a, n) not in recused
                ]
                expected = (
                    round_half_up(math.fsum(values) / len(values), MEAN_DECIMALS)
                    if values
                    else None
                )
                assert shown == expected


@given(
    st.dictionaries(
        st.sampled_from(["n1", "n2", "n3", "n4", "n5"]),
        st.dictionaries(st.sampled_from(["a", "b", "c"]), scores, min_size=1),
        min_size=1,
    )
)
def test_borda_is_its_definition(totals: dict[str, dict[str, float]]) -> None:
    """b_{a,n} = (#{m : t_{a,m} < t_{a,n}} + ½·#{m ≠ n : t_{a,m} = t_{a,n}}) / (|S_a| − 1)."""
    expected: dict[str, float | None] = {}
    for n, sheet in totals.items():
        parts = []
        for a, own in sheet.items():
            others = [totals[m][a] for m in totals if m != n and a in totals[m]]
            if others:
                lower = sum(1 for t in others if t < own)
                level = sum(1 for t in others if t == own)
                parts.append(Fraction(2 * lower + level, 2 * len(others)))
        expected[n] = float(100 * sum(parts, Fraction(0)) / len(parts)) if parts else None
    assert borda(totals) == expected


@given(st.dictionaries(st.sampled_from("abcdefg"), scores, min_size=0, max_size=7))
def test_outliers_are_their_definition(cell: dict[str, float]) -> None:
    span = 10.0
    expected = []
    if len(cell) >= 3:
        for a, s in cell.items():
            others = median([v for b, v in cell.items() if b != a])
            if abs(s - others) >= 0.4 * span - 1e-9:
                expected.append((a, s, others))
    assert outliers(cell, span) == expected
