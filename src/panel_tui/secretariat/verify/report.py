"""What verifying a file found: its problems, its chains and, on request, what its events mean now."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panel_tui.domain.model import Round
from panel_tui.storage.projection import ChainState

# A receipt's chain head may be written down shortened; this many hex digits still leave a
# forger no practical way to hit it.
MIN_HEAD_PREFIX = 16


@dataclass
class ChainSummary:
    origin: str
    assessor: str
    length: int
    head: str


@dataclass
class LaterEvents:
    """Events recorded after a receipt's head, in the chain that holds it."""

    head: str  # as given
    origin: str
    count: int


@dataclass
class VerifyReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    chains: list[ChainSummary] = field(default_factory=list)
    events: int = 0
    # Not problems: a live database keeps growing after its hand-over copy was made.
    after_heads: list[LaterEvents] = field(default_factory=list)
    # The round and rubric fingerprints the chains were verified against.
    fingerprints: tuple[str, str] | None = None
    # With `project=True`: what the events mean now (projection.py), folded in the same read
    # of the file that verified them, and what a tally needs besides (the file's round, kind,
    # own assessor and the imports ledger), so the tally reads nothing the check did not.
    current: list[ChainState] | None = None
    round: Round | None = None
    kind: str = ""
    assessor: str | None = None
    imports: list[tuple[Any, ...]] = field(default_factory=list)
    # Set for merge when the checks read the file's bytes, held in memory, and not the file:
    # its score_events as verified, a serialised database of that one table (see
    # verify.template). Merge takes the events in from it and never reads the file again, so
    # what it merges is what was verified even if the file changes (or a device reads it
    # differently) in between.
    events_image: bytes | None = None

    @property
    def ok(self) -> bool:
        return not self.problems
