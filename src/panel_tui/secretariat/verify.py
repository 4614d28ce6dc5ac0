"""Verifying a database: SQLite integrity, the round snapshot and every audit chain."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import operator
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panel_tui.domain.model import Round
from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _
from panel_tui.storage.chain import EVENT_KINDS, Event, genesis_hash, row_hash
from panel_tui.storage.connection import (
    GuardedConnection,
    harden,
    raise_if_cancelled,
    too_much_work_message,
    transaction,
)
from panel_tui.storage.files import check_header
from panel_tui.storage.projection import ChainState, fold
from panel_tui.storage.round_tables import write_round_tables
from panel_tui.storage.schema import apply_migrations, schema_problems
from panel_tui.storage.snapshot import (
    canonical_json,
    round_fingerprint,
    round_from_dict,
    round_to_dict,
    rubric_fingerprint,
)
from panel_tui.storage.store import Store

# A receipt's chain head may be written down shortened; this many hex digits still leave a
# forger no practical way to hit it.
MIN_HEAD_PREFIX = 16


@dataclass
class ChainSummary:
    origin: str
    assessor: str
    length: int
    head: str


@dataclass
class LaterEvents:
    """Events recorded after a receipt's head, in the chain that holds it."""

    head: str  # as given
    origin: str
    count: int


@dataclass
class VerifyReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    chains: list[ChainSummary] = field(default_factory=list)
    events: int = 0
    # Not problems: a live database keeps growing after its hand-over copy was made.
    after_heads: list[LaterEvents] = field(default_factory=list)
    # The round and rubric fingerprints the chains were verified against.
    fingerprints: tuple[str, str] | None = None
    # With `project=True`: what the events mean now (projection.py), folded in the same read
    # of the file that verified them, and what a tally needs besides (the file's round, kind,
    # own assessor and the imports ledger), so the tally reads nothing the check did not.
    current: list[ChainState] | None = None
    round: Round | None = None
    kind: str = ""
    assessor: str | None = None
    imports: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_database(
    path: Path | str, expect_heads: tuple[str, ...] = (), project: bool = False
) -> VerifyReport:
    """Everything that is wrong with the file at `path`; never raises on a damaged file.

    Every check reads one snapshot of the file (one read transaction). `project`: also fold
    the events into `report.current` as they are checked (the tally's input)."""
    path = Path(path)
    report = VerifyReport(path)
    try:
        check_header(path)
        store = Store.open(path, readonly=True)
    except PanelError as exc:
        report.problems.append(exc.message)
        report.problems.extend(problem.message for problem in exc.problems)
        return report
    try:
        store.conn.execute("BEGIN")  # one snapshot of the file for every check
        _verify_open(store, report, expect_heads, project)
    except sqlite3.DatabaseError as exc:
        raise_if_cancelled(store.conn, exc)
        if getattr(store.conn, "too_much_work", False):
            report.problems.append(too_much_work_message(path))
        else:
            report.problems.append(_("the database is damaged: {error}").format(error=exc))
    except (
        PanelError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        AssertionError,
        RecursionError,
    ) as exc:
        # A snapshot or table edited into nonsense: a finding, not a crash.
        report.problems.append(_("the database content is inconsistent: {error}").format(error=exc))
    finally:
        store.close()
    return report


def _verify_open(
    store: Store, report: VerifyReport, expect_heads: tuple[str, ...], project: bool = False
) -> None:
    conn = store.conn
    report.kind, report.assessor = store.kind, store.assessor_id
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
        round_, snapshot_round_fp, snapshot_rubric_fp = _parsed_round(snapshot)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        report.problems.append(_("the round snapshot is unreadable: {error}").format(error=exc))
        return
    if snapshot_round_fp != round_fp or snapshot_rubric_fp != rubric_fp:
        _fingerprint_problems(
            conn, round_, snapshot_round_fp != round_fp, snapshot_rubric_fp != rubric_fp, report
        )
    reference = _reference(snapshot, round_)
    _verify_tables(conn, reference, report)
    chains = _verify_chains(store, round_, round_fp, rubric_fp, report, project)
    report.chains = chains
    report.fingerprints = (round_fp, rubric_fp)
    report.round = round_
    _verify_owner(store, chains, report)
    _verify_ledger(store, chains, report)
    _verify_agreement(store, chains, report)
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


def _fingerprint_problems(
    conn: sqlite3.Connection,
    round_: Round,
    round_edited: bool,
    rubric_edited: bool,
    report: VerifyReport,
) -> None:
    """A snapshot edited after its fingerprints were taken. The round tables are written
    from the snapshot with it: when they were left alone, what differs between them and the
    snapshot is what was edited, and is named."""
    from panel_tui.domain.round_diff import bounded, round_differences, rubric_differences

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
    from panel_tui.domain.model import Assessor, Category, Criterion, Nominee, Rubric

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


def _verify_owner(store: Store, chains: list[ChainSummary], report: VerifyReport) -> None:
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


def _verify_ledger(store: Store, chains: list[ChainSummary], report: VerifyReport) -> None:
    """The imports ledger and the chains say the same: every chain of a merged file was taken
    in by merge (a ledger row) and ends exactly where the ledger's last row for it says, every
    ledger row's head is in its chain, and no row names a chain the file does not hold. An
    assessor's database has no ledger rows. (A chain cut short, a ledger row deleted, or a chain
    pasted in with SQL would otherwise verify, and the record would contradict itself.)"""
    report.imports = store.conn.execute(
        "SELECT origin, assessor, chain_length, chain_head, file, events_added, imported_at"
        " FROM imports ORDER BY id"
    ).fetchall()
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


def _verify_agreement(store: Store, chains: list[ChainSummary], report: VerifyReport) -> None:
    """Two chains of one assessor must agree on every cell and recusal they both hold, as
    merge requires (projection.py): otherwise readers of the file would pick different
    values. Read only for the assessors with more than one chain."""
    from panel_tui.domain import formatting
    from panel_tui.storage.projection import SELECT_EVENTS, disagreements, fold

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


# The tables holding the round: their rows must be exactly what panel-tui writes for the
# snapshot, so spreadsheets and Datasette (which read the tables) see what the app shows.
ROUND_TABLES = ("round", "assessors", "rubrics", "categories", "criteria", "nominees", "claims")


def _reference_database(
    round_: Round, claims: tuple[list[dict[str, object]], list[tuple[object, ...]]] | None = None
) -> sqlite3.Connection:
    """An in-memory database as panel-tui would create it for `round_` (no events).

    `claims`: the snapshot's claims and their rows (`_plain_claims`), for a `round_` parsed
    without them: the same database, without a Claim per claim parsed and written back.
    """
    reference = sqlite3.connect(":memory:", isolation_level=None)
    apply_migrations(reference)
    with transaction(reference):
        write_round_tables(reference, round_)
        if claims is not None:
            items, rows = claims
            data = round_to_dict(round_)
            data["claims"] = items  # what round_to_dict writes for them: they are plain
            reference.execute("UPDATE round SET snapshot = ?", (canonical_json(data),))
            marks = ", ".join("?" for _c in rows[0]) if rows else ""
            if rows:
                reference.executemany(f"INSERT INTO claims VALUES ({marks})", rows)
    return reference


# A snapshot's claim exactly as round_to_dict writes it: these keys, these types.
_CLAIM_TEXTS = ("nominee", "key", "label", "text", "unit", "denominator_label", "part_of", "source")
_CLAIM_NUMBERS = ("value", "denominator", "percent")
_CLAIM_KEYS = frozenset((*_CLAIM_TEXTS, *_CLAIM_NUMBERS, "warnings"))
_EXACT_INT = 1 << 53
_TEXTS_OF = operator.itemgetter(*_CLAIM_TEXTS)
_NUMBERS_OF = operator.itemgetter(*_CLAIM_NUMBERS)


def _plain_claims(items: object) -> list[tuple[object, ...]] | None:
    """The claims table's rows for a snapshot's "claims" list, as `write_round_tables` writes
    them for the round parsed from it, when every claim is exactly what `round_to_dict`
    writes (the twelve keys; texts; numbers as `_num` gives them: an int that a float holds
    exactly, or a finite float with a fraction; a list of texts): then parsing the claims and
    writing them back changes nothing. None for anything else, which is parsed in full.
    A national round's 30,000 claims took a second to parse into Claims and write back.
    """
    if type(items) is not list:
        return None
    texts_of, numbers_of = _TEXTS_OF, _NUMBERS_OF
    rows: list[tuple[object, ...]] = []
    for position, claim in enumerate(items):
        if type(claim) is not dict or claim.keys() != _CLAIM_KEYS:
            return None
        texts = texts_of(claim)
        warnings = claim["warnings"]
        if type(warnings) is not list:
            return None
        try:  # str.join takes only str: the texts' and warnings' types at C speed
            "".join(texts)
            "".join(warnings)
        except TypeError:
            return None
        numbers: list[float | None] = []
        for number in numbers_of(claim):
            if number is None:
                numbers.append(None)
            elif type(number) is int and -_EXACT_INT < number < _EXACT_INT:
                numbers.append(float(number))
            elif type(number) is float and math.isfinite(number) and not number.is_integer():
                numbers.append(number)
            else:
                return None
        nominee, key, label, text, unit, denominator_label, part_of, source = texts
        rows.append(
            (
                nominee,
                key,
                position,
                label,
                numbers[0],
                text,
                unit,
                numbers[1],
                denominator_label,
                numbers[2],
                part_of,
                source,
                json.dumps(warnings, ensure_ascii=False) if warnings else "[]",
            )
        )
    return rows


def _schema(conn: sqlite3.Connection) -> dict[tuple[str, str], str | None]:
    return {
        (kind, name): sql
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")
    }


class _Reference:
    """What panel-tui would write for a snapshot: schema version, schema, round tables.

    The tables are kept as an image of the in-memory database (attached to the file being
    verified, so SQLite compares them in C); their rows are read into Python only when a
    table differs and the difference has to be described.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.user_version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        self.schema: dict[tuple[str, str], str | None] = _schema(conn)
        self.columns: dict[str, list[str]] = {
            t: [row[1] for row in conn.execute(f'PRAGMA table_info("{t}")')] for t in ROUND_TABLES
        }
        self.counts: dict[str, int] = {
            t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in ROUND_TABLES
        }
        self.image: bytes = conn.serialize()
        self._rows: dict[str, list[tuple[object, ...]]] | None = None

    @property
    def rows(self) -> dict[str, list[tuple[object, ...]]]:
        """The round tables' rows as written, in table order."""
        if self._rows is None:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            try:
                conn.deserialize(self.image)
                self._rows = {
                    t: conn.execute(f'SELECT * FROM "{t}"').fetchall() for t in ROUND_TABLES
                }
            finally:
                conn.close()
        return self._rows

    def sorted_reprs(self, table: str) -> list[str]:
        return sorted(map(repr, self.rows[table]))


# Merge verifies many files of one round: the snapshot is parsed, and the reference built,
# once per snapshot (a national round's snapshot holds tens of thousands of claims).
_REFERENCES: dict[str, _Reference] = {}
_ROUNDS: dict[str, tuple[Round, str, str]] = {}


_LAST_KEY: list[str] = ["", ""]  # the last snapshot and its key


def _snapshot_key(snapshot: str) -> str:
    from panel_tui.storage.schema import migration_files

    if snapshot != _LAST_KEY[0]:
        digest = hashlib.sha256(snapshot.encode("utf-8")).hexdigest()
        _LAST_KEY[:] = [snapshot, digest]
    return f"{len(migration_files())}:{_LAST_KEY[1]}"


def _parsed_round(snapshot: str) -> tuple[Round, str, str]:
    """The round in `snapshot` and its round and rubric fingerprints."""
    key = _snapshot_key(snapshot)
    found = _ROUNDS.get(key)
    if found is None:
        data = json.loads(snapshot)
        rows = _plain_claims(data.get("claims")) if type(data) is dict else None
        # Plain claims count in no fingerprint and no check of an event: the reference gets
        # them as rows, straight from the snapshot, and the Round none.
        round_ = round_from_dict(data if rows is None else {**data, "claims": []})
        found = (round_, round_fingerprint(round_), rubric_fingerprint(round_))
        _ROUNDS.clear()
        _CLAIMS.clear()
        _ROUNDS[key] = found
        if rows is not None:
            _CLAIMS[key] = (data["claims"], rows)
    return found


# The claims of the snapshot in _ROUNDS when they are plain (`_plain_claims`; its Round then
# holds none): the list and the claims table's rows, for its reference.
_CLAIMS: dict[str, tuple[list[dict[str, object]], list[tuple[object, ...]]]] = {}


def _reference(snapshot: str, round_: Round) -> _Reference:
    key = _snapshot_key(snapshot)
    found = _REFERENCES.get(key)
    if found is None:
        conn = _reference_database(round_, _CLAIMS.get(key))
        try:
            found = _Reference(conn)
        finally:
            conn.close()
        _REFERENCES.clear()
        _REFERENCES[key] = found
    return found


def prepare(path: Path) -> None:
    """Parse the round and build the reference for the snapshot in `path`, ahead of
    verifying (merge does it once before starting its worker processes, which inherit it),
    and keep the file as the template for `verify_like_template` when it passes every check
    of its round. Any problem is left for the verification itself to report."""
    try:
        check_header(path)
        with Store.open(path, readonly=True) as store:
            row = store.conn.execute("SELECT snapshot FROM round").fetchone()
            if row is not None and isinstance(row[0], str):
                _reference(row[0], _parsed_round(row[0])[0])
        if _no_journal(path):
            data = path.read_bytes()
            if not _like_template(data):  # else the template of an earlier merge serves
                template = _make_template(data)
                if template is not None:
                    _TEMPLATES[:] = [template]
    except Exception:  # a damaged file: verify_database reports it
        return


def reference_image(snapshot: str) -> bytes | None:
    """The database panel-tui would create for `snapshot` (schema and round tables, no
    events and no database_info), when a verification in this process has built it."""
    found = _REFERENCES.get(_snapshot_key(snapshot))
    return found.image if found is not None else None


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


@dataclass(frozen=True)
class _Template:
    """A file that passed every check, and where its round tables are."""

    header: bytes  # the header fields that decide how pages are read
    roots: frozenset[tuple[str, int]]  # (name, root page) of the round tables and indexes
    names: frozenset[str]
    pages: frozenset[int]
    runs: tuple[tuple[int, int, bytes], ...]  # those pages: byte ranges and their bytes
    round: Round
    reference: _Reference
    round_fp: str
    rubric_fp: str


_TEMPLATES: list[_Template] = []


def _header(data: bytes | bytearray) -> bytes:
    # page size, reserved space and payload fractions; schema format; auto-vacuum, text
    # encoding, user_version, incremental vacuum and application_id
    return bytes(data[16:18] + data[20:24] + data[44:48] + data[52:72])


def _page_count(data: bytes | bytearray) -> int | None:
    """Pages in a file as SQLite reads it, when its header says so plainly."""
    if len(data) < 100 or not data.startswith(b"SQLite format 3\x00"):
        return None
    size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if size == 1 else size
    if page_size < 512 or page_size & (page_size - 1) or len(data) % page_size:
        return None
    pages = int.from_bytes(data[28:32], "big")
    if data[24:28] != data[92:96] or pages != len(data) // page_size:
        return None
    if data[52:56] != b"\0\0\0\0" or len(data) > 1 << 30:  # pointer maps, the lock-byte page
        return None
    return pages


def _memory_copy(data: bytes | bytearray) -> sqlite3.Connection:
    """The file's bytes as an in-memory database (read as a rollback-journal file: an
    in-memory database cannot be in WAL mode; the pages are the same). A bytearray is
    changed in place to say so (header bytes 18 and 19), saving a copy."""
    conn = sqlite3.connect(":memory:", isolation_level=None, factory=GuardedConnection)
    try:
        harden(conn)
        if isinstance(data, bytearray):
            data[18:20] = b"\x01\x01"
            conn.deserialize(data)
        else:
            conn.deserialize(data[:18] + b"\x01\x01" + data[20:])
    except BaseException:
        conn.close()
        raise
    return conn


def _round_trees(conn: sqlite3.Connection) -> dict[str, int]:
    marks = ", ".join("?" for _t in ROUND_TABLES)
    return {
        name: root
        for name, root in conn.execute(
            f"SELECT name, rootpage FROM sqlite_schema WHERE tbl_name IN ({marks})"
            " AND type IN ('table', 'index')",
            ROUND_TABLES,
        )
    }


def _runs(data: bytes, pages: frozenset[int], page_size: int) -> tuple[tuple[int, int, bytes], ...]:
    runs: list[tuple[int, int]] = []
    for page in sorted(pages):
        start = (page - 1) * page_size
        if runs and runs[-1][1] == start:
            runs[-1] = (runs[-1][0], start + page_size)
        else:
            runs.append((start, start + page_size))
    return tuple((a, b, data[a:b]) for a, b in runs)


def _make_template(data: bytes) -> _Template | None:
    """`data` as a template, when it passes every check of its round and schema."""
    pages = _page_count(data)
    if pages is None:
        return None
    conn = _memory_copy(data)
    try:
        if schema_problems(conn):  # never read through a schema that is not ours
            return None
        if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            return None
        rows = conn.execute(
            "SELECT snapshot, round_fingerprint, rubric_fingerprint FROM round"
        ).fetchall()
        if len(rows) != 1 or not isinstance(rows[0][0], str):
            return None
        snapshot, round_fp, rubric_fp = rows[0]
        round_, snapshot_round_fp, snapshot_rubric_fp = _parsed_round(snapshot)
        if (snapshot_round_fp, snapshot_rubric_fp) != (round_fp, rubric_fp):
            return None
        reference = _reference(snapshot, round_)
        if conn.execute("PRAGMA user_version").fetchone()[0] != reference.user_version:
            return None
        if _tables_as_written(conn, reference) != set(ROUND_TABLES):
            return None
        trees = _round_trees(conn)
        used = frozenset(
            page for name, page in conn.execute("SELECT name, pageno FROM dbstat") if name in trees
        )
    except (sqlite3.Error, PanelError, ValueError, KeyError, TypeError, AttributeError):
        return None
    finally:
        conn.close()
    page_size = len(data) // pages
    return _Template(
        header=_header(data),
        roots=frozenset(trees.items()),
        names=frozenset(trees),
        pages=used,
        runs=_runs(data, used, page_size),
        round=round_,
        reference=reference,
        round_fp=round_fp,
        rubric_fp=rubric_fp,
    )


def _free_pages(data: bytes | bytearray, page_size: int, pages: int) -> list[int] | None:
    """The freelist's trunk and leaf pages, as the header and trunk pages list them; None
    when they do not add up."""
    total = int.from_bytes(data[36:40], "big")
    trunk = int.from_bytes(data[32:36], "big")
    found: list[int] = []
    while trunk:
        if not 1 <= trunk <= pages or len(found) >= total:
            return None
        base = (trunk - 1) * page_size
        count = int.from_bytes(data[base + 4 : base + 8], "big")
        if count > page_size // 4 - 2:
            return None
        found.append(trunk)
        for i in range(count):
            leaf = int.from_bytes(data[base + 8 + 4 * i : base + 12 + 4 * i], "big")
            if not 1 <= leaf <= pages:
                return None
            found.append(leaf)
        trunk = int.from_bytes(data[base : base + 4], "big")
    return found if len(found) == total else None


def _like_template(data: bytes | bytearray) -> bool:
    """Whether `data` has the template's round pages (then the template stays)."""
    template = _TEMPLATES[0] if _TEMPLATES else None
    return (
        template is not None
        and _page_count(data) is not None
        and _header(data) == template.header
        and all(data.startswith(same, a) for a, _b, same in template.runs)
    )


def verify_like_template(path: Path, data: bytes | bytearray) -> VerifyReport | None:
    """The report `verify_database(path)` gives for a file whose bytes are `data`, when its
    round tables are those of a template (see above) and it passes every check; None
    otherwise (the caller then verifies it in full, which also describes any problem).
    A bytearray's header bytes 18 and 19 may be changed (see `_memory_copy`)."""
    pages = _page_count(data)
    if pages is None or not _like_template(data):
        return None
    if not _no_journal(path):
        return None  # SQLite would read pages from beside the file too
    template = _TEMPLATES[0]
    page_size = len(data) // pages
    try:
        conn = _memory_copy(data)
    except sqlite3.Error:
        return None
    try:
        if schema_problems(conn):  # never read through a schema that is not ours
            return None
        if frozenset(_round_trees(conn).items()) != template.roots:
            return None
        # Integrity of everything but the round tables (proven on the template), and every
        # page used once: by a table or index, or free.
        others = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0"
            )
            if name not in template.names
        ]
        for name in ("sqlite_schema", *others):
            quoted = name.replace('"', '""')
            if conn.execute(f'PRAGMA integrity_check("{quoted}")').fetchall() != [("ok",)]:
                return None
        free = _free_pages(data, page_size, pages)
        if free is None:
            return None
        trees = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') AND rootpage > 0"
            )
            if name not in template.names
        ]
        used = free + [
            page
            for name in ("sqlite_schema", *trees)
            for (page,) in conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (name,))
        ]
        if len(used) + len(template.pages) != pages or len(set(used) | template.pages) != pages:
            return None
        store = Store(path, conn)
        if conn.execute("PRAGMA user_version").fetchone()[0] != template.reference.user_version:
            return None
        report = VerifyReport(path)
        report.chains = _verify_chains(
            store, template.round, template.round_fp, template.rubric_fp, report
        )
        report.fingerprints = (template.round_fp, template.rubric_fp)
        _verify_owner(store, report.chains, report)
        _verify_ledger(store, report.chains, report)
        _verify_agreement(store, report.chains, report)
        return None if report.problems else report
    except (sqlite3.Error, PanelError, ValueError, KeyError, TypeError, AttributeError):
        return None
    finally:
        conn.close()


def _no_journal(path: Path) -> bool:
    """No WAL frames or rollback journal beside the file: SQLite reads only the file."""
    for suffix in ("-wal", "-journal"):
        try:
            if Path(f"{path}{suffix}").stat().st_size > 0:
                return False
        except FileNotFoundError:
            continue
        except OSError:
            return False
    return True


def _verify_tables(conn: sqlite3.Connection, reference: _Reference, report: VerifyReport) -> None:
    """The relational copy must say what the snapshot says (other tools read it)."""
    same = _tables_as_written(conn, reference)
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


def _tables_as_written(conn: sqlite3.Connection, reference: _Reference) -> set[str]:
    """The round tables SQLite proves equal to the reference, row for row (same rowid,
    every value equal with `IS`: no type conversions between columns of one affinity).

    That is exactly what the comparison in Python accepts first (`rows == reference rows`,
    in the order `SELECT *` reads them, where 1 == 1.0 too). Only a table whose definition
    is exactly the reference's is compared here; anything else, and any SQLite error, is
    left to the comparison in Python, which also describes the difference.
    """
    try:
        have = _schema(conn)
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


def _verify_chains(
    store: Store,
    round_: Round,
    round_fp: str,
    rubric_fp: str,
    report: VerifyReport,
    project: bool = False,
) -> list[ChainSummary]:
    # A tight loop over the rows as read (no Event per row): merge verifies every event of
    # every input. The checks and their messages are those of one Event at a time.
    chains: list[ChainSummary] = []
    current: ChainSummary | None = None
    prev_hash = ""
    assessors = {a.id for a in round_.assessors}
    rubrics = {n.id: round_.rubric_for(n) for n in round_.nominees}
    criteria = {n: frozenset(c.id for c in r.criteria) for n, r in rubrics.items()}
    # Whether a value is on a rubric's scale, by rubric (scores repeat a few values).
    on_scale: dict[int, dict[object, bool]] = {id(r): {} for r in rubrics.values()}
    broken: set[str] = set()
    kinds = frozenset(EVENT_KINDS)
    hash_of = row_hash

    def problem(row: tuple[Any, ...], message: str) -> None:
        origin = row[0]
        if origin in broken:
            return
        broken.add(origin)
        report.problems.append(
            _("audit chain {origin} (assessor {assessor}), event {seq}: {message}").format(
                origin=origin[:12], assessor=row[2], seq=row[1], message=message
            )
        )

    count = 0
    sql = f"SELECT {', '.join(Event.COLUMNS)} FROM score_events ORDER BY origin, seq"

    def checked() -> Iterator[tuple[Any, ...]]:
        nonlocal current, prev_hash, count
        for row in store.conn.execute(sql):
            count += 1
            origin, seq, assessor, kind, nominee, criterion, value = row[:7]
            if current is None or origin != current.origin:
                current = ChainSummary(origin, assessor, 0, "")
                chains.append(current)
                prev_hash = genesis_hash(origin, assessor, round_fp, rubric_fp)
            if seq != current.length + 1:
                problem(
                    row,
                    _("sequence jumps from {length} to {seq}: events deleted").format(
                        length=current.length, seq=seq
                    ),
                )
            if assessor != current.assessor:
                problem(
                    row,
                    _("assessor changes from {assessor} to {assessor2}").format(
                        assessor=current.assessor, assessor2=assessor
                    ),
                )
            if row[10] != prev_hash:
                problem(
                    row,
                    _("does not follow the previous event: events deleted, inserted or reordered"),
                )
            if hash_of(row) != row[11]:
                problem(row, _("its content does not match its hash: edited outside panel-tui"))
            if assessor not in assessors:
                problem(
                    row, _("assessor {assessor!r} is not on the panel").format(assessor=assessor)
                )
            if kind not in kinds:
                problem(row, _("unknown event kind {kind!r}").format(kind=kind))
            rubric = rubrics.get(nominee)
            if rubric is None:
                problem(row, _("unknown nominee {nominee!r}").format(nominee=nominee))
            elif kind in ("score", "note") and (criterion or "") not in criteria[nominee]:
                problem(row, _("unknown criterion {criterion!r}").format(criterion=criterion))
            elif kind == "score" and value is not None:
                known = on_scale[id(rubric)]
                allowed = known.get(value)
                if allowed is None:
                    allowed = known[value] = rubric.allows(value)
                if not allowed:
                    problem(
                        row, _("score {value} is outside the rubric's scale").format(value=value)
                    )
            current.length = seq
            current.head = row[11]
            prev_hash = row[11]
            yield row

    try:
        if project:
            report.current = fold(checked())
        else:
            for _row in checked():
                pass
    finally:
        report.events += count
    return chains
