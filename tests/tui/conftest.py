"""A small round for the scoring app: two categories, a 1–5 and a 0–10 half-point rubric,
a nominee whose name looks like markup, and claims with a denominator and a warning."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from panel_tui.assessor.setup import init_assessor_db
from panel_tui.storage.store import Store
from panel_tui.tui.app import ScoringApp
from panel_tui.tui.session import open_database

ROUND_TOML = textwrap.dedent(
    """
    [round]
    id = "test-2025"
    title = "Paritrana Award 2025 - Test Province"
    province = "Test Province"
    year = 2025
    stage = "provincial"
    venue = "Hotel [Grand], Mataram"
    dates = ["2025-07-14", "2025-07-15"]
    number_format = "id"
    presentation_minutes = 15

    [[assessors]]
    id = "a1"
    name = "Sekretaris Daerah (ketua)"
    affiliation = "government"

    [[assessors]]
    id = "a2"
    name = "Kepala BPJS [cabang]"
    affiliation = "bpjs"

    [[categories]]
    id = "pemkab"
    title = "Pemerintah Kabupaten/Kota"
    rubric = "pemda"

    [[categories]]
    id = "bu"
    title = "Badan Usaha"
    rubric = "bu"

    [[rubrics]]
    id = "pemda"
    scale = { min = 1, max = 5 }

    [[rubrics.criteria]]
    id = "regulation"
    title = "Regulasi"
    weight = 50
    guidance = "Perda covering [all] segments"
    claims = ["regulation*"]
    levels = { 1 = "None", 3 = "Partial [Perbup]", 5 = "Perda for all" }

    [[rubrics.criteria]]
    id = "budget"
    title = "Dukungan Anggaran"
    weight = 30
    claims = ["budget.*"]

    [[rubrics.criteria]]
    id = "coverage"
    title = "Cakupan"
    weight = 20
    claims = ["coverage.*"]

    [[rubrics]]
    id = "bu"
    scale = { min = 0, max = 10, step = 0.5 }

    [[rubrics.criteria]]
    id = "compliance"
    title = "Kepatuhan"
    weight = 60
    claims = ["compliance.*"]

    [[rubrics.criteria]]
    id = "csr"
    title = "CSR"
    weight = 40
    """
)

NOMINEES = textwrap.dedent(
    """\
    id,name,category,presenter,slot,order
    lotim,Pemerintah Kabupaten Lombok Timur,pemkab,"H. Haerul Warisin, Bupati",2025-07-14 09:00,1
    pupuk,PT Pupuk [Persero],bu,[b]Direktur[/b],2025-07-14 09:30,2
    klu,Pemerintah Kabupaten Lombok Utara,pemkab,Najmul Akhyar,2025-07-15 09:00,1
    """
)

CLAIMS = textwrap.dedent(
    """\
    nominee;key;label;value;unit;denominator;denominator_label;percent;part_of;source
    lotim;regulation.perda;Perda [No. 5/2024];Perda mewajibkan perusahaan;text;;;;;Paparan
    lotim;budget.add;Dana [/b] ADD;Rp3 miliar;IDR;;;;;Paparan
    lotim;coverage.farmers;Petani tembakau;17.000;persons;3.190.000;angkatan kerja [BPS];5;;BPS
    pupuk;compliance.all;[link=x]Semua[/link] pekerja;1.200;persons;;;;;HRD
    """
)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps the app's data directory in tmp_path."""
    folder = tmp_path / "data"
    monkeypatch.setenv("PANEL_TUI_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def round_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "round"
    folder.mkdir()
    (folder / "round.toml").write_text(ROUND_TOML, encoding="utf-8")
    (folder / "nominees.csv").write_text(NOMINEES, encoding="utf-8")
    (folder / "claims.csv").write_text(CLAIMS, encoding="utf-8")
    return folder


@pytest.fixture
def db_path(round_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Assessor a1's database, opened by a relative path so it reads the same in snapshots."""
    monkeypatch.chdir(tmp_path)
    init_assessor_db(round_dir, "a1", tmp_path / "a1.db")
    return Path("a1.db")


@pytest.fixture
def make_app(db_path: Path) -> Callable[[], ScoringApp]:
    """A fresh app on a1's database; a clock that never moves unless a test moves it."""

    def make() -> ScoringApp:
        return ScoringApp(session=open_database(db_path), now=lambda: 0.0)

    return make


@pytest.fixture
def read_store(db_path: Path) -> Callable[[], Store]:
    """A second, independent connection: what is on disk."""

    def read() -> Store:
        return Store.open(db_path)

    return read
