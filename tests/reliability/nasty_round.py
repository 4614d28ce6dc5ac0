"""A round package whose every user text is full of markup, brackets, emoji and formulas."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

# Every text the app shows comes from here; each must show exactly as written.
NAMES = {
    "title": "Paritrana [b]Award[/b] 2025 [/] 🏆 [link=https://evil.example]klik[/link]",
    "venue": "Hotel [Grand] [@click=app.quit]Mataram[/]",
    "assessor": "Sekda [red]NTB[/red] [/b] 👩‍⚖️",
    "category": "Pemkab [i]Kota[/i] [0]",
    "criterion": "Regulasi [b]PERDA[/] [[x]]",
    "guidance": "Perda for [all] segments [/] \\[escaped] [link=file:///etc/passwd]x[/link]",
    "level": "Full [bold magenta]coverage[/] ✅",
    "nominee1": "PT Maju [Persero] [/b] 🚀",
    "nominee2": "=cmd|' /C calc'!A0",
    "nominee3": "[@click=app.quit]Quit me[/] & <script>alert(1)</script>",
    "presenter": "Bupati [b]X[/b], [link=https://evil.example]Sekda[/link] 🙂",
    "claim_label": "Cakupan [b]pekerja[/b] rentan [/] [0] 🐟",
    "claim_text": "Seluruh [desa] wajib [/] [link=https://x]ikut[/link]",
    "claim_source": "+62 [sumber] @bpjs -1",
    "note": "[/b] catatan [b]tebal[/b] [link=https://evil.example]x[/link] 🧾 =1+1",
    "comment": "@SUM(A1:A9) [/] komentar [i]",
    "reason": "[b]konflik[/b] kepentingan [/]",
}


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def round_toml() -> str:
    n = NAMES
    return f"""\
[round]
id = "nasty-2025"
title = {_toml(n["title"])}
province = "NTB"
year = 2025
stage = "provincial"
venue = {_toml(n["venue"])}
dates = ["2025-07-14"]
number_format = "id"
advance = 1
presentation_minutes = 15

[[assessors]]
id = "a1"
name = {_toml(n["assessor"])}
affiliation = "government"

[[assessors]]
id = "a2"
name = "Kepala BPJS [cabang]"
affiliation = "bpjs"

[[categories]]
id = "pemkab"
title = {_toml(n["category"])}
rubric = "pemda"

[[rubrics]]
id = "pemda"
scale = {{ min = 1, max = 5 }}

[[rubrics.criteria]]
id = "regulation"
title = {_toml(n["criterion"])}
weight = 60
guidance = {_toml(n["guidance"])}
claims = ["coverage*"]
levels = {{ 1 = "None [/]", 5 = {_toml(n["level"])} }}

[[rubrics.criteria]]
id = "budget"
title = "Anggaran [$]"
weight = 40
"""


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def write_nasty_round(folder: Path) -> Path:
    n = NAMES
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "round.toml").write_text(round_toml(), encoding="utf-8")
    (folder / "nominees.csv").write_text(
        _csv(
            [
                ["id", "name", "category", "presenter", "slot", "order"],
                ["n1", n["nominee1"], "pemkab", n["presenter"], "2025-07-14 09:00", "1"],
                ["n2", n["nominee2"], "pemkab", "-2+3 [x]", "2025-07-14 09:30", "2"],
                ["n3", n["nominee3"], "pemkab", "", "2025-07-14 10:00", "3"],
            ]
        ),
        encoding="utf-8",
    )
    (folder / "claims.csv").write_text(
        _csv(
            [
                ["nominee", "key", "label", "value", "unit", "denominator", "percent", "source"],
                [
                    "n1",
                    "coverage.vulnerable",
                    n["claim_label"],
                    "32.680",
                    "persons",
                    "50.000",
                    "",
                    "",
                ],
                [
                    "n1",
                    "coverage.text",
                    "Kewajiban [b]",
                    n["claim_text"],
                    "text",
                    "",
                    "",
                    n["claim_source"],
                ],
                ["n2", "coverage.vulnerable", '=HYPERLINK("http://x")', "10", "%", "", "", ""],
            ]
        ),
        encoding="utf-8",
    )
    return folder
