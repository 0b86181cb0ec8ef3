"""Behavioural checks (SPEC §4): what the schema *does*, proved by Hypothesis on the built database.

Each check runs inside one transaction that is always rolled back (and a savepoint per
Hypothesis example), so nothing persists. Rows are built from the catalog snapshot
(``rows.py``); when no valid row can be built the item is skipped with the reason, never failed.
"""
