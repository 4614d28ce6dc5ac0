"""Writing a tally for other tools: JSON, CSV, XLSX, and the terminal table.

Text cells that a spreadsheet would take for a formula (starting with = + - @, a tab or a
carriage return) get a leading apostrophe in CSV, and are stored as text with the quote-prefix
style in XLSX; numbers stay numbers. Files are written under a
temporary name and renamed, so a failed export leaves nothing half-written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from panel_tui.i18n import _
from panel_tui.problems import PanelError
from panel_tui.tally import TallyResult

FORMATS = ("table", "json", "csv", "xlsx", "md", "html")
WIDE_TABLE = 120  # columns from which the terminal table shows names and criterion ids inline
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell value safe for a spreadsheet: formula-looking text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_atomic(out: Path, write: Callable[[Path], object]) -> None:
    """Call write(tmp) for a temporary file beside `out`, then rename it to `out`."""
    if not out.parent.is_dir():
        raise PanelError(_("{folder}: no such folder").format(folder=out.parent))
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        raise PanelError(
            _("{out}: cannot write: {error}").format(out=out, error=exc.strerror or exc)
        ) from exc
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(out: Path, text: str, encoding: str = "utf-8") -> None:
    write_atomic(out, lambda tmp: tmp.write_text(text, encoding=encoding, newline=""))


# --- JSON -------------------------------------------------------------------------------


def render_json(result: TallyResult, explain: bool = False) -> str:
    """contracts.md section 2; `explain`: each category also gets its robustness figures
    (`robustness.explain`) and the whole a `manifest`."""
    data = result.to_json()
    if explain:
        from panel_tui.manifest import manifest
        from panel_tui.robustness import explain as explain_result

        explanations = explain_result(result)
        for category in data["categories"]:
            category.update(explanations[category["id"]])
        data["manifest"] = manifest(result)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- rows shared by CSV and XLSX --------------------------------------------------------


def criterion_columns(result: TallyResult) -> list[str]:
    """Every criterion id of the round's categories, in rubric order, once."""
    seen: dict[str, None] = {}
    for cat in result.categories:
        for criterion in cat.rubric.criteria:
            seen.setdefault(criterion.id, None)
    return list(seen)


def result_header(result: TallyResult) -> list[str]:
    return [
        "category",
        "rank",
        "nominee",
        "name",
        "total",
        "complete",
        "assessors",
        "advances",
        *criterion_columns(result),
        "lacks",
    ]


def result_rows(result: TallyResult) -> Iterator[list[Any]]:
    columns = criterion_columns(result)
    for cat in result.categories:
        for r in cat.results:
            yield [
                cat.category.id,
                r.rank,
                r.nominee.id,
                r.nominee.name,
                r.total,
                r.complete,
                len(r.counted),
                r.advances,
                *(r.means.get(c) for c in columns),
                "; ".join(r.lacks()) if not r.complete else "",
            ]


def score_rows(result: TallyResult) -> Iterator[list[Any]]:
    """The per-assessor matrix in long form: one row per (nominee, assessor, criterion)."""
    for cat in result.categories:
        for r in cat.results:
            for assessor in result.panel:
                recused = assessor.id in r.recused
                for criterion in cat.rubric.criteria:
                    value = r.scores.get(assessor.id, {}).get(criterion.id)
                    yield [
                        cat.category.id,
                        r.nominee.id,
                        r.nominee.name,
                        assessor.id,
                        criterion.id,
                        value,
                        "recused" if recused else ("missing" if value is None else "counted"),
                    ]


SCORE_HEADER = ["category", "nominee", "name", "assessor", "criterion", "score", "status"]


# --- CSV --------------------------------------------------------------------------------


def _csv_cell(value: Any, decimal_comma: bool = False) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and decimal_comma:
        return repr(value).replace(".", ",")
    return neutralise(value)


def render_csv(result: TallyResult) -> str:
    """The results as CSV in the reader's convention: Excel id-ID splits on `;` and reads
    `86,25` as a number; en-US wants `,` and `86.25`."""
    from panel_tui.i18n import language

    indonesian = language() == "id"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if indonesian else ",", lineterminator="\r\n")
    writer.writerow(result_header(result))
    for row in result_rows(result):
        writer.writerow([_csv_cell(v, decimal_comma=indonesian) for v in row])
    return buffer.getvalue()


# --- XLSX -------------------------------------------------------------------------------


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A write-only cell: formula-looking text stored as text with Excel's quote prefix.

    The prefix is a cell style, not a character: the cell reads back as the original text
    (`+62 811 555`, not `'+62 811 555`), and stays text when someone edits it in Excel.
    """
    if not (isinstance(value, str) and value.startswith(FORMULA_START)):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl takes a leading "=" for a formula
    cell.quotePrefix = True
    return cell


def write_xlsx(result: TallyResult, out: Path) -> None:
    from panel_tui.report import round_details

    def write(tmp: Path) -> None:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Results"))
        sheet.append(result_header(result))
        for row in result_rows(result):
            sheet.append([xlsx_cell(sheet, v) for v in row])
        scores = book.create_sheet(_("Scores"))
        scores.append(SCORE_HEADER)
        for row in score_rows(result):
            scores.append([xlsx_cell(scores, v) for v in row])
        method = book.create_sheet(_("Method"))
        for label, value in round_details(result):
            method.append([xlsx_cell(method, label), xlsx_cell(method, value)])
        method.append([])
        for rule in result.rules():
            method.append([xlsx_cell(method, rule)])
        book.save(tmp)

    write_atomic(out, write)


# --- the terminal table -----------------------------------------------------------------


def _mean_cell(mean: float | None) -> str:
    """A criterion mean to 2 decimals without trailing zeros: 4, 3.6 / 3,6, 2.38 / 2,38."""
    if mean is None:
        return ""
    from panel_tui import formatting

    return formatting.number(mean, 2)


def print_table(result: TallyResult, file: IO[str] | None = None) -> None:
    """Rich tables per category; user text is never read as markup."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from panel_tui import formatting

    def format_score(value: float) -> str:  # weights as the reader writes them: 0,5 / 0.5
        return formatting.number(value, 4)

    class _PipeConsole(Console):
        # Rich exits 1 on a closed stdout; leave that to the CLI, which ends quietly with 0.
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    console = _PipeConsole(file=file, highlight=False, soft_wrap=False)
    round_ = result.round
    console.print(Text(f"{round_.title} ({round_.id})", style="bold"))
    if result.assessor:
        console.print(
            Text(
                _("assessor {assessor}'s own database: a preview, only their scores count").format(
                    assessor=result.assessor
                ),
                style="yellow",
            )
        )
    wide = console.width >= WIDE_TABLE
    for cat in result.categories:
        criteria = cat.rubric.criteria
        table = Table(
            title=Text(f"{cat.category.title} ({cat.category.id})"),
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            title_justify="left",
            caption=None
            if wide
            else Text(
                "  ".join(
                    f"{i}={c.id} ({format_score(c.weight)})" for i, c in enumerate(criteria, 1)
                )
            ),
            caption_justify="left",
        )
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column(_("nominee"), no_wrap=True)
        table.add_column(_("total"), justify="right", no_wrap=True)
        for i, criterion in enumerate(criteria, 1):
            header = f"{criterion.id}\n({format_score(criterion.weight)})" if wide else str(i)
            table.add_column(Text(header), justify="right", no_wrap=True, min_width=4)
        table.add_column("n", justify="right", no_wrap=True)
        table.add_column(_("status"), no_wrap=True, min_width=len(_("incomplete")))
        if wide:
            table.add_column(_("name"), overflow="fold", min_width=20)
        for r in cat.results:
            if r.advances:
                status = Text(_("advances"), style="bold green")
            elif r.complete:
                status = Text(_("complete"))
            else:
                status = Text(_("incomplete"), style="yellow")
            table.add_row(
                str(r.rank),
                Text(r.nominee.id),
                "" if r.total is None else formatting.fixed(r.total, 2),
                *(_mean_cell(r.means[c.id]) for c in criteria),
                str(len(r.counted)),
                status,
                *([Text(r.nominee.name)] if wide else []),
            )
        console.print(table)
        if not wide:
            for r in cat.results:
                console.print(Text(f"  {r.nominee.id}: {r.nominee.name}"))
        for r in cat.results:
            if not r.complete:
                console.print(
                    Text(
                        _("incomplete: {nominee}: {lacks}").format(
                            nominee=r.nominee.id, lacks="; ".join(r.lacks())
                        )
                    )
                )
    console.print(Text(_("Method: {method}").format(method=result.method), style="bold"))
    for rule in result.rules():
        console.print(Text(f"- {rule}"))
