"""The test suite's settings; the shared fixtures are the package tests/fixtures (a plugin).

Keep this file minimal; fixtures used by one area belong in that area's conftest.py, those used
by several in tests/fixtures.
"""

from __future__ import annotations

from hypothesis import settings

pytest_plugins = ["fixtures.plugin"]


# No per-example deadline: CI's two cores run the suite in parallel, and a property that took
# 250 ms once under load is not a failure of the property (timings live in bench/).
settings.register_profile("panel-tui", deadline=None)
settings.load_profile("panel-tui")
