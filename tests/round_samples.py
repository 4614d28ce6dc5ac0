"""A small valid round package as text: the base the tests edit to make each error.

Imported by tests/conftest.py (fixture `make_round`) and by tests that edit the texts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

# make_round(number_format=..., toml=..., nominees=..., claims=..., name=...) -> folder
RoundFactory = Callable[..., Path]

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
