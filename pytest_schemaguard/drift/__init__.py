"""Drift between two descriptions of one schema: here, the declared schema files
(``supabase/schemas/``) versus the migration history (``declarative``), and the SQL that closes
the gap (``migration_sql``), proven by applying it (``proof``)."""
