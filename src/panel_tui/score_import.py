"""Typed-in paper score sheets: assessor,nominee,criterion,score[,note], all or nothing."""

from __future__ import annotations

from pathlib import Path

from panel_tui.numbers import NumberError, parse_number
from panel_tui.problems import PanelError, Problem
from panel_tui.store import Store
from panel_tui.tables import Row, read_table

COLUMNS = ("assessor", "nominee", "criterion", "score", "note")


def import_scores(db_path: Path, sheet: Path) -> int:
    """Validate every row of `sheet`, then record them in one transaction; the count."""
    problems: list[Problem] = []
    if sheet.suffix.lower() not in (".csv", ".xlsx"):
        raise PanelError(f"{sheet.name}: expected a .csv or .xlsx score sheet")
    table = read_table(sheet, COLUMNS[:4], COLUMNS, problems)
    if table is None:
        errors = [p for p in problems if p.severity == "error"]
        raise PanelError(f"{sheet.name} cannot be read; nothing was recorded:", errors)
    with Store.open(db_path) as store:
        if store.kind != "assessor":
            raise PanelError(f"{db_path} is a merged database: import into an assessor's database")
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
                    f"{assessor!r} is not this database's assessor ({store.assessor_id})",
                )
            nominee_id = row.text("nominee")
            nominee = round_.nominee(nominee_id)
            if nominee is None:
                error("nominee", f"unknown nominee {nominee_id!r}")
                continue
            rubric = round_.rubric_for(nominee)
            criterion = row.text("criterion")
            if rubric.criterion(criterion) is None:
                error(
                    "criterion",
                    f"{criterion!r} is not a criterion of {nominee_id} "
                    f"(rubric {rubric.id}: {', '.join(c.id for c in rubric.criteria)})",
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
                error("score", f"{rubric.scale_problem(value)} (rubric {rubric.id})")
            sheet_now = sheets.get(nominee_id)
            if sheet_now is not None and sheet_now.recused:
                error("nominee", f"the assessor is recused from {nominee_id}")
            elif sheet_now is not None and sheet_now.final:
                error("nominee", f"the sheet of {nominee_id} is final: reopen it in the app first")
            if (nominee_id, criterion) in seen:
                error(
                    "criterion",
                    f"{nominee_id}/{criterion} appears twice "
                    f"(first at {seen[nominee_id, criterion]})",
                )
            seen.setdefault((nominee_id, criterion), row.line)
            if len(problems) == before and value is not None:
                rows.append((nominee_id, criterion, value, row.text("note")))
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise PanelError(f"{sheet.name} has errors; nothing was recorded:", errors)
        if not rows:
            raise PanelError(f"{sheet.name} has no score rows; nothing was recorded")
        return store.import_rows(rows)
