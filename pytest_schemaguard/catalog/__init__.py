"""The catalog snapshot (``model``) and the reader that fills it from ``pg_catalog``."""

from __future__ import annotations

from pytest_schemaguard.catalog.reader import DEFAULT_EXCLUDED_SCHEMAS, inspect_schema

__all__ = ["DEFAULT_EXCLUDED_SCHEMAS", "inspect_schema"]
