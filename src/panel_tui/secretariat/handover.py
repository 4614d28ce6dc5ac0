"""Hand-over: a safe, self-contained copy of a database for the USB stick, and its receipt.

A plain file copy of a database in WAL mode can miss the last committed scores (they may
still sit in the `-wal` file beside it). `VACUUM INTO` reads through SQLite, so the copy holds
everything committed at that moment, even while the app still has the database open. The
copy is written under a temporary name beside the target, checked (integrity and audit chain),
fsync'd, then renamed into place, so the target is either the old file or the complete copy.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from panel_tui.domain.problems import PanelError
from panel_tui.i18n import N_, _
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.atomic import (
    move_into_place,
    remove_leftovers,
    remove_temporary,
    temporary_beside,
)
from panel_tui.storage.files import file_sha256
from panel_tui.storage.store import Store


@dataclass(frozen=True)
class ChainHead:
    origin: str
    assessor: str
    length: int
    head: str


@dataclass
class Receipt:
    """What the secretariat writes on the paper receipt."""

    path: Path
    sha256: str
    size: int
    round_id: str
    kind: str
    assessor: str | None
    chains: list[ChainHead] = field(default_factory=list)
    events: int = 0


def handover(source: Path | str, target: Path | str, replace: bool = False) -> Receipt:
    """Copy `source` to `target` safely; the receipt of the copy.

    `target` may be a folder (the copy keeps the source's name). An existing target file is
    refused unless `replace` is set; then it is swapped for the new copy in one rename.
    """

    source = Path(source)
    target = Path(target)
    if target.is_dir():
        target = target / source.name
    with Store.open(source, readonly=True) as store:
        round_id = store.round.id
        kind, assessor = store.kind, store.assessor_id
        if target.exists():
            if _same_file(source, target):
                raise PanelError(
                    _("{target}: is the database itself: choose another place").format(
                        target=target
                    )
                )
            if not replace:
                raise PanelError(
                    _("{target}: already exists (use --replace to overwrite it)").format(
                        target=target
                    )
                )
        if not target.parent.is_dir():
            raise PanelError(_("{folder}: no such folder").format(folder=target.parent))
        remove_leftovers(target)
        tmp = temporary_beside(target)
        try:
            try:
                store.conn.execute("VACUUM INTO ?", (str(tmp),))
            except sqlite3.Error as exc:
                raise PanelError(
                    _("{target}: the copy could not be written: {error}").format(
                        target=target, error=exc
                    )
                ) from exc
            report = verify_database(tmp)
            if not report.ok:
                raise PanelError(
                    _("{source}: the database does not verify; nothing was handed over:").format(
                        source=source
                    )
                    + "".join(f"\n  {p}" for p in report.problems[:20])
                )
            move_into_place(tmp, target)
        except OSError as exc:
            raise PanelError(
                _("{target}: the copy could not be written: {error}").format(
                    target=target, error=exc.strerror or exc
                )
            ) from exc
        finally:
            remove_temporary(tmp)
    return Receipt(
        path=target,
        sha256=file_sha256(target),
        size=target.stat().st_size,
        round_id=round_id,
        kind=kind,
        assessor=assessor,
        chains=[ChainHead(c.origin, c.assessor, c.length, c.head) for c in report.chains],
        events=report.events,
    )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


KIND_LABELS = {"assessor": N_("assessor database"), "merged": N_("merged database")}


def receipt_lines(receipt: Receipt) -> list[str]:
    """The receipt as printed by `panel-tui handover`."""
    who = receipt.assessor or _("merged file")
    lines = [
        _("handed over: {path}").format(path=receipt.path),
        _("round {round}, {kind} ({who}), {size} bytes").format(
            round=receipt.round_id,
            kind=_(KIND_LABELS[receipt.kind]) if receipt.kind in KIND_LABELS else receipt.kind,
            who=who,
            size=receipt.size,
        ),
        f"SHA-256: {receipt.sha256}",
    ]
    if not receipt.chains:
        lines.append(_("audit chain: empty (no scores yet)"))
    for chain in receipt.chains:
        lines.append(
            _("chain {origin} assessor {assessor}: {length} events, head {head}").format(
                origin=chain.origin, assessor=chain.assessor, length=chain.length, head=chain.head
            )
        )
    if receipt.chains:
        lines.append(
            _(
                "write the head(s) on the receipt (the first 16 digits are enough); check later with"
                " `panel-tui verify FILE --head HEAD` or `panel-tui merge OUT FILE --head HEAD`"
            )
        )
    return lines
