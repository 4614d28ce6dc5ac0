"""What every scenario shares: results, timing, the cached generated data."""

from __future__ import annotations

import gc
import hashlib
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import generate

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


@dataclass
class Result:
    """One row of the table."""

    scenario: str
    size: str
    project: float | None
    baseline: float | None
    unit: str  # "s", "ms" or "MB"
    max_ratio: float | None = None
    max_value: float | None = None  # an absolute target, in `unit`
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.project is None or not self.baseline:
            return None
        return self.project / self.baseline

    @property
    def target(self) -> str:
        parts = []
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g}×")
        if self.max_value is not None:
            parts.append(f"≤ {self.max_value:g} {self.unit}")
        return " and ".join(parts) or "reported"

    @property
    def met(self) -> str:
        if self.project is None:
            return "n/a"
        if self.max_ratio is None and self.max_value is None:
            return "–"
        ok = True
        if self.max_ratio is not None:
            ok = ok and self.ratio is not None and self.ratio <= self.max_ratio
        if self.max_value is not None:
            ok = ok and self.project <= self.max_value
        return "yes" if ok else "**no**"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"
    return f"{value:.1f} {unit}"


def table(results: list[Result]) -> str:
    lines = [
        "| scenario | size | panel-tui | baseline | ratio | target | met | notes |",
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    for r in results:
        ratio = "–" if r.ratio is None else f"{r.ratio:.2f}×"
        lines.append(
            f"| {r.scenario} | {r.size} | {fmt(r.project, r.unit)} | {fmt(r.baseline, r.unit)} "
            f"| {ratio} | {r.target} | {r.met} | {r.note} |"
        )
    return "\n".join(lines)


def timed(fn: Callable[[], object]) -> float:
    # Each run starts from a collected heap: what the last run left (a 50,000-claim round)
    # would otherwise be traversed by the collector inside whichever run comes next, and
    # the figures moved by 2x from run to run. The collector still runs inside each run.
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _stamp(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def round_stamp() -> str:
    """Round packages depend on the generator only."""
    return _stamp([BENCH / "generate.py"])


def db_stamp() -> str:
    """Databases are rebuilt when the schema, the audit chain or the snapshot format change."""
    src = ROOT / "src" / "panel_tui"
    return _stamp(
        [
            BENCH / "generate.py",
            src / "storage" / "chain.py",
            src / "storage" / "snapshot.py",
            *sorted((ROOT / "db").glob("*.sql")),
        ]
    )


class Data:
    """Generated round packages and databases under `root`, reused between runs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.round_stamp = round_stamp()
        self.db_stamp = db_stamp()

    def round(self, spec: generate.Spec, xlsx: bool = False) -> Path:
        name = f"{spec.key()}{'-xlsx' if xlsx else ''}"
        folder = self.root / f"{name}-{self.round_stamp}"
        done = folder / ".complete"
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)
            for stale in self.root.glob(f"{name}-*"):  # made by an older generator
                if len(stale.name) == len(folder.name):
                    shutil.rmtree(stale, ignore_errors=True)
            generate.write_round(folder, spec, xlsx=xlsx)
            done.write_text("ok\n")
        return folder

    def dbs(self, spec: generate.Spec, count: int) -> list[Path]:
        folder = self.round(spec)
        dbs = folder / f"dbs-{self.db_stamp}"
        for stale in folder.glob("dbs-*"):
            if stale != dbs:
                shutil.rmtree(stale, ignore_errors=True)
        return generate.build_dbs(folder, dbs, spec, count, scores=True)

    def scratch(self, name: str) -> Path:
        """An empty folder for one scenario's output."""
        folder = self.root / "scratch" / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        return folder
