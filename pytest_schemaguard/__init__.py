"""pytest-schemaguard: build a throwaway database from your migrations and test the schema it has."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catalog import inspect_schema
    from .catalog.model import Schema

__all__ = ["Schema", "inspect_schema"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Imported on first use: pytest imports this package for every run (it is a plugin), and the
    # catalog reader pulls in psycopg, which a run without --schemaguard never needs.
    if name == "inspect_schema":
        from .catalog import inspect_schema

        return inspect_schema
    if name == "Schema":
        from .catalog.model import Schema

        return Schema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
