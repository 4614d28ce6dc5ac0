"""Writing a tally for other tools: JSON, CSV, XLSX, and the terminal table.

Text cells that a spreadsheet would take for a formula (starting with = + - @, a tab or a
carriage return) get a leading apostrophe in CSV, and are stored as text with the quote-prefix
style in XLSX; numbers stay numbers. Files are written under a
temporary name and renamed, so a failed export leaves nothing half-written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from panel_tui.i18n import _, language
from panel_tui.output.json_text import dumps_indented
from panel_tui.secretariat.manifest import manifest
from panel_tui.secretariat.robustness import explain as explain_result
from panel_tui.secretariat.tally_result import TallyResult
from panel_tui.storage.atomic import write_atomic

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
        explanations = explain_result(result)
        for category in data["categories"]:
            category.update(explanations[category["id"]])
        data["manifest"] = manifest(result)
    return dumps_indented(data) + "\n"


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

    indonesian = language() == "id"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if indonesian else ",", lineterminator="\r\n")
    writer.writerow(result_labels(result))
    for row in result_rows(result):
        writer.writerow([_csv_cell(v, decimal_comma=indonesian) for v in row])
    return buffer.getvalue()


# --- XLSX -------------------------------------------------------------------------------


# --- the terminal table -----------------------------------------------------------------
