"""``schemaguard check-naming``: the naming checks of the ``migration[...]`` and ``migrations[naming]``
items without a database, fast enough for a pre-commit hook.

File names against ``project.naming``, duplicate versions, mixed numbering, and files in the
migrations directory that will never run (strays). Exit 1 when any is found.
"""

from __future__ import annotations

import argparse
import sys

from ..config import command_settings
from ..migrations import naming_problems
from ..providers import naming
from ..session import SchemaguardSession
from ._integrity import loaded_project, shown

NAME = "check-naming"
HELP = "check migration file names, duplicate versions and stray files (no database; for pre-commit)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # the shared options are all it takes


def run(args: argparse.Namespace) -> int:
    session = SchemaguardSession(command_settings(args.file))
    project = loaded_project(session)
    directory = project.migrations.directory
    problems = [f"{shown(directory / name)}: {problem}"
                for name, found in naming_problems(project.migrations, project.settings.naming).items()
                for problem in found]
    directory_problem = naming.check(session)  # strays, mixed numbering under `any`; lists skipped files
    if directory_problem:
        problems.append(directory_problem)
    for warning in session.warnings:
        print(f"schemaguard check-naming: {warning}", file=sys.stderr)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"{shown(directory)}: {len(project.migrations.migrations)} migration file name(s) follow "
          f"project.naming {project.settings.naming}")
    return 0
