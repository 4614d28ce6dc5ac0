"""Loading and checking a round package: round.toml, nominees.csv|xlsx, claims.csv|xlsx.

`load_round` never raises on bad input: it returns what it could build and every problem
it found, each naming file, line (or cell) and field.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time
from itertools import compress
from operator import attrgetter
from pathlib import Path
from typing import Any

from panel_tui.domain.bulk import gc_paused
from panel_tui.domain.claim_checks import warnings_of
from panel_tui.domain.model import (
    AFFILIATIONS,
    STAGES,
    Assessor,
    Category,
    Claim,
    Criterion,
    Nominee,
    NumberFormat,
    Round,
    Rubric,
    defer_claims,
    new_claim,
    new_claims,
)
from panel_tui.domain.numbers import (
    NumberError,
    looks_numeric,
    parse_number,
    plain_numbers,
    plain_parser,
)
from panel_tui.domain.problems import PanelError, Problem
from panel_tui.i18n import _
from panel_tui.round_package.tables import (
    CONTROL_CHARS,
    Cell,
    Table,
    _control,
    find_table,
    looks_utf16,
    read_table,
)

ROUND_FILE = "round.toml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NOMINEE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
CLAIM_KEY = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
NOMINEE_COLUMNS = ("id", "name", "category", "presenter", "slot", "order")
CLAIM_COLUMNS = (
    "nominee",
    "key",
    "label",
    "value",
    "unit",
    "denominator",
    "denominator_label",
    "percent",
    "part_of",
    "source",
)
TEXT_UNITS = {"text", "teks"}
# The fields of Claim that new_claims takes as its first columns, in order (warnings after).
_CLAIM_COLUMN_FIELDS = tuple(f.name for f in fields(Claim) if f.name != "warnings")
_SLOT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", re.ASCII)


@dataclass
class LoadResult:
    round: Round | None
    problems: list[Problem] = field(default_factory=list)
    claim_count: int = 0  # the claims file's claims without errors (the round's, if any)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def load_round(folder: Path | str) -> LoadResult:
    # A national round builds ~10 objects per claim, none of them cyclic: pausing the cyclic
    # garbage collector while they are built halves the time `check` takes.
    with gc_paused():
        return _load_round(Path(folder))


def _load_round(folder: Path) -> LoadResult:
    problems: list[Problem] = []
    if not folder.is_dir():
        problems.append(
            Problem(str(folder), None, None, _("not a folder: a round package is a folder"))
        )
        return LoadResult(None, problems)
    header = _RoundToml(folder / ROUND_FILE, problems).load()
    if header is None:
        return LoadResult(None, problems)
    nominees = _load_nominees(folder, header, problems)
    build_claims, claim_count = _load_claims(folder, header, nominees, problems)
    has_errors = any(p.severity == "error" for p in problems)
    if has_errors or nominees is None:
        return LoadResult(None, problems, claim_count)
    round_ = replace(header, nominees=tuple(nominees), claims=())
    return LoadResult(defer_claims(round_, build_claims), problems, claim_count)


def load_round_or_raise(folder: Path | str) -> tuple[Round, list[Problem]]:
    """The round and its warnings, or PanelError listing every error."""
    result = load_round(folder)
    if result.round is None:
        raise PanelError(
            _("the round package {folder} has errors:").format(folder=folder), result.errors
        )
    return result.round, result.warnings


def _finite(value: float) -> bool:
    """A usable number: not NaN, not infinite, not an integer too large for a float."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


# --- round.toml -------------------------------------------------------------------------


class _RoundToml:
    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.lines: list[str] = []
        self.ok = True

    def error(self, line: int | None, field_: str | None, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(ROUND_FILE, line, field_, message))

    def warn(self, line: int | None, field_: str | None, message: str) -> None:
        self.problems.append(Problem(ROUND_FILE, line, field_, message, "warning"))

    def locate(self, table: str, index: int, key: str | None = None) -> int | None:
        """Line of `key` inside the index-th `[table]`/`[[table]]` block (best effort)."""
        count = -1
        current = False
        start = None
        for number, raw in enumerate(self.lines, start=1):
            line = raw.strip()
            header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", line)
            if header:
                # A sub-table such as [[rubrics.criteria]] ends the keys of its parent block.
                if header.group(1) == table:
                    count += 1
                    current = count == index
                    if current:
                        start = number
                else:
                    current = False
                continue
            if current and key and re.match(rf"^{re.escape(key)}\s*=", line):
                return number
        return start

    def load(self) -> Round | None:
        if not self.path.is_file():
            self.error(None, None, _("round.toml is missing: a round package needs it"))
            return None
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            self.error(
                None, None, _("cannot read the file: {error}").format(error=exc.strerror or exc)
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
        for field_, value in _strings(doc):
            control = CONTROL_CHARS.search(value)
            if control:
                # As written in the file: an escape, or (bidi controls are legal raw TOML) the
                # character itself.
                code = ord(control.group())
                written = (f"\\u{code:04x}", f"\\U{code:08x}".lower(), control.group())
                line = next(
                    (
                        i
                        for i, ln in enumerate(self.lines, 1)
                        if any(form in ln.lower() for form in written)
                    ),
                    None,
                )
                self.error(line, field_, _control(control))
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
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
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
        from panel_tui.domain.local_time import known_zone

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
                elif abs((high - low) / step - round((high - low) / step)) > 1e-9:
                    self.error(
                        self.locate(*where, "scale"),
                        "rubrics.scale.step",
                        _("{step:g} does not divide the scale {low:g}–{high:g} evenly").format(
                            step=step, low=low, high=high
                        ),
                    )
                elif (high - low) / step > 1000:
                    self.error(
                        self.locate(*where, "scale"),
                        "rubrics.scale.step",
                        _("more than 1000 steps on the scale"),
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
    """Every text (keys too) in a parsed TOML document, with its dotted field name."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:  # a loop, not recursion: a document may nest deeply
        value, path = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield path, str(key)
                stack.append((item, f"{path}.{key}" if path else str(key)))
        elif isinstance(value, list):
            stack.extend((item, path) for item in value)


# --- nominees and claims --------------------------------------------------------------


def _load_nominees(folder: Path, round_: Round, problems: list[Problem]) -> list[Nominee] | None:
    """The nominees; None when the file is missing or unreadable (its problems say why)."""
    path = find_table(folder, "nominees", problems)
    if path is None:
        if not any(p.file.lower().startswith("nominees.") for p in problems):
            problems.append(
                Problem("nominees.csv", None, None, _("nominees.csv (or nominees.xlsx) is missing"))
            )
        return None
    table = read_table(path, ("id", "name", "category"), NOMINEE_COLUMNS, problems)
    if table is None:
        return None
    name = table.file
    categories = {c.id for c in round_.categories}
    if table.index is not None:  # CSV (XLSX cells may hold dates and numbers: row by row)
        sound = _sound_nominees(table.column_texts(NOMINEE_COLUMNS), round_, categories)
        if sound is not None:
            if not sound:
                problems.append(
                    Problem(
                        name, None, None, _("no nominees: the file has only its header"), "warning"
                    )
                )
            return sound
    seen: dict[str, int | str] = {}
    result = []
    lines = table.row_lines()
    raws = table.raws(("slot", "order"))
    for number, (nominee_id, nominee_name, category, presenter, slot_text, order_text) in enumerate(
        table.texts(NOMINEE_COLUMNS)
    ):
        line = lines[number]

        def error(column: str, message: str, number: int = number) -> None:
            problems.append(Problem(name, table.where(number, column), column, message))

        nominee_id = nominee_id.strip()
        if not nominee_id:
            error("id", _("required, empty"))
            continue
        if not NOMINEE_ID.match(nominee_id):
            error(
                "id",
                _("{nominee_id!r}: use letters, digits, '-', '_' or '.'").format(
                    nominee_id=nominee_id
                ),
            )
        if nominee_id in seen:
            error(
                "id",
                _("duplicate nominee id {nominee_id!r} (first at {seen})").format(
                    nominee_id=nominee_id, seen=seen[nominee_id]
                ),
            )
            continue
        seen[nominee_id] = line
        nominee_name = nominee_name.strip()
        if not nominee_name:
            error("name", _("required, empty"))
        category = category.strip()
        if not category:
            error("category", _("required, empty"))
        elif category not in categories:
            error(
                "category",
                _("unknown category {category!r} (round.toml has: {items})").format(
                    category=category, items=", ".join(sorted(categories)) or _("none")
                ),
            )
        slot_raw, order_raw = (None, None) if raws is None else raws[number]
        slot = None
        if slot_raw is not None or slot_text.strip():  # else _slot finds nothing to read
            slot = _slot(Cell(slot_text, slot_raw, line), round_, lambda m: error("slot", m))
        order = None
        if order_text.strip():
            order = _integer(
                Cell(order_text, order_raw, line),
                round_.number_format,
                lambda m: error("order", m),
            )
        result.append(Nominee(nominee_id, nominee_name, category, presenter.strip(), slot, order))
    if not table.count:
        problems.append(
            Problem(name, None, None, _("no nominees: the file has only its header"), "warning")
        )
    return result


def _sound_nominees(
    columns: list[list[str]], round_: Round, categories: set[str]
) -> list[Nominee] | None:
    """The nominees of a CSV table in which `_load_nominees` finds no problem, worked out a
    column at a time; None when some row has one (the row-by-row reading then reports it).
    Every test below is one `_load_nominees` makes on each row."""
    strip = str.strip
    ids, names, nominee_categories, presenters, slot_texts, order_texts = (
        list(map(strip, column)) for column in columns
    )
    if not (
        all(ids)
        and all(map(NOMINEE_ID.match, ids))
        and len(set(ids)) == len(ids)
        and all(names)
        and all(nominee_categories)
        and categories.issuperset(nominee_categories)
    ):
        return None
    try:
        cells = list(compress(slot_texts, slot_texts))
        if all(map(_SLOT.fullmatch, cells)):  # the usual form, which _slot reads so
            found: list[datetime | None] = list(map(datetime.fromisoformat, cells))
        else:
            found = [_slot(Cell(cell), round_, _refuse) for cell in cells]
        slots = _spread(found, slot_texts)
        # An order is read from the cell as written, as _integer reads it.
        numbers = _numbers(columns[5], order_texts, round_.number_format)
    except (ValueError, _Refused):  # NumberError is a ValueError
        return None
    if not all(n is None or (n.is_integer() and abs(n) <= 1_000_000_000) for n in numbers):
        return None
    orders = [None if n is None else int(n) for n in numbers]
    return list(map(Nominee, ids, names, nominee_categories, presenters, slots, orders))


class _Refused(Exception):
    """A cell the row-by-row reading would report."""


def _refuse(message: str) -> None:
    raise _Refused(message)


def _spread(found: list[Any], texts: list[str]) -> list[Any]:
    """`found` (one per non-empty text, in order) in the rows of those texts, else None."""
    if len(found) == len(texts):
        return found
    values = iter(found)
    return [next(values) if text else None for text in texts]


def _slot(cell: Cell, round_: Round, error: Any) -> datetime | None:
    if isinstance(cell.raw, datetime):
        return cell.raw.replace(second=0, microsecond=0)
    text = cell.text.strip()
    if isinstance(cell.raw, time):
        text = cell.raw.strftime("%H:%M")
    if not text:
        return None
    if _SLOT.fullmatch(text):  # the usual form, without strptime's cost
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            pass
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text)
    if match:
        if not round_.dates:
            error(
                _(
                    "{text!r} gives only a time: add dates to round.toml or write YYYY-MM-DD HH:MM"
                ).format(text=text)
            )
            return None
        try:
            return datetime.combine(round_.dates[0], time(int(match.group(1)), int(match.group(2))))
        except ValueError:
            pass
    error(_("{text!r} is not a time: expected YYYY-MM-DD HH:MM or HH:MM").format(text=text))
    return None


def _integer(cell: Cell, number_format: NumberFormat, error: Any) -> int | None:
    value = _number(cell, number_format, error)
    if value is None:
        return None
    if not float(value).is_integer():
        error(_("{text!r}: expected a whole number").format(text=cell.text))
        return None
    if abs(value) > 1_000_000_000:
        error(_("{text!r}: expected a whole number below 1,000,000,000").format(text=cell.text))
        return None
    return int(value)


def _number(cell: Cell, number_format: NumberFormat, error: Any) -> float | None:
    if isinstance(cell.raw, float):
        return cell.raw
    try:
        return parse_number(cell.text, number_format)
    except NumberError as exc:
        error(str(exc))
        return None


def _checked_claims(
    table: Table,
    rows_texts: list[tuple[str, ...]],
    known: set[str] | None,
    fmt: NumberFormat,
    problems: list[Problem],
) -> tuple[list[Claim], list[int]]:
    """Every row checked, its problems reported: the claims without errors and their rows."""
    name = table.file

    def error(row: int, column: str, message: str) -> None:
        problems.append(Problem(name, table.where(row, column), column, message))

    plain = plain_parser(fmt)

    def number(row: int, column: str, text: str, raw: object) -> float | None:
        if isinstance(raw, float):  # an XLSX number, taken as it is
            return raw
        try:
            return parse_number(text, fmt)
        except NumberError as exc:
            message = str(exc)
            if column == "value":
                message = _("{problem} (if it is meant as text, give it the unit text)").format(
                    problem=message
                )
            error(row, column, message)
            return None

    seen: dict[tuple[str, str], int | str] = {}
    good_keys: set[str] = set()  # nominees share their claim keys: match each once
    claims: list[Claim] = []
    rows: list[int] = []  # each claim's row
    lines = table.row_lines()
    raws = table.raws(("value", "denominator", "percent"))
    no_raws = (None, None, None)
    strip = str.strip
    add_claim, add_row = claims.append, rows.append
    for row, texts in enumerate(rows_texts):
        errors_before = len(problems)
        (
            nominee,
            key,
            label,
            text,
            unit,
            denominator_text,
            denominator_label,
            percent_text,
            part_of,
            source,
        ) = map(strip, texts)
        value_raw, denominator_raw, percent_raw = no_raws if raws is None else raws[row]
        if not nominee:
            error(row, "nominee", _("required, empty"))
        elif known is not None and nominee not in known:
            error(
                row,
                "nominee",
                _("unknown nominee {nominee!r} (not in the nominees file)").format(nominee=nominee),
            )
        pair = (nominee, key)
        # Lines are distinct, so another line here means the key was seen before.
        line = lines[row]
        first = seen.setdefault(pair, line)
        if not key:
            error(row, "key", _("required, empty"))
        elif key not in good_keys and not _good_key(key, good_keys):
            error(
                row,
                "key",
                _("{key!r}: a dotted key such as coverage.vulnerable.farmers").format(key=key),
            )
        elif first != line:
            error(
                row,
                "key",
                _("duplicate key {key!r} for nominee {nominee!r} (first at {seen})").format(
                    key=key, nominee=nominee, seen=first
                ),
            )
        if not label:
            error(row, "label", _("required, empty"))
        value: float | None = None
        if not text:
            error(row, "value", _("required, empty"))
        elif unit.lower() not in TEXT_UNITS:
            # A number is parsed from the cell as written (an error quotes it so). A plain
            # number (the usual cell) looks numeric too: parse it at once; what is not plain,
            # parse_number reads or explains.
            value_text = texts[3]
            if value_raw is None:
                value = plain(value_text)
            if value is None and (isinstance(value_raw, float) or looks_numeric(value_text)):
                value = number(row, "value", value_text, value_raw)
        denominator = percent = None
        if denominator_text:
            if denominator_raw is None:
                denominator = plain(texts[5])
            if denominator is None:
                denominator = number(row, "denominator", texts[5], denominator_raw)
            if denominator is not None and denominator <= 0:
                error(row, "denominator", _("must be a positive number (the population)"))
                denominator = None
        if percent_text:
            if percent_raw is None:
                percent = plain(texts[7])
            if percent is None:
                percent = number(row, "percent", texts[7], percent_raw)
        if len(problems) > errors_before:
            continue
        claim = new_claim(
            nominee,
            key,
            label,
            value,
            text,
            unit,
            denominator,
            denominator_label,
            percent,
            part_of,
            source,
        )
        add_claim(claim)
        add_row(row)
    return claims, rows


def _sound_claims(
    columns: list[list[str]], known: set[str] | None, fmt: NumberFormat
) -> list[list[Any]] | None:
    """The claims of a CSV table in which `_checked_claims` finds no problem, worked out a
    column at a time (most of it by C code), as the columns of `new_claims` (nominee through
    source); None when some row has one, and then `_checked_claims` reads the table row by
    row to report it.

    The usual claims file has no error: a national round's `check` spends most of its time
    here. Every test below is one `_checked_claims` makes on each row.
    """
    if not columns[0]:
        return [[] for _field in _CLAIM_COLUMN_FIELDS]
    strip = str.strip
    (
        nominees,
        keys,
        labels,
        value_texts,
        units,
        denominator_texts,
        denominator_labels,
        percent_texts,
        part_ofs,
        sources,
    ) = (list(map(strip, column)) for column in columns)
    if not (
        all(nominees)
        and (known is None or known.issuperset(nominees))
        and all(keys)
        and all(map(CLAIM_KEY.match, set(keys)))
        and len(set(zip(nominees, keys, strict=True))) == len(keys)  # no duplicate key
        and all(labels)
        and all(value_texts)
    ):
        return None
    plain = plain_parser(fmt)
    text_units = {unit for unit in set(units) if unit.lower() in TEXT_UNITS}
    written = columns[3]  # numbers are read from the cells as written
    values = [
        None if unit in text_units else plain(text)
        for text, unit in zip(written, units, strict=True)
    ]
    try:
        if values.count(None) != sum(map(text_units.__contains__, units)):
            for row, value in enumerate(values):
                # What plain_parser does not read: a number written otherwise, or free text.
                if value is None and units[row] not in text_units and looks_numeric(written[row]):
                    values[row] = parse_number(written[row], fmt)
        denominators = _numbers(columns[5], denominator_texts, fmt)
        percents = _numbers(columns[7], percent_texts, fmt)
    except NumberError:
        return None
    if any(d is not None and d <= 0 for d in denominators):
        return None
    return [
        nominees,
        keys,
        labels,
        values,
        value_texts,
        units,
        denominators,
        denominator_labels,
        percents,
        part_ofs,
        sources,
    ]


def _numbers(written: list[str], stripped: list[str], fmt: NumberFormat) -> list[float | None]:
    """Each non-empty cell's number (None for an empty one); NumberError when one is none."""
    cells = list(compress(written, stripped))
    found = plain_numbers(cells, fmt)
    if None in found:  # some cell plain_parser did not read
        found = [
            parse_number(cell, fmt) if number is None else number
            for cell, number in zip(cells, found, strict=True)
        ]
    return _spread(found, stripped)


def _good_key(key: str, good_keys: set[str]) -> bool:
    """True (and remembered) when `key` is a dotted claim key."""
    if CLAIM_KEY.match(key):
        good_keys.add(key)
        return True
    return False


def _load_claims(
    folder: Path, round_: Round, nominees: list[Nominee] | None, problems: list[Problem]
) -> tuple[Callable[[], list[Claim]], int]:
    """The claims (a function that builds them) and how many; with `nominees` None
    (unreadable) their nominee ids go unchecked, so one broken nominees file does not bury
    its own error under one error per claim.

    The claims are checked, and their warnings worked out, a column at a time; the claim
    objects themselves (50,000 of them in a national round, 12 fields each) are built only
    when something reads them: `check` never does.
    """
    path = find_table(folder, "claims", problems)
    if path is None:
        return list, 0
    table = read_table(path, ("nominee", "key", "label", "value"), CLAIM_COLUMNS, problems)
    if table is None:
        return list, 0
    name = table.file
    known = None if nominees is None else {n.id for n in nominees}
    rows: Sequence[int]  # each claim's row
    columns = None
    if table.index is not None:  # CSV (XLSX cells may hold numbers: read row by row)
        columns = _sound_claims(table.column_texts(CLAIM_COLUMNS), known, round_.number_format)
    if columns is not None:
        rows = range(len(columns[0]))
    else:
        claims, rows = _checked_claims(
            table, table.texts(CLAIM_COLUMNS), known, round_.number_format, problems
        )
        columns = [list(map(attrgetter(f), claims)) for f in _CLAIM_COLUMN_FIELDS]
    nominee_ids, keys, _labels, values, texts, units, denominators = columns[:7]
    percents, part_ofs = columns[8], columns[9]
    # The claims (and their rows) that name a part_of, checked once every key is known.
    parts = [i for i, part_of in enumerate(part_ofs) if part_of]
    if parts:
        pairs = set(zip(nominee_ids, keys, strict=True))
        for i in parts:
            nominee, key, part_of = nominee_ids[i], keys[i], part_ofs[i]
            if part_of == key:
                problems.append(
                    Problem(
                        name,
                        table.where(rows[i], "part_of"),
                        "part_of",
                        _("a claim cannot be a part of itself"),
                    )
                )
            elif (nominee, part_of) not in pairs:
                problems.append(
                    Problem(
                        name,
                        table.where(rows[i], "part_of"),
                        "part_of",
                        _("no claim {part_of!r} for nominee {nominee!r}").format(
                            part_of=part_of, nominee=nominee
                        ),
                    )
                )
    found = warnings_of(nominee_ids, keys, values, texts, units, denominators, percents, part_ofs)
    # A stated percentage over 100 is the percent cell's fault; the rest concern value.
    stated = _("stated percent {percent}% is over 100%").split("{", 1)[0]
    for i in [i for i, warnings in enumerate(found) if warnings]:
        for message in found[i]:
            column = "percent" if message.startswith(stated) else "value"
            problems.append(
                Problem(
                    name,
                    table.where(rows[i], column),
                    column,
                    f"{nominee_ids[i]} {keys[i]}: {message}",
                    "warning",
                )
            )

    def build() -> list[Claim]:
        with gc_paused():
            return new_claims(*columns, found)

    return build, len(rows)
