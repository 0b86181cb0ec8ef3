"""Subcommands of the ``schemaguard`` command, one module each.

A command module defines ``NAME`` (the subcommand), ``HELP`` (one line), ``add_arguments(parser)``
and ``run(args) -> int`` (exit 0 ok, 1 findings, 2 usage/input error; raise SchemaguardError for
user mistakes and the CLI prints it without a traceback). Shared options (``--file``,
``--dsn``, ``--pg-bin``) are added by the CLI itself; see ``pytest_schemaguard.cli``. Without
``--file`` the CLI passes the nearest ``schema_expectations.yml`` at or above the working
directory, unless the module sets ``FINDS_FILE_UPWARD = False`` (``init`` writes it here).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def discover_commands() -> dict[str, ModuleType]:
    commands: dict[str, ModuleType] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        name = getattr(loaded, "NAME", None)
        if name is None:
            continue
        if name in commands:
            raise RuntimeError(f"two command modules define the subcommand {name!r}")
        commands[name] = loaded
    return commands
