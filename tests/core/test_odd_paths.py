"""Databases live where assessors put them: folder names with spaces, '#', '?', '%' and
non-ASCII letters, given relative or absolute. Every writer opens its file by URI (so that
merge can attach its inputs read-only), so each of these must reach the same file."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel_tui.assessor.setup import init_assessor_db
from panel_tui.paths import demo_round_dir
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.verify.database import verify_database
from panel_tui.storage.store import Store


@pytest.mark.parametrize(
    "folder", ["with space", "hash#and?question", "per%20cent", "Penilaian Sumbawa ñ", "ü/深"]
)
def test_a_database_in_an_odd_folder_is_written_read_and_merged(
    tmp_path: Path, folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = tmp_path / folder
    where.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    relative = Path(folder) / "a1.db"
    init_assessor_db(demo_round_dir(), "a1", relative)
    with Store.open(relative) as store:
        nominee = store.round.nominees[0]
        criterion = store.round.rubric_for(nominee).criteria[0].id
        store.record_score(nominee.id, criterion, store.round.rubric_for(nominee).max)
    assert sorted(p.name for p in where.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        "a1.db"
    ]
    assert verify_database(where / "a1.db").ok
    result = merge(Path(folder) / "merged.db", [relative])
    assert result.ok, [r.problems for r in result.inputs]
    with Store.open(where / "merged.db", readonly=True) as merged:
        assert merged.sheet(nominee.id, "a1").scores == {
            criterion: float(merged.round.rubric_for(nominee).max)
        }
