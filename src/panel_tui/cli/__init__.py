"""The command line: `panel-tui` and its commands.

`group.py` holds the click group (help in the reader's language, refusals as exit 1), and
each command module registers its commands on it when imported here; no module imports
this package back, so there is no cycle.
"""

from panel_tui.cli import commands, secretariat  # noqa: F401  (registers the commands)
from panel_tui.cli.group import cli, main

__all__ = ["cli", "main"]
