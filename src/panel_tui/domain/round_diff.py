"""What differs between two versions of a round, in the terms of its fingerprints.

`merge` and `init` refuse a database made from another version of the round (snapshot.py's
round and rubric fingerprints differ). A fingerprint only says *that* something differs; these
functions say *what*, from the two rounds themselves, so the secretariat can tell a wrong round
package ("nominees: added lobar") from a rubric changed after scoring began ("rubric pemda,
criterion regulation: weight 40 → 45").

Each function returns the differences from `old` to `new` as short sentences in the reader's
language (numbers too), in the order the fingerprint lists the fields, covering exactly what
that fingerprint covers; an empty list when the fingerprinted parts are equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from panel_tui.domain import formatting
from panel_tui.domain.model import Round, Rubric
from panel_tui.i18n import _

# Ids named per list ("nominees added: a, b, c, d, e and 495 more").
IDS_SHOWN = 5


def _ids(ids: Iterable[str]) -> str:
    items = sorted(ids)
    shown = ", ".join(items[:IDS_SHOWN])
    if len(items) > IDS_SHOWN:
        return _("{ids} and {count} more").format(ids=shown, count=len(items) - IDS_SHOWN)
    return shown


def _number(value: float | None) -> str:
    return _("none") if value is None else formatting.number(value, 4)


def _added_removed(
    label_added: str, label_removed: str, old: Iterable[str], new: Iterable[str]
) -> list[str]:
    before, after = set(old), set(new)
    found = []
    if after - before:
        found.append(label_added.format(ids=_ids(after - before)))
    if before - after:
        found.append(label_removed.format(ids=_ids(before - after)))
    return found


def round_differences(old: Round, new: Round) -> list[str]:
    """What differs in round id, year, stage, advance, panel, categories and nominees."""
    found: list[str] = []
    if old.id != new.id:
        found.append(_("round id: {old} → {new}").format(old=old.id, new=new.id))
    if old.year != new.year:
        found.append(_("year: {old} → {new}").format(old=old.year, new=new.year))
    if old.stage != new.stage:
        found.append(
            _("stage: {old} → {new}").format(
                old=formatting.stage_label(old.stage), new=formatting.stage_label(new.stage)
            )
        )
    if old.advance != new.advance:
        found.append(
            _("advance: {old} → {new}").format(old=_number(old.advance), new=_number(new.advance))
        )
    found += _added_removed(
        _("panel: assessor(s) added: {ids}"),
        _("panel: assessor(s) removed: {ids}"),
        (a.id for a in old.assessors),
        (a.id for a in new.assessors),
    )
    old_categories = {c.id: c.rubric for c in old.categories}
    new_categories = {c.id: c.rubric for c in new.categories}
    found += _added_removed(
        _("categories added: {ids}"),
        _("categories removed: {ids}"),
        old_categories,
        new_categories,
    )
    for category in sorted(old_categories.keys() & new_categories.keys()):
        if old_categories[category] != new_categories[category]:
            found.append(
                _("category {category}: rubric {old} → {new}").format(
                    category=category, old=old_categories[category], new=new_categories[category]
                )
            )
    old_nominees = {n.id: n.category for n in old.nominees}
    new_nominees = {n.id: n.category for n in new.nominees}
    found += _added_removed(
        _("nominees added: {ids}"), _("nominees removed: {ids}"), old_nominees, new_nominees
    )
    moved = sorted(
        n for n in old_nominees.keys() & new_nominees.keys() if old_nominees[n] != new_nominees[n]
    )
    for nominee in moved[:IDS_SHOWN]:
        found.append(
            _("nominee {nominee}: category {old} → {new}").format(
                nominee=nominee, old=old_nominees[nominee], new=new_nominees[nominee]
            )
        )
    if len(moved) > IDS_SHOWN:
        found.append(
            _("{count} more nominee(s) in another category").format(count=len(moved) - IDS_SHOWN)
        )
    return found


def _scale(rubric: Rubric) -> str:
    return _("{min}–{max}, step {step}").format(
        min=_number(rubric.min), max=_number(rubric.max), step=_number(rubric.step)
    )


def rubric_differences(old: Round, new: Round) -> list[str]:
    """What differs in the rubrics: scales and steps, criteria, their weights and order."""
    before = {r.id: r for r in old.rubrics}
    after = {r.id: r for r in new.rubrics}
    found = _added_removed(
        _("rubric(s) added: {ids}"), _("rubric(s) removed: {ids}"), before, after
    )
    for rubric_id in sorted(before.keys() & after.keys()):
        found += _criteria_differences(before[rubric_id], after[rubric_id])
    return found


def _criteria_differences(old: Rubric, new: Rubric) -> list[str]:
    found: list[str] = []
    if (old.min, old.max, old.step) != (new.min, new.max, new.step):
        found.append(
            _("rubric {rubric}: scale {old} → {new}").format(
                rubric=old.id, old=_scale(old), new=_scale(new)
            )
        )
    weights = {c.id: c.weight for c in old.criteria}
    new_weights = {c.id: c.weight for c in new.criteria}
    for criterion in new.criteria:
        if criterion.id not in weights:
            found.append(
                _("rubric {rubric}: criterion {criterion} added (weight {weight})").format(
                    rubric=old.id, criterion=criterion.id, weight=_number(criterion.weight)
                )
            )
        elif weights[criterion.id] != criterion.weight:
            found.append(
                _("rubric {rubric}, criterion {criterion}: weight {old} → {new}").format(
                    rubric=old.id,
                    criterion=criterion.id,
                    old=_number(weights[criterion.id]),
                    new=_number(criterion.weight),
                )
            )
    for criterion in old.criteria:
        if criterion.id not in new_weights:
            found.append(
                _("rubric {rubric}: criterion {criterion} removed (weight {weight})").format(
                    rubric=old.id, criterion=criterion.id, weight=_number(criterion.weight)
                )
            )
    common = set(weights) & set(new_weights)
    old_order = [c.id for c in old.criteria if c.id in common]
    new_order = [c.id for c in new.criteria if c.id in common]
    if old_order != new_order:
        found.append(
            _("rubric {rubric}: criteria in another order: {old} → {new}").format(
                rubric=old.id, old=", ".join(old_order), new=", ".join(new_order)
            )
        )
    return found


def bounded(differences: Sequence[str], shown: int = 10) -> str:
    """The first `shown` differences joined, then how many more."""
    text = "; ".join(differences[:shown])
    if len(differences) > shown:
        return _("{differences}; and {count} more").format(
            differences=text, count=len(differences) - shown
        )
    return text
