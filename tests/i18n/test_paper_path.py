"""The paper path in Bahasa Indonesia: blank sheets, double entry, recusals, corrections."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from fixtures.rounds import RoundFactory
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.cli import cli

HEADER = "assessor;nominee;criterion;score;note\n"


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--lang", "id", *map(str, args)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_the_paper_path_in_indonesian(make_round: RoundFactory, tmp_path: Path) -> None:
    folder = make_round("id")
    out_file, template = tmp_path / "lembar.html", tmp_path / "templat.csv"
    code, out = run("sheets", folder, "--out", out_file, "--template", template)
    assert code == 0, out
    assert "6 lembar ditulis ke" in out and "baris untuk diketik ditulis ke" in out
    page = (tmp_path / "lembar.html").read_text(encoding="utf-8")
    assert "lembar nilai kertas" in page and "tanda tangan" in page

    db, _created, _warnings = init_assessor_db(folder, "a1", tmp_path / "a1.db")
    ani, budi = tmp_path / "ani.csv", tmp_path / "budi.csv"
    ani.write_text(HEADER + "a1;bank;compliance;4,5;\na1;klu;;R;kakak saya bupati\n")
    budi.write_text(HEADER + "a1;bank;compliance;4;\n")
    typists = ("--entered-by", "Ani", "--confirmed-by", "Budi")
    code, out = run("import-scores", db, ani, "--confirm", budi, *typists)
    assert code == 1
    assert "ani.csv dan budi.csv berbeda atau berisi galat; tidak ada yang dicatat" in out
    assert "ani.csv:2 (score): bank/compliance: '4,5' di sini, '4' di budi.csv:2" in out
    assert "ani.csv:3 (nominee): klu/– ada di ani.csv tetapi tidak ada di budi.csv" in out

    budi.write_text(HEADER + "a1;klu;;R;kakak saya bupati\na1;bank;compliance;4,5;\n")
    code, out = run("import-scores", db, ani, "--confirm", budi, *typists)
    assert code == 0, out
    assert "ani.csv dan budi.csv sama sel demi sel" in out
    assert "pengunduran diri dari klu dicatat" in out

    code, out = run("import-scores", db, ani)
    assert code == 0 and "0 perubahan, 2 sudah tercatat" in out

    ani.write_text(HEADER + "a1;bank;compliance;3;\na1;lotim;;R;\n")
    code, out = run("import-scores", db, ani)
    assert code == 1
    assert "pengunduran diri (R) memerlukan alasan di kolom catatan" in out
    ani.write_text(HEADER + "a1;bank;compliance;3;\n")
    code, out = run("import-scores", db, ani)
    assert code == 1
    assert "mengoreksi nilai yang sudah dicatat" in out
    assert "ani.csv:2 (score): bank/compliance: 4,5 → 3" in out  # as the panel writes it
    code, out = run("import-scores", db, ani, "--reason", "salah ketik")
    assert code == 0 and "diubah bank/compliance: 4,5 → 3" in out
