"""Files written whole or not at all: a temporary name beside the target, renamed into place.

A reader (a second panel-tui, a spreadsheet, the secretariat's USB stick pulled mid-write)
sees the old file or the new one, never half of one. The temporary names are hidden and
recognisable, so an interrupted writer's leftovers can be found and removed later.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path

from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _

# SQLite's companions of a database file being written.
_SIDECARS = ("-journal", "-wal", "-shm")


def temporary_beside(path: Path) -> Path:
    """A hidden, unique name in `path`'s folder (the same file system, so the rename is atomic)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


def remove_temporary(tmp: Path) -> None:
    """The temporary file and any SQLite companion of it."""
    for leftover in (tmp, *(Path(f"{tmp}{suffix}") for suffix in _SIDECARS)):
        if leftover.exists():  # unlink alone fails on a read-only disk even for no file
            leftover.unlink()


def remove_leftovers(target: Path) -> None:
    """The temporary copies an interrupted writer of `target` left behind (a killed process or
    a pulled stick cannot clean up after itself): up to a whole database each, on a stick that
    is often small."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{8}}\.tmp(-journal|-wal|-shm)?")
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        if pattern.fullmatch(entry.name) and entry.is_file():
            with contextlib.suppress(OSError):
                entry.unlink()


def move_into_place(tmp: Path, path: Path) -> None:
    """Rename a finished temporary file to `path`, durably: its bytes reach the disk before
    the rename, and the rename before this returns."""
    fsync(tmp)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def check_target(out: Path) -> None:
    """PanelError unless `out` can be written by `write_atomic`: its folder exists, and `out`
    is absent or a regular file (a FIFO or a device such as /dev/full would be renamed over,
    replaced by a file, rather than written to)."""
    if not out.parent.is_dir():
        raise PanelError(_("{folder}: no such folder").format(folder=out.parent))
    if out.exists() and not out.is_file():
        raise PanelError(
            _("{out}: not a regular file (a folder, a device or a pipe): write to a file").format(
                out=out
            )
        )


def write_atomic(out: Path, write: Callable[[Path], object]) -> None:
    """Call write(tmp) for a temporary file beside `out`, then move it into place."""
    check_target(out)
    tmp = temporary_beside(out)
    try:
        write(tmp)
        move_into_place(tmp, out)
    except OSError as exc:
        raise PanelError(
            _("{out}: cannot write: {error}").format(out=out, error=exc.strerror or exc)
        ) from exc
    finally:
        remove_temporary(tmp)


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable; where a folder cannot be opened or synced (Windows,
    some network shares) the rename is as durable as the system makes it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
