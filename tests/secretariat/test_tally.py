"""The tally rules of contracts.md section 3, on a hand-computed round."""

from __future__ import annotations

from pathlib import Path

from fixtures.databases import MakeDb
from fixtures.panel import sheet_of
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.tally import tally_database
from panel_tui.secretariat.tally_result import round_half_up
from panel_tui.storage.store import Store

EXPECTED = {
    "round": "uji-2025",
    "method": "mean",
    "categories": [
        {
            "id": "pemkab",
            "results": [
                {
                    "rank": 1,
                    "nominee": "lotim",
                    "name": "Pemerintah Kabupaten Lombok Timur",
                    "total": 70.0,
                    "complete": True,
                    "assessors": 3,
                    "criteria": {"regulation": 5.0, "coverage": 3.0, "innovation": 3.0},
                    "advances": True,
                },
                {
                    "rank": 2,
                    "nominee": "klu",
                    "name": "Pemerintah Kabupaten Lombok Utara",
                    "total": 70.0,
                    "complete": True,
                    "assessors": 3,
                    "criteria": {"regulation": 4.0, "coverage": 4.0, "innovation": 3.3333},
                    "advances": True,
                },
                {
                    "rank": 3,
                    "nominee": "loteng",
                    "name": "Pemerintah Kabupaten Lombok Tengah",
                    "total": 50.0,
                    "complete": True,
                    "assessors": 3,
                    "criteria": {"regulation": 3.0, "coverage": 3.0, "innovation": 3.0},
                    "advances": False,
                },
                {
                    "rank": 3,
                    "nominee": "mataram",
                    "name": "Kota Mataram",
                    "total": 50.0,
                    "complete": True,
                    "assessors": 3,
                    "criteria": {"regulation": 3.0, "coverage": 3.0, "innovation": 3.0},
                    "advances": False,
                },
                {
                    "rank": 5,
                    "nominee": "bima",
                    "name": '=HYPERLINK("http://x")|<script>alert(1)</script> [b]Bima[/b]',
                    "total": 100.0,
                    "complete": False,
                    "assessors": 3,
                    "criteria": {"regulation": 5.0, "coverage": 5.0, "innovation": 5.0},
                    "advances": False,
                },
            ],
        },
        {
            "id": "bu",
            "results": [
                {
                    "rank": 1,
                    "nominee": "alfa",
                    "name": "PT Sumber Alfaria Trijaya [Persero]",
                    "total": 70.0,
                    "complete": True,
                    "assessors": 3,
                    "criteria": {"compliance": 8.0, "csr": 6.0},
                    "advances": True,
                },
                {
                    "rank": 2,
                    "nominee": "bank",
                    "name": "PT Bank NTB Syariah",
                    "total": 70.0,
                    "complete": True,
                    "assessors": 2,
                    "criteria": {"compliance": 7.0, "csr": 7.0},
                    "advances": True,
                },
            ],
        },
    ],
}


def test_hand_computed_tally(panel_file: Path) -> None:
    result = tally_database(panel_file)
    assert result.to_json() == EXPECTED
    bima = result.categories[0].results[-1]
    assert bima.missing == {"a3": ["innovation"]}
    assert bima.lacks() == ["a3: innovation"]
    bank = result.categories[1].results[1]
    assert bank.recused == ["a1"] and bank.counted == ["a2", "a3"]
    # ordered by spread / span: klu's innovation 3 vs 4 on 1-5 (0.25) before bank's
    # compliance 6 vs 8 on 0-10 (0.2), where a1's recused 10 does not count
    first, second = result.disagreements[:2]
    assert (first.nominee.id, first.criterion, first.spread) == ("klu", "innovation", 1)
    assert (second.nominee.id, second.criterion, second.spread) == ("bank", "compliance", 2)
    assert second.scores == {"a2": 6, "a3": 8}


def test_an_assessor_database_tallies_only_its_assessor(tmp_path: Path, make_db: MakeDb) -> None:
    a3 = make_db("a3", sheet_of(2))
    result = tally_database(a3)
    assert result.assessor == "a3"
    pemkab = {r.nominee.id: r for r in result.categories[0].results}
    assert pemkab["klu"].means == {"regulation": 4, "coverage": 4, "innovation": 4}
    assert all(len(r.counted) == 1 for r in pemkab.values())
    assert not pemkab["bima"].complete
    assert any("a3" in rule for rule in result.rules())


def test_a_missing_assessor_makes_every_nominee_incomplete(tmp_path: Path, make_db: MakeDb) -> None:
    out = tmp_path / "two.db"
    assert merge(out, [make_db("a1", sheet_of(0)), make_db("a2", sheet_of(1))]).ok
    result = tally_database(out)
    for category in result.categories:
        for r in category.results:
            if r.nominee.id != "bank":  # a1 is not recused from bank here
                assert not r.complete and "a3: no scores" in r.lacks()
            assert not r.advances


def test_round_half_up() -> None:
    assert round_half_up(84.125, 2) == 84.13
    assert round_half_up(84.1249, 2) == 84.12
    assert round_half_up(84.12499999999999, 2) == 84.13  # float noise below 1e-9 is ignored
    assert round_half_up(2 / 3 * 100, 2) == 66.67
    assert round_half_up(10 / 3, 4) == 3.3333


def test_two_chains_of_one_assessor_count_once(tmp_path: Path, make_db: MakeDb) -> None:
    laptop1 = make_db("a1", {("lotim", "regulation"): 4, ("lotim", "coverage"): 2})
    laptop2 = make_db("a1", {("lotim", "regulation"): 4, ("lotim", "innovation"): 5})
    with Store.open(laptop2) as store:
        store.record_score("lotim", "innovation", 3)  # the latest counts
    out = tmp_path / "two-laptops.db"
    assert merge(out, [laptop1, laptop2]).ok
    lotim = next(r for r in tally_database(out).categories[0].results if r.nominee.id == "lotim")
    assert lotim.scores["a1"] == {"regulation": 4, "coverage": 2, "innovation": 3}
    assert lotim.means == {"regulation": 4, "coverage": 2, "innovation": 3}
    assert "a1" not in lotim.missing


def test_the_json_tally_from_cell_counts_is_the_full_tally(
    panel_file: Path, tmp_path: Path, make_db: MakeDb
) -> None:
    """`tally --format json` computes from per-cell counts in SQL: the same JSON."""
    two = tmp_path / "two.db"
    assert merge(two, [make_db("a1", sheet_of(0)), make_db("a2", sheet_of(1))]).ok
    for path in (panel_file, two, make_db("a3", sheet_of(2))):
        full = tally_database(path)
        summary = tally_database(path, details=False)
        assert summary.to_json() == full.to_json()
    assert tally_database(panel_file, details=False).to_json() == EXPECTED


def test_the_json_tally_counts_only_the_latest_score_of_a_cell(
    tmp_path: Path, make_db: MakeDb
) -> None:
    """Scores changed, cleared and changed back, and scores of a recused assessor: the per-cell
    counts take out every event that is not current, as the full tally does."""
    a1 = make_db("a1", sheet_of(0))
    with Store.open(a1) as store:
        store.record_score("lotim", "regulation", 1)  # changed
        store.record_score("lotim", "regulation", 2)  # and changed again
        store.record_score("klu", "coverage", None)  # cleared
        store.record_score("klu", "innovation", None)  # cleared and scored again
        store.record_score("klu", "innovation", 5)
        store.recuse("bima", "a relative presents")  # after scoring it
    a2 = make_db("a2", sheet_of(1))
    with Store.open(a2) as store:
        store.record_score("lotim", "coverage", 5)
        store.record_score("lotim", "coverage", 3)  # back to a value counted elsewhere
    out = tmp_path / "rescored.db"
    assert merge(out, [a1, a2, make_db("a3", sheet_of(2))]).ok
    full = tally_database(out)
    assert tally_database(out, details=False).to_json() == full.to_json()
    lotim = next(r for r in full.categories[0].results if r.nominee.id == "lotim")
    assert lotim.scores["a1"]["regulation"] == 2
    assert tally_database(a1, details=False).to_json() == tally_database(a1).to_json()
