"""Fixtures shared by every test directory: the built-in demo round and a small valid round.

Keep this file minimal; fixtures used by one area belong in that area's conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import panel_tui

SMALL_ROUND_TOML = """\
[round]
id = "test-2025"
title = "Paritrana Award 2025 - Test Province"
province = "Test Province"
year = 2025
stage = "provincial"
dates = ["2025-07-14", "2025-07-15"]
number_format = "{number_format}"
advance = 1

[[assessors]]
id = "a1"
name = "Regional Secretary"
affiliation = "government"

[[assessors]]
id = "a2"
name = "BPJS Ketenagakerjaan branch head"
affiliation = "bpjs"

[[categories]]
id = "pemkab"
title = "Pemerintah Kabupaten/Kota"
rubric = "pemda"

[[categories]]
id = "bu"
title = "Badan Usaha"
rubric = "usaha"

[[rubrics]]
id = "pemda"
scale = {{ min = 1, max = 5 }}

[[rubrics.criteria]]
id = "regulation"
title = "Regulasi"
weight = 40
claims = ["regulation*"]
levels = {{ 1 = "None", 5 = "Perda covering all segments" }}

[[rubrics.criteria]]
id = "coverage"
title = "Cakupan"
weight = 60
claims = ["coverage.*"]

[[rubrics]]
id = "usaha"
scale = {{ min = 1, max = 5, step = 0.5 }}

[[rubrics.criteria]]
id = "compliance"
title = "Kepatuhan"
weight = 50

[[rubrics.criteria]]
id = "innovation"
title = "Inovasi"
weight = 50
"""

SMALL_NOMINEES = """\
id,name,category,presenter,slot,order
lotim,Pemkab Lombok Timur,pemkab,Bupati,2025-07-14 09:00,1
klu,Pemkab Lombok Utara,pemkab,Bupati,09:30,2
bank,PT Bank NTB Syariah,bu,Direktur,2025-07-15 10:00,1
"""

SMALL_CLAIMS = {
    "en": """\
nominee,key,label,value,unit,denominator,denominator_label,percent,part_of,source
lotim,coverage.total,Workers covered,"32,680",persons,"100,000",potential workforce,32.68,,press
lotim,coverage.farmers,Tobacco farmers,"17,000",persons,,,,coverage.total,press
lotim,coverage.others,Other workers,"15,680",persons,,,,coverage.total,press
klu,regulation.perda,Perda,A Perda requires all companies to protect workers,text,,,,,press
""",
    "id": """\
nominee;key;label;value;unit;denominator;denominator_label;percent;part_of;source
lotim;coverage.total;Pekerja terlindungi;32.680;orang;100.000;potensi;32,68;;pers
lotim;coverage.farmers;Petani tembakau;17.000;orang;;;;coverage.total;pers
lotim;coverage.others;Pekerja lain;15.680;orang;;;;coverage.total;pers
klu;regulation.perda;Perda;Perda mewajibkan semua perusahaan;text;;;;;pers
""",
}

RoundFactory = Callable[..., Path]


@pytest.fixture
def demo_dir() -> Path:
    """The built-in demo round (NTB 2025) inside the installed package."""
    return Path(panel_tui.__file__).resolve().parent / "demo"


@pytest.fixture
def make_round(tmp_path: Path) -> RoundFactory:
    """Write a small valid round package and return its folder.

    `make_round()` gives the English-format round; `number_format="id"` writes the Indonesian
    one (semicolon-delimited claims). `toml`, `nominees`, `claims` replace a file's text
    (`claims=None` leaves the claims file out); `name` picks the folder name.
    """
    counter = iter(range(1_000_000))

    def make(
        number_format: str = "en",
        *,
        toml: str | None = None,
        nominees: str | None = SMALL_NOMINEES,
        claims: str | None = "",
        name: str | None = None,
    ) -> Path:
        folder = tmp_path / (name or f"round{next(counter)}")
        folder.mkdir()
        text = toml if toml is not None else SMALL_ROUND_TOML.format(number_format=number_format)
        (folder / "round.toml").write_text(text, encoding="utf-8")
        if nominees is not None:
            (folder / "nominees.csv").write_text(nominees, encoding="utf-8")
        if claims == "":
            claims = SMALL_CLAIMS[number_format]
        if claims is not None:
            (folder / "claims.csv").write_text(claims, encoding="utf-8")
        return folder

    return make
