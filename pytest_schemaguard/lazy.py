"""sqlglot (~0.3 s to import) is loaded on first use, not when the plugin loads.

Lint and a few bridges read SQL with it; a run that lints nothing and bridges nothing never
needs it, and a run that lints imports it on the background thread that analyses statements
while initdb runs (``lint.statements.analysed_ahead``), where it costs no wall time. Modules
keep their real imports under ``TYPE_CHECKING`` for the type checker and bind these stand-ins at
run time; an attribute, once read, is kept on the stand-in, so later reads cost a dict lookup.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for module ``name``: its attributes, the module imported on the first one read."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self._target(), attribute)
        setattr(self, attribute, value)
        return value

    def _target(self) -> Any:
        return importlib.import_module(self._name)


class LazyAttribute(LazyModule):
    """Stands for ``attribute`` of module ``name`` (a class: its members, and calling it)."""

    def __init__(self, name: str, attribute: str) -> None:
        super().__init__(name)
        self._attribute = attribute

    def _target(self) -> Any:
        return getattr(importlib.import_module(self._name), self._attribute)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._target()(*args, **kwargs)
