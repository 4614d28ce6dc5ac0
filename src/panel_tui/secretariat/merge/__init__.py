"""Merging assessor databases into one file: each job in its own module, `driver` runs them."""
