"""The SQLite files: connection policy, the schema check, the round snapshot, the audit
chain of score events, the one projection of events into current sheets, and the Store.
"""
