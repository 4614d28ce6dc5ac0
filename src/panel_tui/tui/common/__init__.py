"""Widgets and helpers both apps use: the footer, tables, language, Textual's private hooks."""
