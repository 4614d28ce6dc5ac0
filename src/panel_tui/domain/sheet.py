"""An assessor's sheet of one nominee as it stands: what the scoring app shows, the summary
and the paper path compare against, and the tally counts (storage's projection builds it
from the events)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Sheet:
    """One assessor's current sheet for one nominee."""

    nominee: str
    scores: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    recused: bool = False
    recusal_reason: str = ""
    final: bool = False
