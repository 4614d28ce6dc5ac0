"""Which language: --lang, else PANEL_TUI_LANG, else the locale (LANG=id_ID…), else English."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from panel_tui.cli import cli
from panel_tui.i18n import _, language, resolve_language, set_language


@pytest.mark.parametrize(
    ("flag", "environ", "expected"),
    [
        ("id", {"PANEL_TUI_LANG": "en", "LANG": "en_US.UTF-8"}, "id"),
        ("en", {"PANEL_TUI_LANG": "id", "LANG": "id_ID.UTF-8"}, "en"),
        (None, {"PANEL_TUI_LANG": "id", "LANG": "en_US.UTF-8"}, "id"),
        (None, {"PANEL_TUI_LANG": "en", "LANG": "id_ID.UTF-8"}, "en"),
        (None, {"LANG": "id_ID.UTF-8"}, "id"),
        (None, {"LC_ALL": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}, "id"),
        (None, {"LC_ALL": "en_GB.UTF-8", "LANG": "id_ID.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "id_ID", "LANG": "C"}, "id"),
        (None, {"LANG": "en_US.UTF-8"}, "en"),
        (None, {"LANG": "fr_FR.UTF-8"}, "en"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {}, "en"),
        (None, {"PANEL_TUI_LANG": "id-ID"}, "id"),
        (None, {"PANEL_TUI_LANG": "fr"}, "en"),
    ],
)
def test_precedence(flag: str | None, environ: dict[str, str], expected: str) -> None:
    assert resolve_language(flag, environ) == expected


def test_set_language_switches_every_later_message() -> None:
    set_language("id")
    assert language() == "id"
    assert _("Saved: {criterion} = {score}") == "Tersimpan: {criterion} = {score}"
    set_language("en")
    assert _("Saved: {criterion} = {score}") == "Saved: {criterion} = {score}"
    set_language("xx")
    assert language() == "en"


def test_cli_lang_flag_and_environment(make_round: object, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_round()  # type: ignore[operator]
    runner = CliRunner()
    result = runner.invoke(cli, ["--lang", "id", "check", str(folder)])
    assert result.exit_code == 0, result.output
    assert "0 galat, 0 peringatan" in result.output
    assert "nominasi dalam 2 kategori" in result.output
    monkeypatch.setenv("PANEL_TUI_LANG", "id")
    result = runner.invoke(cli, ["check", str(folder)])
    assert "0 galat, 0 peringatan" in result.output
    result = runner.invoke(cli, ["--lang", "en", "check", str(folder)])
    assert "0 error(s), 0 warning(s)" in result.output


def test_cli_help_in_indonesian() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--lang", "id", "--help"])
    assert result.exit_code == 0
    assert "Penggunaan:" in result.output
    assert "Opsi:" in result.output and "Perintah:" in result.output
    assert "Periksa paket putaran" in result.output
    result = runner.invoke(cli, ["--lang", "id", "init", "--help"])
    assert "ID penilai sesuai round.toml." in result.output
    assert "Tampilkan pesan ini lalu keluar." in result.output
    result = runner.invoke(cli, ["--lang", "en", "init", "--help"])
    assert "The assessor's id from round.toml." in result.output


def test_lang_after_the_command_too(make_round: object) -> None:
    folder = make_round()  # type: ignore[operator]
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--lang", "id", str(folder)])
    assert result.exit_code == 0, result.output
    assert "0 galat, 0 peringatan" in result.output
    result = runner.invoke(cli, ["check", str(folder), "--lang", "en"])
    assert "0 error(s), 0 warning(s)" in result.output
    result = runner.invoke(cli, ["check", "--lang", "xx", str(folder)])
    assert result.exit_code == 2


def test_the_usage_line_and_value_names_in_indonesian() -> None:
    runner = CliRunner()
    group = runner.invoke(cli, ["--lang", "id", "--help"], prog_name="panel-tui").output
    assert "Penggunaan: panel-tui [OPSI] [PERINTAH] [ARGUMEN]..." in group
    tally = runner.invoke(cli, ["tally", "--lang", "id", "--help"], prog_name="panel-tui").output
    assert "Penggunaan: panel-tui tally [OPSI] DB" in tally
    assert "--out JALUR" in tally and "--head TEKS" in tally
    assert "[bawaan: mean]" in tally
    assert "OPTIONS" not in tally and "TEXT" not in tally and "default:" not in tally
    english = runner.invoke(cli, ["--lang", "en", "tally", "--help"], prog_name="panel-tui").output
    assert "Usage: panel-tui tally [OPTIONS] DB" in english
    assert "--out PATH" in english and "--head TEXT" in english and "[default: mean]" in english
