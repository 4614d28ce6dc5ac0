"""Merge's (and init's) refusals say what differs: the cells of a fork with both values, the
criterion and weight of a changed rubric, the nominees or panel of another round, a recusal
conflict by that name, and numbers as the reader writes them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fixtures.commands import run_cli
from fixtures.databases import MakeDb, build_db, copy_db, demo_round_dir
from fixtures.rounds import panel_round, write_round
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.domain.problems import PanelError
from panel_tui.domain.round_diff import bounded, round_differences, rubric_differences
from panel_tui.round_package.loader import load_round_or_raise
from panel_tui.secretariat.merge.driver import merge
from panel_tui.storage.store import Store


def laptops(tmp_path: Path, make_db: MakeDb) -> tuple[Path, Path]:
    """One database copied to a second laptop after its first score."""
    laptop1 = make_db("a1", {("lotim", "regulation"): 4}, name="laptop1.db")
    laptop2 = copy_db(laptop1, tmp_path / "laptop2.db")
    return laptop1, laptop2


# --- 1. the fork names its cells ----------------------------------------------------------


def test_a_fork_names_each_differing_cell_with_both_values(tmp_path: Path, make_db: MakeDb) -> None:
    laptop1, laptop2 = laptops(tmp_path, make_db)
    with Store.open(laptop1) as store:
        store.record_score("lotim", "coverage", 3)
        store.record_score("klu", "regulation", 2)
        store.record_score("loteng", "regulation", 5)
    with Store.open(laptop2) as store:
        store.record_score("lotim", "coverage", 2)
        store.record_score("loteng", "regulation", 5)  # the same value: no difference
        store.recuse("bank", "a relative works there")
    out = tmp_path / "out.db"
    result = merge(out, [laptop1, laptop2])
    assert [r.status for r in result.inputs] == ["merged", "refused"]
    (problem,) = result.inputs[1].problems
    assert "from event 2 on" in problem and "2 score(s) and 1 recusal(s) differ" in problem
    cells = [(c.nominee, c.criterion, c.value, c.other_value) for c in result.inputs[1].conflicts]
    assert cells == [
        ("bank", None, "recused", "not recused"),
        ("klu", "regulation", "not scored", "2"),
        ("lotim", "coverage", "2", "3"),
    ]
    conflict = result.inputs[1].conflicts[2]
    assert conflict.origin == conflict.other_origin
    assert Path(conflict.other_file).name == "laptop1.db"

    output = run_cli("merge", tmp_path / "out2.db", laptop1, laptop2)
    assert output.exit_code == 1
    assert "lotim / coverage: 2 in this file" in output.output
    assert "3 in the merged file" in output.output and "laptop1.db" in output.output
    assert "klu / regulation: not scored in this file" in output.output
    assert "recusal conflict: assessor a1 recused from bank" in output.output


def test_a_fork_lists_its_first_twenty_cells_then_how_many_more(tmp_path: Path) -> None:
    laptop1 = build_db(tmp_path / "laptop1.db")
    laptop2 = copy_db(laptop1, tmp_path / "laptop2.db")
    with Store.open(laptop1) as store:
        cells = [
            (n.id, c.id) for n in store.round.nominees for c in store.round.rubric_for(n).criteria
        ]
        for nominee, criterion in cells[:30]:
            store.record_score(nominee, criterion, 1)
    with Store.open(laptop2) as store:
        for nominee, criterion in cells[:30]:
            store.record_score(nominee, criterion, 2)
    output = run_cli("merge", tmp_path / "out.db", laptop1, laptop2)
    assert output.exit_code == 1
    assert "30 score(s) differ" in output.output
    listed = [line for line in output.output.splitlines() if line.startswith("  - ")]
    assert len(listed) == 20
    assert all(": 2 in this file" in line and ", 1 in the merged file" in line for line in listed)
    assert "  … and 10 more" in output.output


def test_a_fork_that_changes_no_value_says_so(tmp_path: Path, make_db: MakeDb) -> None:
    laptop1, laptop2 = laptops(tmp_path, make_db)
    with Store.open(laptop1) as store:
        store.record_note("lotim", "regulation", "strong regulation")
    with Store.open(laptop2) as store:
        store.record_note("lotim", "regulation", "weak regulation")
    result = merge(tmp_path / "out.db", [laptop1, laptop2])
    assert result.inputs[1].status == "refused"
    assert "no cell's current value differs" in result.inputs[1].problems[0]
    assert result.inputs[1].conflicts == []


# --- 3. a recusal conflict is called one ---------------------------------------------------


def test_a_recusal_conflict_is_named_and_counted_apart(tmp_path: Path, make_db: MakeDb) -> None:
    scored = make_db("a3", {("bank", "csr"): 6, ("lotim", "regulation"): 4})
    recused = make_db("a3", recuse=["bank"])
    both = make_db("a3", {("lotim", "regulation"): 2}, recuse=["bank"])
    result = merge(tmp_path / "out.db", [scored, recused, both])
    assert [r.status for r in result.inputs] == ["merged", "refused", "refused"]
    assert result.inputs[1].problems == [
        "conflict: 1 recusal(s) differ from the same assessor's on another laptop; "
        "nothing of this file was merged"
    ]
    (conflict,) = result.inputs[1].conflicts
    text = conflict.describe()
    assert text.startswith(
        "recusal conflict: assessor a3 recused from bank on one laptop and not on another: "
        "recused in this file"
    )
    assert "not recused in the merged file" in text and "scored" not in text
    assert result.inputs[2].problems == [
        "conflict: 1 score(s) and 1 recusal(s) differ from the same assessor's on another "
        "laptop; nothing of this file was merged"
    ]


def test_score_conflicts_are_counted_as_scores(tmp_path: Path, make_db: MakeDb) -> None:
    first = make_db("a2", {("lotim", "regulation"): 4, ("lotim", "coverage"): 3})
    second = make_db("a2", {("lotim", "regulation"): 5, ("lotim", "coverage"): 1})
    result = merge(tmp_path / "out.db", [first, second])
    assert result.inputs[1].problems == [
        "conflict: 2 score(s) differ from the same assessor's on another laptop; "
        "nothing of this file was merged"
    ]


# --- 4. values in the reader's language ----------------------------------------------------


def test_values_are_written_in_the_readers_language(tmp_path: Path) -> None:
    """The demo's badan-usaha rubric steps by 0.5: 3,5 in Indonesian, 3.5 in English."""
    first = build_db(tmp_path / "first.db", "a2")
    second = build_db(tmp_path / "second.db", "a2")
    with Store.open(first) as store:
        store.record_score("alfamart", "compliance", 3.5)
    with Store.open(second) as store:
        store.record_score("alfamart", "compliance", 4.5)
    english = run_cli("merge", tmp_path / "en.db", first, second)
    assert "alfamart / compliance: 4.5 in this file" in english.output
    assert "3.5 in the merged file" in english.output
    indonesian = run_cli("--lang", "id", "merge", tmp_path / "id.db", first, second)
    assert indonesian.exit_code == 1
    assert "4,5" in indonesian.output and "3,5" in indonesian.output
    assert "4.5" not in indonesian.output and "3.5" not in indonesian.output
    assert "konflik" in indonesian.output


# --- 2. a different round or rubric names what differs ------------------------------------


def changed_round(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    folder = write_round(tmp_path / name, panel_round())
    toml = folder / "round.toml"
    text = toml.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    toml.write_text(text, encoding="utf-8")
    return folder


def test_a_rubric_mismatch_names_the_criterion_and_the_weights(
    tmp_path: Path, make_db: MakeDb
) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4})
    other = changed_round(tmp_path, "other", ("weight = 40", "weight = 45"))
    changed = tmp_path / "changed.db"
    init_assessor_db(other, "a2", changed)
    result = merge(tmp_path / "out.db", [a1, changed])
    assert result.inputs[1].problems == [
        "the rubric differs from the merged file's (merged file → this file: rubric pemda, "
        "criterion regulation: weight 40 → 45): refused"
    ]
    indonesian = run_cli("--lang", "id", "merge", tmp_path / "out.db", changed)
    assert indonesian.exit_code == 1
    assert "regulation" in indonesian.output and "40 → 45" in indonesian.output
    assert "rubrik" in indonesian.output


def test_a_round_mismatch_names_the_nominees_and_the_panel(tmp_path: Path, make_db: MakeDb) -> None:
    a1 = make_db("a1", {("lotim", "regulation"): 4})
    other = write_round(tmp_path / "other", panel_round())
    with (other / "nominees.csv").open("a", encoding="utf-8") as handle:
        handle.write("lobar,Pemerintah Kabupaten Lombok Barat,pemkab\n")
    toml = other / "round.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('id = "a3"', 'id = "a4"'), encoding="utf-8"
    )
    changed = tmp_path / "changed.db"
    init_assessor_db(other, "a2", changed)
    result = merge(tmp_path / "out.db", [a1, changed])
    (problem,) = result.inputs[1].problems
    assert problem == (
        "round uji-2025 does not match the merged round uji-2025 (merged file → this file: "
        "panel: assessor(s) added: a4; panel: assessor(s) removed: a3; nominees added: lobar)"
        ": refused"
    )


def test_init_names_what_changed_in_the_round_package(tmp_path: Path, round_dir: Path) -> None:
    db = tmp_path / "a1.db"
    init_assessor_db(round_dir, "a1", db)
    other = changed_round(tmp_path, "other", ("max = 5", "max = 10"))
    with pytest.raises(PanelError) as refused:
        init_assessor_db(other, "a1", db)
    assert "database → round package: rubric pemda: scale 1–5, step 1 → 1–10, step 1" in str(
        refused.value
    )


def test_every_fingerprinted_part_is_named(tmp_path: Path) -> None:
    old = load_round_or_raise(write_round(tmp_path / "old", panel_round()))[0]
    new = load_round_or_raise(
        changed_round(
            tmp_path,
            "new",
            ('id = "uji-2025"', 'id = "uji-2026"'),
            ("year = 2025", "year = 2026"),
            ('stage = "provincial"', 'stage = "national"'),
            ('rubric = "usaha"', 'rubric = "pemda"'),
            ('id = "coverage"', 'id = "reach"'),
            ('id = "compliance"', 'id = "csr2"'),
            ("scale = { min = 0, max = 10 }", "scale = { min = 0, max = 10, step = 0.5 }"),
        )
    )[0]
    assert round_differences(old, new) == [
        "round id: uji-2025 → uji-2026",
        "year: 2025 → 2026",
        "stage: provincial → national",
        "category bu: rubric usaha → pemda",
    ]
    assert rubric_differences(old, new) == [
        "rubric pemda: criterion reach added (weight 30)",
        "rubric pemda: criterion coverage removed (weight 30)",
        "rubric usaha: scale 0–10, step 1 → 0–10, step 0.5",
        "rubric usaha: criterion csr2 added (weight 50)",
        "rubric usaha: criterion compliance removed (weight 50)",
    ]
    assert round_differences(old, old) == [] and rubric_differences(old, old) == []


def test_criteria_in_another_order_and_long_lists_are_bounded(tmp_path: Path) -> None:
    old = load_round_or_raise(write_round(tmp_path / "old", panel_round()))[0]
    folder = write_round(tmp_path / "new", panel_round())
    toml = folder / "round.toml"
    text = toml.read_text(encoding="utf-8")
    regulation = text.index('[[rubrics.criteria]]\nid = "regulation"')
    coverage = text.index('[[rubrics.criteria]]\nid = "coverage"')
    text = text[:regulation] + text[coverage:].replace(
        '[[rubrics]]\nid = "usaha"',
        text[regulation:coverage] + '[[rubrics]]\nid = "usaha"',
        1,
    )
    toml.write_text(text, encoding="utf-8")
    with (folder / "nominees.csv").open("a", encoding="utf-8") as handle:
        for i in range(8):
            handle.write(f"n{i},Nominee {i},pemkab\n")
    new = load_round_or_raise(folder)[0]
    assert rubric_differences(old, new) == [
        "rubric pemda: criteria in another order: regulation, coverage, innovation → "
        "coverage, innovation, regulation"
    ]
    assert round_differences(old, new) == ["nominees added: n0, n1, n2, n3, n4 and 3 more"]
    many = [f"difference {i}" for i in range(12)]
    assert bounded(many) == "; ".join(many[:10]) + "; and 2 more"
    assert bounded(many[:10]) == "; ".join(many[:10])


def test_differences_are_written_in_the_readers_language(tmp_path: Path) -> None:
    from panel_tui.i18n import set_language

    old = load_round_or_raise(write_round(tmp_path / "old", panel_round()))[0]
    new = load_round_or_raise(changed_round(tmp_path, "new", ("weight = 40", "weight = 40.5")))[0]
    assert rubric_differences(old, new) == ["rubric pemda, criterion regulation: weight 40 → 40.5"]
    set_language("id")  # the autouse fixture sets English again for the next test
    assert rubric_differences(old, new) == ["rubrik pemda, kriteria regulation: bobot 40 → 40,5"]


def test_the_demo_round_against_itself_has_no_differences() -> None:
    round_ = load_round_or_raise(demo_round_dir())[0]
    assert round_differences(round_, round_) == []
    assert rubric_differences(round_, round_) == []


def test_verify_names_what_was_edited_in_the_snapshot(tmp_path: Path, make_db: MakeDb) -> None:
    """The round tables are written with the snapshot: left alone, they show what changed."""
    db = make_db("a1", {("lotim", "regulation"): 4})
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "UPDATE round SET snapshot = json_set(snapshot, '$.rubrics[0].criteria[0].weight', 45,"
            " '$.nominees[1].category', 'bu')"
        )
    conn.close()
    output = run_cli("verify", db)
    assert output.exit_code == 1
    assert (
        "the rubric does not match its fingerprint: edited outside panel-tui (round tables → "
        "snapshot: rubric pemda, criterion regulation: weight 40 → 45)"
    ) in output.output
    assert (
        "the round snapshot does not match its fingerprint: edited outside panel-tui (round "
        "tables → snapshot: nominee klu: category pemkab → bu)"
    ) in output.output
    # the tables edited alike: nothing left to compare with, the plain message
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE criteria SET weight = 45 WHERE rubric = 'pemda' AND id = 'regulation'")
    conn.close()
    output = run_cli("verify", db)
    assert "the rubric does not match its fingerprint: edited outside panel-tui\n" in output.output
