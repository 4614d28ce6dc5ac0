"""Preparing an assessor's laptop: a database holding the round snapshot."""

from __future__ import annotations

from pathlib import Path

from panel_tui.domain.problems import PanelError, Problem
from panel_tui.domain.round_diff import bounded, round_differences, rubric_differences
from panel_tui.i18n import _
from panel_tui.round_package.loader import load_round_or_raise
from panel_tui.storage.snapshot import round_fingerprint, rubric_fingerprint
from panel_tui.storage.store import Store


def init_assessor_db(
    round_dir: Path, assessor: str, db_path: Path
) -> tuple[Path, bool, list[Problem]]:
    """Create `db_path` for `assessor`; (path, created, warnings).

    An existing database of the same round and assessor is left as it is (running init twice
    is harmless); any other existing file is refused, never overwritten.
    """
    round_, warnings = load_round_or_raise(round_dir)
    if round_.assessor(assessor) is None:
        panel = ", ".join(f"{a.id} ({a.name})" for a in round_.assessors)
        raise PanelError(
            _("unknown assessor {assessor!r}: the panel of {round} is {panel}").format(
                assessor=assessor, round=round_.id, panel=panel
            )
        )
    if db_path.exists():
        with Store.open(db_path) as existing:
            other = existing.round
            if other.id != round_.id:
                raise PanelError(
                    _(
                        "{db_path} belongs to round {found!r}, not {expected!r}: choose another --db path"
                    ).format(db_path=db_path, found=other.id, expected=round_.id)
                )
            if existing.assessor_id != assessor:
                raise PanelError(
                    _("{db_path} belongs to assessor {assessor_id!r}, not {assessor!r}").format(
                        db_path=db_path, assessor_id=existing.assessor_id, assessor=assessor
                    )
                )
            if existing.fingerprints() != (round_fingerprint(round_), rubric_fingerprint(round_)):
                changes = round_differences(other, round_) + rubric_differences(other, round_)
                if changes:
                    raise PanelError(
                        _(
                            "{db_path} was made from a different version of round {round} (database → round package: {changes}): choose another --db path"
                        ).format(db_path=db_path, round=round_.id, changes=bounded(changes))
                    )
                raise PanelError(
                    _(
                        "{db_path} was made from a different version of round {round} (nominees, panel or rubric changed): choose another --db path"
                    ).format(db_path=db_path, round=round_.id)
                )
        return db_path, False, warnings
    if db_path.parent and not db_path.parent.exists():
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PanelError(
                _("{db_path}: cannot create its folder: {error}").format(
                    db_path=db_path, error=exc.strerror or exc
                )
            ) from exc
    Store.create(db_path, round_, assessor).close()
    return db_path, True, warnings
