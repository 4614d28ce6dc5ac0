"""The assessor's SQLite database: the round snapshot and the hash-chained audit log.

Every change is one `BEGIN IMMEDIATE … COMMIT` with `synchronous=FULL` in WAL mode, so a
call that returned has reached the disk: the app only shows "saved" after it returns.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel_tui import __version__
from panel_tui.domain.bulk import gc_paused
from panel_tui.domain.model import Claim, Round, defer_claims
from panel_tui.domain.problems import PanelError
from panel_tui.domain.sheet import Sheet
from panel_tui.domain.text import field_problem
from panel_tui.i18n import _
from panel_tui.storage import projection, schema
from panel_tui.storage.atomic import move_into_place, remove_temporary, temporary_beside
from panel_tui.storage.chain import EVENT_KINDS, Event, genesis_hash, new_event
from panel_tui.storage.connection import (
    connect,
    raise_if_cancelled,
    too_much_work_message,
    transaction,
)
from panel_tui.storage.files import (
    ROUND_WITHOUT_CLAIMS,
    check_header,
    refuse_damaged,
)
from panel_tui.storage.round_tables import write_round_tables
from panel_tui.storage.schema import (
    apply_migrations,
    create_schema,
    refuse_foreign_schema,
)
from panel_tui.storage.snapshot import (
    SNAPSHOT_ERRORS,
    claims_from_list,
    round_from_dict,
)

if TYPE_CHECKING:
    from panel_tui.domain import paper


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- the schema a file must have before anything is read through it ---------------------
#
# A stranger's file decides what its own views, triggers and tables do: a view in place of
# a table can return other rows on every read, recurse for ever or build gigabytes; a trigger
# can silently drop a write. So before any query touches a table of the file, its whole
# schema (sqlite_master) must be exactly what panel-tui's migrations create for the schema
# version the file declares; reading sqlite_master itself runs nothing of the file's.


class Store:
    """An open panel-tui database. Not thread-safe: one Store per thread."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._round: Round | None = None
        self._round_text: str | None = None  # the round without claims, read by Store.open
        info = conn.execute("SELECT kind, assessor, origin FROM database_info").fetchone()
        if info is None:
            raise PanelError(
                _("{path}: the database has no database_info row: damaged").format(path=path)
            )
        self.kind: str = info[0]
        self.assessor_id: str | None = info[1]
        self.origin: str | None = info[2]

    # --- opening and creating ----------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path | str, round_: Round, assessor: str | None, kind: str = "assessor"
    ) -> Store:
        """A new database holding `round_`; written under a temporary name, then renamed."""
        path = Path(path)
        if kind == "assessor" and (assessor is None or round_.assessor(assessor) is None):
            known = ", ".join(a.id for a in round_.assessors)
            raise PanelError(
                _("unknown assessor {assessor!r}: the panel of {round} is {known}").format(
                    assessor=assessor, round=round_.id, known=known
                )
            )
        if path.exists():
            raise PanelError(_("{path}: already exists").format(path=path))
        tmp = temporary_beside(path)
        try:
            conn = connect(tmp)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                create_schema(conn)
                with transaction(conn):
                    write_round_tables(conn, round_)
                    origin = uuid.uuid4().hex if kind == "assessor" else None
                    conn.execute(
                        "INSERT INTO database_info (kind, assessor, origin, created_at, created_by)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (kind, assessor, origin, now_utc(), f"panel-tui {__version__}"),
                    )
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
            move_into_place(tmp, path)
        except (sqlite3.Error, ValueError) as exc:  # ValueError: a number JSON cannot hold
            raise PanelError(
                _("{path}: cannot create the database: {error}").format(path=path, error=exc)
            ) from exc
        except OSError as exc:
            raise PanelError(
                _("{path}: cannot create the database: {error}").format(
                    path=path, error=exc.strerror or exc
                )
            ) from exc
        finally:
            remove_temporary(tmp)
        return cls.open(path)

    @classmethod
    def open(cls, path: Path | str, readonly: bool = False) -> Store:
        path = Path(path)
        if not path.exists():
            raise PanelError(_("{path}: no such database file").format(path=path))
        check_header(path)  # also refuses a folder, a pipe or a device
        conn = connect(path, readonly=readonly)
        round_text = None
        try:
            refuse_foreign_schema(path, conn)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < schema.SCHEMA_VERSION and not readonly:
                apply_migrations(conn)
            if not readonly:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if mode != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                round_text = refuse_damaged(path, conn)
            store = cls(path, conn)
            store._round_text = round_text
            return store
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            conn.close()
            raise_if_cancelled(conn, exc)  # type: ignore[arg-type]
            if getattr(conn, "too_much_work", False):
                raise PanelError(too_much_work_message(path)) from exc
            raise PanelError(
                _("{path}: the database is damaged or unreadable: {error}").format(
                    path=path, error=exc
                )
            ) from exc
        except PanelError:
            conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the round -----------------------------------------------------------------------

    @property
    def round(self) -> Round:
        if self._round is None:
            # The claims are most of a large snapshot and the first screen needs none: SQLite
            # leaves them out, and they are read from the snapshot when first used.
            deferred = True
            try:
                text, self._round_text = self._round_text, None
                row = (
                    (text,)
                    if text is not None
                    else self.conn.execute(ROUND_WITHOUT_CLAIMS).fetchone()
                )
            except sqlite3.OperationalError:  # malformed JSON, or an SQLite without JSON
                deferred = False
                try:
                    row = self.conn.execute("SELECT snapshot FROM round").fetchone()
                except sqlite3.DatabaseError as exc:  # a text Python cannot decode
                    raise self._damaged(exc) from exc
            except sqlite3.DatabaseError as exc:  # its pages do not read
                raise PanelError(
                    _("{path}: the database is damaged or unreadable: {error}").format(
                        path=self.path, error=exc
                    )
                ) from exc
            if row is None:
                raise PanelError(_("{path}: the database holds no round").format(path=self.path))
            try:
                round_ = round_from_dict(json.loads(row[0]))
            except SNAPSHOT_ERRORS as exc:
                raise self._damaged(exc) from exc
            self._round = (
                defer_claims(round_, self._claims, self._claims_of) if deferred else round_
            )
        return self._round

    def _claims(self) -> tuple[Claim, ...]:
        try:
            row = self.conn.execute("SELECT snapshot FROM round").fetchone()
        except sqlite3.OperationalError as exc:  # a text Python cannot decode
            raise self._damaged(exc) from exc
        try:
            with gc_paused():
                return claims_from_list(json.loads(row[0]).get("claims", []) if row else [])
        except SNAPSHOT_ERRORS as exc:
            raise self._damaged(exc) from exc

    def _claims_of(self, nominee: str) -> list[Claim]:
        """One nominee's claims from the relational copy of the snapshot (written with it in
        one transaction; `verify` proves the two agree), in round order; from the snapshot
        itself when the copy cannot be read."""
        try:
            return [
                Claim(n, k, label, v, t, u, d, dl, p, po, src, tuple(json.loads(w)))
                for n, k, label, v, t, u, d, dl, p, po, src, w in self.conn.execute(
                    "SELECT nominee, key, label, value, text, unit, denominator,"
                    " denominator_label, percent, part_of, source, warnings"
                    " FROM claims WHERE nominee = ? ORDER BY position",
                    (nominee,),
                )
            ]
        except (ValueError, TypeError, sqlite3.Error):
            return [c for c in self.round.claims if c.nominee == nominee]

    def _damaged(self, exc: Exception) -> PanelError:
        return PanelError(
            _("{path}: the round snapshot is damaged ({error}); run panel-tui verify").format(
                path=self.path, error=exc
            )
        )

    def fingerprints(self) -> tuple[str, str]:
        row = self.conn.execute(
            "SELECT round_fingerprint, rubric_fingerprint FROM round"
        ).fetchone()
        return row[0], row[1]

    # --- recording -----------------------------------------------------------------------

    def _require_assessor(self) -> str:
        if self.kind != "assessor" or not self.assessor_id or not self.origin:
            raise PanelError(_("{path}: a merged database takes no scores").format(path=self.path))
        return self.assessor_id

    def record_score(
        self, nominee: str, criterion: str, value: float | None, reason: str = ""
    ) -> Event:
        """Record (or clear, with None) one score; durable when this returns."""
        round_ = self.round
        found = round_.nominee(nominee)
        if found is None:
            raise PanelError(_("unknown nominee {nominee!r}").format(nominee=nominee))
        rubric = round_.rubric_for(found)
        if rubric.criterion(criterion) is None:
            raise PanelError(
                _("unknown criterion {criterion!r} for {nominee}").format(
                    criterion=criterion, nominee=nominee
                )
            )
        if value is not None and not rubric.allows(value):
            raise PanelError(f"score {rubric.scale_problem(value)}")
        assessor = self._require_assessor()
        with transaction(self.conn, immediate=True):
            # Checked under the write lock: a second app on the same file cannot finalise or
            # recuse between this check and the write.
            recused, final = self._sheet_state(nominee)
            if recused:
                raise PanelError(
                    _("you are recused from {nominee}: withdraw the recusal to score").format(
                        nominee=nominee
                    )
                )
            if final and not reason.strip():
                raise PanelError(
                    _("the sheet of {nominee} is final: changing a score needs a reason").format(
                        nominee=nominee
                    )
                )
            return self._append_in_transaction(
                assessor, "score", nominee, criterion, value, None, reason
            )

    def record_note(self, nominee: str, criterion: str | None, text: str) -> Event:
        """A note on a criterion, or with criterion None the overall comment."""
        self._known_nominee(nominee)
        kind = "comment" if criterion is None else "note"
        return self._append(kind, nominee, criterion=criterion, note=text)

    def recuse(self, nominee: str, reason: str) -> Event:
        self._known_nominee(nominee)
        if not reason.strip():
            raise PanelError(_("a recusal needs a reason"))
        return self._append("recuse", nominee, reason=reason)

    def withdraw_recusal(self, nominee: str, reason: str = "") -> Event:
        self._known_nominee(nominee)
        return self._append("unrecuse", nominee, reason=reason)

    def finalise(self, nominee: str) -> Event:
        self._known_nominee(nominee)
        return self._append("finalise", nominee)

    def reopen(self, nominee: str, reason: str) -> Event:
        self._known_nominee(nominee)
        if not reason.strip():
            raise PanelError(_("reopening a final sheet needs a reason"))
        return self._append("reopen", nominee, reason=reason)

    def _known_nominee(self, nominee: str) -> None:
        if self.round.nominee(nominee) is None:
            raise PanelError(_("unknown nominee {nominee!r}").format(nominee=nominee))

    def _append(
        self,
        kind: str,
        nominee: str,
        *,
        criterion: str | None = None,
        value: float | None = None,
        note: str | None = None,
        reason: str = "",
    ) -> Event:
        assessor = self._require_assessor()
        assert kind in EVENT_KINDS
        with transaction(self.conn, immediate=True):
            return self._append_in_transaction(
                assessor, kind, nominee, criterion, value, note, reason
            )

    def _append_in_transaction(
        self,
        assessor: str,
        kind: str,
        nominee: str,
        criterion: str | None,
        value: float | None,
        note: str | None,
        reason: str,
    ) -> Event:
        origin = self.origin
        assert origin is not None
        fields = (
            (_("nominee"), nominee),
            (_("criterion"), criterion),
            (_("note"), note),
            (_("reason"), reason),
        )
        for field_, text in fields:
            problem = None if text is None else field_problem(field_, text)
            if problem is not None:
                raise PanelError(problem)
        last = self.conn.execute(
            "SELECT seq, hash FROM score_events WHERE origin = ? ORDER BY seq DESC LIMIT 1",
            (origin,),
        ).fetchone()
        if last is None:
            seq, prev = 1, genesis_hash(origin, assessor, *self.fingerprints())
        else:
            seq, prev = last[0] + 1, last[1]
        event = new_event(
            origin,
            seq,
            assessor,
            kind,
            nominee,
            criterion,
            None if value is None else float(value),
            note,
            reason or None,
            now_utc(),
            prev,
        )
        insert_events(self.conn, [event])
        # Read back before anyone says "Saved": a trigger added while the file was open (by
        # another program: the schema was checked when it was opened) could drop the row.
        stored = self.conn.execute(
            "SELECT hash FROM score_events WHERE origin = ? AND seq = ?", (origin, seq)
        ).fetchone()
        if stored is None or stored[0] != event.hash:
            raise PanelError(
                _(
                    "{path}: the {kind} was not written as given (the file was changed while"
                    " open?): nothing was saved"
                ).format(path=self.path, kind=kind)
            )
        return event

    def import_rows(self, rows: list[tuple[str, str, float, str]]) -> int:
        """Record many (nominee, criterion, score, note) in one transaction: all or nothing."""
        assessor = self._require_assessor()
        with transaction(self.conn, immediate=True):
            # The caller checked the sheets; check again under the write lock (the app may
            # have finalised or recused meanwhile).
            for nominee in sorted({row[0] for row in rows}):
                if any(self._sheet_state(nominee)):
                    raise PanelError(
                        _(
                            "{nominee} was finalised or recused meanwhile; nothing was recorded"
                        ).format(nominee=nominee)
                    )
            origin = self.origin
            before = self._events_of(origin)
            expected = 0
            for nominee, criterion, value, note in rows:
                self._append_in_transaction(
                    assessor, "score", nominee, criterion, value, None, "imported score sheet"
                )
                expected += 1
                if note:
                    self._append_in_transaction(
                        assessor, "note", nominee, criterion, None, note, ""
                    )
                    expected += 1
            # "recorded N" only for N rows that are there, read back inside the transaction.
            if self._events_of(origin) - before != expected:
                raise PanelError(
                    _(
                        "{path}: the scores were not written as given (the file was changed"
                        " while open?): nothing was recorded"
                    ).format(path=self.path)
                )
        return len(rows)

    def _events_of(self, origin: str | None) -> int:
        count: int = self.conn.execute(
            "SELECT COUNT(*) FROM score_events WHERE origin = ?", (origin,)
        ).fetchone()[0]
        return count

    def record_paper_sheet(
        self,
        rows: Sequence[paper.PaperRow],
        reason: str = "",
        source: str = "imported score sheet",
    ) -> paper.Plan:
        """Record a checked paper sheet in one transaction: only what it changes.

        Cells already holding the typed value write nothing, so importing a sheet twice
        records it once. Replacing a recorded score, or writing on a final sheet, needs
        `reason`: a final sheet is reopened with it, written, and finalised again, so the
        audit trail shows the correction rather than a silent change. `source` (the sheet and
        who typed it) is every score event's reason, after `reason` when there is one, and
        every note event's.
        """
        from panel_tui.domain import paper  # the paper path only: not on the scoring app's start

        assessor = self._require_assessor()
        with transaction(self.conn, immediate=True):
            # Planned under the write lock: the app may have scored, recused or finalised
            # since the caller looked.
            held = self.sheets()
            found = paper.plan(rows, held)
            if found.needs_reason and not reason.strip():
                raise PanelError(
                    _(
                        "the sheets changed meanwhile: this sheet now corrects recorded scores"
                        " or a final sheet and needs a reason; nothing was recorded"
                    )
                )
            scored = [row.nominee for row in found.scores]
            scored += [change.nominee for change in found.changes]
            for nominee in scored:
                if nominee in held and held[nominee].recused:
                    raise PanelError(
                        _("{nominee} was recused meanwhile; nothing was recorded").format(
                            nominee=nominee
                        )
                    )
            why = f"{reason.strip()}; {source}" if reason.strip() else source
            for nominee in found.reopen:
                self._append_in_transaction(
                    assessor, "reopen", nominee, None, None, None, reason.strip()
                )
            for row in found.recusals:
                self._append_in_transaction(
                    assessor, "recuse", row.nominee, None, None, None, row.note
                )
            for change in found.changes:
                self._append_in_transaction(
                    assessor, "score", change.nominee, change.criterion, change.new, None, why
                )
            for row in found.scores:
                self._append_in_transaction(
                    assessor, "score", row.nominee, row.criterion, row.value, None, why
                )
            for row in found.notes:
                self._append_in_transaction(
                    assessor, "note", row.nominee, row.criterion, None, row.note, source
                )
            for nominee in found.reopen:
                self._append_in_transaction(assessor, "finalise", nominee, None, None, None, "")
        return found

    # --- reading -------------------------------------------------------------------------

    def sheets(self, assessor: str | None = None) -> dict[str, Sheet]:
        """Current sheets of one assessor (default: this database's), by nominee id."""
        who = assessor or self.assessor_id
        return self._project("assessor = ?", (who,)).get(who or "", {})

    def sheet_counts(self, assessor: str | None = None) -> dict[str, tuple[int, bool, bool]]:
        """Per nominee with anything on its sheet: (criteria scored, final, recused)."""
        return {
            nominee: (len(held.scores), held.final, held.recused)
            for nominee, held in self.sheets(assessor).items()
        }

    def _sheet_state(self, nominee: str) -> tuple[bool, bool]:
        """(recused, final) of this assessor's sheet of `nominee`, from the events that decide
        them (on the keystroke path: a sheet's scores are most of its events)."""
        marks = ", ".join("?" for _kind in projection.SHEET_STATE_KINDS)
        found = self._project(
            f"assessor = ? AND nominee = ? AND kind IN ({marks})",
            (self.assessor_id, nominee, *projection.SHEET_STATE_KINDS),
        )
        held = found.get(self.assessor_id or "", {}).get(nominee) or Sheet(nominee)
        return held.recused, held.final

    def sheet(self, nominee: str, assessor: str | None = None) -> Sheet:
        """One nominee's sheet (on the keystroke path: the cell index finds its events)."""
        who = assessor or self.assessor_id
        found = self._project("assessor = ? AND nominee = ?", (who, nominee))
        return found.get(who or "", {}).get(nominee) or Sheet(nominee)

    def _project(self, where: str, params: tuple[Any, ...]) -> dict[str, dict[str, Sheet]]:
        rows = self.conn.execute(
            f"{projection.SELECT_EVENTS} WHERE {where} ORDER BY origin, seq", params
        )
        return projection.sheets(projection.fold(rows))

    def events(self, origin: str | None = None) -> Iterator[Event]:
        sql = f"SELECT {', '.join(Event.COLUMNS)} FROM score_events"
        params: tuple[Any, ...] = ()
        if origin is not None:
            sql += " WHERE origin = ?"
            params = (origin,)
        sql += " ORDER BY origin, seq"
        for row in self.conn.execute(sql, params):
            yield Event(*row)

    def chain_heads(self) -> list[tuple[str, str, int, str]]:
        """(origin, assessor, length, head hash) of every chain in the file."""
        return chain_heads(self.conn)

    # --- where the assessor was ---------------------------------------------------------

    def get_state(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM ui_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_state(self, key: str, value: str) -> None:
        self.set_states({key: value})

    def set_states(self, values: dict[str, str]) -> None:
        """Several keys in one transaction: one sync to disk, not one per key."""
        with transaction(self.conn, immediate=True):
            self.conn.executemany(
                "INSERT INTO ui_state (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )

    # --- another program on the same file ------------------------------------------------

    def data_version(self) -> int:
        """Moves on when another connection (another panel-tui, a command) commits."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def set_busy_timeout(self, milliseconds: int) -> None:
        """How long a write waits for another writer before DatabaseBusy is raised."""
        self.conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")


_INSERT_EVENT = (
    f"INSERT INTO score_events ({', '.join(Event.COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in Event.COLUMNS)})"
)


def insert_events(conn: sqlite3.Connection, events: list[Event]) -> None:
    if len(events) == 1:
        conn.execute(_INSERT_EVENT, events[0].row())
    else:
        conn.executemany(_INSERT_EVENT, [e.row() for e in events])


def chain_heads(conn: sqlite3.Connection, schema: str = "main") -> list[tuple[str, str, int, str]]:
    """(origin, assessor, length, head hash) of every chain in `schema` (main, or an attached
    file's name), by origin.

    The lengths come from the (origin, seq) key alone, then one look-up per chain: asking
    for the head's columns in the grouped query reads the row of every event instead."""
    heads = []
    for origin, length in conn.execute(
        f"SELECT origin, MAX(seq) FROM {schema}.score_events GROUP BY origin ORDER BY origin"
    ).fetchall():
        row = conn.execute(
            f"SELECT assessor, hash FROM {schema}.score_events WHERE origin = ? AND seq = ?",
            (origin, length),
        ).fetchone()
        if row is not None:
            heads.append((origin, row[0], length, row[1]))
    return heads
