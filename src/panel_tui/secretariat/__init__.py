"""The secretariat's work on files from the venue: hand-over copies, verification, merging,
the tally and what explains it (robustness, progress, the manifest).
"""
