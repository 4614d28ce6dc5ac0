"""What every scenario shares: results, timing, the cached generated data."""

from __future__ import annotations

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
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _code_stamp() -> str:
    """Cached databases are rebuilt when the schema, the chain or the generator change."""
    digest = hashlib.sha256()
    sources = [
        ROOT / "src" / "panel_tui" / "store.py",
        ROOT / "src" / "panel_tui" / "chain.py",
        ROOT / "src" / "panel_tui" / "snapshot.py",
        BENCH / "generate.py",
        *sorted((ROOT / "db").glob("*.sql")),
    ]
    for path in sources:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


class Data:
    """Generated round packages and databases under `root`, reused between runs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.stamp = _code_stamp()

    def round(self, spec: generate.Spec, xlsx: bool = False) -> Path:
        folder = self.root / f"{spec.key()}{'-xlsx' if xlsx else ''}-{self.stamp}"
        done = folder / ".complete"
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)
            generate.write_round(folder, spec, xlsx=xlsx)
            done.write_text("ok\n")
        return folder

    def dbs(self, spec: generate.Spec, count: int) -> list[Path]:
        folder = self.round(spec)
        return generate.build_dbs(folder, folder / "dbs", spec, count, scores=True)

    def scratch(self, name: str) -> Path:
        """An empty folder for one scenario's output."""
        folder = self.root / "scratch" / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        return folder
