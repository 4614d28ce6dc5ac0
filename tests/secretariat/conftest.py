"""Real round folders and assessor databases, built through the public functions."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from fixtures.rounds import write_panel_round as write_round
from panel_tui.assessor.score_import import import_scores
from panel_tui.assessor.setup import init_assessor_db
from panel_tui.storage.store import Store


@pytest.fixture
def round_dir(tmp_path: Path) -> Path:
    return write_round(tmp_path / "round")


MakeDb = Callable[..., Path]


@pytest.fixture
def make_db(tmp_path: Path, round_dir: Path) -> MakeDb:
    """make_db("a1", scores={("lotim", "regulation"): 4, ...}, name="a1.db")."""
    counter = iter(range(1000))

    def make(
        assessor: str,
        scores: dict[tuple[str, str], float] | None = None,
        name: str | None = None,
        recuse: Iterable[str] = (),
        via_import: bool = False,
    ) -> Path:
        path = tmp_path / (name or f"{assessor}-{next(counter)}.db")
        init_assessor_db(round_dir, assessor, path)
        if via_import and scores:
            sheet = tmp_path / f"{path.stem}.csv"
            with sheet.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["assessor", "nominee", "criterion", "score"])
                for (nominee, criterion), value in scores.items():
                    writer.writerow([assessor, nominee, criterion, value])
            import_scores(path, sheet)
        else:
            with Store.open(path) as store:
                for nominee in recuse:
                    store.recuse(nominee, "conflict of interest")
                for (nominee, criterion), value in (scores or {}).items():
                    store.record_score(nominee, criterion, value)
        return path

    return make


def full_sheet(
    values: dict[str, dict[str, float]],
) -> dict[tuple[str, str], float]:
    """{"lotim": {"regulation": 4, ...}} -> {("lotim", "regulation"): 4, ...}."""
    return {(n, c): v for n, cs in values.items() for c, v in cs.items()}


# --- a hand-computed panel (see test_tally.py) ---------------------------------------

PEMKAB = {
    # regulation (w40), coverage (w30), innovation (w30); scale 1-5
    "lotim": [(5, 3, 3)] * 3,  # total (40*4 + 30*2 + 30*2)/4 = 70.00
    "klu": [
        (4, 4, 3),
        (4, 4, 3),
        (4, 4, 4),
    ],  # (40*3 + 30*3 + 30*7/3)/4 = 70.00: tie, less regulation
    "loteng": [(3, 3, 3)] * 3,  # 50.00
    "mataram": [(3, 3, 3)] * 3,  # 50.00: a true shared rank with loteng
    "bima": [(5, 5, 5), (5, 5, 5), (5, 5, None)],  # 100 on what there is, but a3 lacks innovation
}
BU = {
    # compliance (w50), csr (w50); scale 0-10
    "alfa": [(8, 6)] * 3,  # 70.00
    "bank": [(10, 10), (6, 7), (8, 7)],  # a1 recused after scoring: (7, 7) -> 70.00
}


def sheet_of(index: int) -> dict[tuple[str, str], float]:
    values: dict[str, dict[str, float]] = {}
    for nominee, rows in PEMKAB.items():
        row = dict(zip(("regulation", "coverage", "innovation"), rows[index], strict=True))
        values[nominee] = {c: v for c, v in row.items() if v is not None}
    for nominee, rows in BU.items():
        values[nominee] = dict(zip(("compliance", "csr"), rows[index], strict=True))
    return full_sheet(values)


@pytest.fixture
def panel_file(tmp_path: Path, make_db: MakeDb) -> Path:
    from panel_tui.secretariat.merge import merge

    a1 = make_db("a1", sheet_of(0), name="a1.db")
    with Store.open(a1) as store:
        store.recuse("bank", "former employee")
    a2 = make_db("a2", sheet_of(1), name="a2.db", via_import=True)
    a3 = make_db("a3", sheet_of(2), name="a3.db")
    out = tmp_path / "merged.db"
    assert merge(out, [a1, a2, a3]).ok
    return out
