"""The paper path's rules: what a typed-in score sheet says, whether two typings of it agree,
and what recording it would change in an assessor's sheets.

A typed sheet has the columns of contracts.md (`assessor,nominee,criterion,score[,note]`).
A row whose score is `R` records a recusal from its nominee, the reason in `note`; its
criterion may be empty or any criterion (the typist writes the R on whichever line the panel
member ticked). A row whose score and note are both empty is a box left blank on paper: it
records nothing.

Pure: rows and sheets in, rows, problems and plans out; no SQLite, no files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from panel_tui.domain.model import Round, format_score
from panel_tui.domain.numbers import NumberError, parse_score
from panel_tui.domain.problems import Problem
from panel_tui.domain.sheet import Sheet
from panel_tui.i18n import _, ngettext

if TYPE_CHECKING:
    from panel_tui.round_package.tables import Row, Table

COLUMNS = ("assessor", "nominee", "criterion", "score", "note")
RECUSAL_MARK = "R"
# From this many rows with the same message, the message is given once with the row count:
# a sheet typed for the wrong assessor is one mistake, not forty-one.
REPEATED = 3


@dataclass(frozen=True)
class PaperRow:
    """One checked line of a typed sheet: a score, or (value None) a recusal."""

    line: int | str  # where its score is: the CSV line or the XLSX cell
    nominee: str
    criterion: str
    value: float | None
    note: str

    @property
    def recusal(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Change:
    """A recorded score the sheet would replace."""

    line: int | str  # where its score is: the CSV line or the XLSX cell
    nominee: str
    criterion: str
    old: float
    new: float


@dataclass
class Plan:
    """What recording a sheet would write, against the sheets as they are now."""

    scores: list[PaperRow] = field(default_factory=list)  # cells with no score yet
    changes: list[Change] = field(default_factory=list)  # cells whose score would change
    notes: list[PaperRow] = field(default_factory=list)  # notes that differ from the sheet's
    recusals: list[PaperRow] = field(default_factory=list)
    # Final sheets the writing touches, each with the first line that writes on it.
    reopen: dict[str, int | str] = field(default_factory=dict)
    unchanged: int = 0  # rows already recorded exactly as typed

    @property
    def writes(self) -> int:
        return len(self.scores) + len(self.changes) + len(self.notes) + len(self.recusals)

    @property
    def needs_reason(self) -> bool:
        """Replacing a recorded score, or writing on a final sheet, is a correction."""
        return bool(self.changes or self.reopen)


def _key(row: Row) -> tuple[str, str]:
    return row.text("nominee"), row.text("criterion")


def is_blank(row: Row) -> bool:
    return not row.text("score") and not row.text("note")


def _where(table: Table, row: Row, column: str) -> int | str:
    cell = row.cells.get(column)
    return cell.where if cell is not None and isinstance(cell.where, str) else row.line


def check_rows(
    table: Table,
    round_: Round,
    assessor_id: str | None,
    sheets: Mapping[str, Sheet],
    problems: list[Problem],
) -> list[PaperRow]:
    """Every non-blank row checked against the round and the assessor's sheets.

    Problems go to `problems`; the rows returned are the ones without a problem.
    """
    checked: list[PaperRow] = []
    seen: dict[tuple[str, str], int | str] = {}
    recused_at: dict[str, int | str] = {}
    scored_at: dict[str, int | str] = {}
    for row in table.rows:
        if is_blank(row):
            continue

        def error(column: str, message: str, row: Row = row) -> None:
            problems.append(Problem(table.file, _where(table, row, column), column, message))

        before = len(problems)
        assessor = row.text("assessor")
        if assessor != assessor_id:
            error(
                "assessor",
                _("{assessor!r} is not this database's assessor ({assessor_id})").format(
                    assessor=assessor, assessor_id=assessor_id
                ),
            )
        nominee_id, criterion = _key(row)
        nominee = round_.nominee(nominee_id)
        if nominee is None:
            error("nominee", _("unknown nominee {nominee_id!r}").format(nominee_id=nominee_id))
            continue
        rubric = round_.rubric_for(nominee)
        recusal = row.text("score").upper() == RECUSAL_MARK
        if (criterion or not recusal) and rubric.criterion(criterion) is None:
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
        value: float | None = None
        if recusal:
            if not row.text("note"):
                error("note", _("a recusal (R) needs its reason in the note column"))
        else:
            try:
                value = _cell_score(row, round_)
            except NumberError as exc:
                error("score", str(exc))
            if value is not None and not rubric.allows(value):
                error(
                    "score",
                    _("{problem} (rubric {rubric})").format(
                        problem=rubric.scale_problem(value), rubric=rubric.id
                    ),
                )
            held = sheets.get(nominee_id)
            if held is not None and held.recused:
                error(
                    "nominee",
                    _("the assessor is recused from {nominee_id}").format(nominee_id=nominee_id),
                )
        if (nominee_id, criterion) in seen:
            error(
                "criterion",
                _("{nominee_id}/{criterion} appears twice (first at {seen})").format(
                    nominee_id=nominee_id, criterion=criterion, seen=seen[nominee_id, criterion]
                ),
            )
        seen.setdefault((nominee_id, criterion), row.line)
        both = scored_at if recusal else recused_at
        if nominee_id in both:
            error(
                "score",
                _(
                    "the sheet both recuses from and scores {nominee_id} (see line {line}):"
                    " a recused assessor gives no scores"
                ).format(nominee_id=nominee_id, line=both[nominee_id]),
            )
        (recused_at if recusal else scored_at).setdefault(nominee_id, row.line)
        if len(problems) == before and (recusal or value is not None):
            where = _where(table, row, "score")  # an XLSX cell, else the CSV line
            checked.append(PaperRow(where, nominee_id, criterion, value, row.text("note")))
    return checked


def plan(rows: Sequence[PaperRow], sheets: Mapping[str, Sheet]) -> Plan:
    """What recording `rows` would write, cell by cell, against the current `sheets`."""
    result = Plan()
    recused: set[str] = set()
    for row in rows:
        held = sheets.get(row.nominee) or Sheet(row.nominee)
        wrote = False
        if row.recusal:
            if row.nominee in recused or held.recused:
                result.unchanged += 1
                continue
            recused.add(row.nominee)
            result.recusals.append(row)
            wrote = True
        else:
            assert row.value is not None
            old = held.scores.get(row.criterion)
            if old is None:
                result.scores.append(row)
                wrote = True
            elif old != row.value:
                result.changes.append(Change(row.line, row.nominee, row.criterion, old, row.value))
                wrote = True
            # An empty note on paper leaves the recorded note alone: the typist cannot
            # clear what the paper does not show.
            if row.note and row.note != held.notes.get(row.criterion, ""):
                result.notes.append(row)
                wrote = True
            if not wrote:
                result.unchanged += 1
        if wrote and held.final:
            result.reopen.setdefault(row.nominee, row.line)
    return result


def written(value: float, number_format: str) -> str:
    """A score as the sheet's typist writes it: 4,5 in a round of decimal commas."""
    text = format_score(value)
    return text.replace(".", ",") if number_format == "id" else text


def describe_change(change: Change, number_format: str) -> str:
    return _("{nominee}/{criterion}: {old} → {new}").format(
        nominee=change.nominee,
        criterion=change.criterion,
        old=written(change.old, number_format),
        new=written(change.new, number_format),
    )


def change_problems(file: str, found: Plan, number_format: str) -> list[Problem]:
    """Each correction the sheet makes, for a refusal that asks for a reason."""
    items = [
        Problem(file, change.line, "score", describe_change(change, number_format))
        for change in found.changes
    ]
    items += [
        Problem(
            file,
            line,
            "nominee",
            _("the sheet of {nominee} is final: recording reopens it").format(nominee=nominee),
        )
        for nominee, line in found.reopen.items()
    ]
    return items


# --- blind double entry -------------------------------------------------------------------


def _cell_score(row: Row, round_: Round) -> float:
    """The score cell's number: an XLSX number as stored, text as `parse_score` reads it;
    NumberError when it is none. An XLSX percentage (its text `4%`) is read as its text is:
    no score, as `4%` typed is none."""
    cell = row.cell("score")
    if isinstance(cell.raw, float) and not cell.text.endswith("%"):
        return cell.raw
    return parse_score(cell.text, round_.number_format)


def _score_of(row: Row, round_: Round) -> float | str:
    """The score cell as a number when it is one (an XLSX number, or text in the round's
    number format), else its text in capitals (`R`, or a typo to be shown)."""
    try:
        return _cell_score(row, round_)
    except NumberError:
        return row.cell("score").text.strip().upper()


def _score_text(row: Row, round_: Round) -> str:
    """The score cell as the typist wrote it (an XLSX number in the round's format)."""
    cell = row.cell("score")
    if isinstance(cell.raw, float):
        return written(cell.raw, round_.number_format)
    return cell.text.strip()


def compare_typings(first: Table, second: Table, round_: Round) -> list[Problem]:
    """Every cell on which two typings of one paper sheet differ, and every row in one only.

    Rows are matched by nominee and criterion, so the two typists may type in any order; a
    score is the same when it is the same number however written (`4` and `4,0`), any other
    cell when its text is the same apart from surrounding spaces.
    """
    problems: list[Problem] = []

    def keyed(table: Table, report: bool) -> dict[tuple[str, str], Row]:
        found: dict[tuple[str, str], Row] = {}
        for row in table.rows:
            key = _key(row)
            if key in found and report and not is_blank(row):
                problems.append(
                    Problem(
                        table.file,
                        _where(table, row, "criterion"),
                        "criterion",
                        _("{nominee_id}/{criterion} appears twice (first at {seen})").format(
                            nominee_id=key[0], criterion=key[1], seen=found[key].line
                        ),
                    )
                )
            found.setdefault(key, row)
        return found

    # The first typing's own duplicates are reported when it is checked (`check_rows`);
    # the second is only compared, so its duplicates are reported here.
    ones, twos = keyed(first, False), keyed(second, True)
    for key, one in ones.items():
        two = twos.get(key)
        label = "/".join(part or "–" for part in key)
        if two is None:
            if not is_blank(one):
                problems.append(
                    Problem(
                        first.file,
                        one.line,
                        "nominee",
                        _("{cell} is in {here} but missing from {other}").format(
                            cell=label, here=first.file, other=second.file
                        ),
                    )
                )
            continue
        for column in ("assessor", "score", "note"):
            a, b = (
                (_score_text(one, round_), _score_text(two, round_))
                if column == "score"
                else (one.text(column), two.text(column))
            )
            same = _score_of(one, round_) == _score_of(two, round_) if column == "score" else a == b
            if not same:
                problems.append(
                    Problem(
                        first.file,
                        _where(first, one, column),
                        column,
                        _("{cell}: {first!r} here, {second!r} in {other}:{line}").format(
                            cell=label,
                            first=a,
                            second=b,
                            other=second.file,
                            line=_where(second, two, column),
                        ),
                    )
                )
    for key, two in twos.items():
        if key not in ones and not is_blank(two):
            problems.append(
                Problem(
                    second.file,
                    two.line,
                    "nominee",
                    _("{cell} is in {here} but missing from {other}").format(
                        cell="/".join(part or "–" for part in key),
                        here=second.file,
                        other=first.file,
                    ),
                )
            )
    return problems


# --- reporting ----------------------------------------------------------------------------


def _line_list(lines: list[int | str]) -> str:
    """`2–8, 20–25, 31` for CSV lines (runs joined), the first few cells for XLSX."""
    if not all(isinstance(n, int) for n in lines):
        shown = ", ".join(str(n) for n in lines[:5])
        return shown + (", …" if len(lines) > 5 else "")
    runs: list[list[int]] = []
    for n in sorted(int(n) for n in lines):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    parts = [f"{a}–{b}" if b > a else str(a) for a, b in runs]
    return ", ".join(parts[:6]) + (", …" if len(parts) > 6 else "")


def group_repeated(problems: list[Problem]) -> list[Problem]:
    """The same message on many rows of one file and column, given once with the count."""
    groups: dict[tuple[str, str | None, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.file, problem.field, problem.message), []).append(problem)
    result: list[Problem] = []
    done: set[tuple[str, str | None, str]] = set()
    for problem in problems:
        key = (problem.file, problem.field, problem.message)
        group = groups[key]
        if len(group) < REPEATED:
            result.append(problem)
        elif key not in done:
            done.add(key)
            lines = [p.line for p in group if p.line is not None]
            result.append(
                Problem(
                    problem.file,
                    problem.line,
                    problem.field,
                    problem.message
                    + " "
                    + ngettext(
                        "(the same on {count} row: {lines})",
                        "(the same on {count} rows: {lines})",
                        len(group),
                    ).format(count=len(group), lines=_line_list(lines)),
                    problem.severity,
                )
            )
    return result
