"""Typing a score with the keyboard: the number buffer behind the digit keys.

The rules (docs/scoring-app.md, "Typing a score"):

- A digit is added to the buffer. When the buffer is a score on the scale and no longer score
  starts with it, it is taken at once: on a 1–5 scale "4" scores 4.
- When a longer score could still follow (on 0–10 "1" may become "10"; on a half-point scale
  "3" may become "3.5") the buffer waits: Enter takes it now, and it is taken by itself after
  a short pause. Typing a digit that cannot continue it takes the waiting score first and
  starts the next one.
- "+" adds a half point ("3+" is 3.5); "." or "," types the decimal point ("3.5").
- Backspace removes the last typed character; Escape drops the buffer.

No Textual here: the scoring screen feeds keys in and acts on the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from panel_tui.domain.model import Rubric, format_score

Outcome = Literal["pending", "commit", "invalid"]


@dataclass(frozen=True)
class Step:
    """What one key did: `commit` carries the score(s) to record, in order."""

    outcome: Outcome
    commits: tuple[float, ...] = ()
    buffer: str = ""
    rejected: str = ""


class ScoreEntry:
    """The typed-number buffer for one rubric's scale."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.spellings = {format_score(v): v for v in rubric.values()}
        self.buffer = ""

    def _continues(self, text: str) -> bool:
        return any(s.startswith(text) and s != text for s in self.spellings)

    def _could_be(self, text: str) -> bool:
        return text in self.spellings or self._continues(text)

    @property
    def complete(self) -> float | None:
        """The waiting buffer's score, when it is one."""
        return self.spellings.get(self.buffer)

    def type(self, char: str) -> Step:
        """Feed one character: a digit, '.', ',' or '+'."""
        if char == ",":
            char = "."
        addition = ".5" if char == "+" else char
        if char == "+" and (not self.buffer or "." in self.buffer):
            return self._reject(self.buffer + "+")
        candidate = self.buffer + addition
        if self._could_be(candidate):
            self.buffer = candidate
            return self._settle(())
        waiting = self.complete
        if waiting is not None and char.isdigit():
            # The waiting score is taken, and this digit starts the next criterion's score.
            self.buffer = ""
            first = (waiting,)
            if self._could_be(char):
                self.buffer = char
                return self._settle(first)
            return Step("commit", first, "", rejected=char)
        return self._reject(candidate)

    def _settle(self, already: tuple[float, ...]) -> Step:
        value = self.complete
        if value is not None and not self._continues(self.buffer):
            self.buffer = ""
            return Step("commit", (*already, value))
        if already:
            return Step("commit", already, self.buffer)
        return Step("pending", (), self.buffer)

    def _reject(self, text: str) -> Step:
        self.buffer = ""
        return Step("invalid", (), "", rejected=text)

    def enter(self) -> Step:
        """Take the waiting buffer now (Enter, or the pause ran out)."""
        value = self.complete
        if value is None:
            if not self.buffer:
                return Step("pending")
            return self._reject(self.buffer)
        self.buffer = ""
        return Step("commit", (value,))

    def backspace(self) -> bool:
        """Remove the last typed character; False when there was nothing to remove."""
        if not self.buffer:
            return False
        self.buffer = self.buffer[:-1]
        return True

    def clear(self) -> None:
        self.buffer = ""
