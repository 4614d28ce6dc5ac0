"""An assessor's work outside the app: creating the database (`init`) and recording a
typed-in paper sheet (`import-scores`).
"""
