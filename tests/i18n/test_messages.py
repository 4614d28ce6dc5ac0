"""The commands' refusals, warnings and results in Bahasa Indonesia (English is the default of
every other test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.rounds import SMALL_CLAIMS, RoundFactory
from panel_tui.cli import cli


@pytest.fixture
def round_dir(panel_round_dir: Path) -> Path:
    """The secretariat's round (as in tests/secretariat), not the scoring app's."""
    return panel_round_dir


BAD_CLAIMS = (
    SMALL_CLAIMS["id"]
    .replace("17.000;orang", "17,000,5;orang")
    .replace("15.680;orang", "-15.680;orang")
)


def test_check_in_indonesian(make_round: RoundFactory) -> None:
    folder = make_round("id", claims=BAD_CLAIMS)
    result = CliRunner().invoke(cli, ["--lang", "id", "check", str(folder)])
    assert result.exit_code == 1
    assert "galat: claims.csv:3 (value): '17,000,5' bukan angka" in result.output
    assert "diharapkan angka format Indonesia seperti 32.680" in result.output
    assert "jumlah bernilai negatif -15.680" in result.output
    assert "1 galat, " in result.output


def test_check_json_keeps_its_keys(make_round: RoundFactory) -> None:
    folder = make_round("id", claims=BAD_CLAIMS)
    result = CliRunner().invoke(cli, ["--lang", "id", "check", "--json", str(folder)])
    data = json.loads(result.output)
    assert set(data) == {"errors", "warnings"}
    assert set(data["errors"][0]) == {"file", "line", "field", "message"}
    assert "bukan angka" in data["errors"][0]["message"]


def test_refusals_in_indonesian(make_round: RoundFactory, tmp_path: Path) -> None:
    folder = make_round()
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--lang", "id", "init", str(folder), "--assessor", "zz", "--db", "x.db"]
    )
    assert result.exit_code == 1
    assert "penilai 'zz' tidak dikenal: tim penilai test-2025 adalah" in result.output
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = runner.invoke(cli, ["--lang", "id", "verify", str(empty)])
    assert result.exit_code == 1
    assert "berkas kosong, bukan basis data panel-tui" in result.output


def test_tally_in_indonesian(panel_file: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(cli, ["--lang", "id", "tally", str(panel_file)])
    assert table.exit_code == 0, table.output
    assert "70,00" in table.output and "nominasi" in table.output
    report = runner.invoke(cli, ["--lang", "id", "tally", str(panel_file), "--format", "md"])
    assert "## Peringkat" in report.output and "| 70,00 |" in report.output
    data = json.loads(
        runner.invoke(cli, ["--lang", "id", "tally", str(panel_file), "--format", "json"]).output
    )
    assert set(data) == {"round", "method", "categories"}
    assert data["categories"][0]["results"][0]["total"] == 70.0
