"""Small helpers for the core tests: run the CLI, find problems, build XLSX files."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from panel_tui.cli import cli

# make_db(number_format="en", assessor="a1") -> path of a fresh assessor database
DbFactory = Callable[..., Path]


def run_cli(*args: str | Path) -> Result:
    """Invoke `panel-tui ARGS` in-process; a traceback would surface as result.exception."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"panel-tui {args} raised {result.exception!r}:\n{result.output}")
    assert "Traceback" not in result.output
    return result


def check_json(folder: Path) -> tuple[int, dict[str, list[dict[str, Any]]]]:
    """`panel-tui check FOLDER --json`: the exit code and the parsed report."""
    result = run_cli("check", folder, "--json")
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert set(data) == {"errors", "warnings"}
    for item in data["errors"] + data["warnings"]:
        assert set(item) == {"file", "line", "field", "message"}, item
        assert item["message"]
    return result.exit_code, data


def find(
    items: list[dict[str, Any]],
    *,
    file: str | None = None,
    line: int | str | None = None,
    field: str | None = None,
    text: str = "",
) -> dict[str, Any]:
    """The one problem matching every given attribute (and containing `text`)."""
    matches = [
        item
        for item in items
        if (file is None or item["file"] == file)
        and (line is None or item["line"] == line)
        and (field is None or item["field"] == field)
        and text.lower() in item["message"].lower()
    ]
    assert matches, f"no problem with file={file} line={line} field={field} {text!r} in {items}"
    return matches[0]


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the `occurrence`-th line containing `needle`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} occurs fewer than {occurrence} times")


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A one-sheet workbook with `rows` (the first is the header)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path
