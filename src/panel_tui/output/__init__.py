"""What the tally is written as: JSON, CSV, XLSX, the terminal table, the minutes (Markdown
and HTML) and the blank paper score sheets.
"""
