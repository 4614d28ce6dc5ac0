"""One verified input's events into OUT: the chains it extends or adds, checked against OUT's, in one transaction."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _
from panel_tui.secretariat.merge.conflicts import (
    conflicts_message,
    find_conflicts,
    fingerprint_message,
    fork_cells,
    fork_message,
)
from panel_tui.secretariat.merge.report import ChainResult, InputReport
from panel_tui.secretariat.merge.target import Target
from panel_tui.storage.chain import genesis_hash, row_hash
from panel_tui.storage.connection import disk_full
from panel_tui.storage.store import chain_heads, now_utc

if TYPE_CHECKING:
    from panel_tui.secretariat.verify.report import ChainSummary


# Columns copied between databases, in table order.
EVENT_COLUMNS = (
    "origin, seq, assessor, kind, nominee, criterion, value, note, reason, at, prev_hash, hash"
)


def merge_into(
    target: Target,
    path: Path,
    report: InputReport,
    chains: list[ChainSummary],  # from the verification
    fingerprints: tuple[str, str] | None,  # those the chains were verified against
    refuse: Callable[[str], None],
    events_image: bytes | None = None,  # the events as verified, when the bytes were verified
) -> None:
    conn = target.conn
    # A file of another round is refused below with what differs, read from its snapshot:
    # the file, not its events, is attached for that.
    verified = events_image is not None and fingerprints == target.fingerprints
    if verified:
        assert events_image is not None
        _attach_events(conn, events_image, refuse)
    else:
        _attach_file(conn, path, refuse)
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
            refuse(fingerprint_message(conn, fingerprints, target.fingerprints))
        # The file must still be what was verified a moment ago.
        now = {
            origin: (assessor, length, head)
            for origin, assessor, length, head in chain_heads(conn, "src")
        }
        if now != {c.origin: (c.assessor, c.length, c.head) for c in chains}:
            refuse(_("the file changed while it was being merged: merge it again"))
        known_here = target.chains
        touched: set[str] = set()
        for chain in chains:
            existing = known_here.get(chain.origin)
            if existing is None:
                conn.execute(
                    f"INSERT INTO main.score_events ({EVENT_COLUMNS}) "
                    f"SELECT {EVENT_COLUMNS} FROM src.score_events WHERE origin = ?",
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
                    cells = fork_cells(conn, chain.origin, chain.assessor)
                    report.conflicts.extend(cells)
                    refuse(fork_message(chain, seq, cells))
                if chain.length > length_here:
                    conn.execute(
                        f"INSERT INTO main.score_events ({EVENT_COLUMNS}) "
                        f"SELECT {EVENT_COLUMNS} FROM src.score_events"
                        " WHERE origin = ? AND seq > ?",
                        (chain.origin, length_here),
                    )
                    added, known = chain.length - length_here, length_here
                else:
                    added, known = 0, chain.length
            # The events as verified are what was inserted: the insert is read back by its
            # count and head. A file's rows, read again from the file, are checked event by
            # event against the verified chain.
            if added and not (
                _holds_verified_chain(conn, chain)
                if verified
                else _inserted_as_verified(conn, chain, known, target.fingerprints)
            ):
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
        conflicts = find_conflicts(conn, touched, {c.origin for c in chains}, target.chains)
        if conflicts:
            report.conflicts.extend(conflicts)
            refuse(conflicts_message(conflicts))
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


def _attach_file(conn: sqlite3.Connection, path: Path, refuse: Callable[[str], None]) -> None:
    """The input as `src`, read-only, from its file."""
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


def _attach_events(
    conn: sqlite3.Connection, events_image: bytes, refuse: Callable[[str], None]
) -> None:
    """The input's events as verified (its VerifyReport's `events_image`) as `src`."""
    try:
        conn.execute("ATTACH DATABASE ':memory:' AS src")
        conn.deserialize(events_image, name="src")
    except sqlite3.Error as exc:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("DETACH DATABASE src")
        refuse(_("cannot open: {error}").format(error=exc))


def _holds_verified_chain(conn: sqlite3.Connection, chain: ChainSummary) -> bool:
    """OUT now holds `chain` exactly as long as verified, ending in the verified head."""
    count, head = conn.execute(
        "SELECT COUNT(*), (SELECT hash FROM main.score_events WHERE origin = ?1 AND seq = ?2)"
        " FROM main.score_events WHERE origin = ?1",
        (chain.origin, chain.length),
    ).fetchone()
    return bool(count == chain.length and head == chain.head)


def _inserted_as_verified(
    conn: sqlite3.Connection, chain: ChainSummary, known: int, fingerprints: tuple[str, str]
) -> bool:
    """Whether the events just inserted into OUT for `chain` (those after seq `known`) form
    exactly the chain that was verified: each follows the previous one, hashes to its own
    hash, and the last is the verified head. The hash binds every field, so rows that read
    differently from the file than when it was verified (a file swapped on the stick, a view
    returning other values) cannot pass; checked before COMMIT."""

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
        f"SELECT {EVENT_COLUMNS} FROM main.score_events WHERE origin = ? AND seq > ? ORDER BY seq",
        (chain.origin, known),
    ):
        seq += 1
        if row[1] != seq or row[2] != chain.assessor or row[10] != prev:
            return False
        if row_hash(row) != row[11]:
            return False
        prev = row[11]
    return seq == chain.length and prev == chain.head
