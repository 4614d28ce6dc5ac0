"""The typed-number buffer behind the digit keys (no Textual)."""

from __future__ import annotations

from panel_tui.domain.model import Criterion, Rubric
from panel_tui.domain.score_entry import ScoreEntry
from panel_tui.tui.dialogs.score_input import parse_score

CRITERIA = (Criterion("a", "A", 1),)


def rubric(low: float, high: float, step: float = 1) -> Rubric:
    return Rubric("r", low, high, step, CRITERIA)


def test_single_digit_scale_commits_at_once() -> None:
    entry = ScoreEntry(rubric(1, 5))
    step = entry.type("4")
    assert step.outcome == "commit" and step.commits == (4,)
    assert entry.buffer == ""


def test_zero_to_ten_waits_after_one() -> None:
    entry = ScoreEntry(rubric(0, 10))
    assert entry.type("1").outcome == "pending"
    step = entry.type("0")
    assert step.commits == (10,)
    entry.type("1")
    assert entry.enter().commits == (1,)


def test_typing_on_takes_the_waiting_score_first() -> None:
    entry = ScoreEntry(rubric(0, 10))
    entry.type("1")
    step = entry.type("7")
    assert step.commits == (1, 7)


def test_half_points_with_plus_and_point() -> None:
    entry = ScoreEntry(rubric(1, 5, 0.5))
    assert entry.type("3").outcome == "pending"
    assert entry.type("+").commits == (3.5,)
    entry.type("4")
    entry.type(",")
    assert entry.type("5").commits == (4.5,)
    assert entry.type("5").commits == (5,)  # nothing can follow 5


def test_off_scale_is_refused_and_forgotten() -> None:
    entry = ScoreEntry(rubric(1, 5))
    step = entry.type("7")
    assert step.outcome == "invalid" and step.rejected == "7"
    assert entry.buffer == ""
    assert ScoreEntry(rubric(1, 5)).type("+").outcome == "invalid"


def test_backspace_edits_the_buffer() -> None:
    entry = ScoreEntry(rubric(0, 10, 0.5))
    entry.type("1")
    assert entry.backspace() is True
    assert entry.buffer == ""
    assert entry.backspace() is False


def test_score_line_parsing() -> None:
    scale = rubric(0, 10, 0.5)
    assert parse_score("7,5", scale) == 7.5
    assert parse_score("7+", scale) == 7.5
    assert parse_score("7.25", scale) is None
    assert parse_score("eleven", scale) is None
