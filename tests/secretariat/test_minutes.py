"""The minutes the panel signs (report.py), and the venue's clock in them (local_time.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fixtures.databases import MakeDb
from fixtures.panel import sheet_of
from panel_tui.domain.local_time import province_zone, zone_of
from panel_tui.i18n import language, set_language
from panel_tui.output.report_html import render_html
from panel_tui.output.report_markdown import render_markdown
from panel_tui.round_package.loader import load_round_or_raise
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.tally import tally_database
from panel_tui.storage.snapshot import round_fingerprint, round_to_dict, rubric_fingerprint
from panel_tui.storage.store import Store

GENERATED = "2025-07-15T09:30:00Z"  # 17.30 in Mataram (WITA, UTC+8)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    before = language()
    set_language("en")
    yield
    set_language(before)


PanelIn = Callable[..., Path]


@pytest.fixture
def panel_in(round_dir: Path, make_db: MakeDb, tmp_path: Path) -> PanelIn:
    """The hand-computed panel of conftest, in a round of the given province / time zone."""

    def make(province: str = "Provinsi Uji", timezone: str | None = None) -> Path:
        toml = round_dir / "round.toml"
        text = toml.read_text(encoding="utf-8").replace(
            'province = "Provinsi Uji"', f'province = "{province}"'
        )
        if timezone:
            text = text.replace("advance =", f'timezone = "{timezone}"\nadvance =')
        toml.write_text(text, encoding="utf-8")
        a1 = make_db("a1", sheet_of(0), name="a1.db")
        with Store.open(a1) as store:
            store.recuse("bank", "former employee")
        a2 = make_db("a2", sheet_of(1), name="a2.db")
        a3 = make_db("a3", sheet_of(2), name="a3.db")
        out = tmp_path / "merged.db"
        assert merge(out, [a1, a2, a3]).ok
        return out

    return make


def _h2(page: str) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", page)


def test_minutes_hold_what_the_panel_signs(panel_in: PanelIn) -> None:
    result = tally_database(panel_in("Nusa Tenggara Barat"))
    page = render_html(result, GENERATED)
    assert "<h1>Minutes of the panel assessment</h1>" in page
    assert _h2(page) == [
        "Round",
        "Panel",
        "Criteria",
        "Method",
        "Ranking",
        "Incomplete nominees",
        "Largest disagreements",
        "Robustness",
        "Manifest",
        "Verification",
        "Signatures",
        "Scores by assessor",
    ]
    # Criteria with titles, weights, shares and the scale: a total can be checked by hand.
    assert "Rubric pemda (scale 1–5), for: Pemerintah Kabupaten/Kota" in page
    assert (
        '<tr><td>regulation</td><td>Regulasi</td><td class="n">40</td><td class="n">40%</td></tr>'
        in page
    )
    # Tie-breaks explained: lotim and klu both 70.00, regulation (the heaviest) decides.
    assert (
        "Pemerintah Kabupaten Lombok Timur placed before Pemerintah Kabupaten Lombok Utara on "
        "an equal total of 70.00: decided by Regulasi (regulation) (weight 40), mean 5 against 4."
        in page
    )
    assert "PT Sumber Alfaria Trijaya [Persero] placed before PT Bank NTB Syariah" in page
    assert "Pemerintah Kabupaten Lombok Tengah and Kota Mataram share rank 3" in page
    assert "a1 recused from PT Bank NTB Syariah (bank) (not counted)" in page
    # The verification statement and the fingerprints, before the signatures.
    verification = page[page.index("<h2>Verification</h2>") : page.index("<h2>Signatures</h2>")]
    assert "Verified: the whole file (SQLite integrity" in verification
    assert "no receipt heads given" in verification
    assert result.fingerprints[0] in verification and result.fingerprints[1] in verification


def test_signature_block_has_a_line_per_panel_member(panel_in: PanelIn) -> None:
    page = render_html(tally_database(panel_in()), GENERATED)
    signing = page[page.index("<h2>Signatures</h2>") : page.index("<h2>Scores by assessor</h2>")]
    assert '<p class="place">Place: Hotel [Uji] Mataram</p>' in signing
    rows = re.findall(r"<tr><td class=\"n\">(\d)</td><td>(.*?)</td><td>(.*?)</td>", signing)
    assert rows == [
        ("1", "Sekda [b]Uji[/b] (a1)", "government"),
        ("2", "BPJS Uji (a2)", "BPJS Ketenagakerjaan"),
        ("3", "Akademisi Uji (a3)", "academic"),
    ]
    assert "<th>signature</th><th>date</th>" in signing
    assert "<th>chair of the panel</th>" in signing


def test_print_css_for_a4(panel_in: PanelIn) -> None:
    page = render_html(tally_database(panel_in()), GENERATED)
    css = page[page.index("<style>") : page.index("</style>")]
    for rule in (
        "size: A4",
        "counter(page)",
        "thead { display: table-header-group; }",
        "tr { break-inside: avoid;",
        "break-after: avoid",
        "div.section, div.category { break-before: page;",
    ):
        assert rule in css
    # Every table has a header row the browser repeats on each page.
    assert page.count("<table") == page.count("<thead>")
    # Each category of the ranking and of the annex is its own page group.
    assert page.count('<div class="category">') == 4


def test_markdown_minutes_hold_the_same_sections(panel_in: PanelIn) -> None:
    text = render_markdown(tally_database(panel_in()), GENERATED)
    headings = re.findall(r"^## (.*)$", text, flags=re.MULTILINE)
    assert headings == [
        "Round",
        "Panel",
        "Criteria",
        "Method",
        "Ranking",
        "Incomplete nominees",
        "Largest disagreements",
        "Robustness",
        "Manifest",
        "Verification",
        "Signatures",
        "Scores by assessor",
    ]
    assert text.startswith("# Minutes of the panel assessment\n")
    assert "| 1 | Sekda \\[b\\]Uji\\[/b\\] (a1) | government |  |  |" in text
    assert "| regulation | Regulasi | 40 | 40% |" in text


def test_indonesian_minutes(panel_in: PanelIn) -> None:
    set_language("id")
    path = panel_in("Nusa Tenggara Barat")
    page = render_html(tally_database(path), GENERATED)
    assert "<h1>Berita Acara Penilaian</h1>" in page and 'lang="id"' in page
    assert "<h2>Tanda tangan</h2>" in page and "<th>ketua tim penilai</th>" in page
    assert "Tempat: Hotel [Uji] Mataram" in page
    assert "ditentukan oleh Regulasi (regulation) (bobot 40), rata-rata 5 lawan 4" in page
    assert "15 Juli 2025 17.30 WITA" in page
    text = render_markdown(tally_database(path), GENERATED)
    assert "## Tanda tangan" in text and "## Kriteria" in text


# --- the venue's clock -------------------------------------------------------------------


def test_times_in_the_provinces_zone(panel_in: PanelIn) -> None:
    page = render_html(tally_database(panel_in("Nusa Tenggara Barat")), GENERATED)
    assert "Generated 15 July 2025 17:30 WITA by panel-tui." in page
    assert "WITA (Asia/Makassar, UTC+8), the province&#x27;s zone" in page
    assert re.search(r"at \d+ \w+ \d{4} \d\d:\d\d:\d\d WITA", page)  # when verified
    assert " UTC" not in page.replace("UTC+8", "")


def test_declared_zone_wins(panel_in: PanelIn) -> None:
    page = render_html(tally_database(panel_in("Nusa Tenggara Barat", "Asia/Jayapura")), GENERATED)
    assert "Generated 15 July 2025 18:30 WIT by panel-tui." in page
    assert "WIT (Asia/Jayapura, UTC+9), as the round declares" in page


def test_unknown_zone_is_utc_and_says_so(panel_in: PanelIn) -> None:
    text = render_markdown(tally_database(panel_in()), GENERATED)
    assert "Generated 15 July 2025 09:30 UTC by panel-tui." in text
    assert "UTC: the round declares no time zone and its province's zone is not known" in text


@pytest.mark.parametrize(
    ("province", "zone"),
    [
        ("Nusa Tenggara Barat", "Asia/Makassar"),
        ("Provinsi Bali", "Asia/Makassar"),
        ("DKI Jakarta", "Asia/Jakarta"),
        ("Daerah Istimewa Yogyakarta", "Asia/Jakarta"),
        ("Papua Barat Daya", "Asia/Jayapura"),
        ("Southwest Papua", "Asia/Jayapura"),
        ("North Sulawesi", "Asia/Makassar"),
        ("Kalimantan Barat", "Asia/Jakarta"),
        ("Atlantis", None),
    ],
)
def test_province_zones(province: str, zone: str | None) -> None:
    assert province_zone(province) == zone


def test_timezone_changes_no_fingerprint_and_no_old_snapshot(tmp_path: Path) -> None:
    demo = Path(__file__).parents[2] / "src" / "panel_tui" / "demo"
    round_, _problems = load_round_or_raise(demo)
    # The demo round's fingerprints as they were before `timezone` existed.
    assert round_fingerprint(round_) == (
        "2e68b25f09a6a16ba5da691c5b5047677bf2bb3e3a23c2a2bccd3cdb50d6d4b7"
    )
    assert rubric_fingerprint(round_) == (
        "1b6ec5ff0f1a0682543aa54f3325240fa04a7979912cce59f74de9284bf5441f"
    )
    assert "timezone" not in round_to_dict(round_)
    assert zone_of(round_).label == "WITA"
    folder = tmp_path / "demo"
    folder.mkdir()
    for item in demo.iterdir():
        if item.is_file():
            (folder / item.name).write_bytes(item.read_bytes())
    toml = folder / "round.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "[round]\n", '[round]\ntimezone = "Asia/Makassar"\n', 1
        ),
        encoding="utf-8",
    )
    zoned, _problems = load_round_or_raise(folder)
    assert zoned.timezone == "Asia/Makassar"
    assert round_fingerprint(zoned) == round_fingerprint(round_)
    assert rubric_fingerprint(zoned) == rubric_fingerprint(round_)
    assert round_to_dict(zoned)["timezone"] == "Asia/Makassar"


def test_bad_timezone_is_an_error_naming_line_and_field(round_dir: Path) -> None:
    from click.testing import CliRunner

    from panel_tui.cli import cli

    toml = round_dir / "round.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "advance =", 'timezone = "Asia/Mataram"\nadvance ='
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", str(round_dir)])
    assert result.exit_code == 1
    line = next(
        n
        for n, text in enumerate(toml.read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("timezone")
    )
    assert (
        f"round.toml:{line} (round.timezone): 'Asia/Mataram': expected an IANA time zone"
        in result.output
    )
    assert "Traceback" not in result.output


# --- notes, comments, recusal reasons and finalisation ------------------------------------

NOTE = "=cmd|' /C calc'!A0 <b>[red]bold[/red]</b>"


@pytest.fixture
def noted_panel(panel_in: PanelIn, tmp_path: Path) -> Path:
    """The panel, with a2's note and comment on klu and a3's sheet of lotim finalised."""
    out = panel_in()
    a2, a3 = tmp_path / "a2.db", tmp_path / "a3.db"
    with Store.open(a2) as store:
        store.record_note("klu", "innovation", NOTE)
        store.record_note("klu", None, "Strong regent; ask for the Perda text")
    with Store.open(a3) as store:
        store.finalise("lotim")
    assert merge(out, [a2, a3]).ok
    return out


def test_minutes_hold_notes_reasons_and_final_sheets(noted_panel: Path) -> None:
    result = tally_database(noted_panel)
    page = render_html(result, GENERATED)
    annex = page[page.index("<h2>Scores by assessor</h2>") :]
    assert "a2, overall: Strong regent; ask for the Perda text" in annex
    assert (
        "a2, innovation: =cmd|&#x27; /C calc&#x27;!A0 &lt;b&gt;[red]bold[/red]&lt;/b&gt;" in annex
    )
    assert "a1 recused from PT Bank NTB Syariah (bank) (not counted): former employee" in annex
    lotim = annex[annex.index("(lotim)</h4>") : annex.index("(klu)</h4>")]
    assert (
        '<tr><td>sheet final</td><td class="n">–</td><td class="n">–</td><td class="n">✓</td>'
        in lotim
    )
    text = render_markdown(result, GENERATED)
    assert "| sheet final | – | – | ✓ |  |" in text
    assert "a2, innovation: =cmd\\|' /C calc'!A0 &lt;b&gt;\\[red\\]bold\\[/red\\]&lt;/b&gt;" in text


def test_xlsx_notes_sheet(noted_panel: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from panel_tui.output.xlsx import write_xlsx

    out = tmp_path / "hasil.xlsx"
    write_xlsx(tally_database(noted_panel), out)
    book = load_workbook(out)
    notes = list(book["Notes"].iter_rows())
    assert [c.value for c in notes[0]] == [
        "category",
        "nominee",
        "name",
        "assessor",
        "criterion",
        "note",
    ]
    values = [[c.value for c in row] for row in notes[1:]]
    assert [*values] == [
        [
            "pemkab",
            "klu",
            "Pemerintah Kabupaten Lombok Utara",
            "a2",
            None,
            "Strong regent; ask for the Perda text",
        ],
        ["pemkab", "klu", "Pemerintah Kabupaten Lombok Utara", "a2", "innovation", NOTE],
    ]
    note_cell = notes[2][5]
    assert note_cell.data_type == "s" and note_cell.quotePrefix  # text, never a formula
    finals = list(book["Sheets"].iter_rows(values_only=True))
    assert ("pemkab", "lotim", "a3", 3, 3, True, False) in finals
    assert ("pemkab", "lotim", "a1", 3, 3, False, False) in finals


async def test_nominee_screen_shows_notes_and_final_sheets(noted_panel: Path) -> None:
    from textual.widgets import DataTable, Static

    from panel_tui.tui.secretariat.app import SecretariatApp
    from panel_tui.tui.secretariat.nominee_result_screen import NomineeResultScreen

    app = SecretariatApp(noted_panel)
    async with app.run_test(size=(160, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # lotim
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NomineeResultScreen)
        matrix = screen.query_one("#nominee-matrix", DataTable)
        assert [str(c) for c in matrix.get_row_at(matrix.row_count - 1)] == [
            "sheet final",
            "",
            "–",
            "–",
            "✓",
            "",
        ]
        await pilot.press("escape", "down", "enter")  # klu
        await pilot.pause()
        details = str(app.screen.query_one("#nominee-details", Static).render())
        assert "a2, overall: Strong regent; ask for the Perda text" in details
        assert f"a2, innovation: {NOTE}" in details  # as written, not read as markup
