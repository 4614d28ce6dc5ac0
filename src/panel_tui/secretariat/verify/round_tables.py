"""The round tables and fingerprints agree with the snapshot: other tools read the tables, the chains are bound to the fingerprints."""

from __future__ import annotations

import contextlib
import sqlite3

from panel_tui.domain.model import Assessor, Category, Criterion, Nominee, Round, Rubric
from panel_tui.domain.round_diff import bounded, round_differences, rubric_differences
from panel_tui.i18n import _
from panel_tui.secretariat.verify.reference import (
    ROUND_TABLES,
    Reference,
    schema_of,
)
from panel_tui.secretariat.verify.report import (
    VerifyReport,
)


def fingerprint_problems(
    conn: sqlite3.Connection,
    round_: Round,
    round_edited: bool,
    rubric_edited: bool,
    report: VerifyReport,
) -> None:
    """A snapshot edited after its fingerprints were taken. The round tables are written
    from the snapshot with it: when they were left alone, what differs between them and the
    snapshot is what was edited, and is named."""

    tables = _tables_round(conn)
    if round_edited:
        changes = round_differences(tables, round_) if tables is not None else []
        report.problems.append(
            _(
                "the round snapshot does not match its fingerprint: edited outside panel-tui (round tables → snapshot: {changes})"
            ).format(changes=bounded(changes))
            if changes
            else _("the round snapshot does not match its fingerprint: edited outside panel-tui")
        )
    if rubric_edited:
        changes = rubric_differences(tables, round_) if tables is not None else []
        report.problems.append(
            _(
                "the rubric does not match its fingerprint: edited outside panel-tui (round tables → snapshot: {changes})"
            ).format(changes=bounded(changes))
            if changes
            else _("the rubric does not match its fingerprint: edited outside panel-tui")
        )


def _tables_round(conn: sqlite3.Connection) -> Round | None:
    """The fingerprinted parts of the round as its tables hold them (None: unreadable)."""

    try:
        row = conn.execute("SELECT id, year, stage, advance FROM round").fetchone()
        criteria: dict[str, list[Criterion]] = {}
        for rubric, criterion, weight in conn.execute(
            "SELECT rubric, id, weight FROM criteria ORDER BY rubric, position"
        ):
            criteria.setdefault(rubric, []).append(Criterion(criterion, "", float(weight)))
        return Round(
            id=row[0],
            title="",
            province="",
            year=row[1],
            stage=row[2],
            advance=row[3],
            assessors=tuple(
                Assessor(a, "", "") for (a,) in conn.execute("SELECT id FROM assessors")
            ),
            categories=tuple(
                Category(c, "", r) for c, r in conn.execute("SELECT id, rubric FROM categories")
            ),
            rubrics=tuple(
                Rubric(r, float(low), float(high), float(step), tuple(criteria.get(r, ())))
                for r, low, high, step in conn.execute("SELECT id, min, max, step FROM rubrics")
            ),
            nominees=tuple(
                Nominee(n, "", c) for n, c in conn.execute("SELECT id, category FROM nominees")
            ),
        )
    except (sqlite3.Error, TypeError, ValueError):
        return None


def verify_tables(conn: sqlite3.Connection, reference: Reference, report: VerifyReport) -> None:
    """The relational copy must say what the snapshot says (other tools read it)."""
    same = tables_as_written(conn, reference)
    for table in ROUND_TABLES:
        if table in same:
            continue  # proven identical, row for row, in SQL
        try:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
        except sqlite3.OperationalError as exc:
            report.problems.append(
                _("the {table} table is unreadable: {error}").format(table=table, error=exc)
            )
            continue
        if rows == reference.rows[table]:
            continue  # as written (the common case: no sorting needed)
        have, want = sorted(map(repr, rows)), reference.sorted_reprs(table)
        if have != want:
            changed = len(set(have) ^ set(want))
            report.problems.append(
                _(
                    "the {table} table differs from the round snapshot ({changed} row(s)): edited outside panel-tui or damaged"
                ).format(table=table, changed=changed)
            )


_REF_SCHEMA = "panel_tui_reference"


def tables_as_written(conn: sqlite3.Connection, reference: Reference) -> set[str]:
    """The round tables SQLite proves equal to the reference, row for row (same rowid,
    every value equal with `IS`: no type conversions between columns of one affinity).

    That is exactly what the comparison in Python accepts first (`rows == reference rows`,
    in the order `SELECT *` reads them, where 1 == 1.0 too). Only a table whose definition
    is exactly the reference's is compared here; anything else, and any SQLite error, is
    left to the comparison in Python, which also describes the difference.
    """
    try:
        have = schema_of(conn)
    except sqlite3.Error:
        return set()
    tables = [
        t
        for t in ROUND_TABLES
        if ("table", t) in reference.schema
        and have.get(("table", t)) == reference.schema[("table", t)]
    ]
    if not tables:
        return set()
    same: set[str] = set()
    try:
        conn.execute(f"ATTACH DATABASE ':memory:' AS {_REF_SCHEMA}")
    except sqlite3.Error:
        return set()
    try:
        conn.deserialize(reference.image, name=_REF_SCHEMA)
        for table in tables:
            columns = reference.columns[table]
            equal = " AND ".join(f'r."{c}" IS s."{c}"' for c in columns)
            matched, here = conn.execute(
                f'SELECT (SELECT COUNT(*) FROM {_REF_SCHEMA}."{table}" r'
                f' JOIN main."{table}" s ON s.rowid = r.rowid WHERE {equal}),'
                f' (SELECT COUNT(*) FROM main."{table}")'
            ).fetchone()
            if matched == here == reference.counts[table]:
                same.add(table)
    except (sqlite3.Error, AttributeError):  # AttributeError: a Python without deserialize
        return set()
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.execute(f"DETACH DATABASE {_REF_SCHEMA}")
    return same
