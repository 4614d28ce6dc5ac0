"""Verifying a database from a stranger: each check in its own module, `database` runs them all."""
