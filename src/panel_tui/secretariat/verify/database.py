"""Verifying a database: SQLite integrity, the round snapshot and every audit chain."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from panel_tui.domain import formatting
from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _
from panel_tui.secretariat.verify.chains import TEXT, WHOLE, verify_chains, wrong_type
from panel_tui.secretariat.verify.parallel import ChainsAhead, start_chains
from panel_tui.secretariat.verify.reference import (
    parsed_round,
    reference_for,
)
from panel_tui.secretariat.verify.report import (
    MIN_HEAD_PREFIX,
    ChainSummary,
    LaterEvents,
    VerifyReport,
)
from panel_tui.secretariat.verify.round_tables import (
    fingerprint_problems,
    verify_tables,
)
from panel_tui.storage.connection import (
    raise_if_cancelled,
    too_much_work_message,
)
from panel_tui.storage.files import check_header
from panel_tui.storage.projection import SELECT_EVENTS, disagreements, fold
from panel_tui.storage.snapshot import SNAPSHOT_ERRORS
from panel_tui.storage.store import Store


def verify_database(
    path: Path | str,
    expect_heads: tuple[str, ...] = (),
    project: bool = False,
    parallel: bool = False,
) -> VerifyReport:
    """Everything that is wrong with the file at `path`; never raises on a damaged file.

    Every check reads one snapshot of the file (one read transaction). `project`: also fold
    the events into `report.current` as they are checked (the tally's input). `parallel`:
    a large file's chains are checked in worker processes meanwhile (verify/parallel.py),
    with the same findings."""
    path = Path(path)
    report = VerifyReport(path)
    try:
        check_header(path)
        store = Store.open(path, readonly=True)
    except PanelError as exc:
        report.problems.append(exc.message)
        report.problems.extend(problem.message for problem in exc.problems)
        return report
    ahead: ChainsAhead | None = None
    try:
        store.conn.execute("BEGIN")  # one snapshot of the file for every check
        if parallel:
            ahead = start_chains(store, project)
        verify_open(store, report, expect_heads, project, ahead)
    except sqlite3.DatabaseError as exc:
        raise_if_cancelled(store.conn, exc)
        if getattr(store.conn, "too_much_work", False):
            report.problems.append(too_much_work_message(path))
        else:
            report.problems.append(_("the database is damaged: {error}").format(error=exc))
    except (PanelError, AssertionError, *SNAPSHOT_ERRORS) as exc:
        # A snapshot or table edited into nonsense: a finding, not a crash.
        report.problems.append(_("the database content is inconsistent: {error}").format(error=exc))
    finally:
        if ahead is not None:
            ahead.close()
        store.close()
    return report


def verify_open(
    store: Store,
    report: VerifyReport,
    expect_heads: tuple[str, ...],
    project: bool = False,
    ahead: ChainsAhead | None = None,
) -> None:
    conn = store.conn
    report.kind, report.assessor = store.kind, store.assessor_id
    rows = ahead.integrity_check() if ahead is not None else None
    if rows is None:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    if rows != [("ok",)]:
        report.problems.extend(
            _("SQLite integrity: {detail}").format(detail=r[0]) for r in rows[:20]
        )
        return
    round_row = conn.execute(
        "SELECT snapshot, round_fingerprint, rubric_fingerprint FROM round"
    ).fetchall()
    if len(round_row) != 1:
        report.problems.append(
            _("the round table has {count} rows, expected 1").format(count=len(round_row))
        )
        return
    snapshot, round_fp, rubric_fp = round_row[0]
    try:
        round_, snapshot_round_fp, snapshot_rubric_fp = parsed_round(snapshot)
    except SNAPSHOT_ERRORS as exc:
        report.problems.append(_("the round snapshot is unreadable: {error}").format(error=exc))
        return
    if snapshot_round_fp != round_fp or snapshot_rubric_fp != rubric_fp:
        fingerprint_problems(
            conn, round_, snapshot_round_fp != round_fp, snapshot_rubric_fp != rubric_fp, report
        )
    reference = reference_for(snapshot, round_)
    verify_tables(conn, reference, report)
    chains = ahead.collect(round_, round_fp, rubric_fp, report) if ahead is not None else None
    if chains is None:
        chains = verify_chains(store, round_, round_fp, rubric_fp, report, project)
    report.chains = chains
    report.fingerprints = (round_fp, rubric_fp)
    report.round = round_
    verify_owner(store, chains, report)
    verify_ledger(store, chains, report)
    verify_agreement(store, chains, report)
    if expect_heads:
        known = {c.head for c in chains}
        hashes = {row[0] for row in conn.execute("SELECT hash FROM score_events")}
        for expected in expect_heads:
            wanted = expected.strip().lower()
            if len(wanted) < MIN_HEAD_PREFIX:
                report.problems.append(
                    _(
                        "receipt head {expected!r} is too short: give at least {digits} hex digits"
                    ).format(expected=expected, digits=MIN_HEAD_PREFIX)
                )
            elif not any(h.startswith(wanted) for h in hashes | known):
                report.problems.append(
                    _(
                        "receipt head {expected} is not in any audit chain: the file is not the one handed over, or its chain was rewritten"
                    ).format(expected=expected)
                )
            else:
                report.after_heads.extend(_events_after(conn, chains, expected, wanted))


def _events_after(
    conn: sqlite3.Connection, chains: list[ChainSummary], given: str, wanted: str
) -> list[LaterEvents]:
    """For a receipt head found in the file: how many events its chain holds after it."""
    lengths = {c.origin: c.length for c in chains}
    found = conn.execute(
        "SELECT origin, seq FROM score_events WHERE substr(hash, 1, ?) = ?",
        (len(wanted), wanted),
    ).fetchall()
    return [
        LaterEvents(given, origin, lengths[origin] - seq)
        for origin, seq in found
        if lengths.get(origin, seq) > seq
    ]


def verify_owner(store: Store, chains: list[ChainSummary], report: VerifyReport) -> None:
    """An assessor's file holds only its own chain, of its own assessor."""
    if store.kind == "assessor":
        foreign = [c for c in chains if c.origin != store.origin]
        if foreign:
            report.problems.append(
                _("an assessor database holds {count} chain(s) of other origins").format(
                    count=len(foreign)
                )
            )
        others = sorted({c.assessor for c in chains if c.assessor != store.assessor_id})
        if others:
            report.problems.append(
                _(
                    "the database says it belongs to assessor {assessor_id}, but its audit chain is of {items}: edited outside panel-tui"
                ).format(assessor_id=store.assessor_id, items=", ".join(others))
            )


# The columns verify_ledger reads from the imports ledger and their types as merge writes them.
_LEDGER_COLUMNS = (
    "origin",
    "assessor",
    "chain_length",
    "chain_head",
    "file",
    "events_added",
    "imported_at",
    "sha256",
    "events_known",
    "id",
)
_LEDGER_TYPES = (TEXT, TEXT, WHOLE, TEXT, TEXT, WHOLE, TEXT, TEXT, WHOLE, WHOLE)


def verify_ledger(store: Store, chains: list[ChainSummary], report: VerifyReport) -> None:
    """The imports ledger and the chains say the same: every chain of a merged file was taken
    in by merge (a ledger row) and ends exactly where the ledger's last row for it says, every
    ledger row's head is in its chain, and no row names a chain the file does not hold. An
    assessor's database has no ledger rows. (A chain cut short, a ledger row deleted, or a chain
    pasted in with SQL would otherwise verify, and the record would contradict itself.)"""
    report.imports = store.conn.execute(
        "SELECT origin, assessor, chain_length, chain_head, file, events_added, imported_at,"
        " sha256, events_known, id FROM imports ORDER BY id"
    ).fetchall()
    for row in report.imports:
        wrong = wrong_type(row, _LEDGER_COLUMNS, _LEDGER_TYPES)
        if wrong is not None:  # a cell merge never writes: read no further (every reader would)
            report.problems.append(
                _("the imports ledger, row {id}: {problem}").format(id=row[9], problem=wrong)
            )
            return
    rows = [row[:4] for row in report.imports]
    if store.kind != "merged":
        if rows:
            report.problems.append(
                _(
                    "an assessor database holds {count} row(s) of a merge ledger: edited outside panel-tui"
                ).format(count=len(rows))
            )
        return
    by_origin = {c.origin: c for c in chains}
    recorded: dict[str, tuple[int, str]] = {}
    for origin, assessor, length, head in rows:
        chain = by_origin.get(origin)
        if chain is None:
            report.problems.append(
                _(
                    "the imports ledger records chain {origin} (assessor {assessor}, {length} events), but the file holds none of it: events deleted outside panel-tui"
                ).format(origin=str(origin)[:12], assessor=assessor, length=length)
            )
            continue
        if assessor != chain.assessor:
            report.problems.append(
                _(
                    "the imports ledger gives chain {origin} to assessor {assessor}, but its events are of {other}: edited outside panel-tui"
                ).format(origin=origin[:12], assessor=assessor, other=chain.assessor)
            )
        found = store.conn.execute(
            "SELECT hash FROM score_events WHERE origin = ? AND seq = ?", (origin, length)
        ).fetchone()
        if found is None or found[0] != head:
            report.problems.append(
                _(
                    "chain {origin} (assessor {assessor}) does not hold the head the imports ledger records for event {seq}: events cut off or rewritten outside panel-tui"
                ).format(origin=origin[:12], assessor=chain.assessor, seq=length)
            )
        if recorded.get(origin, (0, ""))[0] <= length:
            recorded[origin] = (length, head)
    for chain in chains:
        if chain.origin not in recorded:
            report.problems.append(
                _(
                    "chain {origin} (assessor {assessor}) has no row in the imports ledger: added to the file outside merge"
                ).format(origin=chain.origin[:12], assessor=chain.assessor)
            )
        elif recorded[chain.origin][0] != chain.length:
            report.problems.append(
                _(
                    "chain {origin} (assessor {assessor}) holds {length} events, but the imports ledger records {recorded}: events cut off or added outside merge"
                ).format(
                    origin=chain.origin[:12],
                    assessor=chain.assessor,
                    length=chain.length,
                    recorded=recorded[chain.origin][0],
                )
            )


def verify_agreement(store: Store, chains: list[ChainSummary], report: VerifyReport) -> None:
    """Two chains of one assessor must agree on every cell and recusal they both hold, as
    merge requires (projection.py): otherwise readers of the file would pick different
    values. Read only for the assessors with more than one chain."""

    counts: dict[str, int] = {}
    for chain in chains:
        counts[chain.assessor] = counts.get(chain.assessor, 0) + 1
    several = sorted(a for a, n in counts.items() if n > 1)
    if not several:
        return
    if report.current is not None:
        folded = report.current
    else:
        marks = ", ".join("?" for _a in several)
        folded = fold(
            store.conn.execute(
                f"{SELECT_EVENTS}"
                f" WHERE assessor IN ({marks}) AND kind IN ('score', 'recuse', 'unrecuse')"
                " ORDER BY origin, seq",
                several,
            )
        )

    found = disagreements(folded)
    for item in found[:20]:
        recusal = item.criterion is None
        report.problems.append(
            _(
                "two audit chains of assessor {assessor} disagree on {nominee} / {what}: {value} in chain {origin}, {other} in chain {other_origin}: a chain added outside merge"
            ).format(
                assessor=item.assessor,
                nominee=item.nominee,
                what=_("recusal") if recusal else item.criterion,
                value=formatting.cell_value(item.value, recusal),
                origin=item.origin[:12],
                other=formatting.cell_value(item.other_value, recusal),
                other_origin=item.other_origin[:12],
            )
        )
    if len(found) > 20:
        report.problems.append(_("… and {count} more").format(count=len(found) - 20))


# --- inputs of one round, verified against one already verified ---------------------------
#
# Every assessor database of a round holds the same round tables (most of a national
# round's file: the 7 MB snapshot and 30,000 claims), written the same way, so they sit on
# the same pages of every file. Once one file has passed every check, another file whose
# pages of those tables are byte for byte the same, at the same page numbers and read the
# same way (page size, encoding), holds the same tables: SQLite reads them through the same
# pages. Their integrity, their indexes and their agreement with the snapshot were proven
# on the first file; only the rest of the file (the audit chain, database_info, the free
# pages) is checked again, and that every page belongs to exactly one table or index or is
# free, as `PRAGMA integrity_check` does. Anything else about the file, and any problem
# found, and it is verified in full like any other file.
