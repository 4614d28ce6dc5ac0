"""The benchmark: panel-tui against the best baseline for each job, measured in the same run.

    python bench/run.py                  # national scale (~ a few minutes), appends to results.md
    python bench/run.py --quick          # small sizes, well under a minute
    python bench/run.py --quick --no-record   # what CI runs: a smoke test, nothing written
    python bench/run.py --only check,score    # some scenarios

Prints, per scenario, panel-tui's figure, the baseline's, the ratio and the target. It never
fails because a target is missed: it exits non-zero only when the benchmark itself breaks.
Generated data is kept under bench/out/ (git-ignored) and reused by the next run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from apps.baseline import connect as _raw_connection  # the baseline scripts' connection
from common import BENCH, ROOT, Data, Result, median, percentile, table, timed
from generate import Spec


@dataclass(frozen=True)
class Sizes:
    label: str
    app: Spec  # the round the scoring app opens (cold start, memory, next nominee, one score)
    app_small: Spec  # a second size point for cold start
    check: tuple[Spec, ...]  # round packages for `check`, smallest first
    xlsx: Spec
    merge_round: Spec
    merge_files: tuple[int, ...]  # how many assessor files to merge, smallest first
    cold_runs: int
    score_samples: int
    switches: int
    repeats: int
    merge_repeats: int
    tally_runs: int  # runs of each tally, alternating with its baseline
    export: Spec  # the XLSX export: nominees × criteria × assessors score rows
    provincial: Spec  # a provincial round for tally's absolute target (its assessors' files)


FULL = Sizes(
    label="full",
    app=Spec(nominees=500, criteria=10, claims=60, assessors=15),
    app_small=Spec(nominees=50, criteria=10, claims=60, assessors=15),
    check=(
        Spec(nominees=1000, criteria=10, claims=10, assessors=15),
        Spec(nominees=5000, criteria=10, claims=10, assessors=15),
    ),
    xlsx=Spec(nominees=5000, criteria=10, claims=10, assessors=15),
    merge_round=Spec(nominees=500, criteria=10, claims=60, assessors=40),
    merge_files=(10, 40),
    export=Spec(nominees=500, criteria=10, claims=0, assessors=30),
    provincial=Spec(nominees=9, criteria=10, claims=20, assessors=40),
    cold_runs=7,
    score_samples=300,
    switches=40,
    repeats=3,
    merge_repeats=1,
    tally_runs=5,
)
QUICK = Sizes(
    label="quick",
    app=Spec(nominees=40, criteria=10, claims=20, assessors=5),
    app_small=Spec(nominees=10, criteria=10, claims=20, assessors=5),
    check=(
        Spec(nominees=200, criteria=10, claims=10, assessors=5),
        Spec(nominees=1000, criteria=10, claims=10, assessors=5),
    ),
    xlsx=Spec(nominees=200, criteria=10, claims=10, assessors=5),
    merge_round=Spec(nominees=40, criteria=10, claims=10, assessors=6),
    merge_files=(2, 6),
    export=Spec(nominees=40, criteria=10, claims=0, assessors=5),
    provincial=Spec(nominees=9, criteria=10, claims=5, assessors=4),
    cold_runs=2,
    score_samples=30,
    switches=8,
    repeats=1,
    merge_repeats=1,
    tally_runs=1,
)


# The targets of the performance issue "merge and tally near the floor" (README, Performance).
COLD_RATIO = 1.4  # cold start against a Textual app with one Static
NEXT_MEDIAN, NEXT_P95 = 40, 80  # ms, next nominee
XLSX_CHECK_RATIO = 3  # check of an XLSX package against the same package as CSV
MERGE_RATIO = 2  # merge of every file, fully verified, against ATTACH + INSERT … SELECT
MERGE_ONE_RATIO = 3  # one more file into a merged file, against the same copy of that file
TALLY_RATIO, TALLY_SECONDS = 1.0, 1.0  # tally (verifying first) against GROUP BY over `scores`
TALLY_XLSX_SECONDS = 5  # `tally --out FILE.xlsx` of 150,000 score rows


def _n(value: int) -> str:
    return f"{value:,}"


# --- check ------------------------------------------------------------------------------


def read_with_csv_module(folder: Path) -> int:
    """The baseline: every row of the package's CSV files, read by the csv module."""
    rows = 0
    for name in ("nominees.csv", "claims.csv"):
        path = folder / name
        if path.exists():
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows += len(list(csv.reader(handle)))
    return rows


def scenario_check(data: Data, sizes: Sizes) -> list[Result]:
    from panel_tui.round_package.loader import load_round

    def load(folder: Path) -> None:
        result = load_round(folder)
        if result.round is None:
            raise RuntimeError(f"generated package refused: {result.errors[:3]}")

    results = []
    csv_check: dict[int, float] = {}  # `load_round` of the CSV package, by nominees
    for spec in sizes.check:
        folder = data.round(spec)
        load(folder)  # warm the OS cache and the imports
        read_with_csv_module(folder)
        project, baseline = [], []
        for _ in range(sizes.repeats):
            baseline.append(timed(lambda folder=folder: read_with_csv_module(folder)))
            project.append(timed(lambda folder=folder: load(folder)))
        csv_check[spec.nominees] = median(project)
        results.append(
            Result(
                "check (CSV)",
                f"{_n(spec.nominees)} nominees, {_n(spec.nominees * spec.claims)} claims",
                median(project),
                median(baseline),
                "s",
                max_ratio=5 if spec == sizes.check[-1] else None,
                note="`load_round`, what `panel-tui check` runs; baseline: csv.reader",
            )
        )
    spec = sizes.xlsx
    folder = data.round(spec, xlsx=True)
    load(folder)
    csv_folder = data.round(spec)
    # The XLSX check against the check of the same package as CSV, alternating.
    runs, csv_runs = [], []
    for _ in range(sizes.repeats):
        csv_runs.append(timed(lambda: load(csv_folder)))
        runs.append(timed(lambda: load(folder)))
    if spec.nominees in csv_check:
        csv_runs.append(csv_check[spec.nominees])
    results.append(
        Result(
            "check (XLSX)",
            f"{_n(spec.nominees)} nominees, {_n(spec.nominees * spec.claims)} claims",
            median(runs),
            median(csv_runs),
            "s",
            max_ratio=XLSX_CHECK_RATIO,
            note="the same package as .xlsx (the standard-library reader); baseline: `load_round` of "
            "the same package as CSV",
        )
    )
    return results


# --- one score saved durably ------------------------------------------------------------


def scenario_score(data: Data, sizes: Sizes) -> list[Result]:
    from panel_tui.storage.store import Store

    spec = sizes.app
    source = data.dbs(spec, 1)[0]
    work = data.scratch("score")
    project_db = work / "project.db"
    baseline_db = work / "baseline.db"
    shutil.copy(source, project_db)
    shutil.copy(source, baseline_db)
    low, high, step = spec.bounds
    store = Store.open(project_db)
    round_ = store.round
    cells = [(n.id, c.id) for n in round_.nominees[:20] for c in round_.rubric_for(n).criteria]
    raw = _raw_connection(baseline_db)
    insert = (
        "INSERT INTO score_events (origin, seq, assessor, kind, nominee, criterion, value, note,"
        " reason, at, prev_hash, hash) VALUES (?, ?, ?, 'score', ?, ?, ?, NULL, NULL, ?, ?, ?)"
    )
    project: list[float] = []
    baseline: list[float] = []
    warmup = 5
    try:
        for i in range(sizes.score_samples + warmup):
            nominee, criterion = cells[i % len(cells)]
            value = low + step * (i % (round((high - low) / step) + 1))
            row = (
                "bench",
                i + 1,
                "a1",
                nominee,
                criterion,
                value,
                "2026-01-01T00:00:00.000Z",
                "0" * 64,
                "f" * 64,
            )
            start = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            raw.execute(insert, row)
            raw.execute("COMMIT")
            raw_time = time.perf_counter() - start
            start = time.perf_counter()
            store.record_score(nominee, criterion, value)
            project_time = time.perf_counter() - start
            if i >= warmup:
                baseline.append(raw_time)
                project.append(project_time)
    finally:
        store.close()
        raw.close()
    size = f"{_n(spec.nominees)} nominees, {_n(spec.nominees * spec.criteria)} events before"
    return [
        Result(
            "one score saved durably (median)",
            size,
            median(project) * 1000,
            median(baseline) * 1000,
            "ms",
            max_ratio=1.5,
            note=f"`Store.record_score`, {len(project)} saves; baseline: INSERT + COMMIT, "
            "WAL, synchronous=FULL",
        ),
        Result(
            "one score saved durably (p99)",
            size,
            percentile(project, 99) * 1000,
            percentile(baseline, 99) * 1000,
            "ms",
            note="reported",
        ),
    ]


# --- the scoring app: cold start, memory ---------------------------------------------


def app_available() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("panel_tui.tui.scoring.app") is not None
    except ImportError:
        return False


def probe(mode: str, *args: str) -> tuple[float, float, float]:
    """(seconds from spawn to first paint, CPU seconds then, peak RSS in MB) of a fresh process."""
    env = {**os.environ, "PANEL_TUI_DATA_DIR": str(BENCH / "out" / "app-data")}
    env.pop("TEXTUAL", None)
    # Measure an installed app: byte-code cached, as pip leaves it (the first run writes it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.time()
    done = subprocess.run(
        [sys.executable, str(BENCH / "apps" / "probe.py"), mode, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"probe {mode} failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["ready"] - start, report["cpu"], report["maxrss_kb"] / 1024


def scenario_cold(data: Data, sizes: Sizes) -> list[Result]:
    results = []
    if not app_available():
        return [
            Result(
                "cold start to first screen", "", None, None, "s", COLD_RATIO, note="app not landed"
            ),
            Result("peak memory", "", None, None, "MB", 2, note="app not landed"),
        ]
    probe("minimal")  # write the byte-code caches once
    for spec in (sizes.app_small, sizes.app):
        db = data.dbs(spec, 1)[0]
        work = data.scratch(f"cold-{spec.nominees}")
        target = work / "a1.db"
        shutil.copy(db, target)
        probe("scoring", str(target), "a1")
        starts: list[float] = []
        base_starts: list[float] = []
        cpu: list[float] = []
        base_cpu: list[float] = []
        memory: list[float] = []
        base_memory: list[float] = []
        for _ in range(sizes.cold_runs):
            seconds, cpu_seconds, mb = probe("minimal")
            base_starts.append(seconds)
            base_cpu.append(cpu_seconds)
            base_memory.append(mb)
            seconds, cpu_seconds, mb = probe("scoring", str(target), "a1")
            starts.append(seconds)
            cpu.append(cpu_seconds)
            memory.append(mb)
        size = f"{_n(spec.nominees)} nominees, {_n(spec.nominees * spec.claims)} claims"
        main = spec == sizes.app
        results.append(
            Result(
                "cold start to first screen",
                size,
                median(starts),
                median(base_starts),
                "s",
                max_ratio=COLD_RATIO if main else None,
                note=f"`panel-tui score DB`, headless, median of {len(starts)}; "
                "baseline: an App with one Static",
            )
        )
        results.append(
            Result(
                "cold start, CPU time",
                size,
                median(cpu),
                median(base_cpu),
                "s",
                note="the process's own CPU seconds to the first screen: less sensitive to a "
                "busy machine",
            )
        )
        results.append(
            Result(
                "peak memory (max RSS)",
                size,
                max(memory),
                max(base_memory),
                "MB",
                max_ratio=2 if main else None,
                note="baseline: the same minimal App",
            )
        )
        if main:
            note = "the same, after opening the first nominee of the agenda"
            try:
                opened: float | None = max(
                    probe("scoring", str(target), "a1", "--open")[2] for _ in range(2)
                )
            except RuntimeError as exc:  # the app's hooks changed: say so, do not fail CI
                print(f"peak memory with a nominee open: {exc}", file=sys.stderr)
                opened, note = None, "n/a: the probe could not open a nominee (see stderr)"
            results.append(
                Result(
                    "peak memory, first nominee opened",
                    size,
                    opened,
                    max(base_memory),
                    "MB",
                    note=note,
                )
            )
    return results


# --- switching to the next nominee -------------------------------------------------------


def scenario_next(data: Data, sizes: Sizes) -> list[Result]:
    if not app_available():
        return [
            Result(
                "next nominee", "", None, None, "ms", max_value=NEXT_MEDIAN, note="app not landed"
            )
        ]
    import asyncio

    spec = sizes.app
    work = data.scratch("next")
    target = work / "a1.db"
    shutil.copy(data.dbs(spec, 1)[0], target)
    size = f"{spec.claims} claims, {spec.criteria} criteria, {_n(spec.nominees)} nominees"
    try:
        timings, cpu, held = asyncio.run(_switch_nominees(target, sizes.switches))
    except AppHooksChanged as exc:  # the app's hooks changed: say so, do not fail CI
        print(f"next nominee: {exc}", file=sys.stderr)
        return [
            Result(
                "next nominee (median)",
                size,
                None,
                None,
                "ms",
                max_value=NEXT_MEDIAN,
                note=str(exc),
            )
        ]
    return [
        Result(
            "next nominee (median)",
            size,
            median(timings) * 1000,
            None,
            "ms",
            max_value=NEXT_MEDIAN,
            note=f"key `]` on the scoring screen to the next screen refresh, {len(timings)} "
            f"switches, each from an idle app ({SWITCH_GAP * 1000:.0f} ms after the last), "
            "160×45 headless",
        ),
        Result(
            "next nominee (p95)",
            size,
            percentile(timings, 95) * 1000,
            None,
            "ms",
            max_value=NEXT_P95,
            note="the same switches",
        ),
        Result(
            "next nominee, CPU time (median)",
            size,
            median(cpu) * 1000,
            None,
            "ms",
            note="the process's CPU time over the same span: less sensitive to a busy machine",
        ),
        Result(
            "next nominee, key held down (median)",
            size,
            median(held) * 1000,
            None,
            "ms",
            note=f"{len(held)} switches back to back: a switch may also wait for Textual's next "
            "frame (at most 1/60 s after the last)",
        ),
    ]


# A person's key presses are far apart next to a frame (1/60 s): each measured switch starts
# from an idle app, as theirs do. Back to back, Textual paces frames and a switch may wait
# for the next one; that is reported apart ("key held down").
SWITCH_GAP = 0.1


class AppHooksChanged(Exception):
    """The scoring app no longer has what the scenario drives (open_nominee, nominee_id)."""


async def _switch_nominees(db: Path, count: int) -> tuple[list[float], list[float], list[float]]:
    """Wall and CPU seconds of each switch from an idle app, key press to the next screen
    refresh; then the wall seconds of as many switches back to back."""
    import asyncio

    from textual import events

    from panel_tui.tui.scoring.app import ScoringApp
    from panel_tui.tui.scoring.session import open_database

    app = ScoringApp(session=open_database(db, "a1"))
    timings: list[float] = []
    cpu: list[float] = []
    held: list[float] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        first = app.session.round.agenda()[0].id  # type: ignore[union-attr]
        if not hasattr(app, "open_nominee"):
            raise AppHooksChanged("n/a: ScoringApp.open_nominee is gone; update bench/run.py")
        app.open_nominee(first)
        await pilot.pause()
        screen = app.screen
        if not hasattr(screen, "nominee_id"):
            raise AppHooksChanged(
                f"n/a: expected the scoring screen (nominee_id), found {type(screen).__name__}"
            )

        async def switch() -> tuple[float, float]:
            before = screen.nominee_id
            start = time.perf_counter()
            start_cpu = time.process_time()
            app._driver.send_message(events.Key("right_square_bracket", "]"))  # type: ignore[union-attr]
            while screen.nominee_id == before:
                await asyncio.sleep(0)
            await pilot._wait_for_screen()
            painted = asyncio.Event()
            app.call_after_refresh(painted.set)
            await painted.wait()
            return time.perf_counter() - start, time.process_time() - start_cpu

        for _ in range(count):
            await asyncio.sleep(SWITCH_GAP)
            wall, used = await switch()
            timings.append(wall)
            cpu.append(used)
        for _ in range(count):
            held.append((await switch())[0])
    return timings, cpu, held


# --- merge and tally ----------------------------------------------------------------------


def _command(args: list[str]) -> str:
    """Run one command in a fresh process (as the secretariat types it); its output."""
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args[:4])} … failed ({done.returncode}): {done.stderr[-2000:]}"
        )
    return done.stdout


def panel_tui(*args: str) -> list[str]:
    """`panel-tui ARGS` with this interpreter (and the --src tree, through PYTHONPATH)."""
    return [sys.executable, "-c", "from panel_tui.cli import main; main()", *args]


def baseline(*args: str) -> list[str]:
    return [sys.executable, str(BENCH / "apps" / "baseline.py"), *args]


def _remove_db(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)


def _copy_db(source: Path, target: Path) -> None:
    """A copy of a database file as it is on disk (its WAL too, if one is left)."""
    _remove_db(target)
    shutil.copy(source, target)
    wal = Path(f"{source}-wal")
    if wal.exists():
        shutil.copy(wal, Path(f"{target}-wal"))


def _tally_rows(
    merged: Path,
    runs: int,
    label: str,
    size: str,
    max_ratio: float | None = None,
    max_value: float | None = None,
) -> tuple[list[float], Result]:
    """`panel-tui tally --format json` of `merged` against the GROUP BY baseline, alternating."""
    project, reference = [], []
    for _ in range(runs):
        reference.append(timed(lambda: _command(baseline("tally", str(merged)))))
        project.append(timed(lambda: _command(panel_tui("tally", str(merged), "--format", "json"))))
    return project, Result(
        label,
        size,
        median(project),
        median(reference),
        "s",
        max_ratio=max_ratio,
        max_value=max_value,
        note="`panel-tui tally DB --format json`, which verifies the whole file first, a fresh "
        f"process (median of {len(project)}); baseline: a Python script doing AVG(value) … "
        "GROUP BY nominee, criterion over the `scores` view",
    )


def scenario_merge(data: Data, sizes: Sizes) -> list[Result]:
    """`panel-tui merge` and `tally` against their baselines, each a fresh process.

    A fresh process each time: what the secretariat runs, and nothing learnt by one run
    (a parsed round, a verified template) is reused by the next.
    """
    spec = sizes.merge_round
    inputs = data.dbs(spec, max(sizes.merge_files))
    work = data.scratch("merge")

    def project_merge(out: Path, files: list[Path]) -> None:
        _remove_db(out)
        _command(panel_tui("merge", str(out), *map(str, files)))

    def baseline_merge(out: Path, files: list[Path]) -> None:
        _remove_db(out)
        _command(baseline("merge", str(out), *map(str, files)))

    results = []
    for count in sizes.merge_files:
        main = count == max(sizes.merge_files)
        files = inputs[:count]
        merged = work / f"merged-{count}.db"
        raw = work / f"raw-{count}.db"
        project, reference = [], []
        for run in range(sizes.repeats):
            reference.append(timed(lambda raw=raw, files=files: baseline_merge(raw, files)))
            if run < sizes.merge_repeats:
                project.append(
                    timed(lambda merged=merged, files=files: project_merge(merged, files))
                )
        results.append(
            Result(
                "merge into a new file",
                f"{count} files × {_n(spec.nominees * spec.criteria)} scores",
                median(project),
                median(reference),
                "s",
                max_ratio=MERGE_RATIO if main else None,
                note=f"`panel-tui merge OUT DB...`, every input fully verified, a fresh process "
                f"(median of {len(project)}); baseline: a Python script doing ATTACH + INSERT … "
                "SELECT, one transaction per file, no verification (bench/apps/baseline.py)",
            )
        )
        if main:
            results.append(_merge_one_more(work, files, spec, sizes))
        tally_project, tally_result = _tally_rows(
            merged,
            sizes.tally_runs,
            "tally (json)",
            f"{count} assessors × {_n(spec.nominees)} nominees × {spec.criteria} criteria",
            max_ratio=TALLY_RATIO if main else None,
        )
        results.append(tally_result)
        explained = [
            timed(
                lambda merged=merged: _command(
                    panel_tui("tally", str(merged), "--format", "json", "--explain")
                )
            )
            for _ in range(sizes.repeats)
        ]
        results.append(
            Result(
                "tally --explain (json)",
                f"{count} assessors × {_n(spec.nominees)} nominees",
                median(explained),
                median(tally_project),
                "s",
                max_ratio=2 if main else None,
                note="`panel-tui tally DB --format json --explain` (every method, agreement, "
                "leniency, manifest; leave-one-out up to 15 assessors); baseline: the plain "
                "`tally --format json` above",
            )
        )
    results.append(_tally_provincial(data, sizes, work))
    return results


def _merge_one_more(work: Path, files: list[Path], spec: Spec, sizes: Sizes) -> Result:
    """The sticks arrive one by one: the last file merged into a merged file of the others,
    against the baseline's copy of that one file into its own file of the others."""
    *earlier, last = files
    base, raw_base = work / "merged-before-last.db", work / "raw-before-last.db"
    _remove_db(base)
    _remove_db(raw_base)
    _command(panel_tui("merge", str(base), *map(str, earlier)))
    _command(baseline("merge", str(raw_base), *map(str, earlier)))
    out, raw_out = work / "merged-one-more.db", work / "raw-one-more.db"
    project, reference = [], []
    for _ in range(sizes.repeats):
        _copy_db(raw_base, raw_out)
        reference.append(timed(lambda: _command(baseline("add", str(raw_out), str(last)))))
        _copy_db(base, out)
        project.append(timed(lambda: _command(panel_tui("merge", str(out), str(last)))))
    return Result(
        "merge one more file into a merged file",
        f"1 file × {_n(spec.nominees * spec.criteria)} scores into {len(earlier)} merged",
        median(project),
        median(reference),
        "s",
        max_ratio=MERGE_ONE_RATIO,
        note=f"`panel-tui merge OUT DB` with OUT holding the other {len(earlier)} files, a fresh "
        f"process (median of {len(project)}); baseline: ATTACH + INSERT … SELECT of the same "
        "file into the baseline's file of the others",
    )


def _tally_provincial(data: Data, sizes: Sizes, work: Path) -> Result:
    """Tally's absolute target: a provincial round, every assessor's file merged."""
    spec = sizes.provincial
    merged = work / "provincial.db"
    _remove_db(merged)
    _command(panel_tui("merge", str(merged), *map(str, data.dbs(spec, spec.assessors))))
    return _tally_rows(
        merged,
        sizes.tally_runs,
        "tally (json), provincial round",
        f"{spec.nominees} nominees × {spec.assessors} assessors × {spec.criteria} criteria",
        max_value=TALLY_SECONDS,
    )[1]


# --- the XLSX export ---------------------------------------------------------------------


def scenario_export(data: Data, sizes: Sizes) -> list[Result]:
    """`write_xlsx` of a whole panel (every assessor scored everything), from a tally made in
    memory: the file is what is measured, not reading a database."""
    from generate import sheet_rows

    from panel_tui.output.export import SCORE_HEADER, result_header, result_rows, score_rows
    from panel_tui.output.xlsx import write_xlsx
    from panel_tui.round_package.loader import load_round
    from panel_tui.secretariat.tally import tally

    spec = sizes.export
    round_ = load_round(data.round(spec)).round
    if round_ is None:
        raise RuntimeError("generated package refused")
    scores = [
        (assessor.id, nominee, criterion, value)
        for index, assessor in enumerate(round_.assessors)
        for nominee, criterion, value, _note in sheet_rows(spec, index, round_)
    ]
    result = tally(round_, scores, [])
    work = data.scratch("export")

    def baseline() -> None:  # the floor: the same rows as plain values, write-only, no style
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        for title, header, rows in (
            ("Results", result_header(result), result_rows(result)),
            ("Scores", SCORE_HEADER, score_rows(result)),
        ):
            sheet = book.create_sheet(title)
            sheet.append(header)
            for row in rows:
                sheet.append(row)
        book.save(work / "baseline.xlsx")

    baseline()  # imports and caches warmed, for both
    project = [timed(lambda: write_xlsx(result, work / "tally.xlsx"))]
    floor = [timed(baseline)]
    return [
        _tally_xlsx(data, sizes, work),
        Result(
            "export (XLSX)",
            f"{_n(spec.nominees)} nominees × {spec.criteria} criteria × {spec.assessors} "
            f"assessors = {_n(len(scores))} scores",
            median(project),
            median(floor),
            "s",
            max_ratio=2,
            note="`write_xlsx` (every sheet, styled); baseline: openpyxl write-only of the "
            "Results and Scores rows as plain values",
        ),
    ]


def _tally_xlsx(data: Data, sizes: Sizes, work: Path) -> Result:
    """The command: `panel-tui tally DB --out FILE.xlsx` of a merged file holding
    export.assessors full sheets (the merge round's first files), verification included."""
    spec, count = sizes.merge_round, sizes.export.assessors
    files = data.dbs(spec, count)
    merged, out = work / "merged.db", work / "tally-command.xlsx"
    _command(panel_tui("merge", str(merged), *map(str, files)))
    runs = []
    for _ in range(1 if count > 10 else sizes.repeats):
        out.unlink(missing_ok=True)
        runs.append(timed(lambda: _command(panel_tui("tally", str(merged), "--out", str(out)))))
    return Result(
        "tally --out FILE.xlsx",
        f"{count} assessors × {_n(spec.nominees)} nominees × {spec.criteria} criteria = "
        f"{_n(count * spec.nominees * spec.criteria)} scores",
        median(runs),
        None,
        "s",
        max_value=TALLY_XLSX_SECONDS,
        note="the command, a fresh process: verify the file, tally, write every sheet styled "
        f"(median of {len(runs)})",
    )


# --- the runner ---------------------------------------------------------------------------

SCENARIOS: dict[str, Callable[[Data, Sizes], list[Result]]] = {
    "cold": scenario_cold,
    "next": scenario_next,
    "score": scenario_score,
    "check": scenario_check,
    "merge": scenario_merge,
    "export": scenario_export,
}


def machine() -> str:
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    try:
        import textual

        textual_version = textual.__version__
    except (ImportError, AttributeError):
        textual_version = "?"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores, {memory} memory, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"Textual {textual_version}, commit {commit or '?'}"
    )


def record(results: list[Result], sizes: Sizes, elapsed: float, note: str) -> Path:
    path = BENCH / "results.md"
    if not path.exists():
        path.write_text(
            "# Benchmark results\n\nAppended by `python bench/run.py` (newest last).\n",
            encoding="utf-8",
        )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = [
        "",
        f"## {stamp} ({sizes.label})",
        "",
        f"Machine: {machine()}. Run took {elapsed:.0f} s.",
        "",
        table(results),
        "",
    ]
    if note:
        block += [f"Notes: {note}", ""]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(block))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--no-record", action="store_true", help="do not append to results.md")
    parser.add_argument(
        "--only", default="", help=f"comma-separated scenarios: {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--note", default="", help="a note recorded with the results")
    parser.add_argument(
        "--data", type=Path, default=BENCH / "out", help="where generated data is kept"
    )
    parser.add_argument(
        "--src",
        type=Path,
        help="measure the panel_tui package in this folder instead (e.g. an older commit's "
        "src/ from `git archive`), for before/after figures",
    )
    args = parser.parse_args(argv)
    if args.src is not None:
        src = str(args.src.resolve())
        sys.path.insert(0, src)
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (src, os.environ.get("PYTHONPATH", "")) if p
        )
        import panel_tui

        print(f"measuring {panel_tui.__file__}", file=sys.stderr)
    sizes = QUICK if args.quick else FULL
    chosen = [s.strip() for s in args.only.split(",") if s.strip()] or list(SCENARIOS)
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    data = Data(args.data)
    results: list[Result] = []
    broken = []
    began = time.perf_counter()
    for name in chosen:
        start = time.perf_counter()
        print(f"-- {name} ...", file=sys.stderr, flush=True)
        try:
            found = SCENARIOS[name](data, sizes)
        except Exception:
            traceback.print_exc()
            broken.append(name)
            continue
        results.extend(found)
        print(table(found), file=sys.stderr)
        print(f"   ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - began
    print()
    print(f"panel-tui benchmark ({sizes.label}), {machine()}")
    print()
    print(table(results))
    print(f"\n{elapsed:.1f} s")
    if broken:
        print(f"\nbroken: {', '.join(broken)}", file=sys.stderr)
        return 1
    if not args.no_record:
        print(f"recorded in {record(results, sizes, elapsed, args.note)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
