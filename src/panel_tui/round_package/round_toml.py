"""round.toml: the round, its panel, categories and rubrics, every problem with its line."""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from panel_tui.domain.local_time import known_zone
from panel_tui.domain.model import (
    AFFILIATIONS,
    MAX_YEAR,
    MIN_YEAR,
    STAGES,
    Assessor,
    Category,
    Criterion,
    Round,
    Rubric,
)
from panel_tui.domain.problems import Problem
from panel_tui.domain.text import control_message
from panel_tui.i18n import _
from panel_tui.round_package.csv_grid import looks_utf16
from panel_tui.round_package.grid import CONTROL_CHARS
from panel_tui.round_package.nominees import NOMINEE_ID
from panel_tui.round_package.tables import not_a_file, read_regular_file

ROUND_FILE = "round.toml"
# A round's round.toml is a few kilobytes (the panel, the categories, the rubrics); a file of
# megabytes takes seconds to parse and hundreds of MB, so it is refused unread.
MAX_TOML_BYTES = 4 * 1024 * 1024
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADER = re.compile(r"^\[\[?\s*([^\]]+?)\s*\]\]?")
_BARE_KEY = re.compile(r"^([A-Za-z0-9_-]+)\s*=")


def _finite(value: float) -> bool:
    """A usable number: not NaN, not infinite, not an integer too large for a float."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


class RoundToml:
    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.lines: list[str] = []
        self.ok = True
        self._inline: dict[str, list[tuple[int, dict[str, int]]]] = {}
        self._headers: dict[str, list[tuple[int, dict[str, int]]]] | None = None

    def error(self, line: int | None, field_: str | None, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(ROUND_FILE, line, field_, message))

    def warn(self, line: int | None, field_: str | None, message: str) -> None:
        self.problems.append(Problem(ROUND_FILE, line, field_, message, "warning"))

    def locate(self, table: str, index: int, key: str | None = None) -> int | None:
        """Line of `key` inside the index-th `[table]`/`[[table]]` block (best effort)."""
        blocks = self._blocks().get(table)
        if blocks is None:
            # No [table] header at all: perhaps written inline, `table = [{ ... }, ...]`.
            name = table.rpartition(".")[2]
            if name not in self._inline:
                self._inline[name] = inline_tables("\n".join(self.lines), name)
            blocks = self._inline[name]
        if index >= len(blocks):
            return None
        first, keys = blocks[index]
        return keys.get(key, first) if key else first

    def _blocks(self) -> dict[str, list[tuple[int, dict[str, int]]]]:
        """Every `[table]`/`[[table]]` block by its name, in order: its header's line and the
        line of each key written at the start of one of its lines. Read once: `locate` is
        asked for every error, and a file may have thousands."""
        if self._headers is None:
            found: dict[str, list[tuple[int, dict[str, int]]]] = {}
            keys: dict[str, int] | None = None
            for number, raw in enumerate(self.lines, start=1):
                line = raw.strip()
                header = _HEADER.match(line)
                if header:
                    # A sub-table such as [[rubrics.criteria]] ends the keys of its parent.
                    keys = {}
                    found.setdefault(header.group(1), []).append((number, keys))
                elif keys is not None:
                    bare = _BARE_KEY.match(line)
                    if bare:
                        keys.setdefault(bare.group(1), number)
            self._headers = found
        return self._headers

    def load(self) -> Round | None:
        if not self.path.is_file():
            if os.path.lexists(self.path):
                self.error(None, None, not_a_file())
            else:
                self.error(None, None, _("round.toml is missing: a round package needs it"))
            return None
        try:
            found = read_regular_file(self.path, MAX_TOML_BYTES)
        except OSError as exc:
            self.error(
                None, None, _("cannot read the file: {error}").format(error=exc.strerror or exc)
            )
            return None
        if found is None:  # replaced by a FIFO or a device since it was looked at
            self.error(None, None, not_a_file())
            return None
        data, size = found
        if size > MAX_TOML_BYTES:
            self.error(
                None, None, _("file is {size} bytes: too large for a round").format(size=size)
            )
            return None
        if looks_utf16(data):
            self.error(1, None, _("file is UTF-16: save it as UTF-8 text"))
            return None
        if b"\x00" in data:
            self.error(
                data[: data.index(b"\x00")].count(b"\n") + 1,
                None,
                _("file contains binary data: not TOML"),
            )
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.error(data[: exc.start].count(b"\n") + 1, None, _("not UTF-8 text"))
            return None
        self.lines = text.splitlines()
        if not text.strip():
            self.error(1, None, _("file is empty: expected [round], [[assessors]], [[categories]]"))
            return None
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+)", str(exc))
            self.error(
                int(match.group(1)) if match else None,
                None,
                _("not valid TOML: {error}").format(error=exc),
            )
            return None
        except RecursionError:
            self.error(None, None, _("not valid TOML: arrays or tables nested too deeply"))
            return None
        except ValueError:
            # Python refuses to convert an integer of more than 4,300 digits (a guard against
            # slow conversions); no figure of a round is anywhere near that long.
            long_number = re.compile(r"\d{4300,}")
            line = next((i for i, ln in enumerate(self.lines, 1) if long_number.search(ln)), None)
            self.error(
                line, None, _("not valid TOML: a number with thousands of digits, too long to read")
            )
            return None
        written = _ControlsWritten(self.lines)
        for field_, value in _strings(doc):
            control = CONTROL_CHARS.search(value)
            if control:
                self.error(written.line(control.group()), field_, control_message(control))
                written.passed(value)
        if not self.ok:
            return None
        for key in doc:
            if key not in ("round", "assessors", "categories", "rubrics"):
                self.warn(self.locate(key, 0), key, _("unknown table, ignored"))
        info = doc.get("round")
        if not isinstance(info, dict):
            self.error(None, "round", _("the [round] table is missing"))
            return None
        round_ = self._round(info)
        rubrics = self._rubrics(doc.get("rubrics"))
        categories = self._categories(doc.get("categories"), {r.id for r in rubrics})
        assessors = self._assessors(doc.get("assessors"))
        if round_ is None:
            return None
        if not self.ok and (
            not categories or any(p.field == "round.number_format" for p in self.problems)
        ):
            # Without categories or a number format the tables cannot be checked meaningfully:
            # every row would repeat the same error.
            return None
        # With other errors the round is still returned, so that one `check` reports the
        # tables' problems too; load_round never hands out a round with errors.
        return replace(
            round_, assessors=tuple(assessors), categories=tuple(categories), rubrics=tuple(rubrics)
        )

    def _str(
        self,
        table: dict[str, Any],
        key: str,
        where: tuple[str, int],
        required: bool,
        field_name: str | None = None,
    ) -> str:
        value = table.get(key)
        name = field_name or key
        if value is None:
            if required:
                self.error(self.locate(*where), name, _("required, missing"))
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(self.locate(*where, key), name, _("must be a non-empty text"))
            return ""
        return value.strip()

    def _round(self, info: dict[str, Any]) -> Round | None:
        where = ("round", 0)
        known = {
            "id",
            "title",
            "province",
            "year",
            "stage",
            "venue",
            "dates",
            "number_format",
            "advance",
            "presentation_minutes",
            "timezone",
        }
        for key in info:
            if key not in known:
                self.warn(self.locate(*where, key), f"round.{key}", _("unknown setting, ignored"))
        round_id = self._str(info, "id", where, True, "round.id")
        if round_id and not ID_PATTERN.match(round_id):
            self.error(
                self.locate(*where, "id"),
                "round.id",
                _("{round_id!r}: use lowercase letters, digits and '-'").format(round_id=round_id),
            )
        title = self._str(info, "title", where, True, "round.title")
        province = self._str(info, "province", where, False, "round.province")
        venue = self._str(info, "venue", where, False, "round.venue")
        year = info.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
            self.error(
                self.locate(*where, "year"), "round.year", _("required: a year such as 2025")
            )
            year = 0
        stage = info.get("stage", "provincial")
        if stage not in STAGES:
            self.error(
                self.locate(*where, "stage"),
                "round.stage",
                _("{stage!r}: expected one of {items}").format(
                    stage=stage, items=", ".join(STAGES)
                ),
            )
        number_format = info.get("number_format", "en")
        if number_format not in ("id", "en"):
            self.error(
                self.locate(*where, "number_format"),
                "round.number_format",
                _('{number_format!r}: expected "id" (1.234,5) or "en" (1,234.5)').format(
                    number_format=number_format
                ),
            )
            number_format = "en"
        dates: list[date] = []
        raw_dates = info.get("dates", [])
        if not isinstance(raw_dates, list):
            self.error(
                self.locate(*where, "dates"),
                "round.dates",
                _('expected a list such as ["2025-07-14", "2025-07-15"]'),
            )
        else:
            for item in raw_dates:
                if isinstance(item, date) and not isinstance(item, datetime):
                    dates.append(item)
                    continue
                try:
                    dates.append(date.fromisoformat(str(item)))
                except ValueError:
                    self.error(
                        self.locate(*where, "dates"),
                        "round.dates",
                        _("{item!r} is not a date in the form YYYY-MM-DD").format(item=item),
                    )
        advance = self._positive_int(info, "advance", where, "round.advance")
        minutes = self._positive_int(
            info, "presentation_minutes", where, "round.presentation_minutes"
        )
        timezone = self._timezone(info, where)
        return Round(
            id=round_id,
            title=title,
            province=province,
            year=year,
            stage=str(stage),
            venue=venue,
            dates=tuple(sorted(dates)),
            number_format=number_format,
            advance=advance,
            presentation_minutes=minutes,
            timezone=timezone,
        )

    def _timezone(self, info: dict[str, Any], where: tuple[str, int]) -> str:

        value = info.get("timezone")
        if value is None:
            return ""
        if not isinstance(value, str) or not known_zone(value):
            self.error(
                self.locate(*where, "timezone"),
                "round.timezone",
                _('{value!r}: expected an IANA time zone such as "Asia/Makassar"').format(
                    value=value
                ),
            )
            return ""
        return value

    def _positive_int(
        self, table: dict[str, Any], key: str, where: tuple[str, int], name: str
    ) -> int | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100_000:
            self.error(
                self.locate(*where, key),
                name,
                _("{value!r}: expected a whole number from 1 to 100000").format(value=value),
            )
            return None
        return value

    def _list(self, value: Any, name: str) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(
                self.locate(name, 0), name, _("expected [[{name}]] tables").format(name=name)
            )
            return []
        return value

    def _assessors(self, raw: Any) -> list[Assessor]:
        items = self._list(raw, "assessors")
        if not items and raw is None:
            self.error(None, "assessors", _("no [[assessors]]: a round needs its panel"))
        seen: set[str] = set()
        result = []
        for i, item in enumerate(items):
            where = ("assessors", i)
            assessor_id = self._str(item, "id", where, True, "assessors.id")
            if assessor_id and not NOMINEE_ID.match(assessor_id):
                self.error(
                    self.locate(*where, "id"),
                    "assessors.id",
                    _("{assessor_id!r}: use letters, digits, '-', '_' or '.'").format(
                        assessor_id=assessor_id
                    ),
                )
            if assessor_id in seen:
                self.error(
                    self.locate(*where, "id"),
                    "assessors.id",
                    _("duplicate assessor id {assessor_id!r}").format(assessor_id=assessor_id),
                )
            seen.add(assessor_id)
            name = self._str(item, "name", where, True, "assessors.name")
            affiliation = item.get("affiliation", "other")
            if affiliation not in AFFILIATIONS:
                self.error(
                    self.locate(*where, "affiliation"),
                    "assessors.affiliation",
                    _("{affiliation!r}: expected one of {items}").format(
                        affiliation=affiliation, items=", ".join(AFFILIATIONS)
                    ),
                )
            result.append(Assessor(assessor_id, name, str(affiliation)))
        return result

    def _categories(self, raw: Any, rubric_ids: set[str]) -> list[Category]:
        items = self._list(raw, "categories")
        if not items and raw is None:
            self.error(None, "categories", _("no [[categories]]: a round needs at least one"))
        seen: set[str] = set()
        result = []
        for i, item in enumerate(items):
            where = ("categories", i)
            category_id = self._str(item, "id", where, True, "categories.id")
            if category_id in seen:
                self.error(
                    self.locate(*where, "id"),
                    "categories.id",
                    _("duplicate category id {category_id!r}").format(category_id=category_id),
                )
            seen.add(category_id)
            title = self._str(item, "title", where, True, "categories.title")
            rubric = self._str(item, "rubric", where, True, "categories.rubric")
            if rubric and rubric not in rubric_ids:
                self.error(
                    self.locate(*where, "rubric"),
                    "categories.rubric",
                    _("unknown rubric {rubric!r} (rubrics: {items})").format(
                        rubric=rubric, items=", ".join(sorted(rubric_ids)) or _("none")
                    ),
                )
            result.append(Category(category_id, title, rubric))
        return result

    def _rubrics(self, raw: Any) -> list[Rubric]:
        items = self._list(raw, "rubrics")
        if not items and raw is None:
            self.error(None, "rubrics", _("no [[rubrics]]: a round needs at least one"))
        seen: set[str] = set()
        result = []
        criterion_block = -1
        for i, item in enumerate(items):
            where = ("rubrics", i)
            rubric_id = self._str(item, "id", where, True, "rubrics.id")
            if rubric_id in seen:
                self.error(
                    self.locate(*where, "id"),
                    "rubrics.id",
                    _("duplicate rubric id {rubric_id!r}").format(rubric_id=rubric_id),
                )
            seen.add(rubric_id)
            scale = item.get("scale")
            low, high, step = 1.0, 5.0, 1.0
            if not isinstance(scale, dict):
                self.error(
                    self.locate(*where, "scale"),
                    "rubrics.scale",
                    _("required: scale = { min = 1, max = 5 } (step = 0.5 for half points)"),
                )
            else:
                low = self._number(scale.get("min"), where, "rubrics.scale.min")
                high = self._number(scale.get("max"), where, "rubrics.scale.max")
                step = self._number(scale.get("step", 1), where, "rubrics.scale.step")
                if step <= 0:
                    self.error(
                        self.locate(*where, "scale"), "rubrics.scale.step", _("must be positive")
                    )
                    step = 1.0
                elif high <= low:
                    self.error(
                        self.locate(*where, "scale"),
                        "rubrics.scale",
                        _("max ({high:g}) must be above min ({low:g})").format(high=high, low=low),
                    )
                elif not (high - low) / step <= 1000:
                    # Also an infinite count (max - min, or the steps, past a float's range),
                    # which the evenness test below could not round.
                    self.error(
                        self.locate(*where, "scale"),
                        "rubrics.scale.step",
                        _("more than 1000 steps on the scale"),
                    )
                elif abs((high - low) / step - round((high - low) / step)) > 1e-9:
                    self.error(
                        self.locate(*where, "scale"),
                        "rubrics.scale.step",
                        _("{step:g} does not divide the scale {low:g}–{high:g} evenly").format(
                            step=step, low=low, high=high
                        ),
                    )
            criteria = []
            raw_criteria = item.get("criteria")
            if not isinstance(raw_criteria, list) or not raw_criteria:
                self.error(
                    self.locate(*where),
                    "rubrics.criteria",
                    _("rubric {rubric_id!r} has no [[rubrics.criteria]]").format(
                        rubric_id=rubric_id
                    ),
                )
                raw_criteria = []
            criterion_ids: set[str] = set()
            for raw_criterion in raw_criteria:
                criterion_block += 1
                cwhere = ("rubrics.criteria", criterion_block)
                if not isinstance(raw_criterion, dict):
                    self.error(self.locate(*cwhere), "rubrics.criteria", _("expected a table"))
                    continue
                criterion = self._criterion(raw_criterion, cwhere, low, high, step)
                if criterion.id in criterion_ids:
                    self.error(
                        self.locate(*cwhere, "id"),
                        "rubrics.criteria.id",
                        _("duplicate criterion id {criterion!r} in rubric {rubric_id!r}").format(
                            criterion=criterion.id, rubric_id=rubric_id
                        ),
                    )
                criterion_ids.add(criterion.id)
                criteria.append(criterion)
            if not math.isfinite(sum(c.weight for c in criteria)):
                # Each weight is finite, their sum is not: every total would be NaN.
                self.error(
                    self.locate(*where),
                    "criteria.weight",
                    _(
                        "the weights of rubric {rubric_id!r} add up to more than a number can"
                        " hold: use smaller weights (only their ratios count)"
                    ).format(rubric_id=rubric_id),
                )
            result.append(Rubric(rubric_id, low, high, step, tuple(criteria)))
        return result

    def _number(self, value: Any, where: tuple[str, int], name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
            self.error(
                self.locate(*where, "scale"),
                name,
                _("{value!r}: expected a number").format(value=value),
            )
            return 0.0
        return float(value)

    def _criterion(
        self, item: dict[str, Any], where: tuple[str, int], low: float, high: float, step: float
    ) -> Criterion:
        criterion_id = self._str(item, "id", where, True, "criteria.id")
        if criterion_id and not NOMINEE_ID.match(criterion_id):
            self.error(
                self.locate(*where, "id"),
                "criteria.id",
                _("{criterion_id!r}: use letters, digits, '-', '_' or '.'").format(
                    criterion_id=criterion_id
                ),
            )
        title = self._str(item, "title", where, True, "criteria.title")
        guidance = self._str(item, "guidance", where, False, "criteria.guidance")
        weight = item.get("weight")
        if (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float))
            or not _finite(weight)
            or weight <= 0
        ):
            self.error(
                self.locate(*where, "weight"),
                "criteria.weight",
                _("{weight!r}: expected a positive number").format(weight=weight),
            )
            weight = 1
        claims = item.get("claims", [])
        if isinstance(claims, str):
            claims = [claims]
        if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
            self.error(
                self.locate(*where, "claims"),
                "criteria.claims",
                _('expected a list of claim key patterns such as ["coverage.*"]'),
            )
            claims = []
        levels: list[tuple[float, str]] = []
        raw_levels = item.get("levels", {})
        if not isinstance(raw_levels, dict):
            self.error(
                self.locate(*where, "levels"),
                "criteria.levels",
                _('expected a table such as { 1 = "None", 5 = "Full" }'),
            )
            raw_levels = {}
        for key, text in raw_levels.items():
            try:
                level = float(key)
            except ValueError:
                self.error(
                    self.locate(*where, "levels"),
                    "criteria.levels",
                    _("level {key!r} is not a score").format(key=key),
                )
                continue
            if not low - 1e-9 <= level <= high + 1e-9:
                self.error(
                    self.locate(*where, "levels"),
                    "criteria.levels",
                    _("level {key} is outside the scale {low:g}–{high:g}").format(
                        key=key, low=low, high=high
                    ),
                )
            if not isinstance(text, str):
                self.error(
                    self.locate(*where, "levels"),
                    "criteria.levels",
                    _("level {key} must be a text").format(key=key),
                )
                continue
            levels.append((level, text))
        return Criterion(
            criterion_id, title, float(weight), guidance, tuple(claims), tuple(sorted(levels))
        )


def _strings(doc: Any) -> Iterator[tuple[str, str]]:
    """Every text (keys too) in a parsed TOML document, with its dotted field name, in the
    order of the document (a key before its value)."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:  # a loop, not recursion: a document may nest deeply
        value, path = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            items = []
            for key, item in value.items():
                field_ = f"{path}.{key}" if path else str(key)
                items += [(str(key), path), (item, field_)]
            stack.extend(reversed(items))  # the first popped first
        elif isinstance(value, list):
            stack.extend((item, path) for item in reversed(value))


class _ControlsWritten:
    """Where each control character of the document's texts is written: as an escape
    (`\\u001b`, `\\U0000001b`, `\\b`, `\\f`) or, for a bidirectional control (legal raw TOML),
    itself. The texts are met in the order of the document, so the n-th occurrence of a
    character in them is the n-th written in the file (a comment or a literal string that
    spells an escape may shift it: best effort, as `locate`)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.found: dict[str, list[int]] = {}  # a line for each time it is written
        self.seen: dict[str, int] = {}  # how many of them the texts passed so far hold

    def _written(self, char: str) -> list[int]:
        if char not in self.found:
            code = ord(char)
            forms = [f"\\u{code:04x}", f"\\U{code:08x}".lower(), char]
            forms += {8: ["\\b"], 12: ["\\f"]}.get(code, [])
            found = []
            for number, line in enumerate(self.lines, 1):
                low = line.lower()
                found += [number] * sum(low.count(form) for form in forms)
            self.found[char] = found
        return self.found[char]

    def line(self, char: str) -> int | None:
        """The line of the first `char` of the next text (before `passed` is told of it)."""
        lines = self._written(char)
        index = self.seen.get(char, 0)
        return lines[index] if index < len(lines) else (lines[0] if lines else None)

    def passed(self, text: str) -> None:
        for char in set(CONTROL_CHARS.findall(text)):
            self.seen[char] = self.seen.get(char, 0) + text.count(char)


_KEY_BEFORE = re.compile(r"""([A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')\s*\Z""")


def inline_tables(text: str, name: str) -> list[tuple[int, dict[str, int]]]:
    """The inline tables written as `name = { ... }` or as the elements of `name = [{ ... }]`,
    in document order: each one's line and the line of each of its own keys.

    A small scanner of TOML's brackets, strings and comments: enough to say where a value
    of an inline table is, which tomllib does not.
    """
    found: list[tuple[int, dict[str, int]]] = []
    # Open brackets: (bracket, whether it is `name`'s array, the inline table's keys if any).
    stack: list[tuple[str, bool, dict[str, int] | None]] = []
    line, i, end = 1, 0, len(text)
    segment = 0  # where the text a key is read from starts
    pending = ""  # the bracket that opens `name`'s value, right after `name =`
    while i < end:
        ch = text[i]
        if ch == "\n":
            line, segment = line + 1, i + 1
        elif ch == "#":
            newline = text.find("\n", i)
            i = end if newline == -1 else newline
            continue
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            j = i + len(quote)
            while (
                j < end and not text.startswith(quote, j) and (len(quote) == 3 or text[j] != "\n")
            ):
                j += 2 if ch == '"' and text[j] == "\\" else 1
            line += text.count("\n", i, j)
            i = j + len(quote)
            continue
        elif ch == "[" and not stack and not text[segment:i].strip():
            newline = text.find("\n", i)  # a [table] header
            i = end if newline == -1 else newline
            continue
        elif ch == "=":
            key_match = _KEY_BEFORE.search(text[segment:i].rstrip())
            key = key_match.group(1).strip("\"'") if key_match else ""
            keys = stack[-1][2] if stack and stack[-1][0] == "{" else None
            if keys is not None and key:
                keys.setdefault(key, line)
            rest = text[i + 1 : i + 80].lstrip(" \t")
            pending = rest[:1] if key == name and rest[:1] in ("[", "{") else ""
        elif ch in "[{":
            keys = None
            if ch == "{" and (pending == "{" or (stack and stack[-1][1])):
                keys = {}
                found.append((line, keys))
            stack.append((ch, ch == "[" and pending == "[", keys))
            pending, segment = "", i + 1
        elif ch in "]}":
            if stack:
                stack.pop()
            segment = i + 1
        elif ch == ",":
            segment = i + 1
        i += 1
    return found
