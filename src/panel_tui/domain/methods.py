"""The tally's methods, by name: one list for the command line, the tally and the minutes.

Its own module so that `panel-tui --help` can offer them without importing the statistics
(domain/fairness.py) that compute them.
"""

from __future__ import annotations

METHODS = ("mean", "trimmed", "median", "zscore")
