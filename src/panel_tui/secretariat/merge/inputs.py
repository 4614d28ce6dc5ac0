"""Reading and verifying the inputs ahead of the merge, in worker processes for many inputs, within a bound on memory."""

from __future__ import annotations

import gc
import hashlib
import os
import threading
from pathlib import Path
from typing import Any, cast

from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _
from panel_tui.secretariat.merge.report import ChainResult
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.secretariat.verify.template import (
    prepare,
    verify_image,
    verify_like_template,
)
from panel_tui.storage.connection import connect
from panel_tui.storage.files import (
    check_header,
    file_sha256,
    no_journal,
    refuse_odd_side_files,
)
from panel_tui.storage.store import chain_heads

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


# The header's text encoding (bytes 56-59) of a UTF-16le or UTF-16be file.
_UTF16 = ((2).to_bytes(4, "big"), (3).to_bytes(4, "big"))


def check_input(path: Path) -> tuple[str, Any, str | None]:
    """(sha256, VerifyReport, None) of one input, or ("", None, why it cannot be read)."""

    if not path.exists():
        return "", None, _("no such database file")
    try:
        if not path.is_file():  # a folder, a pipe (reading it would never end), a device
            check_header(path)
        refuse_odd_side_files(path)  # as verify does: its bytes alone would pass
    except PanelError as exc:
        return "", None, exc.message
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            return "", None, _too_large(size)
        data = read_whole(path)
    except OSError as exc:
        return "", None, _("cannot read: {error}").format(error=exc.strerror or exc)
    sha = hashlib.sha256(data).hexdigest()
    if bytes(data[56:60]) in _UTF16:
        # SQLite attaches a file only in the text encoding of OUT (UTF-8, as panel-tui writes)
        return (
            sha,
            None,
            _("its text is stored as UTF-16, not UTF-8 as panel-tui writes: not merged"),
        )
    # The bytes hashed are the bytes verified, in memory: against the template (another
    # input of the round, verified in full) when the file's round tables are its, else
    # every check; the events merge takes in are copied from them. Only a file that is not
    # whole without a WAL beside it, or that fails a check, is verified as a file (which
    # also describes what is wrong).
    report = verify_like_template(path, data, keep_events=True) or verify_image(
        path, data, keep_events=True
    )
    if report is None:
        report = verify_database(path)
    return sha, report, None


# Each process (and thread) reads its inputs into one buffer, reused from input to input:
# a fresh 13 MB buffer an input cost more in page faults than the read itself.
_BUFFER = threading.local()


def read_whole(path: Path) -> bytearray:
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


def known_chains(path: Path) -> list[ChainResult]:

    conn = connect(path, readonly=True)
    try:
        return [
            ChainResult(origin, assessor, 0, length, length, head)
            for origin, assessor, length, head in chain_heads(conn)
        ]
    finally:
        conn.close()


class InputChecks:
    """Inputs verified ahead of the merge, in worker processes when there are many."""

    def __init__(self, paths: list[Path], merged_before: set[str]) -> None:
        self.paths = paths
        self.pool: Any = None
        self.futures: list[Any] = []
        self.known: dict[int, str] = {}  # input index -> SHA-256 of a file merged before
        if merged_before:
            for index, path in enumerate(paths):
                # Only a file SQLite reads alone, with nothing odd beside it (a pipe named
                # like its journal would keep the read of its chains waiting for ever).
                if not path.is_file() or not no_journal(path):
                    continue
                try:
                    refuse_odd_side_files(path)
                except PanelError:
                    continue
                try:
                    sha = file_sha256(path)
                except OSError:
                    continue
                if sha in merged_before:
                    self.known[index] = sha
        unknown = [p for i, p in enumerate(paths) if i not in self.known]
        if len(unknown) > 1:
            # The round, the reference tables and the template are made once, here, and
            # the workers inherit them; OUT is created from the same image.
            sized = [p for p in unknown if _size_or_zero(p) <= MAX_INPUT_BYTES]
            if sized:  # prepare reads its file whole
                prepare(sized[0])
        workers = _memory_bound(_worker_count(len(unknown)), unknown)
        # Forked from a process with other threads, a worker may inherit a lock one of them
        # held and wait for it for ever: such a process verifies its inputs one by one.
        if workers > 1 and threading.active_count() == 1:
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
                    None if index in self.known else self.pool.submit(check_input, path)
                    for index, path in enumerate(paths)
                ]
            finally:
                gc.unfreeze()

    def result(self, index: int) -> tuple[str, Any, str | None]:
        future = self.futures[index] if self.futures else None
        if future is not None:
            self.futures[index] = None  # its events image is held once, by the caller
        try:
            if future is None:
                return check_input(self.paths[index])
            return cast("tuple[str, Any, str | None]", future.result())
        except Exception as exc:  # verification itself failed: refuse, say why
            return "", None, _("could not be verified: {error}").format(error=exc)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        _release_buffer()
