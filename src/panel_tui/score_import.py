"""Typed-in paper score sheets: assessor,nominee,criterion,score[,note], all or nothing."""

from __future__ import annotations

from pathlib import Path

from panel_tui.i18n import _
from panel_tui.numbers import NumberError, parse_number
from panel_tui.problems import PanelError, Problem
from panel_tui.store import Store
from panel_tui.tables import Row, read_table

COLUMNS = ("assessor", "nominee", "criterion", "score", "note")


def import_scores(db_path: Path, sheet: Path) -> int:
    """Validate every row of `sheet`, then record them in one transaction; the count."""
    problems: list[Problem] = []
    if sheet.suffix.lower() not in (".csv", ".xlsx"):
        raise PanelError(_("{name}: expected a .csv or .xlsx score sheet").format(name=sheet.name))
    table = read_table(sheet, COLUMNS[:4], COLUMNS, problems)
    if table is None:
        errors = [p for p in problems if p.severity == "error"]
        raise PanelError(
            _("{name} cannot be read; nothing was recorded:").format(name=sheet.name), errors
        )
    with Store.open(db_path) as store:
        if store.kind != "assessor":
            raise PanelError(
                _("{db_path} is a merged database: import into an assessor's database").format(
                    db_path=db_path
                )
            )
        round_ = store.round
        sheets = store.sheets()
        rows: list[tuple[str, str, float, str]] = []
        seen: dict[tuple[str, str], int | str] = {}
        for row in table.rows:

            def error(column: str, message: str, row: Row = row) -> None:
                cell = row.cells.get(column)
                where = cell.where if cell is not None and isinstance(cell.where, str) else row.line
                problems.append(Problem(table.file, where, column, message))

            before = len(problems)
            assessor = row.text("assessor")
            if assessor != store.assessor_id:
                error(
                    "assessor",
                    _("{assessor!r} is not this database's assessor ({assessor_id})").format(
                        assessor=assessor, assessor_id=store.assessor_id
                    ),
                )
            nominee_id = row.text("nominee")
            nominee = round_.nominee(nominee_id)
            if nominee is None:
                error("nominee", _("unknown nominee {nominee_id!r}").format(nominee_id=nominee_id))
                continue
            rubric = round_.rubric_for(nominee)
            criterion = row.text("criterion")
            if rubric.criterion(criterion) is None:
                error(
                    "criterion",
                    _(
                        "{criterion!r} is not a criterion of {nominee_id} (rubric {rubric}: {items})"
                    ).format(
                        criterion=criterion,
                        nominee_id=nominee_id,
                        rubric=rubric.id,
                        items=", ".join(c.id for c in rubric.criteria),
                    ),
                )
            cell = row.cell("score")
            value: float | None = None
            if cell.raw is not None and isinstance(cell.raw, float):
                value = cell.raw
            else:
                try:
                    value = parse_number(cell.text, round_.number_format)
                except NumberError as exc:
                    error("score", str(exc))
            if value is not None and not rubric.allows(value):
                error(
                    "score",
                    _("{problem} (rubric {rubric})").format(
                        problem=rubric.scale_problem(value), rubric=rubric.id
                    ),
                )
            sheet_now = sheets.get(nominee_id)
            if sheet_now is not None and sheet_now.recused:
                error(
                    "nominee",
                    _("the assessor is recused from {nominee_id}").format(nominee_id=nominee_id),
                )
            elif sheet_now is not None and sheet_now.final:
                error(
                    "nominee",
                    _("the sheet of {nominee_id} is final: reopen it in the app first").format(
                        nominee_id=nominee_id
                    ),
                )
            if (nominee_id, criterion) in seen:
                error(
                    "criterion",
                    _("{nominee_id}/{criterion} appears twice (first at {seen})").format(
                        nominee_id=nominee_id, criterion=criterion, seen=seen[nominee_id, criterion]
                    ),
                )
            seen.setdefault((nominee_id, criterion), row.line)
            if len(problems) == before and value is not None:
                rows.append((nominee_id, criterion, value, row.text("note")))
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise PanelError(
                _("{name} has errors; nothing was recorded:").format(name=sheet.name), errors
            )
        if not rows:
            raise PanelError(
                _("{name} has no score rows; nothing was recorded").format(name=sheet.name)
            )
        return store.import_rows(rows)
