"""The first sheet of an XLSX workbook, read from the zip and its XML with the standard library.

It gives each row's values as openpyxl's read-only reader gives them (`data_only`, its
dimensions reset): text, ints and floats, booleans, error strings, dates and times from date
formats, with a number shown as a percentage marked `Percent`. openpyxl took 6-36 s for a
national round (5,000 nominees, 50,000 claims, 25 MB of sheet XML); this reads it in about
0.6 s. openpyxl only writes the exports now (and is the tests' oracle for this reader).

Two readers of the sheet's XML give the same rows. A sheet written the usual way (Excel,
LibreOffice, openpyxl, panel-tui's own exports: rows and cells with their r, attributes in
the usual order, no whitespace, comment or CDATA between elements) is cut at each </row> and
its cells read by one regular expression, with expat checking everything around the rows;
any other well-formed sheet goes to expat's handlers (six calls of Python for an inline
string cell: twice as slow). The first finding the sheet unusual hands over to the second
from the row it reached.

The workbook comes from a stranger's USB stick, so every read is bounded and refused with an
`XlsxError` saying why: a member whose XML expands past its limit (counted while it is
inflated: the sizes in the zip's directory are the writer's word), any DOCTYPE (entity bombs,
external entities), XML that is not well-formed, missing parts, a shared string that does not
exist, a cell reference outside Excel's sheet, a number that is not one, and a sheet whose
rows would fill more cells than a round ever has.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from itertools import chain
from typing import Literal, NamedTuple, cast
from xml.etree import ElementTree
from xml.parsers import expat

from panel_tui.domain import formatting
from panel_tui.i18n import _
from panel_tui.round_package.grid import MAX_BYTES

# The XML of the first sheet and of the shared strings may each expand to the size of the
# largest CSV a round may have (MAX_BYTES, 200 MB): a national round's claims sheet is 25 MB.
MAX_SHEET_XML = MAX_BYTES
# The workbook's other parts ([Content_Types].xml, workbook.xml, its rels, styles.xml) are a
# few kilobytes even in a heavily formatted book.
MAX_PART_XML = 16 * 1024 * 1024
# Cells of the first sheet, counting the empty ones a row's gaps are filled with: a national
# round has ~600,000, this is eight times that. A tiny sheet of cells at XFD1, XFD2, ... would
# otherwise fill 16,384 cells a row out of a few bytes of XML.
MAX_SHEET_CELLS = 5_000_000
# Excel's own sheet: columns A to XFD, rows 1 to 1,048,576.
MAX_COLUMN = 16_384
MAX_ROW = 1_048_576
# Inflated a piece at a time: the limits above are checked between pieces.
CHUNK = 1024 * 1024

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKBOOK_TYPES = (  # the order openpyxl looks for them in
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)

# Names as expat gives them with namespace_separator="}": "{uri}name" without the "{".
ROW = MAIN + "}row"
V = MAIN + "}v"
IS = MAIN + "}is"
T = MAIN + "}t"
SI = MAIN + "}si"

# The number formats Excel builds in (ECMA-376 18.8.30), as openpyxl names them; the ids
# missing here are "General".
BUILTIN_FORMATS = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}

# A date format: once quoted text and bracketed codes other than elapsed [h]/[m]/[s] are
# removed from its first section, a d, m, h, y or s not escaped by _ or \ remains.
_FORMAT_NOISE = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_CODE = re.compile(r"(?<![_\\])[dmhysDMHYS]")
# Elapsed time ([h]:mm:ss): the serial is a duration, not a moment.
_ELAPSED = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
# t="d" cells (ISO 8601 in the XML), as openpyxl reads them.
_ISO_MOMENT = re.compile(
    r"(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?"
    r"(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?"
)
_ISO_DURATION = re.compile(
    r"PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?"
)

WINDOWS_EPOCH = datetime(1899, 12, 30)
MAC_EPOCH = datetime(1904, 1, 1)


def _column_numbers() -> dict[str, int]:
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    names = letters + [a + b for a in letters for b in letters]
    names += [a + b + c for a in letters for b in letters for c in letters]
    return {name: number for number, name in enumerate(names[:MAX_COLUMN], start=1)}


# "A" -> 1 ... "XFD" -> 16,384: a cell's column is a look-up, not arithmetic.
COLUMN_NUMBER = _column_numbers()
COLUMN_LETTERS = list(COLUMN_NUMBER)
ORDERED_LETTERS = tuple(COLUMN_LETTERS)


class Percent(NamedTuple):
    """A number whose format shows it as a percentage: Excel stores 50.88% as 0.5088."""

    fraction: int | float


# A cell's value as openpyxl gives it, or Percent.
Value = str | int | float | bool | datetime | date | time | timedelta | Percent | None


# Which reader of the sheet's XML: see first_sheet_rows.
Reader = Literal["any", "canonical", "streamed"]


class XlsxError(Exception):
    """Why the workbook cannot be read, in the reader's language."""


def first_sheet_rows(data: bytes, reader: Reader = "any") -> Iterator[tuple[int, list[Value]]]:
    """Each row of the first worksheet: its number (1 for the first row, rows numbered as
    openpyxl numbers them, increasing) and its values from column A to its last cell: "" for
    a cell without a value (openpyxl's None, the same empty text), None where the row has no
    cell, [] for a row element without cells. Numbers without a row element are left out
    (openpyxl gives them as [] too).

    `reader`: "any" (the fast reader of a sheet written the usual way, else expat), or, for
    the tests that hold the two to the same rows, "canonical" (NotCanonical if it cannot) or
    "streamed" (expat only).

    Raises XlsxError, NoSheets, zipfile.BadZipFile and the zip module's other errors.
    """
    # BytesIO shares the bytes it is given until written to: no copy of the file.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        yield from _sheet_rows(_Book(archive), archive, reader)


def _member(archive: zipfile.ZipFile, name: str, limit: int) -> Iterator[bytes]:
    """A member's bytes inflated a piece at a time, refused once past `limit`."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise XlsxError(_("{part} is missing").format(part=name)) from None
    total = 0
    with archive.open(info) as source:
        while piece := source.read(CHUNK):
            total += len(piece)
            if total > limit:
                raise XlsxError(
                    _("{part} expands to more than {limit} MB").format(
                        part=name, limit=limit // (1024 * 1024)
                    )
                )
            yield piece


def _refusing_doctype(name: str) -> expat.XMLParserType:
    """An expat parser that refuses a DOCTYPE: no part of a workbook has one, and it is how
    entity expansion bombs and external entities come in."""
    parser = expat.ParserCreate(namespace_separator="}")

    def doctype(*_args: object) -> None:
        raise XlsxError(
            _("{part} declares a DOCTYPE, which a workbook never has").format(part=name)
        )

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    return parser


def _not_xml(name: str, error: expat.ExpatError | ElementTree.ParseError) -> XlsxError:
    return XlsxError(_("{part} is not well-formed XML ({error})").format(part=name, error=error))


def _small_part(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """A small part as a tree, after expat has checked it has no DOCTYPE."""
    data = b"".join(_member(archive, name, MAX_PART_XML))
    try:
        _refusing_doctype(name).Parse(data, True)
        return ElementTree.fromstring(data)
    except (expat.ExpatError, ElementTree.ParseError) as exc:  # expat refuses first
        raise _not_xml(name, exc) from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _Book:
    """What the first sheet's cells need from the rest of the workbook, found the way
    openpyxl finds it: the parts named in [Content_Types].xml, the sheets in workbook.xml's
    order through its relationships, the number formats of styles.xml."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        names = set(archive.namelist())
        types = _small_part(archive, "[Content_Types].xml")
        overrides = [
            (node.get("ContentType"), node.get("PartName") or "")
            for node in types
            if node.tag == f"{{{CONTENT_TYPES}}}Override"
        ]
        workbook = self._workbook_part(types, overrides)
        root = _small_part(archive, workbook)
        self.epoch = WINDOWS_EPOCH
        sheets: list[tuple[str, str, str]] = []  # relationship id, name, state
        for node in root:
            tag = _local(node.tag)
            if tag == "workbookPr":
                flag = node.get("date1904")
                # openpyxl's Bool: "false", "f" and "0" are false, any other text true.
                if flag and flag not in ("false", "f", "0"):
                    self.epoch = MAC_EPOCH
            elif tag == "sheets":
                for sheet in node:
                    ident = sheet.get(f"{{{RELATIONSHIP}}}id") or sheet.get("id")
                    if ident:  # openpyxl warns and passes over a sheet without one
                        sheets.append((ident, sheet.get("name") or "", sheet.get("state") or ""))
        if not sheets:
            raise NoSheets
        targets = self._targets(archive, workbook)
        self.first_sheet = ""
        for ident, sheet_name, state in sheets:
            if ident not in targets:
                raise XlsxError(
                    _("{part} names sheet {id}, which its relationships do not have").format(
                        part=workbook, id=ident[:40]
                    )
                )
            target, kind = targets[ident]
            if target in names and "chartsheet" not in kind:
                if state in ("hidden", "veryHidden"):
                    # Excel shows another sheet: what is checked there would not be what is read.
                    raise XlsxError(
                        _(
                            "the first sheet, {name}, is hidden: panel-tui reads the first sheet,"
                            " which Excel does not show; unhide it or delete it"
                        ).format(name=repr(sheet_name[:40]))
                    )
                self.first_sheet = target
                break
        if not self.first_sheet:
            raise NoSheets
        self.strings = self._shared_strings(archive, overrides)
        self.date_styles, self.elapsed_styles, self.percent_styles = self._styles(archive, names)

    @staticmethod
    def _workbook_part(types: ElementTree.Element, overrides: list[tuple[str | None, str]]) -> str:
        for content_type in WORKBOOK_TYPES:
            for kind, part in overrides:
                if kind == content_type:
                    return part[1:]
        defaults = {
            node.get("ContentType") for node in types if node.tag == f"{{{CONTENT_TYPES}}}Default"
        }
        if defaults & set(WORKBOOK_TYPES):
            return "xl/workbook.xml"
        raise XlsxError(_("[Content_Types].xml names no workbook"))

    @staticmethod
    def _targets(archive: zipfile.ZipFile, workbook: str) -> dict[str, tuple[str, str]]:
        """The workbook's relationships: id -> (member name, type). A target is relative to
        the workbook's folder ("worksheets/sheet1.xml") or absolute ("/xl/worksheets/...")."""
        folder, base = posixpath.split(workbook)
        rels = _small_part(archive, posixpath.join(folder, "_rels", f"{base}.rels"))
        targets: dict[str, tuple[str, str]] = {}
        for node in rels:
            ident, target = node.get("Id"), node.get("Target")
            if ident is None or target is None:
                continue
            if node.get("TargetMode") != "External":
                if target.startswith("/"):
                    target = target[1:]
                else:
                    target = posixpath.normpath(posixpath.join(folder, target))
            targets[ident] = (target, node.get("Type") or "")
        return targets

    @staticmethod
    def _shared_strings(
        archive: zipfile.ZipFile, overrides: list[tuple[str | None, str]]
    ) -> list[str]:
        part = next((p for kind, p in overrides if kind == SHARED_STRINGS_TYPE), None)
        if part is None:
            return []
        return _read_shared_strings(archive, part[1:])

    @staticmethod
    def _styles(
        archive: zipfile.ZipFile, names: set[str]
    ) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
        """The cell styles (indexes of cellXfs) whose number format is a date, an elapsed
        time, or shows a percentage."""
        if "xl/styles.xml" not in names:
            return frozenset(), frozenset(), frozenset()
        root = _small_part(archive, "xl/styles.xml")
        custom: dict[int, str] = {}
        cell_formats: list[int] = []
        for node in root:
            tag = _local(node.tag)
            if tag == "numFmts":
                for fmt in node:
                    number = _integer(fmt.get("numFmtId"))
                    if number is not None:
                        custom[number] = fmt.get("formatCode") or ""
            elif tag == "cellXfs":
                cell_formats = [_integer(xf.get("numFmtId")) or 0 for xf in node]
        dates, elapsed, percents = set(), set(), set()
        for style, number in enumerate(cell_formats):
            code = custom[number] if number in custom else BUILTIN_FORMATS.get(number)
            if code is None:
                continue
            if is_date_format(code):
                dates.add(style)
            if is_elapsed_format(code):
                elapsed.add(style)
            if "%" in code:
                percents.add(style)
        return frozenset(dates), frozenset(elapsed), frozenset(percents)


class NoSheets(Exception):
    """The workbook lists no worksheet that exists."""


def _integer(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def is_date_format(code: str) -> bool:
    """openpyxl's rule (styles/numbers.py is_date_format), which Excel's own display follows."""
    first = _FORMAT_NOISE.sub("", code.split(";")[0])
    return _DATE_CODE.search(first) is not None


def is_elapsed_format(code: str) -> bool:
    return _ELAPSED.search(code.split(";")[0]) is not None


def _read_shared_strings(archive: zipfile.ZipFile, part: str) -> list[str]:
    """Each <si> as openpyxl reads it: its plain <t> (the last, if several), then the <t> of
    each rich-text run <r>, phonetic runs <rPh> left out, "x005F_" removed."""
    strings: list[str] = []
    guard = _refusing_doctype(part)
    tree: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(
        events=("end",)
    )
    si = f"{{{MAIN}}}si"
    try:
        for piece in _member(archive, part, MAX_SHEET_XML):
            # expat sees each piece first: a DOCTYPE is refused before ElementTree reads it.
            guard.Parse(piece, False)
            tree.feed(piece)
            for event in tree.read_events():
                node = event[-1]  # "end" events only: (event, element)
                if isinstance(node, ElementTree.Element) and node.tag == si:
                    strings.append(_string_item(node).replace("x005F_", ""))
                    node.clear()
        guard.Parse(b"", True)
        tree.close()
    except (expat.ExpatError, ElementTree.ParseError) as exc:  # expat refuses first
        raise _not_xml(part, exc) from None
    return strings


def _string_item(node: ElementTree.Element) -> str:
    """The text of an <si> or <is>: its plain <t> (the last, if several) before the <t> of
    its rich-text runs <r>, whatever their order; phonetic runs (<rPh>) are not the text."""
    plain: str | None = None
    runs: list[str] = []
    for child in node:
        tag = _local(child.tag)
        if tag == "t":
            plain = child.text
        elif tag == "r":
            run: str | None = None
            for item in child:
                if _local(item.tag) == "t":
                    run = item.text
            if run is not None:
                runs.append(run)
    return (plain or "") + "".join(runs)


# Compared with a row's columns: cells in order A, B, C, ... need no placing.
COUNTING = list(range(1, MAX_COLUMN + 1))
# The fast reader takes a sheet's XML whole, as text (a national round's claims sheet is 25 MB):
# past this, expat reads it in pieces, slower but in bounded memory.
MAX_CANONICAL_XML = 64 * 1024 * 1024


_INFINITIES = (math.inf, -math.inf)


class _Cells:
    """What a cell's stored text means, and the rows as openpyxl numbers and fills them; one
    for both readers of the sheet's XML."""

    def __init__(self, book: _Book, skip_through: int = 0) -> None:
        self.strings = book.strings
        self.dates, self.elapsed, self.percents = (
            book.date_styles,
            book.elapsed_styles,
            book.percent_styles,
        )
        self.styled = bool(self.dates or self.percents)
        self.epoch = book.epoch
        self.style_number: dict[str, int] = {}
        self.last = skip_through  # the last row taken: a row not after it is passed over
        self.cells = 0
        self.ready: list[tuple[int, list[Value]]] = []

    def value(self, kind: str | None, style: str | None, text: str, where: str) -> Value:
        """The value of a cell of type `kind` (its t) whose <v> holds `text` (not empty)."""
        try:
            if kind is None or kind == "n":
                number: int | float
                if "." in text or "E" in text or "e" in text:
                    number = float(text)
                    if number in _INFINITIES:  # "1e309": past a float's range, no number
                        raise ValueError(text)
                else:
                    number = int(text)
                    if len(text) > 300:
                        float(number)  # OverflowError past a float's range, as above
                if not self.styled or not style:
                    return number
                index = self.style_number.get(style)
                if index is None:
                    index = self.style_number[style] = _integer(style) or 0
                if index in self.dates:
                    return excel_moment(number, self.epoch, index in self.elapsed)
                if index in self.percents:
                    return Percent(number)
                return number
            if kind == "s":
                index = int(text)
                if not 0 <= index < len(self.strings):
                    raise XlsxError(
                        _(
                            "cell {ref} refers to shared string {index}, but the workbook has {count}"
                        ).format(ref=where, index=index, count=len(self.strings))
                    )
                return self.strings[index]
            if kind == "b":
                return bool(int(text))
            if kind == "d":
                return iso_moment(text)
        except (ValueError, OverflowError):
            raise XlsxError(
                _("cell {ref} holds {value}, which is not a number").format(
                    ref=where, value=repr(text[:40])
                )
            ) from None
        return text  # "str" (a formula's text), "e" (#N/A, #DIV/0!...), or unknown

    def row(self, number: int, columns: list[int] | None, values: list[Value]) -> None:
        """A row read (`values` its own list, kept): taken when it comes after the last one
        taken (as openpyxl takes it), its cells placed by column up to its last cell's;
        `columns` None when they are A, B, C... in order."""
        if number <= self.last:
            return
        self.last = number
        if not values:
            self.cells += 1  # a row without cells still costs its place in the rows
            self.ready.append((number, []))
            return
        if columns is None or columns == COUNTING[: len(columns)]:
            row = values
        else:
            # Cells out of order or with gaps: a later cell in the same column wins, a cell
            # left of the row's last cell's column is dropped past it, as openpyxl does.
            width = columns[-1]
            row = [None] * width
            for where, value in zip(columns, values, strict=True):
                if where <= width:
                    row[where - 1] = value
        self.cells += len(row)
        if self.cells > MAX_SHEET_CELLS:
            raise XlsxError(
                _(
                    "the first sheet has more than {count} cells, counting the empty ones between them"
                ).format(count=formatting.number(MAX_SHEET_CELLS, 0))
            )
        self.ready.append((number, row))

    def batch(self) -> list[tuple[int, list[Value]]]:
        """The rows taken since the last batch."""
        ready = self.ready
        self.ready = []
        return ready


def _sheet_rows(
    book: _Book, archive: zipfile.ZipFile, reader: Reader
) -> Iterator[tuple[int, list[Value]]]:
    part = book.first_sheet
    member = _member(archive, part, MAX_SHEET_XML)
    pieces: list[bytes] = []
    size = 0
    if reader != "streamed":
        for piece in member:
            pieces.append(piece)
            size += len(piece)
            if size > MAX_CANONICAL_XML:
                break
        else:
            data = b"".join(pieces)
            pieces = [data]
            last = 0
            try:
                for batch in _canonical_rows(book, part, data):
                    if batch:
                        last = batch[-1][0]
                        yield from batch
                return
            except _NotCanonical:
                if reader == "canonical":
                    raise NotCanonical from None
            # The rows after `last` are read again by expat.
            yield from _streamed_rows(book, part, pieces, last)
            return
        if reader == "canonical":
            raise NotCanonical
    yield from _streamed_rows(book, part, chain(pieces, member), 0)


class NotCanonical(Exception):
    """first_sheet_rows(reader="canonical") of a sheet only expat reads."""


def _streamed_rows(
    book: _Book, part: str, pieces: Iterable[bytes], skip_through: int
) -> Iterator[tuple[int, list[Value]]]:
    """Any well-formed sheet, by expat handlers (ElementTree's iterparse builds an element
    for every <c>, <v>, <is> and <t>: slower still)."""
    cells = _Cells(book, skip_through)
    value_of = cells.value
    parts: list[str] = []  # the character data, appended by expat itself
    # Where the parser is: 0 outside a row, 1 in a row, 2 in a cell, 3 in a cell's child
    # (<v>, <is>, <f>...), 4 and more below that.
    level = 0
    row_number = 0  # openpyxl's row counter: the row's r, else the last row's plus one
    row_text = ""
    columns: list[int] = []
    values: list[Value] = []
    column = 0  # the last cell's column: a cell without r is the next one
    ref: str | None = None
    kind: str | None = None
    style: str | None = None
    value_text: str | None = None
    inline: str | None = None
    # 1: reading a <v>; 2: an <is>'s plain <t>; 3: a rich-text run's <t>
    reading = 0
    mark = 0
    in_inline = False
    in_run = False
    plain: str | None = None
    run: str | None = None
    runs: list[str] = []

    def text_read() -> str:
        nonlocal reading
        reading = 0
        return "".join(parts[mark:])

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal level, ref, kind, style, value_text, inline, reading, mark
        nonlocal in_inline, in_run, plain, run, row_number, row_text, column, columns, values
        if level == 1:  # every child of a row is a cell, as openpyxl reads it
            level = 2
            ref = attrs.get("r")
            kind = attrs.get("t")
            style = attrs.get("s")
            value_text = inline = None
            parts.clear()
            return
        if level == 2:
            level = 3
            if name == V:
                if value_text is None:  # the first <v>, as ElementTree's findtext
                    reading, mark = 1, len(parts)
            elif name == IS and inline is None:
                in_inline = True
                plain = None
                runs.clear()
            return
        if level == 0:
            if name == ROW:
                level = 1
                number = attrs.get("r")
                row_number = row_number + 1 if number is None else _row_number(number)
                if row_number > MAX_ROW:
                    raise _outside(str(row_number))
                row_text = str(row_number)
                column = 0
                columns = []
                values = []
            return
        # Below a cell's child: only an inline string's text matters.
        if reading:
            text = text_read()  # ElementTree's .text: the text before the first child
            if reading == 1:
                value_text = text
            elif level == 4:
                plain = text
            else:
                run = text
        level += 1
        if in_inline:
            local = "t" if name == T else name.rpartition("}")[2]
            if level == 4:
                if local == "t":
                    reading, mark, plain = 2, len(parts), ""
                elif local == "r":
                    in_run, run = True, None
            elif level == 5 and in_run and local == "t":
                reading, mark, run = 3, len(parts), ""

    def end(_name: str) -> None:
        nonlocal level, reading, value_text, inline, in_inline, in_run, plain, run, column
        if level == 2:  # a cell's end: its value placed in its column
            level = 1
            if ref:
                number = (
                    COLUMN_NUMBER.get(ref[: -len(row_text)]) if ref.endswith(row_text) else None
                )
                column = number or _column_of(ref)
            else:
                column += 1
                if column > MAX_COLUMN:
                    raise _outside(f"{column_letters(column)}{row_text}")
            columns.append(column)
            if kind == "inlineStr":
                values.append(inline or "")
            elif not value_text:
                values.append("")
            else:
                values.append(
                    value_of(kind, style, value_text, f"{column_letters(column)}{row_text}")
                )
        elif level == 3:
            level = 2
            if reading == 1:
                value_text = text_read()
            elif in_inline:
                inline = (plain or "") + "".join(runs)
                in_inline = False
        elif level == 1:
            level = 0
            cells.row(row_number, columns, values)
        elif level >= 4:
            if reading:
                text = text_read()
                if level == 4:
                    plain = text
                else:
                    run = text
            if level == 4 and in_run:
                if run is not None:
                    runs.append(run)
                in_run = False
            level -= 1

    parser = _refusing_doctype(part)
    parser.buffer_text = True
    # Names compared by identity first: expat hands back these very strings.
    for known in (ROW, V, IS, T):
        parser.intern[known] = known
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = parts.append
    try:
        for data in pieces:
            view = memoryview(data)
            for at in range(0, len(data), CHUNK):
                parser.Parse(view[at : at + CHUNK], False)
                if level == 0:
                    parts.clear()  # text between rows (whitespace) means nothing
                yield from cells.batch()
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise _not_xml(part, exc) from None
    yield from cells.batch()


class _NotCanonical(Exception):
    """The sheet is not written the way Excel, LibreOffice and openpyxl write one."""


# The fast reader: a sheet written the usual way (rows and cells with their r, attributes in
# the usual order, no whitespace between elements, a cell's <v> or <is><t> and nothing else
# but a formula) is read by one regular expression, token after token; anything else in it
# (a comment, CDATA, rich text, a prefix, whitespace) hands the sheet to `_streamed_rows`.
# Its start and end around <sheetData> are checked by expat: the whole is well-formed XML
# exactly when both are (the tokens are well-formed by their own pattern).
# Text: no character XML does not allow (nor a CR, which XML would change), and only the
# references XML defines; a cell whose text is otherwise does not match and goes to expat.
_CHARACTER = "[^<&\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]"
_TEXT = (
    f"{_CHARACTER}*(?:&(?:amp|lt|gt|quot|apos|#[0-9]{{1,7}}|#x[0-9a-fA-F]{{1,6}});{_CHARACTER}*)*"
)
# A cell's row in its reference, 1 to 1,048,576: it does not place the cell (its <row> does,
# as openpyxl reads it), so only its range matters.
_ROW_OF_CELL = (
    "(?:[1-9][0-9]{0,5}|10[0-3][0-9]{4}|104[0-7][0-9]{3}|1048[0-4][0-9]{2}"
    "|10485[0-6][0-9]|104857[0-6])"
)
# A cell: its column letters, style, inline text (an inline string: its type is not captured,
# a new string for every cell), or its type and <v>, after a formula if any; else any
# character, which is not the usual way.
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})' + _ROW_OF_CELL + r'"(?: s="([0-9]{1,9})")?'
    r'(?: t="inlineStr"(?: ?/>|><is><t(?: xml:space="preserve")?>(' + _TEXT + r")</t></is></c>)"
    r'|(?: t="([a-zA-Z]{1,9})")?(?: ?/>|>'
    r'(?:<f(?: t="[a-zA-Z]{1,9}")?(?: ref="[A-Z0-9:]{1,24}")?(?: ca="[01]")?(?: si="[0-9]{1,9}")?'
    r"(?: ?/>|>" + _TEXT + r"</f>))?"
    r"(?:<v>(" + _TEXT + r")</v>|<v ?/>)?"
    r"</c>))"
    r"|([\s\S])"
)
# A row's start: its number, its other attributes, "/" when it has no cells.
_ROW_START = re.compile(
    r'<row r="([1-9][0-9]{0,6})"((?: (?!r=|xmlns)[A-Za-z][\w.:-]{0,40}="[^"<&\x00-\x1f]*")*)'
    r" ?(/?)>"
)
_ATTRIBUTE_NAME = re.compile(r" ([\w.:-]+)=")
_REFERENCE = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _canonical_rows(book: _Book, part: str, data: bytes) -> Iterator[list[tuple[int, list[Value]]]]:
    """The rows of a sheet written the usual way, in batches; _NotCanonical as soon as it
    is not."""
    start = data.find(b"<sheetData>")
    end = data.rfind(b"</sheetData>")
    if start < 0 or end < start:
        raise _NotCanonical
    content_start = start + len(b"<sheetData>")
    prefixes = _check_around_rows(part, data[:content_start] + data[end:], start)
    try:
        text = data[content_start:end].decode("utf-8")
    except UnicodeDecodeError:
        raise _NotCanonical from None
    cells = _Cells(book)
    value_of = cells.value
    row_attributes: set[str] = {""}
    pieces = text.split("</row>")
    del text
    tail = pieces.pop()  # after the last </row>: rows without cells, if anything
    for count, piece in enumerate(pieces, start=1):
        # Rows without cells (<row r="7" ht="30"/>) may come before the row this ends.
        at, number, attributes, empty = _row_start(piece, 0)
        while empty:
            if attributes not in row_attributes:
                _check_row_attributes(attributes, prefixes)
                row_attributes.add(attributes)
            cells.row(number, [], [])
            at, number, attributes, empty = _row_start(piece, at)
        if attributes not in row_attributes:
            _check_row_attributes(attributes, prefixes)
            row_attributes.add(attributes)
        if "]]>" in piece:
            raise _NotCanonical  # text may not hold it: expat says where
        row_text = str(number)
        found = _CELL.findall(piece, at)
        if found:
            letters, styles, inline, kinds, stored, other = zip(*found, strict=True)
            if any(other):
                raise _NotCanonical
            columns: list[int | None] | None = None  # A, B, C... in order: nothing to place
            if letters != ORDERED_LETTERS[: len(letters)]:
                columns = list(map(COLUMN_NUMBER.get, letters))
                if None in columns:  # XFE to ZZZ
                    raise _outside(letters[columns.index(None)] + row_text)
            values: list[Value]
            if not any(stored):  # inline strings and cells without a value: all text
                values = list(inline)
                if "&" in piece:
                    values = [_unescaped(value) for value in inline]
            else:
                values = []
                for letter, style, inline_text, kind, text in zip(
                    letters, styles, inline, kinds, stored, strict=True
                ):
                    if not text:  # an inline string, or a cell without a value
                        values.append(
                            _unescaped(inline_text) if "&" in inline_text else inline_text
                        )
                    elif kind == "inlineStr":
                        values.append("")  # its <v> is not its text, as openpyxl reads it
                    else:
                        values.append(
                            value_of(
                                kind or None,
                                style or None,
                                _unescaped(text) if "&" in text else text,
                                letter + row_text,
                            )
                        )
            cells.row(number, cast(list[int] | None, columns), values)  # no None, as checked
        else:
            cells.row(number, [], [])
        if count % 2000 == 0:
            yield cells.batch()
    at = 0
    while at < len(tail):
        at, number, attributes, empty = _row_start(tail, at)
        if not empty:
            raise _NotCanonical
        if attributes not in row_attributes:
            _check_row_attributes(attributes, prefixes)
            row_attributes.add(attributes)
        cells.row(number, [], [])
    yield cells.batch()


def _row_start(piece: str, at: int) -> tuple[int, int, str, str]:
    """The row starting at `at`: where its cells start, its number, its other attributes,
    and "/" when it has no cells."""
    match = _ROW_START.match(piece, at)
    if match is None:
        raise _NotCanonical
    digits, attributes, empty = match.groups()
    number = int(digits)
    if number > MAX_ROW:
        raise _outside(digits)
    return match.end(), number, attributes, empty


def _check_around_rows(part: str, around: bytes, start: int) -> set[str]:
    """The sheet without its rows is well-formed XML in UTF-8 without a DOCTYPE, and the
    <sheetData> found is the worksheet's own (not one in a comment); the namespace prefixes
    bound there, which a row's attributes may use."""
    parser = _refusing_doctype(part)
    found: list[bool] = []
    bound: list[str] = ["xml"]
    prefixes: set[str] = set()
    depth = 0

    def declaration(_version: str, encoding: str | None, _standalone: int) -> None:
        if encoding is not None and encoding.lower() not in ("utf-8", "utf8"):
            raise _NotCanonical

    def opened(name: str, _attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if name == f"{MAIN}}}sheetData":
            if found or depth != 2 or parser.CurrentByteIndex != start:
                raise _NotCanonical
            found.append(True)
            prefixes.update(bound)

    def closed(_name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.XmlDeclHandler = declaration
    parser.StartNamespaceDeclHandler = lambda prefix, _uri: bound.append(prefix or "")
    parser.EndNamespaceDeclHandler = lambda prefix: bound.remove(prefix or "")
    parser.StartElementHandler = opened
    parser.EndElementHandler = closed
    try:
        parser.Parse(around, True)
    except expat.ExpatError as exc:
        raise _not_xml(part, exc) from None
    if not found or around.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _NotCanonical
    return prefixes


def _check_row_attributes(attributes: str, prefixes: set[str]) -> None:
    """A row's other attributes (spans, ht, x14ac:dyDescent...) are each there once, with a
    bound prefix: as expat would require."""
    names = _ATTRIBUTE_NAME.findall(attributes)
    if len(set(names)) != len(names):
        raise _NotCanonical
    for name in names:
        prefix, colon, local = name.partition(":")
        if colon and (prefix not in prefixes or not local or ":" in local):
            raise _NotCanonical


def _unescaped(text: str) -> str:
    return _REFERENCE.sub(_character, text)


def _character(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _NAMED:
        return _NAMED[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    if (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    ):
        return chr(code)
    raise _NotCanonical  # a reference to a character XML does not allow: expat says so


def _row_number(text: str) -> int:
    """A row's r as openpyxl reads it: an integer, or a float that is one ("3.0")."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not number.is_integer():
        raise XlsxError(_("row number {row} is not a whole number").format(row=repr(text[:40])))
    return int(number)


def _column_of(ref: str) -> int:
    """The column of a cell reference as openpyxl reads it: the letters before its first
    digit (any case); the row after them must be a number but does not place the cell."""
    split = next((i for i, char in enumerate(ref) if char in "0123456789"), None)
    letters, row = (ref, "") if split is None else (ref[:split], ref[split:])
    number = COLUMN_NUMBER.get(letters.upper())
    if number is None and len(letters) <= 3 and letters.isascii() and letters.isalpha():
        raise _outside(ref)  # XFE to ZZZ: openpyxl's limit, past Excel's
    try:
        row_number = int(row)
    except ValueError:
        row_number = None
    if number is None or row_number is None:
        raise XlsxError(_("{ref} is not a cell reference").format(ref=repr(ref[:40])))
    if row_number > MAX_ROW:
        raise _outside(ref)
    return number


def _outside(ref: str) -> XlsxError:
    return XlsxError(
        _(
            "cell {ref} is outside a sheet (at most 16,384 columns, A to XFD, and 1,048,576 rows)"
        ).format(ref=ref[:40])
    )


def column_letters(number: int) -> str:
    """1 -> "A", 28 -> "AB" (any positive number, past XFD too)."""
    if 0 < number <= MAX_COLUMN:
        return COLUMN_LETTERS[number - 1]
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def excel_moment(serial: int | float, epoch: datetime, elapsed: bool) -> Value:
    """A date-formatted number as openpyxl converts it (utils/datetime.py from_excel): days
    since the epoch, milliseconds rounded; 1900-01-01 to 1900-02-28 a day later (Excel counts
    a 29 February 1900 that never was), a serial under 1 a time of day, an elapsed-time format
    a timedelta. A serial no date can hold is "#VALUE!", as openpyxl makes it."""
    try:
        if elapsed:
            span = timedelta(days=serial)
            if span.microseconds:
                span = timedelta(
                    seconds=span.total_seconds() // 1, microseconds=round(span.microseconds, -3)
                )
            return span
        day, fraction = divmod(serial, 1)
        diff = timedelta(milliseconds=round(fraction * 86_400_000))
        if 0 <= serial < 1 and diff.days == 0:
            minutes, seconds = divmod(diff.seconds, 60)
            hours, minutes = divmod(minutes, 60)
            return time(hours, minutes, seconds, diff.microseconds)
        if 0 < serial < 60 and epoch == WINDOWS_EPOCH:
            day += 1
        return epoch + timedelta(days=day) + diff
    except (OverflowError, ValueError):
        return "#VALUE!"


def iso_moment(text: str) -> Value:
    """A t="d" cell (a date written as ISO 8601), as openpyxl reads it (from_ISO8601)."""
    match = _ISO_MOMENT.match(text)
    if match and any(match.groups()):
        parts = match.groupdict()
        number = {key: int(parts[key] or 0) for key in ("year", "month", "day")}
        hour, minute, second = (int(parts[key] or 0) for key in ("hour", "minute", "second"))
        micro = int(float(parts["microsecond"]) * 1_000_000) if parts["microsecond"] else 0
        if not parts["date"]:
            return time(hour, minute, second, micro)
        if not parts["time"]:
            return date(number["year"], number["month"], number["day"])
        return datetime(number["year"], number["month"], number["day"], hour, minute, second, micro)
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        found = {key: float(val) for key, val in match.groupdict().items() if val}
        return timedelta(
            hours=found.get("hours", 0),
            minutes=found.get("minutes", 0),
            seconds=found.get("seconds", 0),
        )
    raise ValueError(text)
