"""Measure `merge` by hand (not part of the test run).

    python bench/measure_merge.py [FILES] [NOMINEES] [CRITERIA]

Generates a seeded round (FILES assessors, NOMINEES nominees in 2 categories, CRITERIA
criteria), one assessor database per assessor with every score typed in through
`import-scores`, then times `merge` into a new file, a re-merge (nothing new), a `tally`, and
the baseline: ATTACH + INSERT … SELECT of the same rows in one transaction.
"""

from __future__ import annotations

import csv
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path


def write_round(folder: Path, assessors: int, nominees: int, criteria: int) -> None:
    folder.mkdir(parents=True)
    lines = [
        "[round]",
        'id = "bench"',
        'title = "Benchmark round"',
        'province = "Nasional"',
        "year = 2025",
        'stage = "national"',
        "advance = 3",
    ]
    for a in range(assessors):
        lines += ["[[assessors]]", f'id = "a{a:02d}"', f'name = "Assessor {a}"']
    for cat in ("gov", "biz"):
        lines += ["[[categories]]", f'id = "{cat}"', f'title = "{cat}"', 'rubric = "r"']
    lines += ["[[rubrics]]", 'id = "r"', "scale = { min = 1, max = 5 }"]
    for c in range(criteria):
        lines += [
            "[[rubrics.criteria]]",
            f'id = "c{c:02d}"',
            f'title = "C{c}"',
            f"weight = {c % 3 + 1}",
        ]
    (folder / "round.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (folder / "nominees.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "category"])
        for n in range(nominees):
            writer.writerow([f"n{n:04d}", f"Nominee {n}", "gov" if n % 2 else "biz"])


def main() -> None:
    from panel_tui.assessor.score_import import import_scores
    from panel_tui.assessor.setup import init_assessor_db
    from panel_tui.secretariat.merge.driver import merge
    from panel_tui.secretariat.tally import tally_database

    files = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    nominees = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    criteria = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    rng = random.Random(4)
    work = Path(tempfile.mkdtemp(prefix="merge-bench-"))
    write_round(work / "round", files, nominees, criteria)
    dbs = []
    started = time.perf_counter()
    for a in range(files):
        db = work / f"a{a:02d}.db"
        init_assessor_db(work / "round", f"a{a:02d}", db)
        sheet = work / f"a{a:02d}.csv"
        with sheet.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["assessor", "nominee", "criterion", "score"])
            for n in range(nominees):
                for c in range(criteria):
                    writer.writerow([f"a{a:02d}", f"n{n:04d}", f"c{c:02d}", rng.randint(1, 5)])
        import_scores(db, sheet)
        dbs.append(db)
    print(
        f"generated {files} files of {nominees}x{criteria} in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    result = merge(work / "out.db", dbs)
    merged = time.perf_counter() - started
    assert result.ok, [r.problems for r in result.inputs if r.problems]
    print(f"merge into a new file: {merged:.2f} s ({sum(r.added for r in result.inputs)} events)")

    started = time.perf_counter()
    result = merge(work / "out.db", dbs)
    print(f"re-merge (nothing new): {time.perf_counter() - started:.2f} s")
    assert all(r.status == "unchanged" for r in result.inputs)

    started = time.perf_counter()
    tally_database(work / "out.db").to_json()
    print(f"tally of the merged file: {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    conn = sqlite3.connect(work / "baseline.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(
        "CREATE TABLE score_events (origin TEXT NOT NULL, seq INTEGER NOT NULL, assessor TEXT,"
        " kind TEXT, nominee TEXT, criterion TEXT, value REAL, note TEXT, reason TEXT, at TEXT,"
        " prev_hash TEXT, hash TEXT, PRIMARY KEY (origin, seq))"
    )
    for db in dbs:
        conn.execute("ATTACH DATABASE ? AS src", (str(db),))
        conn.execute("BEGIN")
        conn.execute("INSERT INTO score_events SELECT * FROM src.score_events")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE src")
    print(f"baseline ATTACH + INSERT … SELECT: {time.perf_counter() - started:.2f} s")
    print(work)


if __name__ == "__main__":
    main()
