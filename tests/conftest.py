"""Fixtures shared by every test directory: the built-in demo round and a small valid round.

Keep this file minimal; fixtures used by one area belong in that area's conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

import panel_tui
from fixtures.rounds import SMALL_CLAIMS, SMALL_NOMINEES, SMALL_ROUND_TOML, RoundFactory
from panel_tui.i18n import set_language

# No per-example deadline: CI's two cores run the suite in parallel, and a property that took
# 250 ms once under load is not a failure of the property (timings live in bench/).
settings.register_profile("panel-tui", deadline=None)
settings.load_profile("panel-tui")


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in English unless it asks for another language (tests/i18n does)."""
    monkeypatch.setenv("PANEL_TUI_LANG", "en")
    set_language("en")


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
