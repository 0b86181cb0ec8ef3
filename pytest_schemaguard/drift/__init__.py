"""Drift between two descriptions of one schema, each proven on a real database.

The migrations' build against: a live database (``live``, ``live_session``), the ``schema.sql``
snapshot (``snapshot_file``), itself after the rollback scripts ran (``rollback``), the history a
squashed baseline replaced (``baseline``), and the declared schema files (``declarative``), with
the SQL that closes that gap (``migration_sql``), proven by applying it (``proof``). The
structural diff they all report with is ``pytest_schemaguard.diff`` (a documented library API).
"""
