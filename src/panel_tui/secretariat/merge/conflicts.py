"""Why an input cannot join OUT, in words: cells two chains of one assessor disagree on, forks, a different round or rubric."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from panel_tui.domain import formatting
from panel_tui.domain.round_diff import bounded, round_differences, rubric_differences
from panel_tui.i18n import _
from panel_tui.secretariat.merge.report import Conflict
from panel_tui.storage import projection
from panel_tui.storage.snapshot import SNAPSHOT_ERRORS, round_from_dict

if TYPE_CHECKING:
    from panel_tui.domain.model import Round
    from panel_tui.secretariat.verify.report import ChainSummary


def fork_cells(conn: sqlite3.Connection, origin: str, assessor: str) -> list[Conflict]:
    """The cells whose current value differs between the input's chain `origin` and OUT's
    chain of the same origin (one database scored on two laptops after a copy): each chain
    folded as projection.py folds it; a cell one side never scored is "not scored"."""

    def state(schema: str) -> projection.ChainState:
        rows = conn.execute(
            f"SELECT {', '.join(projection.COLUMNS)} FROM {schema}.score_events"
            " WHERE origin = ? ORDER BY seq",
            (origin,),
        )
        return next(iter(projection.fold(rows)), None) or projection.ChainState(origin, assessor)

    here, merged = state("src"), state("main")
    row = conn.execute("SELECT MIN(file) FROM main.imports WHERE origin = ?", (origin,)).fetchone()
    other_file = row[0] if row is not None and row[0] is not None else ""
    found: list[Conflict] = []
    for nominee, criterion in here.scores.keys() | merged.scores.keys():
        cell = (nominee, criterion)
        if (
            cell in here.scores
            and cell in merged.scores
            and here.scores[cell] == merged.scores[cell]
        ):
            continue
        value = _format_value("score", here.scores[cell]) if cell in here.scores else None
        other = _format_value("score", merged.scores[cell]) if cell in merged.scores else None
        found.append(
            Conflict(
                assessor,
                nominee,
                criterion,
                value or _("not scored"),
                other or _("not scored"),
                origin,
                origin,
                other_file,
            )
        )
    for nominee in here.recused.keys() | merged.recused.keys():
        flag, other_flag = here.recused.get(nominee, False), merged.recused.get(nominee, False)
        if flag != other_flag:
            found.append(
                Conflict(
                    assessor,
                    nominee,
                    None,
                    _format_value("recusal", flag),
                    _format_value("recusal", other_flag),
                    origin,
                    origin,
                    other_file,
                )
            )
    # the recusal of a nominee first, then its criteria
    return sorted(found, key=lambda c: (c.nominee, c.criterion is not None, c.criterion or ""))


def fork_message(chain: ChainSummary, seq: int, cells: list[Conflict]) -> str:
    if cells:
        return _(
            "conflict: chain {origin} (assessor {assessor}) differs from the one already merged "
            "from event {seq} on: the same database was scored on two laptops; {counts} differ; "
            "nothing of this file was merged"
        ).format(origin=chain.origin[:12], assessor=chain.assessor, seq=seq, counts=_counted(cells))
    return _(
        "conflict: chain {origin} (assessor {assessor}) differs from the one already merged "
        "from event {seq} on: the same database was scored on two laptops (no cell's current "
        "value differs: the events differ in notes, times or order); nothing of this file was "
        "merged"
    ).format(origin=chain.origin[:12], assessor=chain.assessor, seq=seq)


def conflicts_message(conflicts: list[Conflict]) -> str:
    return _(
        "conflict: {counts} differ from the same assessor's on another laptop; nothing of this "
        "file was merged"
    ).format(counts=_counted(conflicts))


def _counted(conflicts: list[Conflict]) -> str:
    """Score and recusal conflicts counted apart: they are settled differently (a score is
    agreed on again, a recusal is a decision about the assessor and the nominee)."""
    recusals = sum(1 for c in conflicts if c.criterion is None)
    scores = len(conflicts) - recusals
    if not recusals:
        return _("{n} score(s)").format(n=scores)
    if not scores:
        return _("{n} recusal(s)").format(n=recusals)
    return _("{scores} score(s) and {recusals} recusal(s)").format(scores=scores, recusals=recusals)


def fingerprint_message(
    conn: sqlite3.Connection, found: tuple[str, str] | None, expected: tuple[str, str]
) -> str:
    """Why the input's round is not OUT's: what differs, read from the two snapshots."""

    if found is None:
        return _("the file holds no round")
    merged, here = _snapshot_round(conn, "main"), _snapshot_round(conn, "src")
    if found[0] != expected[0]:
        row = conn.execute("SELECT id FROM src.round").fetchone()
        other = conn.execute("SELECT id FROM main.round").fetchone()
        changes = round_differences(merged, here) if merged and here else []
        if changes:
            return _(
                "round {found} does not match the merged round {expected} (merged file → this "
                "file: {changes}): refused"
            ).format(found=row[0], expected=other[0], changes=bounded(changes))
        return _(
            "round {found} does not match the merged round {expected} (round id, panel, "
            "categories or nominees differ): refused"
        ).format(found=row[0], expected=other[0])
    changes = rubric_differences(merged, here) if merged and here else []
    if changes:
        return _(
            "the rubric differs from the merged file's (merged file → this file: {changes}): "
            "refused"
        ).format(changes=bounded(changes))
    return _("the rubric (scales, criteria or weights) differs from the merged file's: refused")


def _snapshot_round(conn: sqlite3.Connection, schema: str) -> Round | None:
    """The round of `schema`'s snapshot without its claims (most of a large snapshot, and in
    no fingerprint); None when it cannot be read."""

    try:
        row = conn.execute(
            f"SELECT json_remove(snapshot, '$.claims') FROM {schema}.round"
        ).fetchone()
        return round_from_dict(json.loads(row[0])) if row is not None else None
    except (sqlite3.Error, *SNAPSHOT_ERRORS):
        return None


def _format_value(kind: str, value: float | bool | None) -> str:

    return formatting.cell_value(value, recusal=kind == "recusal")


def find_conflicts(
    conn: sqlite3.Connection,
    assessors: set[str],
    input_origins: set[str],
    known: dict[str, tuple[str, int]],
) -> list[Conflict]:
    """Cells where a chain of the input and another chain of the same assessor disagree."""
    origins_of: dict[str, set[str]] = {}
    for origin, (assessor, _length) in known.items():
        origins_of.setdefault(assessor, set()).add(origin)
    for origin in input_origins:
        row = conn.execute(
            "SELECT assessor FROM main.score_events WHERE origin = ? LIMIT 1", (origin,)
        ).fetchone()
        if row is not None:
            origins_of.setdefault(row[0], set()).add(origin)
    multi = sorted(a for a in assessors if len(origins_of.get(a, ())) > 1)
    if not multi:
        return []
    files = dict(
        conn.execute("SELECT origin, MIN(file) FROM main.imports GROUP BY origin").fetchall()
    )
    marks = ", ".join("?" for _a in multi)
    chains = projection.fold(
        conn.execute(
            f"SELECT {', '.join(projection.COLUMNS)} FROM main.score_events"
            f" WHERE assessor IN ({marks}) AND kind IN ('score', 'recuse', 'unrecuse')"
            " ORDER BY origin, seq",
            multi,
        )
    )
    conflicts = []
    for found in projection.disagreements(chains):
        # Reported from the input's side.
        if found.origin in input_origins:
            origin, value, other_origin, other_value = (
                found.origin,
                found.value,
                found.other_origin,
                found.other_value,
            )
        elif found.other_origin in input_origins:
            origin, value, other_origin, other_value = (
                found.other_origin,
                found.other_value,
                found.origin,
                found.value,
            )
        else:
            continue
        what = "score" if found.criterion is not None else "recusal"
        conflicts.append(
            Conflict(
                assessor=found.assessor,
                nominee=found.nominee,
                criterion=found.criterion,
                value=_format_value(what, value),
                other_value=_format_value(what, other_value),
                origin=origin,
                other_origin=other_origin,
                other_file=files.get(other_origin, ""),
            )
        )
    return conflicts
