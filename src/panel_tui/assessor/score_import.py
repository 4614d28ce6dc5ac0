"""Typed-in paper score sheets: assessor,nominee,criterion,score[,note], all or nothing.

One typing is checked and recorded; two typings of the same paper sheet (blind double entry)
are first compared cell by cell, and nothing is recorded unless they agree exactly. The rules
of a typed sheet, the comparison and what recording changes are in `panel_tui.domain.paper`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from panel_tui.domain import paper
from panel_tui.domain.model import Round
from panel_tui.domain.problems import PanelError, Problem
from panel_tui.domain.text import field_problem
from panel_tui.i18n import _
from panel_tui.round_package.tables import Table, read_table
from panel_tui.storage.files import file_sha256
from panel_tui.storage.store import Store

COLUMNS = paper.COLUMNS
SOURCE = "imported score sheet"


@dataclass(frozen=True)
class Typist:
    """Who typed one copy of a paper sheet, and which file it is."""

    sheet: Path
    name: str = ""


@dataclass(frozen=True)
class ImportResult:
    plan: paper.Plan
    blank: int  # rows left empty on the sheet
    number_format: str = "en"  # how the round writes numbers, for the messages
    warnings: tuple[Problem, ...] = ()  # of reading the sheets: an unknown column, ignored

    @property
    def count(self) -> int:
        return len(self.plan.scores) + len(self.plan.changes)


def _read(sheet: Path, warnings: list[Problem] | None = None) -> Table:
    """The sheet's table, its warnings (an unknown column) added to `warnings`."""
    problems: list[Problem] = []
    if sheet.suffix.lower() not in (".csv", ".xlsx"):
        raise PanelError(_("{name}: expected a .csv or .xlsx score sheet").format(name=sheet.name))
    table = read_table(sheet, COLUMNS[:4], COLUMNS, problems)
    if table is None:
        errors = [p for p in problems if p.severity == "error"]
        raise PanelError(
            _("{name} cannot be read; nothing was recorded:").format(name=sheet.name), errors
        )
    if warnings is not None:
        warnings += [p for p in problems if p.severity == "warning"]
    return table


def _source(first: Typist, second: Typist | None) -> str:
    """The audit trail's record of where the scores came from (not translated: it is data)."""
    if second is None:
        return SOURCE
    return (
        f"{SOURCE}, blind double entry: {first.sheet.name} sha256 {file_sha256(first.sheet)}"
        f" typed by {first.name}; {second.sheet.name} sha256 {file_sha256(second.sheet)}"
        f" typed by {second.name}"
    )


def import_scores(db_path: Path, sheet: Path) -> int:
    """Record one typing of a sheet (no corrections): how many scores were written."""
    return import_paper(db_path, sheet).count


def import_paper(
    db_path: Path,
    sheet: Path,
    *,
    confirm: Path | None = None,
    entered_by: str = "",
    confirmed_by: str = "",
    reason: str = "",
) -> ImportResult:
    """Check `sheet` (and compare it with its second typing `confirm`), then record in one
    transaction what it changes; refused (PanelError) with every problem, nothing written."""
    first = Typist(sheet, entered_by.strip())
    second = Typist(confirm, confirmed_by.strip()) if confirm is not None else None
    if second is not None:
        if not first.name or not second.name:
            raise PanelError(
                _("blind double entry needs --entered-by and --confirmed-by: who typed each file")
            )
        for option, name in (("--entered-by", first.name), ("--confirmed-by", second.name)):
            # Checked here, by the option: the store would name "the reason" it goes into.
            problem = field_problem(option, name)
            if problem is not None:
                raise PanelError(problem)
        if first.name.casefold() == second.name.casefold():
            raise PanelError(
                _(
                    "--entered-by and --confirmed-by are both {name!r}: the second typing must be"
                    " by someone else"
                ).format(name=first.name)
            )
    read_warnings: list[Problem] = []
    table = _read(sheet, read_warnings)
    other = _read(second.sheet, read_warnings) if second is not None else None
    # Hashed once both are read, so known to be files (a FIFO or a device is refused unread).
    if second is not None and file_sha256(first.sheet) == file_sha256(second.sheet):
        raise PanelError(
            _(
                "{first} and {second} are the same file: the second typing must be typed"
                " again from the paper"
            ).format(first=first.sheet.name, second=second.sheet.name)
        )
    if other is not None and other.file == table.file:
        # Two files of one name in different folders: tell them apart in every message.
        table.file, other.file = str(sheet), str(confirm)
    with Store.open(db_path) as store:
        if store.kind != "assessor":
            raise PanelError(
                _("{db_path} is a merged database: import into an assessor's database").format(
                    db_path=db_path
                )
            )
        round_ = store.round
        problems: list[Problem] = []
        if other is not None:
            problems += paper.compare_typings(table, other, round_)
        rows = paper.check_rows(table, round_, store.assessor_id, store.sheets(), problems)
        errors = paper.group_repeated([p for p in problems if p.severity == "error"])
        if errors:
            message = (
                _("{first} and {second} disagree or have errors; nothing was recorded:")
                if other is not None
                else _("{first} has errors; nothing was recorded:")
            )
            raise PanelError(
                message.format(first=table.file, second=other.file if other else ""), errors
            )
        if not rows:
            raise PanelError(
                _("{name} has no score rows; nothing was recorded").format(name=table.file)
            )
        planned = paper.plan(rows, store.sheets())
        if planned.needs_reason and not reason.strip():
            raise PanelError(
                _(
                    "{name} corrects recorded scores or a final sheet: say why with --reason"
                    " (kept in the audit trail); nothing was recorded:"
                ).format(name=table.file),
                paper.change_problems(table.file, planned, round_.number_format),
            )
        blank = sum(1 for row in table.rows if paper.is_blank(row))
        warned = tuple(read_warnings)
        if planned.writes == 0:
            return ImportResult(planned, blank, round_.number_format, warned)
        done = store.record_paper_sheet(rows, reason, _source(first, second))
        return ImportResult(done, blank, round_.number_format, warned)


def compare_sheets(first: Path, second: Path, round_: Round) -> list[Problem]:
    """Where two typings of one paper sheet differ (empty: they agree); nothing is recorded.

    For the secretariat screen, which compares before anyone records with `import-scores`.
    """
    one, two = _read(first), _read(second)
    if one.file == two.file:
        one.file, two.file = str(first), str(second)
    return paper.group_repeated(paper.compare_typings(one, two, round_))
