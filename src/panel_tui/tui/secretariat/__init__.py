"""The secretariat's app: tally, drill-down, robustness, double entry."""
