"""Secretariat commands: handover, merge, tally (registered on the main group)."""
