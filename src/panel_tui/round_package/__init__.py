"""Reading a round package (round.toml, the nominees' and claims' tables in CSV or XLSX)
into the domain's Round, with every problem placed at its file, line and field.
"""
