"""Bidirectional controls ("Trojan Source"): a name or a note that shows in another order than
it is stored is refused wherever text enters, with the file and line or the field named.

The builders write the character raw where the format allows it (TOML strings, CSV cells,
XLSX cells, typed notes) and as a TOML escape, for each of the bidi controls.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fixtures.databases import build_db, demo_round_dir
from panel_tui.assessor.score_import import import_scores
from panel_tui.domain.problems import PanelError
from panel_tui.round_package.loader import load_round
from panel_tui.storage.store import Store

BIDI = ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"]


def _round_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "round"
    shutil.copytree(demo_round_dir(), folder)
    return folder


def _bidi_errors(folder: Path) -> list[str]:
    result = load_round(folder)
    assert result.round is None
    return [f"{p.location()}: {p.message}" for p in result.errors]


@pytest.mark.parametrize("char", BIDI)
def test_round_toml_with_a_raw_bidi_control_is_refused_naming_line_and_field(
    tmp_path: Path, char: str
) -> None:
    folder = _round_copy(tmp_path)
    toml = folder / "round.toml"
    lines = toml.read_text(encoding="utf-8").splitlines()
    number = next(i for i, ln in enumerate(lines) if ln.startswith("name = "))
    lines[number] = f'name = "Ketua{char}ANIPAP"'
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = _bidi_errors(folder)
    code = f"U+{ord(char):04X}"
    assert any(
        f"round.toml:{number + 1}" in e and "name" in e and code in e and "bidirectional" in e
        for e in errors
    ), errors


def test_round_toml_with_an_escaped_bidi_control_is_refused_naming_the_line(
    tmp_path: Path,
) -> None:
    folder = _round_copy(tmp_path)
    toml = folder / "round.toml"
    lines = toml.read_text(encoding="utf-8").splitlines()
    number = next(i for i, ln in enumerate(lines) if ln.startswith("name = "))
    lines[number] = 'name = "Ketua\\u202Eabc"'
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = _bidi_errors(folder)
    assert any(f"round.toml:{number + 1}" in e and "U+202E" in e for e in errors), errors


@pytest.mark.parametrize("char", BIDI)
def test_nominees_csv_with_a_bidi_control_is_refused_naming_the_line(
    tmp_path: Path, char: str
) -> None:
    folder = _round_copy(tmp_path)
    nominees = folder / "nominees.csv"
    lines = nominees.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("PT Sumber", f"PT {char}Sumber")
    nominees.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = _bidi_errors(folder)
    assert any("nominees.csv:3" in e and f"U+{ord(char):04X}" in e for e in errors), errors


def test_nominees_xlsx_with_a_bidi_control_is_refused_naming_the_cell(tmp_path: Path) -> None:
    import openpyxl

    folder = _round_copy(tmp_path)
    nominees = folder / "nominees.csv"
    rows = [line.split(",") for line in nominees.read_text(encoding="utf-8").splitlines()[:2]]
    nominees.unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name", "category", "presenter", "slot", "order"])
    sheet.append(["lotim", "Kabupaten \u202eAMIT KOBMOL", "pemkab", "Bupati", "", 1])
    del rows
    book.save(folder / "nominees.xlsx")
    errors = _bidi_errors(folder)
    assert any("nominees.xlsx!B2" in e and "U+202E" in e for e in errors), errors


@pytest.mark.parametrize("char", BIDI)
def test_notes_and_reasons_with_a_bidi_control_are_not_saved(tmp_path: Path, char: str) -> None:
    db = build_db(tmp_path / "a1.db", "a1")
    with Store.open(db) as store:
        with pytest.raises(PanelError, match=f"the note .*U\\+{ord(char):04X}"):
            store.record_note("lotim", "regulation", f"baik{char} sekali")
        with pytest.raises(PanelError, match=f"the reason .*U\\+{ord(char):04X}"):
            store.recuse("lotim", f"konflik{char}")
        # Right-to-left text itself (Arabic script) is text and is kept.
        store.record_note("lotim", "regulation", "\u0645\u0631\u062d\u0628\u0627")
    with Store.open(db, readonly=True) as store:
        notes = [e.note for e in store.events() if e.kind == "note"]
    assert notes == ["\u0645\u0631\u062d\u0628\u0627"]


def test_an_imported_score_sheet_with_a_bidi_note_records_nothing(tmp_path: Path) -> None:
    db = build_db(tmp_path / "a1.db", "a1")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "assessor,nominee,criterion,score,note\n"
        "a1,lotim,regulation,4,ok\n"
        "a1,lotim,regulation,4,rapi\u202e sekali\n",
        encoding="utf-8",
    )
    with pytest.raises(PanelError) as refused:
        import_scores(db, sheet)
    text = str(refused.value) + " ".join(
        f"{p.location()} {p.message}" for p in refused.value.problems
    )
    assert "sheet.csv:3" in text and "U+202E" in text
    with Store.open(db, readonly=True) as store:
        assert list(store.events()) == []
