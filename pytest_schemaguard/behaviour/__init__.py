"""Behavioural checks (SPEC §4): what the schema *does*, proved by Hypothesis on the built database.

Each check runs inside one transaction that is always rolled back (and a savepoint per
Hypothesis example), so nothing persists. Rows are built from the catalog snapshot
(``rows.py``); when the schema cannot take a valid row the item is skipped with the reason, never
failed, while SQL of ours that PostgreSQL refuses fails it as our own internal error.
"""
