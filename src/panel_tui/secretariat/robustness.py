"""Whether a tally's decision depends on its method, how much the panel agrees, and who is
harsh or lenient (shared/fairness.md): computed from a detailed `TallyResult`, by tallying
its scores again under every method. Pure: the scores come from the result, not the file.

`explain(result)` gives, per category id, the JSON of `tally --explain` (sensitivity,
agreement, assessors, outliers, zscore_calibration); `sentences` the three plain sentences the
record prints under the method table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from panel_tui.domain import formatting
from panel_tui.domain.fairness import (
    SENSITIVITY_METHODS,
    Calibration,
    Statistic,
    alpha_interval,
    borda,
    kendall_w,
    leniency,
    outliers,
)
from panel_tui.domain.methods import METHODS
from panel_tui.domain.scoring import weighted_total
from panel_tui.i18n import _
from panel_tui.secretariat.tally import tally_again
from panel_tui.secretariat.tally_result import CategoryResult, TallyResult, round_half_up

# Above this many assessors the leave-one-out tallies (one per assessor) are not run.
LEAVE_ONE_OUT_LIMIT = 15
# Under this many nominees the agreement figures are printed with a caution.
FEW_NOMINEES = 10

Ranking = dict[str, dict[str, Any]]  # nominee -> {"rank", "total", "advances"}


def _ranking(cat: CategoryResult) -> Ranking:
    return {
        r.nominee.id: {"rank": r.rank, "total": r.total, "advances": r.advances}
        for r in cat.results
    }


def sheet_totals(cat: CategoryResult) -> dict[str, dict[str, float]]:
    """Complete nominee -> counted assessor -> that assessor's own weighted total t_{a,n}."""
    totals: dict[str, dict[str, float]] = {}
    for r in cat.results:
        if not r.complete:
            continue
        own = {}
        for assessor in r.counted:
            total = weighted_total(cat.rubric, r.scores.get(assessor, {}))
            if total is not None:
                own[assessor] = total
        totals[r.nominee.id] = own
    return totals


def _borda_ranking(
    cat: CategoryResult, advance: int | None, totals: dict[str, dict[str, float]]
) -> Ranking:
    """The Borda share ranked as a total: incomplete (and unshared) nominees last, ties share a
    rank, advances = rank ≤ advance among the complete."""
    shares = borda(totals)
    rows = []
    for position, r in enumerate(cat.results):
        share = shares.get(r.nominee.id)
        total = None if share is None else round_half_up(share, 2)
        ranked = r.complete and total is not None
        key = (not ranked, -total if total is not None else 0.0)
        rows.append((key, position, r.nominee.id, total, ranked))
    rows.sort(key=lambda row: (row[0], row[1]))
    ranking: Ranking = {}
    previous = None
    rank = 0
    for place, (key, _p, nominee, total, ranked) in enumerate(rows, start=1):
        if key != previous:
            rank, previous = place, key
        advances = advance is not None and ranked and rank <= advance
        ranking[nominee] = {"rank": rank, "total": total, "advances": advances}
    return ranking


def _advancing(ranking: Ranking) -> set[str]:
    return {n for n, row in ranking.items() if row["advances"]}


def _winners(ranking: Ranking) -> set[str]:
    return {n for n, row in ranking.items() if row["rank"] == 1 and row["total"] is not None}


def _cut(cat: CategoryResult, advance: int | None) -> dict[str, Any] | None:
    """The last nominee in, the first out and the points between them; None when nobody
    complete is left out."""
    if advance is None:
        return None
    inside = [r for r in cat.results if r.advances]
    outside = [r for r in cat.results if r.complete and not r.advances]
    if not inside or not outside:
        return None
    last_in, first_out = inside[-1], outside[0]
    tie = len(inside) > advance
    margin = 0.0 if tie else round_half_up((last_in.total or 0.0) - (first_out.total or 0.0), 2)
    return {
        "last_in": last_in.nominee.id,
        "first_out": first_out.nominee.id,
        "margin": margin,
        "tie_at_cut": tie,
    }


def _calibration_json(calibration: Calibration | None) -> dict[str, Any] | None:
    if calibration is None:
        return None
    return {
        "available": calibration.available,
        "reason": calibration.reason,
        "nominees": list(calibration.nominees),
        "pooled": {"mean": round(calibration.mean, 6), "sd": round(calibration.sd, 6)},
        "assessors": {
            a: {"mean": round(calibration.means[a], 6), "sd": round(calibration.sds[a], 6)}
            for a in calibration.means
        },
        "zero_variance": list(calibration.zero_variance),
    }


def _reasons() -> dict[str, str]:
    return {
        "no_pairs": _("no nominee has scores from 2 counted assessors"),
        "no_variance": _("every value is the same: there is no variation to agree on"),
        "few_raters": _("fewer than 2 assessors"),
        "few_nominees": _("fewer than 3 complete nominees that no panel member is recused from"),
    }


def _agreement(
    cat: CategoryResult,
    panel: list[str],
    calibration_set: list[str],
    totals: dict[str, dict[str, float]],
    cells: Cells,
) -> dict[str, Any]:
    reasons = _reasons()
    alpha_totals = alpha_interval([list(t.values()) for t in totals.values()], reasons)
    by_criterion: dict[str, Statistic] = {}
    for criterion in cat.rubric.criteria:
        units = [list(cell.values()) for _n, c, cell in cells if c == criterion.id]
        by_criterion[criterion.id] = alpha_interval(units, reasons)
    raters = [[totals[n][a] for n in calibration_set] for a in panel] if calibration_set else []
    left_out = [r.nominee.id for r in cat.results if r.nominee.id not in calibration_set]
    w = kendall_w(raters, left_out, reasons)
    return {
        "nominees": len(cat.results),
        "caution": len(cat.results) < FEW_NOMINEES,
        "alpha_interval_totals": alpha_totals.to_json(),
        "alpha_interval_criteria": {c: s.to_json() for c, s in by_criterion.items()},
        "kendall_w": w.to_json(),
    }


Cells = list[tuple[str, str, dict[str, float]]]  # (nominee, criterion, {assessor: score})


def cells_of(cat: CategoryResult) -> Cells:
    """Every cell X_{n,c} of the category: the counted assessors' scores."""
    cells = []
    for r in cat.results:
        sheets = [(a, r.scores[a]) for a in r.counted if a in r.scores]
        for criterion in cat.rubric.criteria:
            c = criterion.id
            cells.append((r.nominee.id, c, {a: sheet[c] for a, sheet in sheets if c in sheet}))
    return cells


def _assessors_and_outliers(
    cat: CategoryResult, panel: list[str], totals: dict[str, dict[str, float]], cells: Cells
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    found = []
    span = cat.rubric.max - cat.rubric.min
    for nominee, criterion, cell in cells:
        for assessor, score, others in outliers(cell, span):
            found.append(
                {
                    "nominee": nominee,
                    "criterion": criterion,
                    "assessor": assessor,
                    "score": score,
                    "median_others": others,
                }
            )
    figures = leniency(panel, (cell for _n, _c, cell in cells), totals.values())
    return {a: f.to_json() for a, f in figures.items()}, found


def explain(result: TallyResult) -> dict[str, dict[str, Any]]:
    """Per category id: sensitivity, agreement, assessors, outliers, zscore_calibration.

    `result` must be a detailed tally (every assessor's scores) of a merged file."""
    panel = [a.id for a in result.panel]
    rerun: dict[str, list[CategoryResult]] = {result.method: result.categories}
    for method in METHODS:
        if method not in rerun:
            rerun[method] = tally_again(result, method)
    leave_one_out: dict[str, list[CategoryResult]] = {}
    if len(panel) <= LEAVE_ONE_OUT_LIMIT:
        leave_one_out = {a: tally_again(result, result.method, without=a) for a in panel}
    advance = result.round.advance
    out: dict[str, dict[str, Any]] = {}
    for index, cat in enumerate(result.categories):
        zscore_cat = rerun["zscore"][index]
        calibration = zscore_cat.calibration
        rankings: dict[str, Ranking | None] = {}
        unavailable: dict[str, str] = {}
        for method in METHODS:
            one = rerun[method][index]
            if method == "zscore" and calibration is not None and not calibration.available:
                rankings[method] = None
                unavailable[method] = calibration.reason or ""
            else:
                rankings[method] = _ranking(one)
        totals = sheet_totals(cat)
        rankings["rank"] = _borda_ranking(cat, advance, totals)
        chosen = rankings[result.method]
        assert chosen is not None
        available = {m: r for m, r in rankings.items() if r is not None}
        advancing = _advancing(chosen)
        winners = _winners(chosen)
        nominees = []
        for r in cat.results:
            nominee = r.nominee.id
            verdicts = {ranking[nominee]["advances"] for ranking in available.values()}
            nominees.append(
                {
                    "nominee": nominee,
                    "stable": len(verdicts) == 1,
                    "methods": {
                        m: (None if ranking is None else ranking[nominee])
                        for m, ranking in rankings.items()
                    },
                }
            )
        changes: dict[str, Any] | None = None
        note = None
        if leave_one_out:
            changes = {}
            for assessor, without in leave_one_out.items():
                other = without[index]
                if (
                    result.method == "zscore"
                    and other.calibration is not None
                    and not other.calibration.available
                ):
                    changes[assessor] = {"unavailable": other.calibration.reason}
                    continue
                now = {r.nominee.id for r in other.results if r.advances}
                if now != advancing:
                    changes[assessor] = {
                        "in": [
                            n.nominee.id for n in other.results if n.nominee.id in now - advancing
                        ],
                        "out": [
                            n.nominee.id for n in cat.results if n.nominee.id in advancing - now
                        ],
                    }
        else:
            note = _("leave-one-out skipped: more than {limit} assessors ({count})").format(
                limit=LEAVE_ONE_OUT_LIMIT, count=len(panel)
            )
        cells = cells_of(cat)
        assessors, found = _assessors_and_outliers(cat, panel, totals, cells)
        calibration_set = (
            list(calibration.nominees) if calibration is not None and calibration.available else []
        )
        out[cat.category.id] = {
            "sensitivity": {
                "methods": list(SENSITIVITY_METHODS),
                "unavailable": unavailable,
                "nominees": nominees,
                "advancing_changes_under": [
                    m for m, ranking in available.items() if _advancing(ranking) != advancing
                ],
                "winner_changes_under": [
                    m for m, ranking in available.items() if _winners(ranking) != winners
                ],
                "cut": _cut(cat, advance),
                "leave_one_out": changes,
                "leave_one_out_note": note,
            },
            "agreement": _agreement(cat, panel, calibration_set, totals, cells),
            "assessors": assessors,
            "outliers": found,
            "zscore_calibration": _calibration_json(calibration),
        }
    return out


def method_label(method: str) -> str:
    return {
        "mean": _("mean"),
        "trimmed": _("trimmed"),
        "median": _("median"),
        "zscore": _("zscore"),
        "rank": _("rank (Borda)"),
    }[method]


def _names(items: Iterable[str]) -> str:
    return ", ".join(items)


def sentences(explanation: dict[str, Any], method: str, advance: int | None) -> list[str]:
    """Three plain sentences for one category: the verdict, the cut, leave-one-out."""
    sensitivity = explanation["sensitivity"]
    changed = sensitivity["advancing_changes_under"]
    out = []
    if advance is None:
        out.append(_("advance is not set for this round: nobody advances under any method."))
    elif changed:
        out.append(
            _("Who advances depends on the method: it changes under {methods}.").format(
                methods=_names(method_label(m) for m in changed)
            )
        )
    else:
        out.append(_("The same nominees advance under every available method."))
    cut = sensitivity["cut"]
    if cut is None:
        out.append(_("Nobody complete is left out at the cut."))
    elif cut["tie_at_cut"]:
        out.append(
            _(
                "A tie at the cut lets extra nominees in (margin 0); the first left out is {first}."
            ).format(first=cut["first_out"])
        )
    else:
        out.append(
            _(
                "Under {method}, the last nominee in ({last}) leads the first left out "
                "({first}) by {margin} points."
            ).format(
                method=method_label(method),
                last=cut["last_in"],
                first=cut["first_out"],
                margin=_fixed(cut["margin"]),
            )
        )
    changes = sensitivity["leave_one_out"]
    if changes is None:
        out.append(sensitivity["leave_one_out_note"])
    elif not changes:
        out.append(_("No single assessor's absence changes who advances."))
    else:
        parts = []
        for assessor, change in changes.items():
            if "unavailable" in change:
                parts.append(
                    _("without {assessor} zscore is unavailable").format(assessor=assessor)
                )
                continue
            came_in, went_out = _names(change["in"]), _names(change["out"])
            if not went_out:  # a tie at the cut lets more in
                part = _("without {assessor}, {in_} would advance as well").format(
                    assessor=assessor, in_=came_in
                )
            elif not came_in:
                part = _("without {assessor}, {out} would not advance").format(
                    assessor=assessor, out=went_out
                )
            else:
                part = _("without {assessor}, {in_} would advance instead of {out}").format(
                    assessor=assessor, in_=came_in, out=went_out
                )
            parts.append(part)
        out.append(
            _("One assessor's absence changes who advances: {changes}.").format(
                changes="; ".join(parts)
            )
        )
    return out


def _fixed(value: float) -> str:

    return formatting.fixed(value, 2)
