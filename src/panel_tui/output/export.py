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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from panel_tui.i18n import _
from panel_tui.secretariat.tally import TallyResult
from panel_tui.storage.atomic import write_atomic

FORMATS = ("table", "json", "csv", "xlsx", "md", "html")
WIDE_TABLE = 120  # columns from which the terminal table shows names and criterion ids inline
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell value safe for a spreadsheet: formula-looking text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_text(out: Path, text: str, encoding: str = "utf-8") -> None:
    write_atomic(out, lambda tmp: tmp.write_text(text, encoding=encoding, newline=""))


# --- JSON -------------------------------------------------------------------------------


def render_json(result: TallyResult, explain: bool = False) -> str:
    """contracts.md section 2; `explain`: each category also gets its robustness figures
    (`robustness.explain`) and the whole a `manifest`."""
    data = result.to_json()
    if explain:
        from panel_tui.secretariat.manifest import manifest
        from panel_tui.secretariat.robustness import explain as explain_result

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


def result_labels(result: TallyResult) -> list[str]:
    """`result_header` in the reader's words: under English exactly the ids (what tools read),
    under Indonesian kategori, peringkat, …; criterion columns keep their ids (unique in the
    round, where titles may repeat across rubrics)."""
    words = [
        _("category"),
        _("rank"),
        _("nominee"),
        _("name"),
        _("total"),
        _("complete"),
        _("assessors"),
        _("advances"),
    ]
    return [*words, *criterion_columns(result), _("lacks")]


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
    writer.writerow(result_labels(result))
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


XLSX_SHEET_NAME = 31  # Excel's limit on a sheet's name
_XLSX_WIDTH = (6, 60)  # the narrowest and widest column, in characters


class _Sheets:
    """Write-only sheets with a bold header row frozen in place, columns sized to their
    content, and number formats on totals and means; each body cell is a plain value
    unless it needs a format or the formula guard (a styled cell costs ~10× a value)."""

    def __init__(self, book: Any) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.book = book
        self.names: set[str] = set()
        self.names_in_order: list[str] = []
        # Sheets created with their header only, and the rows written into their XML after
        # the book is saved (`_fill_rows`): the large ones.
        self.filled: dict[str, Iterable[list[Any]]] = {}
        self.font = Font(bold=True)
        self.fill = PatternFill("solid", fgColor="DDDDDD")
        self.border = Border(bottom=Side(style="thin"))
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def name(self, wanted: str) -> str:
        """A sheet name Excel accepts, unique in the book (case-insensitively)."""
        base = "".join("_" if ch in "[]:*?/\\" else ch for ch in wanted)[:XLSX_SHEET_NAME]
        name, n = base or "_", 1
        while name.lower() in self.names:
            n += 1
            suffix = f" ({n})"
            name = base[: XLSX_SHEET_NAME - len(suffix)] + suffix
        self.names.add(name.lower())
        self.names_in_order.append(name)
        return name

    def create(self, title: str, header: list[str], widths: list[int], freeze: str = "A2") -> Any:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(self.name(title))
        low, high = _XLSX_WIDTH
        # A header longer than its column wraps (the header style wraps), so only the
        # values size a column unless the caller counts the header in.
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = min(high, max(low, width)) + 2
        if freeze:
            sheet.freeze_panes = freeze
        cells = []
        for label in header:
            cell = WriteOnlyCell(sheet, value=label)
            cell.font, cell.fill, cell.border, cell.alignment = (
                self.font,
                self.fill,
                self.border,
                self.wrap,
            )
            cells.append(cell)
        sheet.append(cells)
        return sheet

    @staticmethod
    def formatted(sheet: Any, value: Any, number_format: str) -> Any:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return xlsx_cell(sheet, value)
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell


TOTAL_FORMAT = "0.00"
MEAN_FORMAT = "0.0###"


def _width(values: Iterable[Any]) -> int:
    return max((len(str(v)) for v in values if v is not None), default=0)


def write_xlsx(result: TallyResult, out: Path) -> None:
    """Sheets: Results (one row per nominee, the CSV's id header, for other tools), one sheet
    per category (the ranking with criterion titles, weights and scales), Scores (every
    assessor × nominee × criterion), Recusals, Criteria, and Method (round details, the
    verification, the rules, the panel's chain heads and the merge ledger)."""

    def write(tmp: Path) -> None:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheets = _Sheets(book)
        _results_sheet(result, sheets)
        for cat in result.categories:
            _category_sheet(result, cat, sheets)
        _scores_sheet(result, sheets)
        _recusals_sheet(result, sheets)
        _notes_sheet(result, sheets)
        _sheets_sheet(result, sheets)
        _criteria_sheet(result, sheets)
        _method_sheet(result, sheets)
        book.save(tmp)
        _fill_rows(tmp, sheets.filled)

    write_atomic(out, write)


# openpyxl without lxml (not a dependency) writes ~5,000 cells a second: half a minute for
# a national panel's scores. Their sheet is plain values, so it is written as XML here, in
# the form openpyxl writes (inline strings, the quote-prefix style for formula-looking text).
_COLUMNS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _xml_text(value: str) -> str:
    from xml.sax.saxutils import escape

    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return escape(ILLEGAL_CHARACTERS_RE.sub("", value))


def _rows_xml(rows: Iterable[list[Any]], quote_style: str | None) -> Iterator[str]:
    # Ids, names, criteria and statuses repeat on every row: each distinct text's cell (all
    # of it after the reference) is made once. Numbers are not cached: 0.0 and -0.0 are
    # equal keys with different cells.
    texts: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        cells = []
        for column, value in zip(_COLUMNS, row, strict=False):
            if value is None:
                continue
            if value.__class__ is str:
                tail = texts.get(value)
                if tail is None:
                    tail = texts[value] = _cell_xml(value, quote_style)
            else:
                tail = _cell_xml(value, quote_style)
            cells.append(f'<c r="{column}{number}"{tail}')
        yield f'<row r="{number}">{"".join(cells)}</row>'


def _cell_xml(value: Any, quote_style: str | None) -> str:
    """A cell's XML after its reference, in the form openpyxl writes."""
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f' t="n"><v>{value!r}</v></c>'
    text = str(value)
    style = f' s="{quote_style}"' if quote_style and text.startswith(FORMULA_START) else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"{style}><is><t{space}>{_xml_text(text)}</t></is></c>'


def _fill_rows(path: Path, filled: dict[str, Iterable[list[Any]]]) -> None:
    """Put the rows into the saved book's sheets (each holding only its header row)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        workbook = source.read("xl/workbook.xml").decode("utf-8")
        rels = source.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        styles = source.read("xl/styles.xml").decode("utf-8")
        members: dict[str, Iterable[list[Any]]] = {}
        for title, rows in filled.items():
            sheet_id = re.search(
                rf'<sheet name="{re.escape(_xml_text(title))}"[^>]*r:id="(\w+)"', workbook
            )
            assert sheet_id is not None
            target = re.search(rf'Target="/?([^"]+)" Id="{sheet_id.group(1)}"', rels)
            assert target is not None
            members[target.group(1)] = rows
        # Every name and nominee id is on the Results sheet too, where a formula-looking
        # one made openpyxl add the quote-prefix style: that style is reused here.
        quote_style = None
        xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, flags=re.S)
        if xfs:
            for index, xf in enumerate(re.findall(r"<xf\b[^>]*?(?:/>|>.*?</xf>)", xfs.group(1))):
                if 'quotePrefix="1"' in xf:
                    quote_style = str(index)
                    break
        partial = path.with_name(path.name + ".part")
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as copy:
                for info in source.infolist():
                    if info.filename not in members:
                        copy.writestr(info, source.read(info.filename))
                        continue
                    head, tail = source.read(info.filename).decode("utf-8").split("</sheetData>", 1)
                    with copy.open(info.filename, "w", force_zip64=True) as handle:
                        handle.write(head.encode("utf-8"))
                        batch: list[str] = []
                        for line in _rows_xml(members[info.filename], quote_style):
                            batch.append(line)
                            if len(batch) >= 2000:
                                handle.write("".join(batch).encode("utf-8"))
                                batch.clear()
                        handle.write("".join(batch).encode("utf-8"))
                        handle.write(("</sheetData>" + tail).encode("utf-8"))
            os.replace(partial, path)
        finally:
            if partial.exists():
                partial.unlink()


def _results_sheet(result: TallyResult, sheets: _Sheets) -> None:
    header = result_header(result)
    rows = list(result_rows(result))
    columns = list(zip(*rows, strict=True)) if rows else [() for _h in header]
    sheet = sheets.create(
        _("Results"), header, [max(_width(c), len(h)) for c, h in zip(columns, header, strict=True)]
    )
    formats = {4: TOTAL_FORMAT, **{i: MEAN_FORMAT for i in range(8, len(header) - 1)}}
    for row in rows:
        sheet.append(
            [
                sheets.formatted(sheet, v, formats[i]) if i in formats else xlsx_cell(sheet, v)
                for i, v in enumerate(row)
            ]
        )


def _status_word(r: Any) -> str:
    if r.advances:
        return _("advances")
    return _("complete") if r.complete else _("incomplete")


def _category_sheet(result: TallyResult, cat: Any, sheets: _Sheets) -> None:
    from panel_tui.domain import formatting

    rubric = cat.rubric
    scale = f"{formatting.number(rubric.min, 4)}–{formatting.number(rubric.max, 4)}"
    header = [
        "#",
        _("nominee"),
        _("name"),
        _("total"),
        *(
            _("{title} ({criterion}, weight {weight}, scale {scale})").format(
                title=c.title,
                criterion=c.id,
                weight=formatting.number(c.weight, 4),
                scale=scale,
            )
            for c in rubric.criteria
        ),
        _("assessors"),
        _("status"),
        _("lacks"),
    ]
    rows = [
        [
            r.rank,
            r.nominee.id,
            r.nominee.name,
            r.total,
            *(r.means[c.id] for c in rubric.criteria),
            len(r.counted),
            _status_word(r),
            "; ".join(r.lacks()) if not r.complete else "",
        ]
        for r in cat.results
    ]
    widths = [_width(column) for column in zip(*rows, strict=True)] if rows else [0] * len(header)
    # Criterion headers wrap: their column is as wide as the numbers plus a little.
    for i in range(4, 4 + len(rubric.criteria)):
        widths[i] = 14
    for i in (0, 1, 2, 3, *range(4 + len(rubric.criteria), len(header))):
        widths[i] = max(widths[i], len(header[i]))
    sheet = sheets.create(cat.category.id, header, widths, freeze="D2")
    n = len(rubric.criteria)
    for row in rows:
        sheet.append(
            [
                sheets.formatted(sheet, v, TOTAL_FORMAT)
                if i == 3
                else sheets.formatted(sheet, v, MEAN_FORMAT)
                if 4 <= i < 4 + n
                else xlsx_cell(sheet, v)
                for i, v in enumerate(row)
            ]
        )


def _scores_sheet(result: TallyResult, sheets: _Sheets) -> None:
    names = [n.name for n in result.round.nominees]
    widths = [
        _width(c.category.id for c in result.categories),
        _width(n.id for n in result.round.nominees),
        min(40, _width(names)),
        _width(a.id for a in result.panel),
        _width(criterion_columns(result)),
        6,
        len("missing"),
    ]
    widths = [max(w, len(h)) for w, h in zip(widths, SCORE_HEADER, strict=True)]
    # Only the styled header here: the rows (150,000 for a national panel) are written
    # straight into this sheet's XML after the book is saved (`_fill_scores`).
    sheets.create(_("Scores"), SCORE_HEADER, widths)
    sheets.filled[sheets.names_in_order[-1]] = score_rows(result)


def _recusals_sheet(result: TallyResult, sheets: _Sheets) -> None:
    names = {a.id: a.name for a in result.round.assessors}

    def reason(assessor: str, nominee: str) -> str:
        held = result.sheets.get(assessor, {}).get(nominee)
        return held.recusal_reason if held is not None else ""

    rows = [
        [
            cat.category.id,
            r.nominee.id,
            r.nominee.name,
            a,
            names.get(a, ""),
            reason(a, r.nominee.id),
        ]
        for cat in result.categories
        for r in cat.results
        for a in r.recused
    ]
    header = [
        _("category"),
        _("nominee"),
        _("name"),
        _("assessor"),
        _("assessor's name"),
        _("reason"),
    ]
    widths = [_width(c) for c in zip(*rows, strict=True)] if rows else [0] * len(header)
    sheet = sheets.create(_("Recusals"), header, widths)
    for row in rows:
        sheet.append([xlsx_cell(sheet, v) for v in row])


def _notes_sheet(result: TallyResult, sheets: _Sheets) -> None:
    """Every assessor's overall comment (criterion empty) and criterion notes, as written."""
    rows: list[list[Any]] = []
    for cat in result.categories:
        for r in cat.results:
            for assessor in result.panel:
                held = result.sheets.get(assessor.id, {}).get(r.nominee.id)
                if held is None:
                    continue
                if held.comment:
                    rows.append(
                        [
                            cat.category.id,
                            r.nominee.id,
                            r.nominee.name,
                            assessor.id,
                            "",
                            held.comment,
                        ]
                    )
                for criterion, text in held.notes.items():
                    if text:
                        rows.append(
                            [
                                cat.category.id,
                                r.nominee.id,
                                r.nominee.name,
                                assessor.id,
                                criterion,
                                text,
                            ]
                        )
    header = [_("category"), _("nominee"), _("name"), _("assessor"), _("criterion"), _("note")]
    widths = [_width(c) for c in zip(*rows, strict=True)] if rows else [0] * len(header)
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    sheet = sheets.create(_("Notes"), header, widths)
    for row in rows:
        sheet.append([xlsx_cell(sheet, v) for v in row])


def _sheets_sheet(result: TallyResult, sheets: _Sheets) -> None:
    """Each assessor's sheet of each nominee: criteria scored, finalised, recused."""
    rows: list[list[Any]] = []
    for cat in result.categories:
        criteria = len(cat.rubric.criteria)
        for r in cat.results:
            for assessor in result.panel:
                held = result.sheets.get(assessor.id, {}).get(r.nominee.id)
                scored = len(r.scores.get(assessor.id, {}))
                rows.append(
                    [
                        cat.category.id,
                        r.nominee.id,
                        assessor.id,
                        scored,
                        criteria,
                        bool(held is not None and held.final),
                        assessor.id in r.recused,
                    ]
                )
    header = [
        _("category"),
        _("nominee"),
        _("assessor"),
        _("scored"),
        _("criteria"),
        _("final"),
        _("recused"),
    ]
    widths = [_width(c) for c in zip(*rows, strict=True)] if rows else [0] * len(header)
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    sheets.create(_("Sheets"), header, widths)
    sheets.filled[sheets.names_in_order[-1]] = rows  # one row per sheet: written as XML


def _criteria_sheet(result: TallyResult, sheets: _Sheets) -> None:
    used: dict[str, list[str]] = {}
    for cat in result.categories:
        used.setdefault(cat.rubric.id, []).append(cat.category.id)
    rows: list[list[Any]] = []
    for rubric in result.round.rubrics:
        if rubric.id not in used:
            continue
        total = rubric.total_weight
        for c in rubric.criteria:
            rows.append(
                [
                    rubric.id,
                    ", ".join(used[rubric.id]),
                    c.id,
                    c.title,
                    c.weight,
                    c.weight / total if total else None,
                    rubric.min,
                    rubric.max,
                    rubric.step,
                ]
            )
    header = [
        _("rubric"),
        _("categories"),
        _("criterion"),
        _("title"),
        _("weight"),
        _("share"),
        _("scale min"),
        _("scale max"),
        _("step"),
    ]
    widths = [_width(c) for c in zip(*rows, strict=True)] if rows else [0] * len(header)
    sheet = sheets.create(_("Criteria"), header, widths)
    for row in rows:
        sheet.append(
            [
                sheets.formatted(sheet, v, "0.00%") if i == 5 else xlsx_cell(sheet, v)
                for i, v in enumerate(row)
            ]
        )


def _method_sheet(result: TallyResult, sheets: _Sheets) -> None:
    from panel_tui.output.report import round_details

    sheet = sheets.create(_("Method"), [_("item"), _("value")], [24, 90], freeze="")
    bold = sheets.font

    def heading(text: str) -> None:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        sheet.append([])
        sheet.append([cell])

    for label, value in round_details(result):
        sheet.append([xlsx_cell(sheet, label), xlsx_cell(sheet, value)])
    heading(_("Method: {method}").format(method=result.method))
    for rule in result.rules():
        sheet.append([xlsx_cell(sheet, rule)])
    heading(_("Panel"))
    sheet.append([_("assessor"), _("name"), _("affiliation"), _("events"), _("head")])
    for a in result.panel:
        chains = [c for c in result.chains if c[1] == a.id] or [("", a.id, 0, "")]
        for _origin, _a, length, head in chains:
            sheet.append(
                [
                    xlsx_cell(sheet, a.id),
                    xlsx_cell(sheet, a.name),
                    xlsx_cell(sheet, a.affiliation),
                    length,
                    head,
                ]
            )
    if result.imports:
        heading(_("Files merged"))
        sheet.append(
            [_("when"), _("assessor"), _("file"), _("events added"), _("chain length"), _("head")]
        )
        for i in result.imports:
            sheet.append(
                [
                    xlsx_cell(sheet, str(i["at"])),
                    xlsx_cell(sheet, str(i["assessor"])),
                    xlsx_cell(sheet, str(i["file"])),
                    i["events"],
                    i["length"],
                    xlsx_cell(sheet, str(i["head"])),
                ]
            )


# --- the terminal table -----------------------------------------------------------------


def _mean_cell(mean: float | None) -> str:
    """A criterion mean to 2 decimals without trailing zeros: 4, 3.6 / 3,6, 2.38 / 2,38."""
    if mean is None:
        return ""
    from panel_tui.domain import formatting

    return formatting.number(mean, 2)


def print_table(result: TallyResult, file: IO[str] | None = None) -> None:
    """Rich tables per category; user text is never read as markup."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from panel_tui.domain import formatting

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

    def status_of(r: Any) -> Text:
        if r.advances:
            return Text(_("advances"), style="bold green")
        if r.complete:
            return Text(_("complete"))
        return Text(_("incomplete"), style="yellow")

    def build(cat: Any, brief: bool) -> Table:
        """The category's table; `brief`: without the n and status columns (shown on the
        nominee's own line below), for a terminal too narrow for them."""
        criteria = cat.rubric.criteria
        table = Table(
            title=Text(f"{cat.category.title} ({cat.category.id})"),
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            collapse_padding=brief,  # one space between columns where room is short
            title_justify="left",
        )
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column(_("nominee"), no_wrap=True)
        table.add_column(_("total"), justify="right", no_wrap=True)
        for i, criterion in enumerate(criteria, 1):
            header = f"{criterion.id}\n({formatting.score(criterion.weight)})" if wide else str(i)
            table.add_column(Text(header), justify="right", no_wrap=True, min_width=4)
        if not brief:
            table.add_column("n", justify="right", no_wrap=True)
            table.add_column(_("status"), no_wrap=True, min_width=len(_("incomplete")))
        if wide:
            table.add_column(_("name"), overflow="fold", min_width=20)
        for r in cat.results:
            table.add_row(
                str(r.rank),
                Text(r.nominee.id),
                "" if r.total is None else formatting.fixed(r.total, 2),
                *(_mean_cell(r.means[c.id]) for c in criteria),
                *(() if brief else (str(len(r.counted)), status_of(r))),
                *([Text(r.nominee.name)] if wide else []),
            )
        return table

    for cat in result.categories:
        table = build(cat, brief=False)
        # Measured without the terminal's limit (rich caps a measurement at it).
        natural = console.measure(table, options=console.options.update_width(10_000)).maximum
        brief = not wide and natural > console.width
        if brief:
            table = build(cat, brief=True)
        console.print(table)
        if not wide:
            # The legend packed line by line, each item whole ("5=apps (10)", never cut).
            items = [
                f"{i}={c.id} ({formatting.score(c.weight)})"
                for i, c in enumerate(cat.rubric.criteria, 1)
            ]
            lines: list[str] = []
            for item in items:
                if lines and len(lines[-1]) + 2 + len(item) <= console.width:
                    lines[-1] += "  " + item
                else:
                    lines.append(item)
            for text in lines:
                console.print(Text(text))
            for r in cat.results:
                line = Text(f"  {r.nominee.id}: {r.nominee.name}")
                if brief:
                    line.append(" — ")
                    line.append_text(status_of(r))
                    line.append(" " + _("({n} counted)").format(n=len(r.counted)))
                console.print(line)
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
