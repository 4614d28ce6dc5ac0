"""merge holds bounded memory whatever its inputs: a file larger than any round can make is
refused unread (its size and the limit in the message), and the workers that read inputs
whole are fewer when the inputs are large."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from fixtures.databases import build_db
from panel_tui.secretariat.merge import inputs as merge_module
from panel_tui.secretariat.merge.driver import merge
from panel_tui.secretariat.merge.inputs import MAX_INPUT_BYTES


def sparse_giant(path: Path, size: int = 3 * 1024**3) -> Path:
    """A real assessor database grown (sparsely: no disk used) to `size` bytes."""
    build_db(path, "a2", scores=3)
    os.truncate(path, size)
    return path


def test_merge_refuses_a_3_gb_input_quickly_and_in_little_memory(tmp_path: Path) -> None:
    good = build_db(tmp_path / "a1.db", "a1", scores=4)
    giant = sparse_giant(tmp_path / "a2.db")
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from panel_tui.i18n import set_language\n"
        "from panel_tui.secretariat.merge.driver import merge\n"
        "set_language('en')\n"
        f"result = merge(Path({str(tmp_path / 'out.db')!r}),"
        f" [Path({str(good)!r}), Path({str(giant)!r})])\n"
        "print(result.inputs[0].status, result.inputs[1].status)\n"
        "print(' | '.join(result.inputs[1].problems))\n"
        # VmHWM: this program's own peak. ru_maxrss on Linux keeps the parent's peak from
        # before the exec, the pytest worker's size after the tests it ran before this one.
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    with open('/proc/self/status', encoding='ascii') as status:\n"
        "        peak = next(int(l.split()[1]) for l in status if l.startswith('VmHWM:'))\n"
        "except (OSError, StopIteration):\n"
        "    pass\n"
        "print(peak)\n"
    )
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    elapsed = time.monotonic() - started
    statuses, problems, max_rss_kb = run.stdout.strip().splitlines()
    assert statuses.split()[1] == "refused", run.stdout
    assert statuses.split()[0] != "refused", run.stdout
    assert f"{3 * 1024**3:,} bytes" in problems and f"{MAX_INPUT_BYTES:,} bytes" in problems
    assert int(max_rss_kb) < 300 * 1024, f"{int(max_rss_kb) // 1024} MB"
    assert elapsed < 60


def test_large_inputs_make_fewer_workers(tmp_path: Path) -> None:
    inputs = [sparse_giant(tmp_path / f"a{i}.db", 400 * 1024**2) for i in range(8)]
    assert merge_module._memory_bound(8, inputs) == 2  # 1 GB / 400 MB
    small = [build_db(tmp_path / "s.db", "a1")] * 8
    assert merge_module._memory_bound(8, small) == 8
    huge = [*small, sparse_giant(tmp_path / "h.db")]
    assert merge_module._memory_bound(8, huge) == 8  # the huge one is refused unread


def test_many_inputs_with_a_giant_among_them_merge_the_others(tmp_path: Path) -> None:
    paths = [build_db(tmp_path / f"a{i}.db", f"a{i}", scores=2) for i in range(1, 4)]
    paths.insert(0, sparse_giant(tmp_path / "giant.db"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = merge(tmp_path / "out.db", paths)
    statuses = [r.status for r in result.inputs]
    assert statuses[0] == "refused" and "refused" not in statuses[1:], statuses
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 300 * 1024
