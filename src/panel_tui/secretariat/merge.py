"""Merging assessor (and already merged) databases into the secretariat's file.

One audit chain per `origin` (one assessor database). For every input, in order:

1. the input is verified (SQLite integrity, round snapshot, every chain) and, when receipt
   heads are given, each of its chains must contain one of them;
2. its round and rubric fingerprints must equal OUT's;
3. each chain is compared with OUT: the same origin must extend OUT's chain (identical
   hashes on the common part; then only the new events are appended) or it is a conflict
   (one database copied and scored on two laptops); a new origin is taken in whole;
4. two chains of the same assessor must not disagree on the current value of any cell
   (a score of a nominee on a criterion, or a recusal): disagreements are reported cell by
   cell and the input is refused; nothing is settled by clocks;
5. the `imports` ledger gets one row per chain taken in.

Every input is one transaction: all of it or nothing. OUT is created from the first accepted
input's round snapshot under a temporary name and renamed into place, so a refused first
input leaves no OUT behind. Merging the same file again writes nothing.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _
from panel_tui.secretariat.verify.report import MIN_HEAD_PREFIX
from panel_tui.storage import projection
from panel_tui.storage.atomic import move_into_place, remove_temporary, temporary_beside

if TYPE_CHECKING:
    from panel_tui.domain.model import Round
    from panel_tui.secretariat.verify.report import ChainSummary

# From this many inputs on, verification runs in worker processes (one per core, at most
# MAX_WORKERS); PANEL_TUI_MERGE_WORKERS=1 turns that off.
PARALLEL_FROM = 4
MAX_WORKERS = 8
# The largest input a round can make, with a wide margin: an assessor file of a national
# round (500 nominees x 10 criteria, every score typed twice, a note on each) is under 5 MB,
# and a merged file of 50 such assessors under 250 MB. A larger input is refused unread.
MAX_INPUT_BYTES = 512 * 1024 * 1024
# What the workers may hold of whole inputs at once: fewer workers for large inputs.
INPUTS_IN_MEMORY_BYTES = 1024 * 1024 * 1024

# Columns copied between databases, in table order.
_EVENT_COLUMNS = (
    "origin, seq, assessor, kind, nominee, criterion, value, note, reason, at, prev_hash, hash"
)


@dataclass(frozen=True)
class ChainResult:
    origin: str
    assessor: str
    added: int
    known: int
    length: int
    head: str


@dataclass(frozen=True)
class Conflict:
    """One cell on which two chains of the same assessor disagree."""

    assessor: str
    nominee: str
    criterion: str | None  # None: the recusal of the nominee
    value: str  # as in the input ("4", "cleared", "recused", "not recused")
    other_value: str  # as already in OUT
    origin: str
    other_origin: str
    other_file: str

    def describe(self) -> str:
        if self.criterion is None:
            return _(
                "recusal conflict: assessor {assessor} recused from {nominee} on one laptop and "
                "not on another: {value} in this file (chain {origin}), {other} in the merged "
                "file (chain {other_origin}, from {file})"
            ).format(**self._fields())
        return _(
            "assessor {assessor}, {nominee} / {criterion}: {value} in this file (chain {origin}),"
            " {other} in the merged file (chain {other_origin}, from {file})"
        ).format(criterion=self.criterion, **self._fields())

    def _fields(self) -> dict[str, str]:
        return {
            "assessor": self.assessor,
            "nominee": self.nominee,
            "value": self.value,
            "origin": self.origin[:12],
            "other": self.other_value,
            "other_origin": self.other_origin[:12],
            "file": self.other_file or _("an earlier merge"),
        }


@dataclass
class InputReport:
    path: Path
    status: str = "refused"  # merged | unchanged | refused
    sha256: str = ""
    chains: list[ChainResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(c.added for c in self.chains)

    @property
    def known(self) -> int:
        return sum(c.known for c in self.chains)


@dataclass
class MergeResult:
    out: Path
    inputs: list[InputReport] = field(default_factory=list)
    unmatched_heads: list[str] = field(default_factory=list)
    created: bool = False

    @property
    def ok(self) -> bool:
        return not self.unmatched_heads and all(r.status != "refused" for r in self.inputs)


class _Refused(Exception):
    """An input is refused: roll back its transaction."""


def merge(
    out: Path | str,
    inputs: Sequence[Path | str],
    heads: Sequence[str] = (),
    progress: Callable[[InputReport], None] | None = None,
) -> MergeResult:
    """Merge `inputs` into `out` (created if missing); a report per input, never half-written.

    `heads` are chain heads from hand-over receipts: when given, every chain of every input
    must contain one of them (a head may be shortened to at least 16 hex digits).
    """
    out = Path(out)
    wanted = [h.strip().lower() for h in heads if h.strip()]
    for head in wanted:
        if len(head) < MIN_HEAD_PREFIX or any(ch not in "0123456789abcdef" for ch in head):
            raise PanelError(
                _("receipt head {head!r}: give at least {n} hex digits").format(
                    head=head, n=MIN_HEAD_PREFIX
                )
            )
    if not inputs:
        raise PanelError(_("nothing to merge: give one or more databases after OUT"))
    result = MergeResult(out)
    matched: set[str] = set()
    target: _Target | None = None
    paths = [Path(item) for item in inputs]
    checks: _Checks | None = None
    try:
        if out.exists():
            target = _Target.open_existing(out)  # refuse a wrong OUT before any work
        # A file byte-identical to one merged before (its SHA-256 is in OUT's ledger) was
        # verified and taken in whole then: it brings nothing new and is not verified again.
        merged_before: set[str] = set()
        if target is not None and not wanted:
            merged_before = {
                row[0] for row in target.conn.execute("SELECT DISTINCT sha256 FROM imports")
            }
        # Verification (the expensive part) starts for every input ahead of the merge.
        checks = _Checks(paths, merged_before)
        for index, path in enumerate(paths):
            report = InputReport(path)
            result.inputs.append(report)
            try:
                target = _merge_one(out, target, path, report, wanted, matched, checks, index)
                if target is not None and target.pending:
                    target.publish()
                    result.created = True
            except _Refused:
                report.status = "refused"
            if progress is not None:
                progress(report)
    finally:
        if checks is not None:
            checks.close()
        if target is not None:
            target.close()
    result.unmatched_heads = [h for h in wanted if h not in matched]
    return result


# --- the target ---------------------------------------------------------------------------


class _Target:
    """OUT, opened with URI filenames so inputs can be attached read-only."""

    def __init__(self, path: Path, conn: sqlite3.Connection, pending: Path | None) -> None:
        self.path = path
        self.conn = conn
        self.pending = pending  # the temporary file holding a new OUT until its first input
        row = conn.execute("SELECT round_fingerprint, rubric_fingerprint FROM round").fetchone()
        if row is None:
            raise PanelError(_("{out}: holds no round: damaged").format(out=path))
        self.fingerprints: tuple[str, str] = (row[0], row[1])
        # origin -> (assessor, length) of every chain in OUT, kept up to date after each input
        self.chains: dict[str, tuple[str, int]] = {}
        self.data_version = -1
        self.refresh_chains()

    def refresh_chains(self) -> None:
        """Read OUT's chains again when another connection (a second merge into the same OUT)
        committed since they were read; PRAGMA data_version changes only then."""
        version = self.conn.execute("PRAGMA main.data_version").fetchone()[0]
        if version == self.data_version:
            return
        self.chains = {
            origin: (assessor, length)
            for origin, assessor, length in self.conn.execute(
                "SELECT origin, assessor, MAX(seq) FROM main.score_events GROUP BY origin"
            )
        }
        self.data_version = version

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        from panel_tui.storage.connection import BUSY_TIMEOUT_MS

        conn = sqlite3.connect(
            path.resolve().as_uri(),
            uri=True,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # The inputs are ATTACHed to this connection: no function their schema names runs.
        conn.execute("PRAGMA trusted_schema = OFF")
        return conn

    @classmethod
    def open_existing(cls, path: Path) -> _Target:
        from panel_tui.storage import schema
        from panel_tui.storage.store import Store

        # Store.open checks the header and brings an older schema up to date.
        with Store.open(path) as store:
            if store.kind != "merged":
                raise PanelError(
                    _(
                        "{out}: is an assessor's database, not a merged file: "
                        "merge into a new file instead"
                    ).format(out=path)
                )
        try:
            conn = cls._connect(path)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != schema.SCHEMA_VERSION:
                conn.close()
                raise PanelError(_("{out}: unexpected schema version").format(out=path))
            return cls(path, conn, None)
        except sqlite3.DatabaseError as exc:
            raise PanelError(
                _("{out}: the database is damaged or unreadable: {error}").format(
                    out=path, error=exc
                )
            ) from exc

    @classmethod
    def create_pending(cls, out: Path, snapshot_source: Path) -> _Target:
        """A new merged file under a temporary name, holding the input's round snapshot."""
        from panel_tui.storage.store import Store

        if not out.parent.is_dir():
            raise PanelError(_("{folder}: no such folder").format(folder=out.parent))
        tmp = temporary_beside(out)
        with Store.open(snapshot_source, readonly=True) as source:
            if not _create_from_reference(tmp, source):
                # the round may read parts of itself lazily: create while the source is open
                Store.create(tmp, source.round, None, kind="merged").close()
        try:
            return cls(out, cls._connect(tmp), tmp)
        except BaseException:
            remove_temporary(tmp)
            raise

    def publish(self) -> None:
        """Rename the temporary new OUT into place (after its first accepted input)."""

        assert self.pending is not None
        tmp = self.pending
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()
        if self.path.exists():
            remove_temporary(tmp)
            raise PanelError(
                _("{out}: appeared while merging; nothing was written to it").format(out=self.path)
            )
        move_into_place(tmp, self.path)
        remove_temporary(tmp)  # its -wal and -shm
        self.pending = None
        self.conn = self._connect(self.path)

    def discard(self) -> None:
        if self.pending is not None:
            self.conn.close()
            remove_temporary(self.pending)

    def close(self) -> None:
        if self.pending is not None:
            self.discard()
            return
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


def _create_from_reference(tmp: Path, source: Any) -> bool:
    """Create the new merged file at `tmp` from the reference database the verification
    built for the source's snapshot (what `Store.create` would write: the schema and the
    round tables), plus its database_info row. False when there is none in this process."""
    from panel_tui import __version__
    from panel_tui.secretariat.verify.reference import reference_image
    from panel_tui.storage.atomic import fsync
    from panel_tui.storage.connection import connect, transaction
    from panel_tui.storage.store import now_utc

    row = source.conn.execute("SELECT snapshot FROM round").fetchone()
    image = reference_image(row[0]) if row is not None and isinstance(row[0], str) else None
    if image is None:
        return False
    try:
        with open(tmp, "xb") as handle:
            handle.write(image)
        conn = connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            with transaction(conn):
                conn.execute(
                    "INSERT INTO database_info (kind, assessor, origin, created_at, created_by)"
                    " VALUES ('merged', NULL, NULL, ?, ?)",
                    (now_utc(), f"panel-tui {__version__}"),
                )
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        fsync(tmp)
    except BaseException as exc:
        remove_temporary(tmp)
        # the messages of Store.create
        if isinstance(exc, sqlite3.Error):
            raise PanelError(
                _("{path}: cannot create the database: {error}").format(path=tmp, error=exc)
            ) from exc
        if isinstance(exc, OSError):
            reason = exc.strerror or exc
            raise PanelError(
                _("{path}: cannot create the database: {error}").format(path=tmp, error=reason)
            ) from exc
        raise
    return True


# --- one input ------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _merge_one(
    out: Path,
    target: _Target | None,
    path: Path,
    report: InputReport,
    wanted: list[str],
    matched: set[str],
    checks: _Checks,
    index: int,
) -> _Target | None:
    def refuse(message: str) -> None:
        report.problems.append(message)
        raise _Refused

    if out.exists() and _same_path(path, out):
        refuse(_("is the merge target itself"))
    if index in checks.known and target is not None:
        report.sha256 = checks.known[index]
        report.chains = _known_chains(path)
        report.status = "unchanged"
        return target
    sha, verified, error = checks.result(index)
    if error is not None or verified is None:
        refuse(error or _("cannot read"))
    assert verified is not None
    report.sha256 = sha
    if not verified.ok:
        report.problems.extend(verified.problems)
        refuse(_("the file does not verify; nothing of it was merged"))
    if wanted:
        _match_heads(path, verified.chains, wanted, matched, refuse)

    created_here = False
    if target is None:
        target = _Target.create_pending(out, path)
        created_here = True
    try:
        _merge_into(target, path, report, verified.chains, verified.fingerprints, refuse)
    except BaseException:
        if created_here:
            target.discard()
        raise
    return target


def _check_input(path: Path) -> tuple[str, Any, str | None]:
    """(sha256, VerifyReport, None) of one input, or ("", None, why it cannot be read)."""
    from panel_tui.secretariat.verify.database import verify_database
    from panel_tui.secretariat.verify.template import verify_like_template

    if not path.is_file():
        return "", None, _("no such database file")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            return "", None, _too_large(size)
        data = _read(path)
    except OSError as exc:
        return "", None, _("cannot read: {error}").format(error=exc.strerror or exc)
    sha = hashlib.sha256(data).hexdigest()
    # The bytes hashed are the bytes verified when the file's round tables are those of the
    # template (another input of the round, verified in full); else the file is verified.
    report = verify_like_template(path, data)
    if report is None:
        report = verify_database(path)
    return sha, report, None


# Each process (and thread) reads its inputs into one buffer, reused from input to input:
# a fresh 13 MB buffer an input cost more in page faults than the read itself.
_BUFFER = threading.local()


def _read(path: Path) -> bytearray:
    """The whole file, read straight into this thread's buffer (valid until its next call).

    read_bytes and a copy for SQLite took three times as long as reading, for a 13 MB
    input; a new buffer each time, half as long again."""
    data: bytearray = getattr(_BUFFER, "data", None) or bytearray()
    _BUFFER.data = data
    with path.open("rb", buffering=0) as handle:
        size = os.fstat(handle.fileno()).st_size
        if len(data) > size:
            del data[size:]  # keeps its memory unless it shrinks by half
        elif len(data) < size:
            data.extend(bytes(size - len(data)))
        view = memoryview(data)
        done = 0
        while done < len(data):
            got = handle.readinto(view[done:])
            if not got:  # shorter than it was a moment ago: what is there
                del view
                del data[done:]
                break
            done += got
        else:
            del view
            rest = handle.read()  # longer than it was a moment ago
            if rest:
                data += rest
    return data


def _release_buffer() -> None:
    _BUFFER.data = None


def _too_large(size: int) -> str:
    return _(
        "is {size:,} bytes, larger than any round's file can be ({limit:,} bytes): not a"
        " panel-tui file? Nothing was read"
    ).format(size=size, limit=MAX_INPUT_BYTES)


def _size_or_zero(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _memory_bound(workers: int, paths: list[Path]) -> int:
    """Fewer workers when their inputs, each read whole, would not fit in
    INPUTS_IN_MEMORY_BYTES together."""
    # A larger one than MAX_INPUT_BYTES is refused unread.
    largest = max((s for s in map(_size_or_zero, paths) if s <= MAX_INPUT_BYTES), default=0)
    return max(1, min(workers, INPUTS_IN_MEMORY_BYTES // max(largest, 1)))


def _worker_count(inputs: int) -> int:
    setting = os.environ.get("PANEL_TUI_MERGE_WORKERS", "")
    if setting.isdigit():
        return max(1, int(setting))
    if inputs < PARALLEL_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS, inputs))


def _known_chains(path: Path) -> list[ChainResult]:
    from panel_tui.storage.connection import connect

    conn = connect(path, readonly=True)
    try:
        return [
            ChainResult(origin, assessor, 0, length, length, head)
            for origin, assessor, length, head in conn.execute(
                "SELECT origin, assessor, MAX(seq), hash FROM score_events GROUP BY origin"
            )
        ]
    finally:
        conn.close()


class _Checks:
    """Inputs verified ahead of the merge, in worker processes when there are many."""

    def __init__(self, paths: list[Path], merged_before: set[str]) -> None:
        self.paths = paths
        self.pool: Any = None
        self.futures: list[Any] = []
        self.known: dict[int, str] = {}  # input index -> SHA-256 of a file merged before
        if merged_before:
            for index, path in enumerate(paths):
                wal = Path(f"{path}-wal")
                if not path.is_file() or (wal.exists() and wal.stat().st_size > 0):
                    continue
                try:
                    sha = _sha256(path)
                except OSError:
                    continue
                if sha in merged_before:
                    self.known[index] = sha
        unknown = [p for i, p in enumerate(paths) if i not in self.known]
        if len(unknown) > 1:
            # The round, the reference tables and the template are made once, here, and
            # the workers inherit them; OUT is created from the same image.
            from panel_tui.secretariat.verify.template import prepare

            sized = [p for p in unknown if _size_or_zero(p) <= MAX_INPUT_BYTES]
            if sized:  # prepare reads its file whole
                prepare(sized[0])
        workers = _memory_bound(_worker_count(len(unknown)), unknown)
        if workers > 1:
            try:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                context = multiprocessing.get_context("fork")
            except (ImportError, ValueError):  # no fork (Windows): verify one by one
                return
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
            # The workers are forked at the first submit. Frozen, the objects they inherit
            # are left alone by their garbage collector, which otherwise writes to every one
            # and so copies every page of this process's memory into each worker.
            gc.freeze()
            try:
                self.futures = [
                    None if index in self.known else self.pool.submit(_check_input, path)
                    for index, path in enumerate(paths)
                ]
            finally:
                gc.unfreeze()

    def result(self, index: int) -> tuple[str, Any, str | None]:
        future = self.futures[index] if self.futures else None
        try:
            if future is None:
                return _check_input(self.paths[index])
            return cast("tuple[str, Any, str | None]", future.result())
        except Exception as exc:  # verification itself failed: refuse, say why
            return "", None, _("could not be verified: {error}").format(error=exc)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        _release_buffer()


def _same_path(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _match_heads(
    path: Path,
    chains: list[ChainSummary],
    wanted: list[str],
    matched: set[str],
    refuse: Callable[[str], None],
) -> None:
    """Every chain of the input must end at one of the receipt heads: events after the head
    were added after the hand-over (by anyone who can compute a hash), so they are refused."""
    from panel_tui.storage.connection import connect

    conn = connect(path, readonly=True)
    try:
        by_origin: dict[str, list[str]] = {}
        for origin, hash_ in conn.execute("SELECT origin, hash FROM score_events"):
            by_origin.setdefault(origin, []).append(hash_)
    finally:
        conn.close()
    for chain in chains:
        hashes = [chain.head] if chain.head in by_origin.get(chain.origin, []) else []
        full = set(hashes)
        found = False
        for head in wanted:
            if (len(head) == 64 and head in full) or (
                len(head) < 64 and any(h.startswith(head) for h in hashes)
            ):
                matched.add(head)
                found = True
        if not found:
            refuse(
                _(
                    "chain {origin} (assessor {assessor}) contains none of the receipt heads "
                    "given: it is not the file handed over, or its chain was rewritten"
                ).format(origin=chain.origin[:12], assessor=chain.assessor)
            )


def _merge_into(
    target: _Target,
    path: Path,
    report: InputReport,
    chains: list[ChainSummary],  # from the verification
    fingerprints: tuple[str, str] | None,  # those the chains were verified against
    refuse: Callable[[str], None],
) -> None:
    from panel_tui.storage.connection import disk_full
    from panel_tui.storage.store import now_utc

    conn = target.conn
    source_uri = path.resolve().as_uri() + "?mode=ro"
    wal = Path(f"{path}-wal")
    if not (wal.exists() and wal.stat().st_size > 0) and (
        not os.access(path.parent, os.W_OK) or disk_full(path)
    ):
        # A write-protected or full stick: no -shm can be made beside it (a full one may
        # hold an empty -wal and -shm from an attempt to read it).
        source_uri += "&immutable=1"
    try:
        conn.execute("ATTACH DATABASE ? AS src", (source_uri,))
    except sqlite3.Error as exc:
        refuse(_("cannot open: {error}").format(error=exc))
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        conn.execute("DETACH DATABASE src")
        raise PanelError(
            _("{out}: is busy (another merge?): {error}").format(out=target.path, error=exc)
        ) from exc
    try:
        # Under the write lock: what another merge into OUT committed meanwhile is known.
        target.refresh_chains()
        # The fingerprints come after the snapshot in the round row: reading them walks its
        # 7 MB of overflow pages. The verified ones serve: every chain is bound to them by
        # its genesis hash, and the chains are checked to be unchanged below.
        if fingerprints is None:
            fingerprints = conn.execute(
                "SELECT round_fingerprint, rubric_fingerprint FROM src.round"
            ).fetchone()
        if fingerprints is None or tuple(fingerprints) != target.fingerprints:
            refuse(_fingerprint_message(conn, fingerprints, target.fingerprints))
        # The file must still be what was verified a moment ago.
        now: dict[str, tuple[str, int, str] | None] = {}
        # The chains' lengths from the index alone, then one look-up per chain head.
        for origin, length in conn.execute(
            "SELECT origin, MAX(seq) FROM src.score_events GROUP BY origin"
        ).fetchall():
            row = conn.execute(
                "SELECT assessor, hash FROM src.score_events WHERE origin = ? AND seq = ?",
                (origin, length),
            ).fetchone()
            now[origin] = None if row is None else (row[0], length, row[1])
        if now != {c.origin: (c.assessor, c.length, c.head) for c in chains}:
            refuse(_("the file changed while it was being merged: merge it again"))
        known_here = target.chains
        touched: set[str] = set()
        for chain in chains:
            existing = known_here.get(chain.origin)
            if existing is None:
                conn.execute(
                    f"INSERT INTO main.score_events ({_EVENT_COLUMNS}) "
                    f"SELECT {_EVENT_COLUMNS} FROM src.score_events WHERE origin = ?",
                    (chain.origin,),
                )
                added, known = chain.length, 0
            else:
                other_assessor, length_here = existing
                diverge = conn.execute(
                    "SELECT MIN(s.seq) FROM src.score_events s JOIN main.score_events m"
                    " ON m.origin = s.origin AND m.seq = s.seq"
                    " WHERE s.origin = ? AND (s.hash != m.hash OR s.assessor != m.assessor)",
                    (chain.origin,),
                ).fetchone()[0]
                if diverge is not None or other_assessor != chain.assessor:
                    seq = diverge if diverge is not None else 1
                    cells = _fork_cells(conn, chain.origin, chain.assessor)
                    report.conflicts.extend(cells)
                    refuse(_fork_message(chain, seq, cells))
                if chain.length > length_here:
                    conn.execute(
                        f"INSERT INTO main.score_events ({_EVENT_COLUMNS}) "
                        f"SELECT {_EVENT_COLUMNS} FROM src.score_events"
                        " WHERE origin = ? AND seq > ?",
                        (chain.origin, length_here),
                    )
                    added, known = chain.length - length_here, length_here
                else:
                    added, known = 0, chain.length
            if added and not _inserted_as_verified(conn, chain, known, target.fingerprints):
                refuse(
                    _(
                        "the events read for merging are not the ones verified (the file changed "
                        "or reads differently): nothing of this file was merged"
                    )
                )
            if added:
                touched.add(chain.assessor)
            report.chains.append(
                ChainResult(chain.origin, chain.assessor, added, known, chain.length, chain.head)
            )
        conflicts = _conflicts(conn, touched, {c.origin for c in chains}, target.chains)
        if conflicts:
            report.conflicts.extend(conflicts)
            refuse(_conflicts_message(conflicts))
        when = now_utc()
        ledger_rows = []
        for taken in report.chains:
            seen = conn.execute(
                "SELECT 1 FROM main.imports WHERE origin = ? AND chain_length = ?"
                " AND chain_head = ? LIMIT 1",
                (taken.origin, taken.length, taken.head),
            ).fetchone()
            if taken.added or seen is None:
                ledger_rows.append(
                    (
                        str(path),
                        report.sha256,
                        taken.origin,
                        taken.assessor,
                        taken.added,
                        taken.known,
                        taken.length,
                        taken.head,
                        when,
                    )
                )
        conn.executemany(
            "INSERT INTO main.imports (file, sha256, origin, assessor, events_added,"
            " events_known, chain_length, chain_head, imported_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ledger_rows,
        )
        conn.execute("COMMIT")
        for taken in report.chains:
            had = target.chains.get(taken.origin, (taken.assessor, 0))[1]
            target.chains[taken.origin] = (taken.assessor, max(had, taken.length))
        report.status = "merged" if report.added else "unchanged"
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        report.chains.clear()
        raise
    finally:
        conn.execute("DETACH DATABASE src")


def _fork_cells(conn: sqlite3.Connection, origin: str, assessor: str) -> list[Conflict]:
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


def _fork_message(chain: ChainSummary, seq: int, cells: list[Conflict]) -> str:
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


def _conflicts_message(conflicts: list[Conflict]) -> str:
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


def _inserted_as_verified(
    conn: sqlite3.Connection, chain: ChainSummary, known: int, fingerprints: tuple[str, str]
) -> bool:
    """Whether the events just inserted into OUT for `chain` (those after seq `known`) form
    exactly the chain that was verified: each follows the previous one, hashes to its own
    hash, and the last is the verified head. The hash binds every field, so rows that read
    differently from the file than when it was verified (a file swapped on the stick, a view
    returning other values) cannot pass; checked before COMMIT."""
    from panel_tui.storage.chain import genesis_hash, row_hash

    if known == 0:
        prev = genesis_hash(chain.origin, chain.assessor, *fingerprints)
    else:
        row = conn.execute(
            "SELECT hash FROM main.score_events WHERE origin = ? AND seq = ?",
            (chain.origin, known),
        ).fetchone()
        if row is None:
            return False
        prev = row[0]
    seq = known
    for row in conn.execute(
        f"SELECT {_EVENT_COLUMNS} FROM main.score_events WHERE origin = ? AND seq > ? ORDER BY seq",
        (chain.origin, known),
    ):
        seq += 1
        if row[1] != seq or row[2] != chain.assessor or row[10] != prev:
            return False
        if row_hash(row) != row[11]:
            return False
        prev = row[11]
    return seq == chain.length and prev == chain.head


def _fingerprint_message(
    conn: sqlite3.Connection, found: tuple[str, str] | None, expected: tuple[str, str]
) -> str:
    """Why the input's round is not OUT's: what differs, read from the two snapshots."""
    from panel_tui.domain.round_diff import bounded, round_differences, rubric_differences

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
    import json

    from panel_tui.storage.snapshot import round_from_dict

    try:
        row = conn.execute(
            f"SELECT json_remove(snapshot, '$.claims') FROM {schema}.round"
        ).fetchone()
        return round_from_dict(json.loads(row[0])) if row is not None else None
    except (sqlite3.Error, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def _format_value(kind: str, value: float | bool | None) -> str:
    from panel_tui.domain import formatting

    return formatting.cell_value(value, recusal=kind == "recusal")


def _conflicts(
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
