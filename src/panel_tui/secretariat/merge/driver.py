"""Merging assessor (and already merged) databases into the secretariat's file.

One audit chain per `origin` (one assessor database). For every input, in order:

1. the input is verified (SQLite integrity, round snapshot, every chain) and, when receipt
   heads are given, each of its chains must contain one of them;
2. its round and rubric fingerprints must equal OUT's;
3. each chain is compared with OUT: the same origin must extend OUT's chain (identical
   hashes on the common part; then only the new events are appended) or it is a conflict
   (one database copied and scored on two laptops); a new origin is taken in whole;
4. two chains of the same assessor must not disagree on the current value of any cell
   (a score of a nominee on a criterion, or a recusal): disagreements are reported cell by
   cell and the input is refused; nothing is settled by clocks;
5. the `imports` ledger gets one row per chain taken in.

Every input is one transaction: all of it or nothing. OUT is created from the first accepted
input's round snapshot under a temporary name and renamed into place, so a refused first
input leaves no OUT behind. Merging the same file again writes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from panel_tui.domain.problems import PanelError
from panel_tui.i18n import _
from panel_tui.secretariat.merge.append import merge_into
from panel_tui.secretariat.merge.inputs import InputChecks, known_chains
from panel_tui.secretariat.merge.report import InputReport, MergeResult
from panel_tui.secretariat.merge.target import Target
from panel_tui.secretariat.verify.report import MIN_HEAD_PREFIX
from panel_tui.storage.connection import connect

if TYPE_CHECKING:
    from panel_tui.secretariat.verify.report import ChainSummary


class _Refused(Exception):
    """An input is refused: roll back its transaction."""


def merge(
    out: Path | str,
    inputs: Sequence[Path | str],
    heads: Sequence[str] = (),
    progress: Callable[[InputReport], None] | None = None,
) -> MergeResult:
    """Merge `inputs` into `out` (created if missing); a report per input, never half-written.

    `heads` are chain heads from hand-over receipts: when given, every chain of every input
    must contain one of them (a head may be shortened to at least 16 hex digits).
    """
    out = Path(out)
    wanted = [h.strip().lower() for h in heads if h.strip()]
    for head in wanted:
        if len(head) < MIN_HEAD_PREFIX or any(ch not in "0123456789abcdef" for ch in head):
            raise PanelError(
                _("receipt head {head!r}: give at least {n} hex digits").format(
                    head=head, n=MIN_HEAD_PREFIX
                )
            )
    if not inputs:
        raise PanelError(_("nothing to merge: give one or more databases after OUT"))
    result = MergeResult(out)
    matched: set[str] = set()
    target: Target | None = None
    paths = [Path(item) for item in inputs]
    checks: InputChecks | None = None
    try:
        if out.exists():
            target = Target.open_existing(out)  # refuse a wrong OUT before any work
        # A file byte-identical to one merged before (its SHA-256 is in OUT's ledger) was
        # verified and taken in whole then: it brings nothing new and is not verified again.
        merged_before: set[str] = set()
        if target is not None and not wanted:
            merged_before = {
                row[0] for row in target.conn.execute("SELECT DISTINCT sha256 FROM imports")
            }
        # Verification (the expensive part) starts for every input ahead of the merge.
        checks = InputChecks(paths, merged_before)
        for index, path in enumerate(paths):
            report = InputReport(path)
            result.inputs.append(report)
            try:
                target = _merge_one(out, target, path, report, wanted, matched, checks, index)
                if target is not None and target.pending:
                    target.publish()
                    result.created = True
            except _Refused:
                report.status = "refused"
            if progress is not None:
                progress(report)
    finally:
        if checks is not None:
            checks.close()
        if target is not None:
            target.close()
    result.unmatched_heads = [h for h in wanted if h not in matched]
    return result


# --- the target ---------------------------------------------------------------------------


# --- one input ------------------------------------------------------------------------------


def _merge_one(
    out: Path,
    target: Target | None,
    path: Path,
    report: InputReport,
    wanted: list[str],
    matched: set[str],
    checks: InputChecks,
    index: int,
) -> Target | None:
    def refuse(message: str) -> None:
        report.problems.append(message)
        raise _Refused

    if out.exists() and _same_path(path, out):
        refuse(_("is the merge target itself"))
    if index in checks.known and target is not None:
        report.sha256 = checks.known[index]
        report.chains = known_chains(path)
        report.status = "unchanged"
        return target
    sha, verified, error = checks.result(index)
    if error is not None or verified is None:
        refuse(error or _("cannot read"))
    assert verified is not None
    report.sha256 = sha
    if not verified.ok:
        report.problems.extend(verified.problems)
        refuse(_("the file does not verify; nothing of it was merged"))
    if wanted:
        _match_heads(path, verified.chains, wanted, matched, refuse)

    created_here = False
    if target is None:
        target = Target.create_pending(out, path)
        created_here = True
    try:
        merge_into(
            target,
            path,
            report,
            verified.chains,
            verified.fingerprints,
            refuse,
            verified.events_image,
        )
    except BaseException:
        if created_here:
            target.discard()
        raise
    return target


def _same_path(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _match_heads(
    path: Path,
    chains: list[ChainSummary],
    wanted: list[str],
    matched: set[str],
    refuse: Callable[[str], None],
) -> None:
    """Every chain of the input must end at one of the receipt heads: events after the head
    were added after the hand-over (by anyone who can compute a hash), so they are refused."""

    conn = connect(path, readonly=True)
    try:
        by_origin: dict[str, list[str]] = {}
        for origin, hash_ in conn.execute("SELECT origin, hash FROM score_events"):
            by_origin.setdefault(origin, []).append(hash_)
    finally:
        conn.close()
    for chain in chains:
        hashes = [chain.head] if chain.head in by_origin.get(chain.origin, []) else []
        full = set(hashes)
        found = False
        for head in wanted:
            if (len(head) == 64 and head in full) or (
                len(head) < 64 and any(h.startswith(head) for h in hashes)
            ):
                matched.add(head)
                found = True
        if not found:
            refuse(
                _(
                    "chain {origin} (assessor {assessor}) contains none of the receipt heads "
                    "given: it is not the file handed over, or its chain was rewritten"
                ).format(origin=chain.origin[:12], assessor=chain.assessor)
            )
