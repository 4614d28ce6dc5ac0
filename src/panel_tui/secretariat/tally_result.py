"""What a tally found, per category and nominee, and the rules it followed: as the reader
sees them and as JSON (contracts.md section 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from panel_tui.domain.fairness import Calibration
from panel_tui.domain.model import Assessor, Category, Nominee, Round, Rubric
from panel_tui.domain.sheet import Sheet
from panel_tui.i18n import _

METHOD = "mean"


MEAN_DECIMALS = 4


def round_half_up(value: float, places: int) -> float:
    """`value` to `places` decimals, halves away from zero, after removing float noise."""
    exact = Decimal(repr(round(value, 9)))
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@dataclass
class NomineeResult:
    nominee: Nominee
    rank: int
    total: float | None  # rounded to 2 decimals; None when a criterion has no score at all
    complete: bool
    counted: list[str]  # assessor ids that count for this nominee
    recused: list[str]
    means: dict[str, float | None]  # by criterion id, rubric order, rounded to MEAN_DECIMALS
    advances: bool
    missing: dict[str, list[str]]  # counted assessor -> criteria not scored
    scores: dict[str, dict[str, float]]  # assessor -> criterion -> score (every panel member)

    def lacks(self) -> list[str]:
        """What an incomplete nominee lacks, one phrase per assessor."""
        if not self.counted:
            return [_("every assessor is recused: nobody can score it")]
        out = []
        for assessor, criteria in self.missing.items():
            if len(criteria) == len(self.means):
                out.append(_("{assessor}: no scores").format(assessor=assessor))
            else:
                out.append(
                    _("{assessor}: {criteria}").format(
                        assessor=assessor, criteria=", ".join(criteria)
                    )
                )
        return out


@dataclass
class Disagreement:
    category: Category
    nominee: Nominee
    criterion: str
    spread: float
    mean: float
    scores: dict[str, float]  # counted assessors who scored it


@dataclass
class CategoryResult:
    category: Category
    rubric: Rubric
    results: list[NomineeResult]
    # zscore: the category's calibration (its `reason` says why the method is unavailable)
    calibration: Calibration | None = None


@dataclass
class TallyResult:
    round: Round
    path: Path
    kind: str
    assessor: str | None  # set on an assessor's own database: only they count
    panel: list[Assessor]  # the assessors who count (before recusals)
    categories: list[CategoryResult]
    disagreements: list[Disagreement]
    chains: list[tuple[str, str, int, str]] = field(default_factory=list)
    imports: list[dict[str, Any]] = field(default_factory=list)
    fingerprints: tuple[str, str] = ("", "")
    method: str = METHOD
    # When the file was verified before this tally (UTC), and the receipt heads it was held to.
    verified_at: str = ""
    verified_heads: tuple[str, ...] = ()
    # assessor -> nominee -> current sheet (notes, comment, recusal reason, final), as
    # projection.py reads them; what the minutes and the screen show beside the scores.
    sheets: dict[str, dict[str, Sheet]] = field(default_factory=dict)

    @property
    def advance(self) -> int | None:
        return self.round.advance

    def rules(self) -> list[str]:
        return method_rules(self.round, self.assessor, self.method)

    def incomplete(self) -> list[tuple[CategoryResult, NomineeResult]]:
        return [(c, r) for c in self.categories for r in c.results if not r.complete]

    def to_json(self) -> dict[str, Any]:
        """Exactly the shape of contracts.md section 2."""
        return {
            "round": self.round.id,
            "method": self.method,
            "categories": [
                {
                    "id": cat.category.id,
                    "results": [
                        {
                            "rank": r.rank,
                            "nominee": r.nominee.id,
                            "name": r.nominee.name,
                            "total": r.total,
                            "complete": r.complete,
                            "assessors": len(r.counted),
                            "criteria": dict(r.means),
                            "advances": r.advances,
                        }
                        for r in cat.results
                    ],
                }
                for cat in self.categories
            ],
        }


def centre_rules(method: str) -> list[str]:
    """How `method` finds m_c, the centre of the counted assessors' scores on criterion c."""
    if method == "median":
        return [
            _(
                "m_c = the median of the counted assessors' scores on criterion c (the mean of "
                "the two middle scores when their number is even)."
            )
        ]
    if method == "trimmed":
        return [
            _(
                "m_c = the mean of the counted assessors' scores on criterion c after setting "
                "aside one highest and one lowest score, when there are 3 or more; otherwise "
                "the mean. With 3 or 4 scores this is the median."
            )
        ]
    if method == "zscore":
        return [
            _(
                "m_c = the mean of the counted assessors' calibrated scores on criterion c: "
                "each score s of assessor a becomes μ + σ·(s − μ_a)/σ_a."
            ),
            _(
                "μ_a, σ_a = the mean and population standard deviation of a's scores on every "
                "criterion of the calibration set (the category's complete nominees no panel "
                "member is recused from); μ, σ = the same over the whole panel; σ_a = 0 gives "
                "μ; fewer than 3 calibration nominees: the method is refused for the category."
            ),
        ]
    return [_("m_c = the mean of the counted assessors' scores on criterion c.")]


def method_rules(round_: Round, assessor: str | None = None, method: str = METHOD) -> list[str]:
    """The rules printed with every result."""
    rules = [
        _("Only the panel's assessors who are not recused from a nominee count for it."),
        *centre_rules(method),
        _(
            "total = 100 × Σ w_c·(m_c − min)/(max − min) / Σ w_c over the nominee's rubric, "
            "reported to 2 decimals (halves rounded up)."
        ),
        _(
            "complete = every counted assessor scored every criterion; incomplete nominees are "
            "ranked after the complete ones of their category."
        ),
        _(
            "Order: the total as reported, then the criterion means in order of descending "
            "weight (rubric order between equal weights); nominees equal on all of them share "
            "a rank (1, 2, 2, 4)."
        ),
    ]
    if round_.advance is None:
        rules.append(_("advance is not set for this round: nobody is marked as advancing."))
    else:
        rules.append(
            _("advances = rank ≤ {advance} among the complete nominees of the category.").format(
                advance=round_.advance
            )
        )
    if assessor is not None:
        rules.append(
            _(
                "This is assessor {assessor}'s own database: only their scores count. A preview, "
                "not the panel's result: tally the merged file for that."
            ).format(assessor=assessor)
        )
    return rules
