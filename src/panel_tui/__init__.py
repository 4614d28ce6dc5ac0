"""panel-tui: score Paritrana Award interview panels offline, then merge, verify and tally."""

__version__ = "0.1.0"
