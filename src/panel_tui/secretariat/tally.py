"""The tally: results per category by the rules of contracts.md section 3 (method "mean").

- Only the round's assessors who are not recused from a nominee count for it.
- `m_c` = mean of the counted assessors' scores on criterion c.
- `total` = 100 × Σ w_c·(m_c − min)/(max − min) / Σ w_c over the nominee's rubric
  (`scoring.weighted_total`), reported to 2 decimals, rounded half up.
- `complete` = every counted assessor scored every criterion; incomplete nominees are ranked
  after the complete ones of their category.
- Order: the total as reported, then the criterion means in order of descending weight (rubric
  order between equal weights); nominees equal on all of them share a rank (1, 2, 2, 4).
- `advances` = rank ≤ the round's `advance` among complete nominees.

On an assessor's own database only that assessor counts (a personal preview of the ranking,
never the panel's result); on a merged file the whole panel counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel_tui.domain.bulk import gc_paused
from panel_tui.domain.fairness import CENTRES, Calibration, Sheets, calibrate
from panel_tui.domain.methods import METHODS
from panel_tui.domain.model import Assessor, Category, Nominee, Round, Rubric
from panel_tui.domain.problems import PanelError, Problem
from panel_tui.domain.scoring import weighted_total
from panel_tui.i18n import _
from panel_tui.secretariat.tally_result import (
    MEAN_DECIMALS,
    METHOD,
    CategoryResult,
    Disagreement,
    NomineeResult,
    TallyResult,
    round_half_up,
)
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage import projection
from panel_tui.storage.store import now_utc

if TYPE_CHECKING:
    from panel_tui.secretariat.verify.report import VerifyReport


def tally_database(
    path: Path | str, details: bool = True, heads: tuple[str, ...] = (), method: str = METHOD
) -> TallyResult:
    """Verify `path` as `panel-tui verify` does, then tally it; a file that does not verify
    is refused (PanelError listing verify's problems), so no reader can print a normal-looking
    result of an edited file. `heads`: receipt heads the file must hold (as `verify --head`).

    The tally is computed from the events verify read and checked (one read of the file, one
    snapshot of it): nothing is read after the check that the check did not see.
    """

    path = Path(path)
    verified_at = now_utc()
    report = verify_database(path, heads, project=True, parallel=True)
    if not report.ok:
        raise PanelError(
            _(
                "{path}: does not verify, so it is not tallied (run `panel-tui verify {path}`):"
            ).format(path=path),
            [Problem(path.name, None, None, problem) for problem in report.problems],
        )
    try:
        # Its sheets are built beside every verified event still held: the collector's
        # passes over all of them were a third of the tally's time.
        with gc_paused():
            result = tally_verified(report, details, method)
    except (ValueError, TypeError, KeyError, ArithmeticError, RecursionError) as exc:
        raise PanelError(
            _(
                "{path}: holds data panel-tui did not write (edited or damaged: {error}); "
                "run `panel-tui verify {path}`"
            ).format(path=path, error=type(exc).__name__)
        ) from exc
    result.verified_at = verified_at
    result.verified_heads = tuple(heads)
    return result


def tally_verified(report: VerifyReport, details: bool = True, method: str = METHOD) -> TallyResult:
    """The tally of a file from `verify_database(path, project=True)`'s report of it.

    `details=False`: only what `to_json` shows (ranks, totals, means, counts, complete,
    advances), from per-cell value counts; every assessor's scores, what an incomplete
    nominee lacks and the disagreements are left empty. zscore needs every assessor's scores,
    so it always takes the detailed path."""
    round_, current, fingerprints = report.round, report.current, report.fingerprints
    if round_ is None or current is None or fingerprints is None:
        raise ValueError("the report holds no verified events")
    only = report.assessor if report.kind == "assessor" else None
    sheets = projection.sheets(current)
    if only is not None:
        sheets = {only: sheets.get(only, {})}
    recusals = sorted((a, n) for a, of in sheets.items() for n, held in of.items() if held.recused)
    if details or method == "zscore":
        scores = [
            (assessor, nominee, criterion, value)
            for assessor, of in sheets.items()
            for nominee, held in of.items()
            for criterion, value in held.scores.items()
        ]
        result = tally(round_, scores, recusals, only, method)
    else:
        panel = [a.id for a in round_.assessors if only is None or a.id == only]
        counts: dict[str, dict[str, dict[float, int]]] = {}
        for _assessor, nominee, held in projection.counted_sheets(sheets, panel):
            cells = counts.setdefault(nominee, {})
            for criterion, value in held.scores.items():
                cell = cells.setdefault(criterion, {})
                cell[value] = cell.get(value, 0) + 1
        result = tally_summary(round_, counts, recusals, only, method)
    result.path = report.path
    result.kind = report.kind
    result.chains = [(c.origin, c.assessor, c.length, c.head) for c in report.chains]
    result.imports = [
        {
            "file": file,
            "assessor": assessor,
            "events": added,
            "length": length,
            "head": head,
            "at": at,
            "sha256": sha256,
        }
        for _origin, assessor, length, head, file, added, at, sha256, *_rest in report.imports
    ]
    result.fingerprints = fingerprints
    result.sheets = sheets
    return result


def _panel(
    round_: Round, recusals: list[tuple[str, str]], only: str | None
) -> tuple[list[Assessor], list[str], dict[str, set[str]]]:
    """The assessors counted (all, or `only`), their ids, and who of them is recused from
    each nominee."""
    panel = [a for a in round_.assessors if only is None or a.id == only]
    panel_ids = [a.id for a in panel]
    members = set(panel_ids)
    recused_by: dict[str, set[str]] = {}
    for assessor, nominee_id in recusals:
        if assessor in members:
            recused_by.setdefault(nominee_id, set()).add(assessor)
    return panel, panel_ids, recused_by


def _split_panel(panel_ids: list[str], recused: set[str]) -> tuple[list[str], list[str]]:
    """The panel of one nominee in round order: who is recused from it, and who counts."""
    return [a for a in panel_ids if a in recused], [a for a in panel_ids if a not in recused]


def _categories(round_: Round) -> Iterator[tuple[Category, Rubric, list[str], list[str]]]:
    """Each category with its rubric, the rubric's criteria and their tie-break order:
    descending weight, rubric order between equal weights (sorted is stable)."""
    for category in round_.categories:
        rubric = round_.rubric(category.rubric)
        assert rubric is not None
        criteria = [c.id for c in rubric.criteria]
        tie_order = [c.id for c in sorted(rubric.criteria, key=lambda c: -c.weight)]
        yield category, rubric, criteria, tie_order


def tally(
    round_: Round,
    scores: list[tuple[str, str, str, float]],
    recusals: list[tuple[str, str]],
    only: str | None = None,
    method: str = METHOD,
    strict: bool = True,
) -> TallyResult:
    """Rank every category from current scores (assessor, nominee, criterion, value), with
    `method`'s centre per criterion (shared/fairness.md).

    zscore in a category without enough calibration nominees: refused (PanelError) when
    `strict`; otherwise that category is ranked on the raw scores and its `calibration` says
    why the method is unavailable (the sensitivity table shows it as n/a)."""
    check_method(method, only)
    centre = CENTRES[method]
    panel, panel_ids, recused_by = _panel(round_, recusals, only)
    members = set(panel_ids)
    by_nominee: dict[str, dict[str, dict[str, float]]] = {}
    for assessor, nominee_id, criterion, value in scores:
        if assessor in members:
            by_nominee.setdefault(nominee_id, {}).setdefault(assessor, {})[criterion] = value

    categories: list[CategoryResult] = []
    disagreements: list[Disagreement] = []
    refused: list[str] = []
    for category, rubric, criteria, tie_order in _categories(round_):
        rows: list[tuple[tuple[Any, ...], NomineeResult]] = []
        calibration = None
        if method == "zscore":
            calibration = _calibration(
                round_, category, criteria, panel_ids, recused_by, by_nominee
            )
            if not calibration.available:
                refused.append(f"{category.id}: {calibration.reason}")
        adjust = calibration.adjust if calibration and calibration.available else None
        for nominee in round_.nominees:
            if nominee.category != category.id:
                continue
            sheets = by_nominee.get(nominee.id, {})
            recused, counted = _split_panel(panel_ids, recused_by.get(nominee.id, set()))
            raw_means: dict[str, float | None] = {}
            missing: dict[str, list[str]] = {}
            counted_sheets = [(a, sheets[a]) for a in counted if a in sheets]
            for criterion in criteria:
                given = {a: sheet[criterion] for a, sheet in counted_sheets if criterion in sheet}
                values = list(given.values())
                if method == METHOD:
                    raw_means[criterion] = math.fsum(values) / len(values) if values else None
                elif adjust is not None:
                    calibrated = [adjust(a, v) for a, v in given.items()]
                    raw_means[criterion] = centre(calibrated) if calibrated else None
                else:
                    raw_means[criterion] = centre(values) if values else None
                if len(values) >= 2:
                    spread = max(values) - min(values)
                    if spread > 0:  # only real disagreements are kept
                        disagreements.append(
                            Disagreement(
                                category,
                                nominee,
                                criterion,
                                spread,
                                round_half_up(raw_means[criterion] or 0.0, MEAN_DECIMALS),
                                given,
                            )
                        )
            for assessor in counted:
                lacking = [c for c in criteria if c not in sheets.get(assessor, {})]
                if lacking:
                    missing[assessor] = lacking
            complete = bool(counted) and not missing
            sheet_scores = {a: dict(sheets[a]) for a in panel_ids if a in sheets}
            rows.append(
                _nominee_row(
                    nominee,
                    rubric,
                    raw_means,
                    tie_order,
                    complete,
                    counted,
                    recused,
                    missing,
                    sheet_scores,
                )
            )
        categories.append(
            CategoryResult(category, rubric, _ranked(rows, round_.advance), calibration)
        )
    if refused and strict:
        raise PanelError(
            _("the zscore method is not available in every category:")
            + "\n  "
            + "\n  ".join(refused)
        )

    position = {n.id: i for i, n in enumerate(round_.nominees)}
    # Spread relative to the scale: 4 points on 0–10 is less disagreement than 3 on 1–5.
    span = {cat.category.id: (cat.rubric.max - cat.rubric.min) or 1 for cat in categories}
    disagreements.sort(
        key=lambda d: (-d.spread / span[d.category.id], position[d.nominee.id], d.criterion)
    )
    return TallyResult(
        round=round_,
        path=Path(),
        kind="merged",
        assessor=only,
        panel=panel,
        categories=categories,
        disagreements=disagreements,
        method=method,
    )


def check_method(method: str, only: str | None) -> None:
    """Refuse an unknown method, and any but mean on one assessor's own database."""

    if method not in METHODS:
        raise PanelError(
            _('unknown method "{method}"; use one of {known}').format(
                method=method, known=", ".join(METHODS)
            )
        )
    if only is not None and method != METHOD:
        raise PanelError(
            _(
                "assessor {assessor}'s own database: only the mean applies (the other methods "
                "compare assessors; tally the merged file for them)"
            ).format(assessor=only)
        )


def _calibration(
    round_: Round,
    category: Category,
    criteria: list[str],
    panel_ids: list[str],
    recused_by: dict[str, set[str]],
    by_nominee: dict[str, dict[str, dict[str, float]]],
) -> Calibration:
    """The zscore calibration of `category` from the counted assessors' sheets."""
    sheets = []
    for nominee in round_.nominees:
        if nominee.category != category.id:
            continue
        own = by_nominee.get(nominee.id, {})
        counted = tuple(a for a in panel_ids if a not in recused_by.get(nominee.id, set()))
        complete = bool(counted) and all(c in own.get(a, {}) for a in counted for c in criteria)
        sheets.append(
            Sheets(nominee.id, counted, {a: own[a] for a in counted if a in own}, complete)
        )
    return calibrate(panel_ids, sheets, criteria, _too_few_to_calibrate())


def _too_few_to_calibrate() -> str:
    return _(
        "fewer than 3 complete nominees that no panel member is recused from, so "
        "assessors cannot be calibrated"
    )


def tally_again(
    result: TallyResult, method: str, without: str | None = None
) -> list[CategoryResult]:
    """The categories of a detailed `result` ranked again under `method`, optionally without
    one assessor (who then neither counts nor calibrates): the same rules as `tally`, from
    the scores `result` already holds grouped by nominee, so the sensitivity tallies do not
    group every score again. A category where zscore is unavailable is ranked on the raw
    scores, its `calibration` saying why (as `tally(..., strict=False)`)."""
    check_method(method, result.assessor)
    centre = CENTRES[method]
    panel_ids = [a.id for a in result.panel if a.id != without]
    position = {n.id: i for i, n in enumerate(result.round.nominees)}
    categories = []
    for cat in result.categories:
        rubric = cat.rubric
        criteria = [c.id for c in rubric.criteria]
        tie_order = [c.id for c in sorted(rubric.criteria, key=lambda c: -c.weight)]
        in_round_order = sorted(cat.results, key=lambda r: position[r.nominee.id])
        counted_of = {r.nominee.id: [a for a in r.counted if a != without] for r in in_round_order}
        # Leaving an assessor out cannot make a complete nominee lack a score; it can complete
        # one whose only missing scores were theirs.
        complete_of = {
            r.nominee.id: bool(counted_of[r.nominee.id])
            and (
                r.complete
                or (
                    without is not None
                    and all(
                        c in r.scores.get(a, {}) for a in counted_of[r.nominee.id] for c in criteria
                    )
                )
            )
            for r in in_round_order
        }
        calibration = None
        adjust = None
        if method == "zscore":
            calibration = calibrate(
                panel_ids,
                [
                    Sheets(
                        r.nominee.id,
                        tuple(counted_of[r.nominee.id]),
                        {a: r.scores[a] for a in counted_of[r.nominee.id] if a in r.scores},
                        complete_of[r.nominee.id],
                    )
                    for r in in_round_order
                ],
                criteria,
                _too_few_to_calibrate(),
            )
            adjust = calibration.adjust if calibration.available else None
        rows = []
        for r in in_round_order:
            counted = counted_of[r.nominee.id]
            raw_means: dict[str, float | None] = {}
            for criterion in criteria:
                given = [
                    (a, r.scores[a][criterion]) for a in counted if criterion in r.scores.get(a, {})
                ]
                if not given:
                    raw_means[criterion] = None
                elif method == METHOD:
                    values = [v for _a, v in given]
                    raw_means[criterion] = math.fsum(values) / len(values)
                elif adjust is not None:
                    raw_means[criterion] = centre([adjust(a, v) for a, v in given])
                else:
                    raw_means[criterion] = centre([v for _a, v in given])
            recused = [a for a in r.recused if a != without]
            rows.append(
                _nominee_row(
                    r.nominee,
                    rubric,
                    raw_means,
                    tie_order,
                    complete_of[r.nominee.id],
                    counted,
                    recused,
                    {},
                    r.scores,
                )
            )
        categories.append(
            CategoryResult(cat.category, rubric, _ranked(rows, result.round.advance), calibration)
        )
    return categories


def _nominee_row(
    nominee: Nominee,
    rubric: Rubric,
    raw_means: dict[str, float | None],
    tie_order: list[str],
    complete: bool,
    counted: list[str],
    recused: list[str],
    missing: dict[str, list[str]],
    scores: dict[str, dict[str, float]],
) -> tuple[tuple[Any, ...], NomineeResult]:
    """One nominee's result and its sort key, from the unrounded criterion means."""
    total_raw = (
        weighted_total(rubric, raw_means)  # type: ignore[arg-type]
        if all(v is not None for v in raw_means.values())
        else None
    )
    total = None if total_raw is None else round_half_up(total_raw, 2)
    means = {
        c: (None if v is None else round_half_up(v, MEAN_DECIMALS)) for c, v in raw_means.items()
    }
    result = NomineeResult(
        nominee=nominee,
        rank=0,
        total=total,
        complete=complete,
        counted=counted,
        recused=recused,
        means=means,
        advances=False,
        missing=missing,
        scores=scores,
    )
    return _sort_key(complete, total, raw_means, tie_order), result


def _ranked(
    rows: list[tuple[tuple[Any, ...], NomineeResult]], advance: int | None
) -> list[NomineeResult]:
    """Sort by key (stable: round order between equals), share ranks, mark who advances."""
    rows.sort(key=lambda item: item[0])
    previous: tuple[Any, ...] | None = None
    rank = 0
    for position, (key, result) in enumerate(rows, start=1):
        if key != previous:
            rank = position
            previous = key
        result.rank = rank
        result.advances = advance is not None and result.complete and rank <= advance
    return [r for _k, r in rows]


def _sort_key(
    complete: bool, total: float | None, raw_means: dict[str, float | None], tie_order: list[str]
) -> tuple[Any, ...]:
    return (
        not complete,
        -total if total is not None else math.inf,
        *(
            -round(raw_means[c], 9) if raw_means[c] is not None else math.inf  # type: ignore[arg-type]
            for c in tie_order
        ),
    )


def tally_summary(
    round_: Round,
    counts: dict[str, dict[str, dict[float, int]]],
    recusals: list[tuple[str, str]],
    only: str | None = None,
    method: str = METHOD,
) -> TallyResult:
    """`tally` from per-cell value counts: the same ranks, totals, means and
    completeness; without the scores, what is missing, and the disagreements.

    zscore needs each assessor's scores, which counts do not keep: use `tally` for it."""
    check_method(method, only)
    if method == "zscore":
        raise ValueError("zscore needs per-assessor scores: tally(), not tally_summary()")
    centre = CENTRES[method]
    panel, panel_ids, recused_by = _panel(round_, recusals, only)
    fsum = math.fsum
    categories: list[CategoryResult] = []
    for category, rubric, criteria, tie_order in _categories(round_):
        rows: list[tuple[tuple[Any, ...], NomineeResult]] = []
        for nominee in round_.nominees:
            if nominee.category != category.id:
                continue
            cells = counts.get(nominee.id, {})
            recused, counted = _split_panel(panel_ids, recused_by.get(nominee.id, set()))
            raw_means: dict[str, float | None] = {}
            complete = bool(counted)
            for criterion in criteria:
                cell = cells.get(criterion)
                if not cell:
                    raw_means[criterion] = None
                    complete = False
                    continue
                values = [v for value, n in cell.items() for v in (value,) * n]
                if method == METHOD:
                    raw_means[criterion] = fsum(values) / len(values)
                else:
                    raw_means[criterion] = centre(values)
                if len(values) != len(counted):
                    complete = False
            rows.append(
                _nominee_row(
                    nominee, rubric, raw_means, tie_order, complete, counted, recused, {}, {}
                )
            )
        categories.append(CategoryResult(category, rubric, _ranked(rows, round_.advance)))
    return TallyResult(
        round=round_,
        path=Path(),
        kind="merged",
        assessor=only,
        panel=panel,
        categories=categories,
        disagreements=[],
        method=method,
    )
