"""Extra kinds of items (lock, snapshot, drift, rules, rollbacks, ...), one module each.

Every module in this package that defines ``provide(session) -> Iterable[ItemSpec]`` is a
provider; the expectations file collector adds its items after the object items, in module
name order. A provider may also define ``prepare(session)``, which the plugin calls before the
build (e.g. to attach a BuildObserver that watches each migration), and
``check_migration(session, migration)``, which each ``migration[...]`` item calls once its file
applied (lint reports there, as SPEC §4 asks).

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
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..migrations import Migration
    from ..session import SchemaguardSession


@dataclass(frozen=True)
class ItemSpec:
    """One item: ``name`` is the id after ``::`` (e.g. ``lock`` or ``rule[duplicate_index]``)."""

    name: str
    check: Callable[[SchemaguardSession], str | None]  # failure text, or None when it passes
    marker: str = "schemaguard"  # its family: "schemaguard_migration", "schemaguard_drift", ...
    needs_database: bool = True  # if True, a failed build makes this item an error, not a failure
    path: Path | None = None  # the file the item stands for (for reports); default the YAML file
    line: int | None = None  # its YAML line, if declared there


class Provider(Protocol):
    def __call__(self, session: SchemaguardSession) -> Iterable[ItemSpec]: ...


def _module_functions(attribute: str) -> list[Callable[..., Any]]:
    """``attribute`` of every provider module that defines it, in module name order."""
    found = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        function = getattr(importlib.import_module(f"{__name__}.{module.name}"), attribute, None)
        if callable(function):
            found.append(function)
    return found


def discover_providers() -> list[Provider]:
    """The ``provide(session)`` functions: items of their own."""
    return _module_functions("provide")


def discover_preparers() -> list[Callable[[SchemaguardSession], None]]:
    """The ``prepare(session)`` functions, run before the build (e.g. to attach an observer)."""
    return _module_functions("prepare")


def discover_migration_checks() -> list[Callable[[SchemaguardSession, Migration], str | None]]:
    """The ``check_migration(session, migration)`` functions: more reasons for a ``migration[...]``
    item to fail (after the file applied), e.g. error-level lint findings; None means no objection."""
    return _module_functions("check_migration")
