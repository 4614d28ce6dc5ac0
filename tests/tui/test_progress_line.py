"""The agenda's progress line stays on one line: the bar gives way to a national round's counts."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.content import Content

from panel_tui.domain.progress import Overall
from panel_tui.i18n import set_language
from panel_tui.tui.scoring.progress_line import BAR_WIDTH, ProgressLine

NATIONAL = Overall(nominees=500, final=0, recused=0, scored=1_250, total=5_000)
PROVINCIAL = Overall(nominees=7, final=1, recused=1, scored=12, total=42)


class _Agenda(App[None]):
    def __init__(self, figures: Overall) -> None:
        super().__init__()
        self.figures = figures

    def compose(self) -> ComposeResult:
        yield ProgressLine()

    def on_mount(self) -> None:
        self.query_one(ProgressLine).show(self.figures)


async def _shown(figures: Overall, width: int) -> tuple[int, str]:
    app = _Agenda(figures)
    async with app.run_test(size=(width, 10)) as pilot:
        await pilot.pause()
        line = app.query_one(ProgressLine)
        content = line.content
        assert isinstance(content, Content)
        return line.size.height, content.plain


@pytest.mark.parametrize("code", ["en", "id"])
async def test_a_national_round_fits_80_columns(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANEL_TUI_LANG", code)
    set_language(code)
    height, text = await _shown(NATIONAL, 80)
    assert height == 1 and len(text) <= 80
    assert "5,000" in text or "5.000" in text or "5000" in text
    assert ("25%" in text or "25 %" in text) and "500" in text


async def test_the_bar_is_whole_where_there_is_room() -> None:
    height, text = await _shown(PROVINCIAL, 80)
    assert height == 1 and text.count("█") + text.count("░") == BAR_WIDTH
    height, text = await _shown(NATIONAL, 160)
    assert height == 1 and text.count("█") + text.count("░") == BAR_WIDTH


async def test_without_room_for_a_bar_the_counts_stay() -> None:
    height, text = await _shown(NATIONAL, 70)
    assert height == 1 and "░" not in text and "█" not in text
    assert text.startswith("Progress 25% · ")
