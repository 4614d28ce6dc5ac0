"""Loading and checking a round package: round.toml, nominees.csv|xlsx, claims.csv|xlsx.

`load_round` never raises on bad input: it returns what it could build and every problem
it found, each naming file, line (or cell) and field. Each file has its module: round_toml,
nominees, claims (their cells in cells).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from panel_tui.domain.bulk import gc_paused
from panel_tui.domain.model import Round, defer_claims
from panel_tui.domain.problems import PanelError, Problem
from panel_tui.i18n import _
from panel_tui.round_package.claims import load_claims
from panel_tui.round_package.nominees import load_nominees
from panel_tui.round_package.round_toml import ROUND_FILE, RoundToml


@dataclass
class LoadResult:
    round: Round | None
    problems: list[Problem] = field(default_factory=list)
    claim_count: int = 0  # the claims file's claims without errors (the round's, if any)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def load_round(folder: Path | str) -> LoadResult:
    # A national round builds ~10 objects per claim, none of them cyclic: pausing the cyclic
    # garbage collector while they are built halves the time `check` takes.
    with gc_paused():
        return _load_round(Path(folder))


def _load_round(folder: Path) -> LoadResult:
    problems: list[Problem] = []
    if not folder.is_dir():
        problems.append(
            Problem(str(folder), None, None, _("not a folder: a round package is a folder"))
        )
        return LoadResult(None, problems)
    header = RoundToml(folder / ROUND_FILE, problems).load()
    if header is None:
        return LoadResult(None, problems)
    nominees = load_nominees(folder, header, problems)
    build_claims, claim_count = load_claims(folder, header, nominees, problems)
    has_errors = any(p.severity == "error" for p in problems)
    if has_errors or nominees is None:
        return LoadResult(None, problems, claim_count)
    round_ = replace(header, nominees=tuple(nominees), claims=())
    return LoadResult(defer_claims(round_, build_claims), problems, claim_count)


def load_round_or_raise(folder: Path | str) -> tuple[Round, list[Problem]]:
    """The round and its warnings, or PanelError listing every error."""
    result = load_round(folder)
    if result.round is None:
        raise PanelError(
            _("the round package {folder} has errors:").format(folder=folder), result.errors
        )
    return result.round, result.warnings
