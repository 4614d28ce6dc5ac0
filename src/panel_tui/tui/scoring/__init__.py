"""The assessor's scoring app: agenda, scoring screen, read-back, summary."""
