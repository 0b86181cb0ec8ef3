"""pytest-schemaguard: build a throwaway database from your migrations and test the schema it has."""

from .catalog import inspect_schema
from .catalog.model import Schema

__all__ = ["Schema", "inspect_schema"]
__version__ = "0.1.0"
