"""A writer process for the crash and concurrency tests: records scores through Store.

Usage: python writer.py DB SEED [COUNT] [--import-every N]

It opens DB with `Store.open` and calls `Store.record_score` (the call the app makes on a
keypress) in a loop, printing ``ACK origin seq nominee criterion value hash`` after each call
has returned, so a line on stdout is a score the app would have shown as "saved". It prints
``READY`` once the database is open and ``DONE`` when COUNT scores are recorded (COUNT 0:
forever). A refusal (PanelError) is printed as ``REFUSED message`` and the writer goes on.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from panel_tui.domain.problems import PanelError
from panel_tui.storage.store import Store


def main(argv: list[str]) -> int:
    db = Path(argv[0])
    rng = random.Random(int(argv[1]))
    count = int(argv[2]) if len(argv) > 2 else 0
    with Store.open(db) as store:
        round_ = store.round
        cells = []
        for nominee in round_.nominees:
            rubric = round_.rubric_for(nominee)
            for criterion in rubric.criteria:
                cells.append((nominee.id, criterion.id, rubric.values()))
        print("READY", flush=True)
        done = 0
        while count == 0 or done < count:
            nominee_id, criterion_id, values = rng.choice(cells)
            value = rng.choice(values)
            try:
                if rng.random() < 0.1:
                    event = store.record_note(nominee_id, criterion_id, f"note {done} [b]x[/b]")
                else:
                    event = store.record_score(nominee_id, criterion_id, value)
            except PanelError as exc:
                print(f"REFUSED {exc}", flush=True)
                continue
            print(
                f"ACK {event.origin} {event.seq} {event.nominee} {event.criterion} "
                f"{event.value} {event.hash}",
                flush=True,
            )
            done += 1
    print("DONE", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
