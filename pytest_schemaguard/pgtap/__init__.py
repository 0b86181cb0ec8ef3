"""The project's own pgTAP test files as items (what ``supabase test db`` does, without Docker).

``runner.py`` finds the files and runs each on a fresh connection to the built database in a
transaction that is always rolled back; ``tap.py`` reads the TAP lines the file's SELECTs return
and judges them as pg_prove does.
"""
