"""The printable report (Markdown and HTML) in both languages, from one merged panel file."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel_tui.i18n import set_language
from panel_tui.output.report_html import render_html
from panel_tui.output.report_markdown import render_markdown
from panel_tui.secretariat.tally import tally_database


@pytest.fixture
def round_dir(panel_round_dir: Path) -> Path:
    """The secretariat's round (as in tests/secretariat), not the scoring app's."""
    return panel_round_dir


ENGLISH = ["## Round", "## Panel", "## Method", "## Ranking", "## Scores by assessor"]
INDONESIAN = ["## Putaran", "## Tim penilai", "## Metode", "## Peringkat", "## Nilai per penilai"]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_markdown_report_in_both_languages(panel_file: Path, lang: str) -> None:
    set_language(lang)
    text = render_markdown(tally_database(panel_file), generated_at="2025-07-15 17:00")
    wanted, other = (INDONESIAN, ENGLISH) if lang == "id" else (ENGLISH, INDONESIAN)
    for heading in wanted:
        assert heading in text
    for heading in other:
        assert heading not in text
    assert "Pemerintah Kabupaten Lombok Timur" in text  # round content as written
    if lang == "id":
        assert "Hasil penilaian wawancara" in text
        assert "R = mengundurkan diri (tidak dihitung)" in text
        assert "| 70,00 |" in text  # totals written the Indonesian way
    else:
        assert "Results of the interview panel" in text
        assert "| 70.00 |" in text


@pytest.mark.parametrize("lang", ["en", "id"])
def test_html_report_in_both_languages(panel_file: Path, lang: str) -> None:
    set_language(lang)
    page = render_html(tally_database(panel_file), generated_at="2025-07-15 17:00")
    if lang == "id":
        assert "<h2>Peringkat</h2>" in page and "<h2>Ranking</h2>" not in page
        assert 'lang="id"' in page
        assert "70,00" in page
    else:
        assert "<h2>Ranking</h2>" in page and "<h2>Peringkat</h2>" not in page
        assert 'lang="en"' in page
        assert "70.00" in page
