"""What a tally can be written as, and the file suffixes that choose a format.

Its own module, importing nothing, so that the command line offers the formats without
loading the writers.
"""

from __future__ import annotations

FORMATS = ("table", "json", "csv", "xlsx", "md", "html")

# `tally --out FILE` without --format: the format the file's suffix names.
SUFFIX_FORMATS = {
    ".json": "json",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".txt": "table",
}
