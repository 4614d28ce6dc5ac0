"""Files of one round verified against one already verified: the round tables' pages are compared byte for byte instead of checked again."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from panel_tui.domain.model import Round
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.verify.chains import verify_chains
from panel_tui.secretariat.verify.database import (
    verify_agreement,
    verify_ledger,
    verify_open,
    verify_owner,
)
from panel_tui.secretariat.verify.reference import (
    ROUND_TABLES,
    Reference,
    parsed_round,
    reference_for,
)
from panel_tui.secretariat.verify.report import (
    VerifyReport,
)
from panel_tui.secretariat.verify.round_tables import (
    tables_as_written,
)
from panel_tui.storage.chain import Event
from panel_tui.storage.connection import (
    GuardedConnection,
    harden,
)
from panel_tui.storage.files import check_header, no_journal
from panel_tui.storage.schema import APPLICATION_ID, expected_schema, schema_problems
from panel_tui.storage.store import Store


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
                reference_for(row[0], parsed_round(row[0])[0])
        if no_journal(path):
            data = path.read_bytes()
            if not _like_template(data):  # else the template of an earlier merge serves
                template = _make_template(data)
                if template is not None:
                    _TEMPLATES[:] = [template]
    except Exception:  # a damaged file: verify_database reports it
        return


@dataclass(frozen=True)
class _Template:
    """A file that passed every check, and where its round tables are."""

    header: bytes  # the header fields that decide how pages are read
    roots: frozenset[tuple[str, int]]  # (name, root page) of the round tables and indexes
    names: frozenset[str]
    pages: frozenset[int]
    runs: tuple[tuple[int, int, bytes], ...]  # those pages: byte ranges and their bytes
    round: Round
    reference: Reference
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
    # A read version above 2: SQLite refuses to read the file ("file is not a database"),
    # which the in-memory copy (read with both versions set to 1) would hide.
    if data[19] > 2:
        return None
    return pages


def _memory_copy(data: bytes | bytearray) -> sqlite3.Connection:
    """The file's bytes as an in-memory database (read as a rollback-journal file: an
    in-memory database cannot be in WAL mode; the pages are the same). A bytearray is
    changed in place to say so (header bytes 18 and 19), saving a copy."""
    conn = sqlite3.connect(":memory:", isolation_level=None, factory=GuardedConnection)
    try:
        harden(conn)
        conn.deserialize(image_connection_data(data))
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
        round_, snapshot_round_fp, snapshot_rubric_fp = parsed_round(snapshot)
        if (snapshot_round_fp, snapshot_rubric_fp) != (round_fp, rubric_fp):
            return None
        reference = reference_for(snapshot, round_)
        if conn.execute("PRAGMA user_version").fetchone()[0] != reference.user_version:
            return None
        if tables_as_written(conn, reference) != set(ROUND_TABLES):
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


def _stored_outside(
    conn: sqlite3.Connection, names: frozenset[str], types: tuple[str, ...]
) -> list[str]:
    """The schema's objects of `types` that own pages and are not among `names` (the
    round's tables, proven on the template)."""
    marks = ", ".join("?" * len(types))
    query = f"SELECT name FROM sqlite_schema WHERE type IN ({marks}) AND rootpage > 0"
    return [name for (name,) in conn.execute(query, types) if name not in names]


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


def verify_like_template(
    path: Path, data: bytes | bytearray, keep_events: bool = False
) -> VerifyReport | None:
    """The report `verify_database(path)` gives for a file whose bytes are `data`, when its
    round tables are those of a template (see above) and it passes every check; None
    otherwise (the caller then verifies it in full, which also describes any problem).
    With `keep_events`, the report holds the events as verified (`events_image`).
    A bytearray's header bytes 18 and 19 may be changed (see `_memory_copy`)."""
    pages = _page_count(data)
    if pages is None or not _like_template(data):
        return None
    if not no_journal(path):
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
        others = _stored_outside(conn, template.names, ("table",))
        for name in ("sqlite_schema", *others):
            quoted = name.replace('"', '""')
            if conn.execute(f'PRAGMA integrity_check("{quoted}")').fetchall() != [("ok",)]:
                return None
        free = _free_pages(data, page_size, pages)
        if free is None:
            return None
        trees = _stored_outside(conn, template.names, ("table", "index"))
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
        report.chains = verify_chains(
            store, template.round, template.round_fp, template.rubric_fp, report
        )
        report.fingerprints = (template.round_fp, template.rubric_fp)
        verify_owner(store, report.chains, report)
        verify_ledger(store, report.chains, report)
        verify_agreement(store, report.chains, report)
        if report.problems:
            return None
        if keep_events:
            report.events_image = _events_image(conn)
        return report
    except (sqlite3.Error, PanelError, ValueError, KeyError, TypeError, AttributeError):
        return None
    finally:
        conn.close()


def verify_image(
    path: Path, data: bytes | bytearray, keep_events: bool = False
) -> VerifyReport | None:
    """Every check of `verify_database(path)`, run on `data`, the file's bytes, in memory,
    when those bytes are the whole database (no WAL frames or journal beside the file) and
    pass; None otherwise (the caller then verifies the file itself, which also describes any
    problem). With `keep_events`, the report holds the events as verified (`events_image`).
    A bytearray's header bytes 18 and 19 may be changed (see `_memory_copy`)."""
    if _page_count(data) is None or int.from_bytes(data[68:72], "big") != APPLICATION_ID:
        return None
    if not no_journal(path):
        return None
    try:
        conn = _memory_copy(data)
    except sqlite3.Error:
        return None
    try:
        if schema_problems(conn):  # never read through a schema that is not ours
            return None
        report = VerifyReport(path)
        conn.execute("BEGIN")
        verify_open(Store(path, conn), report, ())
        if report.problems:
            return None
        conn.execute("COMMIT")  # the checks' one read; ATTACH needs none open
        if keep_events:
            report.events_image = _events_image(conn)
        return report
    except (sqlite3.Error, PanelError, ValueError, KeyError, TypeError, AttributeError):
        return None
    finally:
        conn.close()


def _events_image(conn: sqlite3.Connection) -> bytes:
    """The score_events of the verified in-memory copy `conn`, copied by SQLite into a
    database of that one table and serialised: what merge takes in. Merge never reads the
    file again, so what it takes in is what was verified, whatever the file (or a device
    that answers two reads differently) holds by then; a tenth of the file's bytes."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    table = expected_schema(version)[("table", "score_events")]
    if table is None or not table.startswith("CREATE TABLE score_events ("):
        raise PanelError("score_events: not the schema panel-tui writes")  # never: ours
    conn.execute(f"ATTACH DATABASE ':memory:' AS {_EVENTS}")
    try:
        conn.execute(table.replace("score_events", f"{_EVENTS}.score_events", 1))
        conn.execute(
            f"INSERT INTO {_EVENTS}.score_events SELECT {', '.join(Event.COLUMNS)}"
            " FROM main.score_events ORDER BY origin, seq"
        )
        return conn.serialize(name=_EVENTS)
    finally:
        conn.execute(f"DETACH DATABASE {_EVENTS}")


_EVENTS = "panel_tui_verified_events"


def image_connection_data(data: bytes | bytearray) -> bytes | bytearray:
    """`data` as `deserialize` takes it: read as a rollback-journal file (an in-memory
    database cannot be in WAL mode; the pages are the same)."""
    if isinstance(data, bytearray):
        data[18:20] = b"\x01\x01"
        return data
    return data[:18] + b"\x01\x01" + data[20:]
