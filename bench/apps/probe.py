"""Start an app headless, note when its first screen has been painted, then exit.

    python bench/apps/probe.py minimal
    python bench/apps/probe.py scoring DB ASSESSOR [--open]

Prints one JSON line on stdout: {"ready": <time.time() at first paint>, "cpu": <process CPU
seconds then>, "maxrss_kb": <peak RSS>}; with --open the app then opens the first nominee.
The parent notes time.time() just before spawning, so ready - spawn is the cold start.
Both modes are measured the same way: App.run is wrapped so the app runs headless with an
auto-pilot that waits until the screen has processed its pending messages and refreshed once.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from typing import Any

from textual.app import App
from textual.pilot import Pilot

ready: dict[str, float] = {}
OPEN_NOMINEE = "--open" in sys.argv
_original_run = App.run


def _run(self: App[Any], *args: Any, **kwargs: Any) -> Any:
    async def first_paint(pilot: Pilot[Any]) -> None:
        await pilot._wait_for_screen()
        painted = asyncio.Event()
        pilot.app.call_after_refresh(painted.set)
        await painted.wait()
        ready["ready"] = time.time()
        ready["cpu"] = time.process_time()
        ready["screen"] = type(pilot.app.screen).__name__  # type: ignore[assignment]
        if OPEN_NOMINEE:
            # Then open the first nominee of the agenda, as an assessor would.
            app: Any = pilot.app
            app.open_nominee(app.session.round.agenda()[0].id)
            await pilot._wait_for_screen()
            opened = asyncio.Event()
            app.call_after_refresh(opened.set)
            await opened.wait()
            ready["opened"] = time.time()
        pilot.app.exit()

    kwargs["headless"] = True
    kwargs["auto_pilot"] = first_paint
    return _original_run(self, *args, **kwargs)


App.run = _run  # type: ignore[method-assign]


def minimal() -> None:
    from textual.app import ComposeResult
    from textual.widgets import Static

    class MinimalApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Paritrana Award")

    MinimalApp().run()


def scoring(db: str, assessor: str) -> None:
    """The real start-up path: `panel-tui score DB --assessor ID`."""
    from panel_tui.cli import main

    sys.argv = ["panel-tui", "score", db, "--assessor", assessor]
    try:
        main()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise


def peak_rss_kb() -> int:
    """The peak resident set of this process image.

    /proc's VmHWM belongs to the memory of this program; ru_maxrss on Linux also keeps the
    parent's peak from before the exec, which would give the benchmark runner's size.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report() -> None:
    print(json.dumps({**ready, "maxrss_kb": peak_rss_kb()}), flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "minimal":
        minimal()
    elif mode == "scoring":
        scoring(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    if "ready" not in ready:
        raise SystemExit("the app exited before its first screen was painted")
    report()
