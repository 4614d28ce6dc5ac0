"""The merge and tally baselines as commands, so that they run as `panel-tui` does: a fresh
process each time, paying its own start.

    python bench/apps/baseline.py merge OUT DB...   # schema, then ATTACH + INSERT … SELECT
    python bench/apps/baseline.py add OUT DB...     # the same into an OUT the baseline made
    python bench/apps/baseline.py tally DB          # AVG(value) … GROUP BY over `scores`

Only the standard library: the schema is read from db/*.sql, as panel-tui's migrations are.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

SCHEMA = Path(__file__).resolve().parents[2] / "db"


def connect(path: Path) -> sqlite3.Connection:
    """Plain sqlite3 with the pragmas panel-tui uses."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def merge(out: Path, inputs: list[Path], new: bool = True) -> int:
    """Each input's events into a new file (`new`; else into one this script made): one
    ATTACH and one transaction per input."""
    conn = connect(out)
    if new:
        for path in sorted(SCHEMA.glob("*.sql")):
            conn.executescript(path.read_text(encoding="utf-8"))
    for path in inputs:
        conn.execute("ATTACH DATABASE ? AS src", (f"{path.resolve().as_uri()}?mode=ro",))
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT OR IGNORE INTO score_events SELECT * FROM src.score_events")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE src")
    count = conn.execute("SELECT COUNT(*) FROM score_events").fetchone()[0]
    conn.close()
    return int(count)


def tally(db: Path) -> int:
    """One GROUP BY over the current scores: the criterion means."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT nominee, criterion, AVG(value), COUNT(*) FROM scores GROUP BY nominee, criterion"
    ).fetchall()
    conn.close()
    return len(rows)


def main(argv: list[str]) -> int:
    if argv[:1] == ["merge"] and len(argv) >= 3:
        print(merge(Path(argv[1]), [Path(a) for a in argv[2:]]))
        return 0
    if argv[:1] == ["add"] and len(argv) >= 3:
        print(merge(Path(argv[1]), [Path(a) for a in argv[2:]], new=False))
        return 0
    if argv[:1] == ["tally"] and len(argv) == 2:
        print(tally(Path(argv[1])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
