"""What a merge did with each input: its chains, its problems and its conflicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from panel_tui.i18n import _


@dataclass(frozen=True)
class ChainResult:
    origin: str
    assessor: str
    added: int
    known: int
    length: int
    head: str


@dataclass(frozen=True)
class Conflict:
    """One cell on which two chains of the same assessor disagree."""

    assessor: str
    nominee: str
    criterion: str | None  # None: the recusal of the nominee
    value: str  # as in the input ("4", "cleared", "recused", "not recused")
    other_value: str  # as already in OUT
    origin: str
    other_origin: str
    other_file: str

    def describe(self) -> str:
        if self.criterion is None:
            return _(
                "recusal conflict: assessor {assessor} recused from {nominee} on one laptop and "
                "not on another: {value} in this file (chain {origin}), {other} in the merged "
                "file (chain {other_origin}, from {file})"
            ).format(**self._fields())
        return _(
            "assessor {assessor}, {nominee} / {criterion}: {value} in this file (chain {origin}),"
            " {other} in the merged file (chain {other_origin}, from {file})"
        ).format(criterion=self.criterion, **self._fields())

    def _fields(self) -> dict[str, str]:
        return {
            "assessor": self.assessor,
            "nominee": self.nominee,
            "value": self.value,
            "origin": self.origin[:12],
            "other": self.other_value,
            "other_origin": self.other_origin[:12],
            "file": self.other_file or _("an earlier merge"),
        }


@dataclass
class InputReport:
    path: Path
    status: str = "refused"  # merged | unchanged | refused
    sha256: str = ""
    chains: list[ChainResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(c.added for c in self.chains)

    @property
    def known(self) -> int:
        return sum(c.known for c in self.chains)


@dataclass
class MergeResult:
    out: Path
    inputs: list[InputReport] = field(default_factory=list)
    unmatched_heads: list[str] = field(default_factory=list)
    created: bool = False

    @property
    def ok(self) -> bool:
        return not self.unmatched_heads and all(r.status != "refused" for r in self.inputs)
