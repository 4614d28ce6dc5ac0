"""One file, one answer: every format of the tally, the secretariat screen and the
`counted_scores` view give the same numbers, on a merged file and on an assessor's file."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any, cast

import pytest
from click.testing import CliRunner
from textual.widgets import DataTable

from panel_tui.cli import cli
from panel_tui.domain.scoring import weighted_total
from panel_tui.secretariat.tally_result import MEAN_DECIMALS, round_half_up
from panel_tui.storage.store import Store
from panel_tui.tui.secretariat.app import SecretariatApp

from .test_secretariat_app import _loaded


def _tally(path: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["tally", str(path), *args], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    return result.output


def _from_the_view(path: Path) -> dict[str, tuple[float | None, dict[str, float]]]:
    """nominee -> (total, criterion means) computed from `counted_scores` alone, by the
    contract's formula."""
    with Store.open(path, readonly=True) as store:
        round_ = store.round
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        averages: dict[str, dict[str, float]] = {}
        for nominee, criterion, mean in conn.execute(
            "SELECT nominee, criterion, AVG(value) FROM counted_scores GROUP BY nominee, criterion"
        ):
            averages.setdefault(nominee, {})[criterion] = mean
    finally:
        conn.close()
    found: dict[str, tuple[float | None, dict[str, float]]] = {}
    for nominee in round_.nominees:
        rubric = round_.rubric_for(nominee)
        means = averages.get(nominee.id, {})
        total = (
            round_half_up(cast(float, weighted_total(rubric, means)), 2)
            if all(c.id in means for c in rubric.criteria)
            else None
        )
        found[nominee.id] = (total, means)
    return found


def _agree(path: Path, tmp_path: Path) -> None:
    expected = _from_the_view(path)
    shown = {n: t for n, (t, _m) in expected.items() if t is not None}
    assert shown, "the file must have nominees with a total"

    # json: totals and every criterion mean
    results = [
        r
        for cat in json.loads(_tally(path, "--format", "json"))["categories"]
        for r in cat["results"]
    ]
    assert {r["nominee"] for r in results} == set(expected)
    for r in results:
        total, means = expected[r["nominee"]]
        assert r["total"] == total, r["nominee"]
        for criterion, mean in r["criteria"].items():
            if criterion in means:
                assert mean == round_half_up(means[criterion], MEAN_DECIMALS), (
                    r["nominee"],
                    criterion,
                )

    # csv
    rows = list(csv.DictReader(io.StringIO(_tally(path, "--format", "csv"))))
    for row in rows:
        total, means = expected[row["nominee"]]
        assert (float(row["total"]) if row["total"] else None) == total, row["nominee"]
        for criterion, mean in means.items():
            assert float(row[criterion]) == round_half_up(mean, MEAN_DECIMALS)

    # xlsx
    from openpyxl import load_workbook

    book_path = tmp_path / f"{path.stem}.xlsx"
    _tally(path, "--out", str(book_path))
    sheet = list(load_workbook(book_path)["Results"].iter_rows(values_only=True))
    header = sheet[0]
    for values in sheet[1:]:
        record: dict[Any, Any] = dict(zip(header, values, strict=True))
        assert record["total"] == expected[record["nominee"]][0], record["nominee"]

    # md, html and the terminal table: the nominee's row shows its total
    markdown = _tally(path, "--format", "md")
    page = _tally(path, "--format", "html")
    table = _tally(path)
    for nominee, total in shown.items():
        figure = f"{total:.2f}"
        assert any(
            f"| {nominee} |" in line and f"| {figure} |" in line for line in markdown.splitlines()
        ), nominee
        rows_html = re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S)
        assert any(
            f"<td>{html.escape(nominee)}</td>" in r and f">{figure}<" in r for r in rows_html
        ), nominee
        assert any(f" {nominee} " in line and figure in line for line in table.splitlines()), (
            nominee
        )


def test_a_merged_file_gives_one_answer_everywhere(panel_file: Path, tmp_path: Path) -> None:
    _agree(panel_file, tmp_path)


def test_an_assessors_file_gives_one_answer_everywhere(panel_file: Path, tmp_path: Path) -> None:
    assessor_file = panel_file.parent / "a1.db"
    _agree(assessor_file, tmp_path)


async def test_the_secretariat_screen_shows_the_same_totals(
    panel_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = {n: t for n, (t, _m) in _from_the_view(panel_file).items() if t is not None}
    monkeypatch.chdir(panel_file.parent)
    app = SecretariatApp(Path(panel_file.name))
    async with app.run_test(size=(200, 45)) as pilot:
        await _loaded(pilot)
        on_screen: dict[str, list[str]] = {}
        for table in app.query(".ranking-table").results(DataTable):
            for i in range(table.row_count):
                cells = [str(c) for c in table.get_row_at(i)]
                on_screen[cells[1]] = cells
    for nominee, total in shown.items():
        assert f"{total:.2f}" in on_screen[nominee], (nominee, on_screen[nominee])
