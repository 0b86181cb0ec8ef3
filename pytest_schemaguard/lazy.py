"""sqlglot (~0.3 s to import) is loaded on first use, not when the plugin loads.

Lint and a few bridges read SQL with it; a run that lints nothing and bridges nothing never
needs it, and a run that lints imports it on the background thread that analyses statements
while initdb runs (``lint.statements.analysed_ahead``), where it costs no wall time. Modules
keep their real imports under ``TYPE_CHECKING`` for the type checker and bind these stand-ins at
run time; an attribute, once read, is kept on the stand-in, so later reads cost a dict lookup.

Every stand-in resolves through one table, filled once with all the sqlglot modules we use: the
tokens one module makes are compared with the token types another reads, so they must come from
one import. (pytester's in-process runs drop from ``sys.modules`` what a run imported, and
sqlglot imports some of its own modules at call time, so the test suite imports sqlglot up front,
as it does the plugin's modules.)
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

SQLGLOT_MODULES = ("sqlglot", "sqlglot.errors", "sqlglot.expressions", "sqlglot.tokens", "sqlglot.dialects.postgres")
_modules: dict[str, Any] = {}
_lock = threading.Lock()


def _module(name: str) -> Any:
    if not _modules:
        with _lock:
            if not _modules:
                loaded = {module: importlib.import_module(module) for module in SQLGLOT_MODULES}
                _modules.update(loaded)
    return _modules[name]


class LazyModule:
    """Stands for module ``name`` (one of ``SQLGLOT_MODULES``): its attributes, read on first use."""

    def __init__(self, name: str) -> None:
        if name not in SQLGLOT_MODULES:
            raise ValueError(f"schemaguard internal error: {name} is not one of the lazily imported modules")
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self._target(), attribute)
        setattr(self, attribute, value)
        return value

    def _target(self) -> Any:
        return _module(self._name)


class LazyAttribute(LazyModule):
    """Stands for ``attribute`` of module ``name`` (a class: its members, and calling it)."""

    def __init__(self, name: str, attribute: str) -> None:
        super().__init__(name)
        self._attribute = attribute

    def _target(self) -> Any:
        return getattr(_module(self._name), self._attribute)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._target()(*args, **kwargs)
