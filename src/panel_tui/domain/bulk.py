"""Building many objects at once (a national round's claims, a snapshot's rows)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while tens of thousands of objects, none of them cyclic,
    are built: the collector's passes over them took half of `check`'s time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
