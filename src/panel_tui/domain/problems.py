"""Problems found in users' files: where (file, line or cell, field) and what is wrong."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from panel_tui.i18n import _

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | str | None
    field: str | None
    message: str
    severity: Severity = "error"

    def location(self) -> str:
        """`claims.csv:12 (value)` or `nominees.xlsx!C4 (category)`."""
        where = self.file
        if isinstance(self.line, int):
            where += f":{self.line}"
        elif self.line:
            where += f"!{self.line}"
        if self.field:
            where += f" ({self.field})"
        return where

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        del data["severity"]
        return data


class PanelError(Exception):
    """A refusal the user can act on; the CLI prints it and exits 1, never a traceback."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message, *(f"  {p}" for p in self.problems[:50])]
        if len(self.problems) > 50:
            lines.append("  " + _("… and {count} more").format(count=len(self.problems) - 50))
        return "\n".join(lines)
