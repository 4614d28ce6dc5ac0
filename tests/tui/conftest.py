"""The scoring app's round, a1's database and the app: fixtures/scoring_app.py."""

from fixtures.scoring_app import data_dir, db_path, make_app, read_store, round_dir

__all__ = ["data_dir", "db_path", "make_app", "read_store", "round_dir"]
