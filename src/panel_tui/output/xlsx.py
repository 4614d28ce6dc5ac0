"""The tally as a styled workbook: one sheet per category and the Scores, Recusals, Notes, Sheets, Criteria and Method sheets; large sheets written straight as XML."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from panel_tui.domain import formatting
from panel_tui.i18n import _
from panel_tui.output.export import (
    FORMULA_START,
    SCORE_HEADER,
    criterion_columns,
    result_header,
    result_rows,
    score_rows,
)
from panel_tui.output.report import round_details
from panel_tui.secretariat.tally_result import TallyResult
from panel_tui.storage.atomic import write_atomic


def workbook_text(value: str) -> str:
    """`value` without the control characters a workbook cannot hold (openpyxl refuses them
    with IllegalCharacterError): text from outside the audit chain, such as a file name in
    the merge ledger, may hold them. Every text cell of the workbook goes through here."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A write-only cell: formula-looking text stored as text with Excel's quote prefix.

    The prefix is a cell style, not a character: the cell reads back as the original text
    (`+62 811 555`, not `'+62 811 555`), and stays text when someone edits it in Excel.
    Text is the `workbook_text` of the value.
    """
    if not isinstance(value, str):
        return value
    value = workbook_text(value)
    if not value.startswith(FORMULA_START):
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
        # openpyxl's book (each large sheet holding its header only) is saved beside the
        # output, then copied into it with the rows written straight as XML.
        styled = tmp.with_name(tmp.name + ".styled")
        try:
            book.save(styled)
            _fill_rows(styled, tmp, sheets.filled)
        finally:
            styled.unlink(missing_ok=True)

    write_atomic(out, write)


# openpyxl without lxml (not a dependency) writes ~5,000 cells a second: half a minute for
# a national panel's scores. Their sheet is plain values, so it is written as XML here, in
# the form openpyxl writes (inline strings, the quote-prefix style for formula-looking text).
_COLUMNS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _xml_text(value: str) -> str:
    return escape(workbook_text(value))


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


def _fill_rows(styled: Path, out: Path, filled: dict[str, Iterable[list[Any]]]) -> None:
    """The saved book `styled` copied to `out` with the rows put into its sheets (each holding
    only its header row)."""

    with zipfile.ZipFile(styled) as source:
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
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
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
