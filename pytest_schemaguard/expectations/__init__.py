"""The declared expectations: the typed model and the loader that validates the YAML file."""

from __future__ import annotations

from .loader import load_expectations

__all__ = ["load_expectations"]
