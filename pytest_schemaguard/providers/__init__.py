"""Extra kinds of items (lock, snapshot, drift, rules, rollbacks, ...), one module each.

Every module in this package that defines ``provide(session) -> Iterable[ItemSpec]`` is a
provider; the expectations file collector adds its items after the object items, in module
name order. A provider may also define ``prepare(session)``, which the plugin calls before the
build (e.g. to attach a BuildObserver that watches each migration).

A provider decides from the session (expectations, project, settings) whether it has anything
to say; it must not start servers or build anything at collection time — the ``check``
callables run when the items run.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..session import SchemaguardSession


@dataclass(frozen=True)
class ItemSpec:
    """One item: ``name`` is the id after ``::`` (e.g. ``lock`` or ``rule[duplicate_index]``)."""

    name: str
    check: Callable[[SchemaguardSession], str | None]  # failure text, or None when it passes
    marker: str = "schemaguard"  # its family: "schemaguard_migration", "schemaguard_drift", ...
    extra_markers: tuple[str, ...] = ()  # finer selection, e.g. ("schemaguard_lint",)
    needs_database: bool = True  # if True, a failed build makes this item an error, not a failure
    path: Path | None = None  # the file the item stands for (for reports); default the YAML file
    line: int | None = None  # its YAML line, if declared there


class Provider(Protocol):
    def __call__(self, session: SchemaguardSession) -> Iterable[ItemSpec]: ...


def discover_providers() -> list[tuple[str, Provider]]:
    """(module name, provide function) for every provider module, sorted by name."""
    found: list[tuple[str, Provider]] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        provide = getattr(loaded, "provide", None)
        if callable(provide):
            found.append((module.name, provide))
    return found


def discover_preparers() -> list[Callable[[SchemaguardSession], None]]:
    """The ``prepare(session)`` functions of the provider modules that have one, by module name."""
    found: list[Callable[[SchemaguardSession], None]] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        prepare = getattr(importlib.import_module(f"{__name__}.{module.name}"), "prepare", None)
        if callable(prepare):
            found.append(prepare)
    return found
