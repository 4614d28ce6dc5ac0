"""A large file's integrity check and audit chains run in worker processes (the chains a range of origins each), beside the main process's other checks of the same snapshot."""

from __future__ import annotations

import gc
import os
import signal
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panel_tui.domain.bulk import gc_paused
from panel_tui.domain.model import Round
from panel_tui.secretariat.verify.chains import ChainCheck, check_chains
from panel_tui.secretariat.verify.reference import parsed_round
from panel_tui.secretariat.verify.report import ChainSummary, VerifyReport
from panel_tui.storage.connection import GuardedConnection, connect_unchanging
from panel_tui.storage.files import no_journal
from panel_tui.storage.projection import ChainState
from panel_tui.storage.store import Store

# From this many events on, the integrity check and the chains are checked in worker
# processes (the chains in one per core, at most MAX_WORKERS); fewer cost less to check than
# to fork for. PANEL_TUI_VERIFY_WORKERS=1 turns it off (and a number sets the chain workers).
PARALLEL_FROM = 20_000


# Up to this many events: far below what would make the one read of every event run past
# the work bound (storage/connection.py, WORK_LIMIT), so the shares' reads, each bounded
# alone, refuse nothing the one read would not.
PARALLEL_UP_TO = 2_000_000


MAX_WORKERS = 8


# What the workers inherit when forked: (the round, its fingerprints as the file states them).
_INHERITED: list[tuple[Round, str, str]] = []


@dataclass
class _Worker:
    process: Any
    receiver: Any

    def result(self) -> Any:
        """What the worker sent; None if it died first."""
        try:
            return self.receiver.recv()
        except (EOFError, OSError):
            return None

    def end(self) -> None:
        self.receiver.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


@dataclass
class ChainsAhead:
    """Worker processes checking the file `store` reads, in the same snapshot: one runs its
    integrity check, the others its chains, a range of origins each.

    The workers read the file itself, as immutable: it cannot change while the main process
    holds its read transaction and no `-wal` or `-journal` lies beside it (files.no_journal),
    so they read exactly what the main process's snapshot holds. A chain worker checks its
    chains (`check_chains`, the one check of every event) and folds them; the main process
    takes their findings only when the heads and lengths of every chain are those its own
    snapshot holds. A worker that fails or finds the work bound, and the main process runs
    that check itself, as without workers (which reports what stopped it).
    """

    fingerprints: tuple[str, str]
    project: bool
    heads: list[tuple[Any, ...]]  # (origin, length, head) of each chain, in the snapshot
    round: Round | None = None  # the round the chain workers check the events against
    integrity: _Worker | None = None
    shares: list[_Worker] = field(default_factory=list)
    ranges: list[tuple[str | None, str | None]] = field(default_factory=list)  # (after, up_to)

    def integrity_check(self) -> list[tuple[Any, ...]] | None:
        """What `PRAGMA integrity_check` gave in the integrity worker (the same bytes);
        None when it did not finish (the caller then runs it itself)."""
        rows = self.integrity.result() if self.integrity is not None else None
        return rows if isinstance(rows, list) else None

    def collect(
        self, round_: Round, round_fp: str, rubric_fp: str, report: VerifyReport
    ) -> list[ChainSummary] | None:
        """The chains, their problems added to `report` (and the events folded into
        `report.current` with `project`), as `verify_chains` gives them; None when the
        workers checked something else or did not finish (the caller then checks them)."""
        if round_ is not self.round or (round_fp, rubric_fp) != self.fingerprints:
            return None
        found: list[ChainCheck] = []
        with gc_paused():  # unpickling the folded chains: many objects, none cyclic
            for share in self.shares:
                result = share.result()
                if not isinstance(result, ChainCheck):
                    return None
                found.append(result)
        chains = [chain for part in found for chain in part.chains]
        if [(c.origin, c.length, c.head) for c in chains] != self.heads:
            return None
        for part in found:  # in origin order, as one read of every chain reports them
            report.problems.extend(part.problems)
            report.events += part.events
        if self.project:
            report.current = [state for part in found for state in part.current or []]
        return chains

    def close(self) -> None:
        """Ends the workers (done or not: the check may have stopped before the chains)."""
        for worker in [self.integrity, *self.shares]:
            if worker is not None:
                worker.end()
        self.integrity = None
        self.shares = []


def start_chains(store: Store, project: bool) -> ChainsAhead | None:
    """Workers checking the file `store` has open (in a read transaction), for a file with
    enough events, on a machine with cores to spare and fork, from a process of one thread;
    else None."""
    workers = _worker_count()
    if workers < 2 or threading.active_count() > 1:
        # Forked from a process with other threads (the secretariat app tallies in one), a
        # worker may inherit a lock one of them held, and wait for it for ever.
        return None
    conn = store.conn
    tripped = getattr(conn, "too_much_work", False)
    try:
        row = conn.execute(
            "SELECT snapshot, round_fingerprint, rubric_fingerprint FROM round"
        ).fetchall()
        origins = conn.execute(
            "SELECT origin, count(*), MAX(seq) FROM score_events GROUP BY origin ORDER BY origin"
        ).fetchall()
        heads = []
        for origin, _count, length in origins:
            head = conn.execute(
                "SELECT hash FROM score_events WHERE origin = ? AND seq = ?", (origin, length)
            ).fetchone()
            heads.append((origin, length, head[0] if head else None))
    except (sqlite3.Error, UnicodeDecodeError):
        # The checks themselves report whatever this is; the work bound is theirs to trip.
        if isinstance(conn, GuardedConnection) and not tripped:
            conn.too_much_work = False
        return None
    events = sum(count for _origin, count, _length in origins)
    if (
        len(row) != 1
        or not all(isinstance(value, str) for value in row[0])
        or not all(isinstance(origin, str) for origin, _count, _length in origins)
        or len(origins) < 2
        or not PARALLEL_FROM <= events <= PARALLEL_UP_TO
        or not no_journal(store.path)  # after the snapshot began (see ChainsAhead)
    ):
        return None
    snapshot, round_fp, rubric_fp = row[0]
    try:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        if multiprocessing.current_process().daemon:  # a worker may not start workers
            return None
    except ValueError:  # no fork (Windows)
        return None
    ahead = ChainsAhead((round_fp, rubric_fp), project, heads)
    # Frozen, the objects the workers inherit are left alone by their garbage collector,
    # which otherwise writes to every one and so copies this process's memory into each.
    gc.freeze()
    try:
        # The integrity check first: it runs while this process parses the round, which
        # the chain workers then inherit.
        ahead.integrity = _start(context, _check_integrity, store.path)
        try:
            round_ = parsed_round(snapshot)[0]  # the checks parse it again from the cache
        except Exception:  # an unreadable snapshot: the checks say so
            return ahead
        ahead.round = round_
        _INHERITED[:] = [(round_, round_fp, rubric_fp)]
        gc.freeze()  # the round too
        after: str | None = None
        for last in _split(origins, workers):
            up_to = None if last == origins[-1][0] else last
            ahead.shares.append(_start(context, _check_share, store.path, after, up_to, project))
            ahead.ranges.append((after, up_to))
            after = last
    except OSError:  # no process to be had (out of memory, of processes): one process
        ahead.close()
        return None
    except BaseException:
        ahead.close()
        raise
    finally:
        gc.unfreeze()
        _INHERITED.clear()
    return ahead


def _start(context: Any, work: Callable[..., None], *args: Any) -> _Worker:
    """A forked worker running `work(sender, *args)`; what it sends comes out of `receiver`."""
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_in_worker, args=(work, sender, *args), daemon=True)
    try:
        process.start()
    except BaseException:
        receiver.close()
        raise
    finally:
        sender.close()  # the worker's end: closed here, its death is an EOF
    return _Worker(process, receiver)


def _split(origins: list[tuple[str, int, Any]], workers: int) -> list[str]:
    """The last origin of each of up to `workers` ranges of about as many events each."""
    total = sum(count for _origin, count, _length in origins)
    lasts: list[str] = []
    done = 0
    for origin, count, _length in origins:
        done += count
        if done * workers >= total * (len(lasts) + 1) or origin == origins[-1][0]:
            lasts.append(origin)
    return lasts


def _worker_count() -> int:
    setting = os.environ.get("PANEL_TUI_VERIFY_WORKERS", "")
    if setting.isdigit():
        return int(setting)
    return min(os.cpu_count() or 1, MAX_WORKERS)


def _in_worker(work: Callable[..., None], *args: Any) -> None:
    """Ctrl-C is the main process's to answer (it ends the workers): a worker ignores it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    work(*args)


def _check_integrity(sender: Any, path: Path) -> None:
    """In a worker: `PRAGMA integrity_check` of the file, sent as its rows, or None when it
    did not finish (the main process then runs it itself, and reports what stopped it)."""
    rows: list[tuple[Any, ...]] | None = None
    try:
        conn = connect_unchanging(path)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except BaseException:
        rows = None
    _send(sender, rows)


def _send(sender: Any, value: object) -> None:
    try:
        sender.send(value)
    except (OSError, ValueError):  # the main process stopped waiting
        pass
    finally:
        sender.close()


def _check_share(
    sender: Any, path: Path, after: str | None, up_to: str | None, project: bool
) -> None:
    """In a worker: check the chains of origins after `after` and up to `up_to`, and send
    what was found, or None when the check did not finish (the main process then checks
    every chain itself, and reports whatever stopped this one as it always does)."""
    round_, round_fp, rubric_fp = _INHERITED[0]
    found = ChainCheck()
    result: ChainCheck | None = found
    try:
        conn = connect_unchanging(path)
        try:
            check_chains(conn, round_, round_fp, rubric_fp, found, project, after, up_to)
        finally:
            conn.close()
    except BaseException:
        result = None
    if result is not None and result.current:
        _share_keys(result.current)
    _send(sender, result)


def _share_keys(states: list[ChainState]) -> None:
    """Each chain's keys made the same objects as the other chains' equal keys (every chain
    has a key per cell it scored, read as new strings from each row): pickled once each
    then, the folded chains are sent and read back in a fifth of the time."""
    same: dict[Any, Any] = {}
    for state in states:
        state.scores = {same.setdefault(key, key): value for key, value in state.scores.items()}
        state.notes = {same.setdefault(key, key): value for key, value in state.notes.items()}
        for name in ("recused", "reasons", "final"):
            held: dict[str, Any] = getattr(state, name)
            setattr(state, name, {same.setdefault(key, key): value for key, value in held.items()})
