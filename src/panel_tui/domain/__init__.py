"""The domain: rounds, rubrics, nominees, scores and the rules that rank them.

No I/O, no SQL, no Textual, no click: everything here is plain Python on plain values, so
every other layer may use it and its tests need no files.
"""
