"""Methods, sensitivity, agreement and the manifest (shared/fairness.md) on a hand-checked
panel where a harsh assessor's recusal decides who advances."""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from fixtures.rounds import fairness_round, write_round
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.cli import cli
from panel_tui.domain.problems import PanelError
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.tally import tally_database
from panel_tui.storage.store import Store

# One score per assessor and nominee, given on every criterion, so a sheet total is
# 25·(s − 1) and a nominee's total is 25·(m − 1). a1 is harsh, and recused from klu.
# None = recused, 0 = not scored.
SHEETS: dict[str, dict[str, int | None]] = {
    "lotim": {"a1": 3, "a2": 5, "a3": 5},
    "klu": {"a1": None, "a2": 4, "a3": 4},
    "loteng": {"a1": 2, "a2": 4, "a3": 4},
    "mataram": {"a1": 2, "a2": 5, "a3": 4},
    "bima": {"a1": 1, "a2": 3, "a3": 3},
}
CRITERIA = ("regulation", "coverage", "innovation")


def build_panel(tmp_path: Path, sheets: dict[str, dict[str, int | None]] = SHEETS) -> Path:
    folder = tmp_path / "round"
    folder.mkdir()
    write_round(folder, fairness_round(sheets))
    files = []
    for assessor in ("a1", "a2", "a3"):
        path = tmp_path / f"{assessor}.db"
        init_assessor_db(folder, assessor, path)
        with Store.open(path) as store:
            for nominee, row in sheets.items():
                if row[assessor] is None:
                    store.recuse(nominee, "former employee")
                    continue
                if row[assessor] == 0:  # not scored (yet): the nominee is incomplete
                    continue
                for criterion in CRITERIA:
                    store.record_score(nominee, criterion, row[assessor])
        files.append(path)
    out = tmp_path / "merged.db"
    assert merge(out, files).ok
    return out


@pytest.fixture
def panel(tmp_path: Path) -> Path:
    return build_panel(tmp_path)


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def totals(path: Path, method: str) -> dict[str, tuple[int, float | None, bool]]:
    result = tally_database(path, method=method)
    return {
        r.nominee.id: (r.rank, r.total, r.advances)
        for cat in result.categories
        for r in cat.results
    }


def test_the_mean_by_hand(panel: Path) -> None:
    # lotim (3+5+5)/3 -> 25·(13/3 − 1) = 83.33; klu 4 (a1 recused) -> 75; mataram 11/3 -> 66.67
    assert totals(panel, "mean") == {
        "lotim": (1, 83.33, True),
        "klu": (2, 75.0, True),
        "mataram": (3, 66.67, False),
        "loteng": (4, 58.33, False),
        "bima": (5, 33.33, False),
    }


def test_median_and_trimmed_by_hand(panel: Path) -> None:
    # medians: lotim 5, klu 4 (two scores: their mean), loteng 4, mataram 4, bima 3: three
    # nominees tie on 75 at rank 2 (equal on every criterion), and all of them advance
    expected = {
        "lotim": (1, 100.0, True),
        "klu": (2, 75.0, True),
        "loteng": (2, 75.0, True),
        "mataram": (2, 75.0, True),
        "bima": (5, 50.0, False),
    }
    assert totals(panel, "median") == expected
    assert totals(panel, "trimmed") == expected  # 3 scores: the median; 2: the mean


def test_zscore_by_hand(panel: Path) -> None:
    # K = lotim, loteng, mataram, bima (klu has a recusal). a1: 3,2,2,1 -> μ 2, σ √0.5;
    # a2: 5,4,5,3 -> μ 4.25, σ √0.6875; a3: 5,4,4,3 -> μ 4, σ √0.5; pooled over the 12 values
    # μ = 41/12, σ = √(159/12 − μ²).
    mu = 41 / 12
    sigma: float = (159 / 12 - mu * mu) ** 0.5
    stats: dict[str, tuple[float, float]] = {
        "a1": (2.0, 0.5**0.5),
        "a2": (4.25, 0.6875**0.5),
        "a3": (4.0, 0.5**0.5),
    }

    def z(assessor: str, s: float) -> float:
        mean, sd = stats[assessor]
        return mu + sigma * (s - mean) / sd

    def total(nominee: str) -> float:
        row = [(a, s) for a, s in SHEETS[nominee].items() if s is not None]
        m = sum(z(a, s) for a, s in row) / len(row)
        return round(25 * (m - 1), 2)

    assert [total(n) for n in ("lotim", "mataram", "loteng", "klu", "bima")] == [
        99.47,
        69.88,
        57.26,
        55.68,
        15.05,
    ]
    assert totals(panel, "zscore") == {
        "lotim": (1, 99.47, True),
        "mataram": (2, 69.88, True),
        "loteng": (3, 57.26, False),
        "klu": (4, 55.68, False),
        "bima": (5, 15.05, False),
    }


def test_the_mean_is_byte_for_byte_the_default(panel: Path) -> None:
    plain = run("tally", panel, "--format", "json")
    chosen = run("tally", panel, "--format", "json", "--method", "mean")
    assert plain == chosen and plain[0] == 0
    assert "sensitivity" not in plain[1] and "manifest" not in plain[1]


def test_method_errors(panel: Path, tmp_path: Path) -> None:
    code, out = run("tally", panel, "--method", "harmonic")
    assert code == 2 and "harmonic" in out
    code, out = run("tally", tmp_path / "a1.db", "--method", "median")
    assert code == 1 and "only the mean applies" in out
    code, out = run("tally", panel, "--explain")
    assert code == 2 and "--explain is for --format json" in out


def test_zscore_is_refused_with_too_few_calibration_nominees(tmp_path: Path) -> None:
    # a1 recused from two of four: only loteng and mataram could calibrate
    sheets: dict[str, dict[str, int | None]] = {
        "lotim": {"a1": None, "a2": 5, "a3": 5},
        "klu": {"a1": None, "a2": 4, "a3": 4},
        "loteng": {"a1": 2, "a2": 4, "a3": 4},
        "mataram": {"a1": 2, "a2": 5, "a3": 4},
    }
    path = build_panel(tmp_path, sheets)
    code, out = run("tally", path, "--method", "zscore")
    assert code == 1
    assert "pemkab: fewer than 3 complete nominees" in out
    with pytest.raises(PanelError):
        tally_database(path, method="zscore")
    code, out = run("tally", path, "--format", "json", "--explain")
    data = json.loads(out)
    sensitivity = data["categories"][0]["sensitivity"]
    assert "zscore" in sensitivity["unavailable"]
    assert sensitivity["nominees"][0]["methods"]["zscore"] is None
    assert data["categories"][0]["zscore_calibration"]["available"] is False


def explained(panel: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    code, out = run("tally", panel, "--format", "json", "--explain", *extra)
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def test_sensitivity_by_hand(panel: Path) -> None:
    data = explained(panel)
    cat = data["categories"][0]
    assert [r["nominee"] for r in cat["results"]] == ["lotim", "klu", "mataram", "loteng", "bima"]
    s = cat["sensitivity"]
    # Borda shares by hand: lotim (1 + 3.5/4 + 1)/3 = 95.83; mataram (1.5/3 + 3.5/4 + 2/4)/3
    # = 62.5; loteng (1.5/3 + 1.5/4 + 2/4)/3 = 45.83; klu (1.5/4 + 2/4)/2 = 43.75; bima 0
    rank = {n["nominee"]: n["methods"]["rank"] for n in s["nominees"]}
    assert rank == {
        "lotim": {"rank": 1, "total": 95.83, "advances": True},
        "klu": {"rank": 4, "total": 43.75, "advances": False},
        "mataram": {"rank": 2, "total": 62.5, "advances": True},
        "loteng": {"rank": 3, "total": 45.83, "advances": False},
        "bima": {"rank": 5, "total": 0.0, "advances": False},
    }
    assert s["advancing_changes_under"] == ["trimmed", "median", "zscore", "rank"]
    assert s["winner_changes_under"] == []
    assert {n["nominee"]: n["stable"] for n in s["nominees"]} == {
        "lotim": True,
        "klu": False,
        "mataram": False,
        "loteng": False,
        "bima": True,
    }
    # the reported totals 75.00 − 66.67
    assert s["cut"] == {
        "last_in": "klu",
        "first_out": "mataram",
        "margin": 8.33,
        "tie_at_cut": False,
    }
    # without a1 the means are lotim 5, klu 4, mataram 4.5: mataram in, klu out; without a2
    # or a3 lotim and klu still lead
    assert s["leave_one_out"] == {"a1": {"in": ["mataram"], "out": ["klu"]}}
    median = explained(panel, "--method", "median")["categories"][0]["sensitivity"]
    assert median["cut"] == {
        "last_in": "mataram",
        "first_out": "bima",
        "margin": 0.0,
        "tie_at_cut": True,
    }


def alpha_by_pairs(units: list[list[float]]) -> Fraction:
    """α = 1 − D_o/D_e from the pairs themselves (the textbook form, not the closed one)."""
    units = [u for u in units if len(u) >= 2]
    values = [Fraction(v) for u in units for v in u]
    n = len(values)
    observed = sum(
        Fraction(sum((Fraction(x) - Fraction(y)) ** 2 for x in u for y in u), len(u) - 1)
        for u in units
    )
    expected = Fraction(sum((x - y) ** 2 for x in values for y in values), n - 1)
    return 1 - observed / expected


def test_agreement_leniency_outliers_by_hand(panel: Path) -> None:
    cat = explained(panel)["categories"][0]
    agreement = cat["agreement"]
    sheet: dict[str, list[float]] = {
        n: [25 * (s - 1) for s in row.values() if s is not None] for n, row in SHEETS.items()
    }
    alpha = alpha_by_pairs(list(sheet.values()))
    assert agreement["alpha_interval_totals"] == {
        "value": round(float(alpha), 6),
        "units": 5,
        "values": 14,
    }
    # W on K's sheet totals: rank sums lotim 3.5, loteng 8, mataram 6.5, bima 12; S = 37.5;
    # one pair tied per assessor: W = 12·37.5 / (9·60 − 3·18) = 25/27
    assert agreement["kendall_w"] == {
        "value": round(25 / 27, 6),
        "raters": 3,
        "nominees": 4,
        "left_out": ["klu"],
    }
    assert agreement["caution"] is True
    a1 = cat["assessors"]["a1"]
    # a1 − the mean of the others: lotim −2, loteng −2, mataram −2.5, bima −2 (on 3 criteria)
    assert a1 == {"leniency_points": -2.125, "leniency_total": -53.125, "cells": 12, "nominees": 4}
    # a2 on klu has one other score only: not counted
    assert (
        cat["assessors"]["a2"]["cells"] == 12 and cat["assessors"]["a2"]["leniency_points"] == 1.25
    )
    # |s − median(others)| ≥ 0.4·4 = 1.6: a1 everywhere, and a2's 5 on mataram (others 2, 4)
    flagged = {(o["nominee"], o["assessor"]) for o in cat["outliers"]}
    assert flagged == {
        ("lotim", "a1"),
        ("loteng", "a1"),
        ("mataram", "a1"),
        ("mataram", "a2"),
        ("bima", "a1"),
    }
    calibration = cat["zscore_calibration"]
    assert calibration["nominees"] == ["lotim", "loteng", "mataram", "bima"]
    assert calibration["pooled"]["mean"] == round(41 / 12, 6)


def test_the_manifest_reproduces(panel: Path) -> None:
    first = explained(panel)
    second = explained(panel)
    manifest = first["manifest"]
    assert manifest["result_sha256"] == second["manifest"]["result_sha256"]
    canonical = json.dumps(
        first["categories"]
        and json.loads(run("tally", panel, "--format", "json")[1])["categories"],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert manifest["result_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert manifest["input"]["sha256"] == hashlib.sha256(panel.read_bytes()).hexdigest()
    assert manifest["input"]["bytes"] == panel.stat().st_size
    assert manifest["recusals"] == [{"assessor": "a1", "nominee": "klu"}]
    assert manifest["method"]["name"] == "mean"
    assert len(manifest["chains"]) == 3 and len(manifest["imports"]) == 3
    assert all(len(i["sha256"]) == 64 for i in manifest["imports"])
    assert manifest["software"]["name"] == "panel-tui"
    zscore = explained(panel, "--method", "zscore")["manifest"]
    assert zscore["method"]["name"] == "zscore"
    assert zscore["result_sha256"] != manifest["result_sha256"]


async def test_the_robustness_tab_and_the_method_switch(panel: Path) -> None:
    from textual.widgets import DataTable, Static, TabbedContent

    from panel_tui.tui.secretariat.app import SecretariatApp

    app = SecretariatApp(panel)
    async with app.run_test(size=(160, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "robustness"
        table = app.query_one(".robustness-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        # the same numbers as the JSON and the record
        assert rows[1] == [
            "klu",
            "● 2 (75.00)",
            "● 2 (75.00)",
            "● 2 (75.00)",
            "4 (55.68)",
            "4 (43.75)",
            "⚠",
        ]
        assert rows[0][0] == "lotim" and rows[0][-1] == ""
        said = [str(s.render()) for s in app.query(".sentence").results(Static)]
        assert said[1] == (
            "Under mean, the last nominee in (klu) leads the first left out (mataram) by 8.33 points."
        )
        assert "without a1, mataram would advance instead of klu" in said[2]
        for method in ("trimmed", "median", "zscore"):
            await pilot.press("m")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.result is not None and app.result.method == method
        assert "method zscore" in str(app.query_one("#summary", Static).render())
        ranking = app.query_one(".ranking-table", DataTable)
        assert [str(ranking.get_row_at(i)[1]) for i in range(ranking.row_count)] == [
            "lotim",
            "mataram",
            "loteng",
            "klu",
            "bima",
        ]
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.result is not None and app.result.method == "mean"


def test_the_same_numbers_in_md_and_html(panel: Path) -> None:
    from panel_tui.output.report_html import render_html
    from panel_tui.output.report_markdown import render_markdown

    result = tally_database(panel)
    text = render_markdown(result)
    assert "| klu | ● 2 (75.00) | ● 2 (75.00) | ● 2 (75.00) | 4 (55.68) | 4 (43.75) | ⚠ |" in text
    assert "Who advances depends on the method: it changes under trimmed, median" in text
    assert "by 8.33 points" in text
    assert "Kendall's W on the calibration nominees: 0.926 (3 assessors, 4 nominees)" in text
    assert "Caution: fewer than 10 nominees (5)" in text
    assert "| a1 | \\-2.125 |" in text
    from panel_tui.secretariat.manifest import result_sha256

    assert f"| result SHA-256 | {result_sha256(result)} |" in text
    page = render_html(result)
    assert '<td>klu</td><td class="n">● 2 (75.00)</td>' in page
    assert "without a1, mataram would advance instead of klu" in page
    assert result_sha256(result) in page
    # user text is escaped in the record: the nominee names carry [b] markup-like text
    assert "Kabupaten klu [b]x[/b]" in page


def test_an_assessor_database_has_no_robustness(tmp_path: Path) -> None:
    build_panel(tmp_path)
    from panel_tui.output.report_markdown import render_markdown

    text = render_markdown(tally_database(tmp_path / "a1.db"))
    assert "An assessor's own database: the methods compare assessors" in text
    code, out = run("tally", tmp_path / "a1.db", "--format", "json", "--explain")
    assert code == 1 and "--explain compares the panel's assessors" in out


def test_the_robustness_section_in_indonesian(panel: Path) -> None:
    from panel_tui.i18n import set_language
    from panel_tui.output.report_markdown import render_markdown

    set_language("id")
    text = render_markdown(tally_database(panel, method="zscore"))
    assert "## Ketangguhan" in text and "## Manifes" in text
    assert "| klu | ● 2 (75,00) | ● 2 (75,00) | ● 2 (75,00) | 4 (55,68) | 4 (43,75) | ⚠ |" in text
    assert "Dengan zscore, nominasi terakhir yang lolos (mataram) unggul 12,62 poin" in text
    # without a2, a1 and a3 calibrate to the same z-scores: loteng, mataram and klu all sit
    # at μ and tie for rank 2, so klu and loteng come in beside mataram
    assert "tanpa a2, klu, loteng juga akan lolos." in text
    assert "m\\_c = rata-rata nilai terkalibrasi" in text


def test_all_scores_equal(tmp_path: Path) -> None:
    """σ = 0: zscore equals the mean; α and W have nothing to measure; every σ_a = 0."""
    sheets: dict[str, dict[str, int | None]] = {
        n: {"a1": 3, "a2": 3, "a3": 3} for n in ("lotim", "klu", "loteng")
    }
    path = build_panel(tmp_path, sheets)
    assert totals(path, "zscore") == totals(path, "mean")
    cat = explained(path)["categories"][0]
    assert cat["agreement"]["alpha_interval_totals"]["value"] is None
    assert "every value is the same" in cat["agreement"]["alpha_interval_totals"]["reason"]
    assert cat["agreement"]["kendall_w"]["value"] is None
    assert cat["zscore_calibration"]["zero_variance"] == ["a1", "a2", "a3"]
    assert cat["sensitivity"]["advancing_changes_under"] == []


def test_an_assessor_without_spread_and_an_incomplete_nominee(tmp_path: Path) -> None:
    """a1 gives 3 to everyone (σ_a1 = 0: every a1 score becomes μ); bima lacks a3's score and
    is last under every method, outside K and outside Borda."""
    sheets: dict[str, dict[str, int | None]] = {
        "lotim": {"a1": 3, "a2": 5, "a3": 5},
        "klu": {"a1": 3, "a2": 4, "a3": 3},
        "loteng": {"a1": 3, "a2": 2, "a3": 2},
        "bima": {"a1": 3, "a2": 5, "a3": 0},
    }
    folder = build_panel(tmp_path, sheets)
    cat = explained(folder)["categories"][0]
    assert cat["zscore_calibration"]["zero_variance"] == ["a1"]
    assert cat["zscore_calibration"]["nominees"] == ["lotim", "klu", "loteng"]
    for row in cat["sensitivity"]["nominees"]:
        if row["nominee"] == "bima":
            assert all(m is None or m["rank"] == 4 for m in row["methods"].values())
            assert row["methods"]["rank"]["total"] is None
    assert cat["agreement"]["alpha_interval_totals"]["units"] == 3


def test_the_rules_name_the_method_in_every_format(panel: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    code, out = run("tally", panel, "--method", "median")
    assert code == 0 and "Method: median" in out and "m_c = the median" in " ".join(out.split())
    assert run("tally", panel, "--method", "zscore", "--out", tmp_path / "r.xlsx")[0] == 0
    sheet = load_workbook(tmp_path / "r.xlsx", read_only=True)["Method"]
    rules = [row[0] for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert any(
        str(r).startswith("m_c = the mean of the counted assessors' calibrated") for r in rules
    )
    code, out = run("tally", panel, "--method", "trimmed", "--format", "json")
    data = json.loads(out)
    assert data["method"] == "trimmed" and data["categories"][0]["results"][1]["total"] == 75.0
    code, out = run("tally", panel, "--method", "trimmed", "--format", "html")
    assert "setting aside one highest and one lowest score" in out


def test_the_disagreements_say_how_many_more(panel: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from panel_tui.output import report
    from panel_tui.output.report_html import render_html
    from panel_tui.output.report_markdown import render_markdown

    result = tally_database(panel)
    # 12 cells disagree: lotim, loteng, mataram and bima on each of 3 criteria; all on 1-5,
    # so the order is by spread: mataram's 2-5 (3 points) first
    spread = [d for d in result.disagreements if d.spread > 0]
    assert len(spread) == 12 and spread[0].nominee.id == "mataram" and spread[0].spread == 3
    monkeypatch.setattr(report, "DISAGREEMENTS_SHOWN", 5)
    assert "7 more not shown." in render_markdown(result)
    assert "<p>7 more not shown.</p>" in render_html(result)
    monkeypatch.setattr(report, "DISAGREEMENTS_SHOWN", 15)
    assert "more not shown" not in render_markdown(result)


def test_the_command_offers_exactly_the_methods_the_tally_computes() -> None:
    from panel_tui.cli.secretariat import tally
    from panel_tui.domain.fairness import CENTRES

    method = next(p for p in tally.params if p.name == "method")
    assert isinstance(method.type, click.Choice)
    assert set(method.type.choices) == set(CENTRES)
