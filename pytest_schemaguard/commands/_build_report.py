"""What a command that builds the database says about that build, on standard error.

``pytest --schemaguard`` shows the build warnings in its terminal summary and a failing seed as
the failure of its ``seed[...]`` item; a command has neither, so without this a skipped
``CREATE EXTENSION`` or a seed that does not apply would go unseen until the next pytest run.
Standard error keeps ``--format json`` output on standard output parseable.
"""

from __future__ import annotations

import sys

from ..database.build import StepOutcome
from ..session import SchemaguardSession


def failed_seed(session: SchemaguardSession) -> StepOutcome | None:
    """The seed that did not apply (the migrations all did), or None."""
    build = session.build
    if build is None or build.failed_migration is not None:
        return None
    return next((seed for seed in build.seeds if not seed.ok), None)


def report_build(session: SchemaguardSession, command: str, *, warnings: bool = True) -> StepOutcome | None:
    """Print the session's warnings (unless the command shows them itself: ``warnings=False``) and
    a failing seed's error; the failed seed, so that a command writing a file can exit non-zero."""
    if warnings:
        for warning in session.warnings:
            print(f"schemaguard {command}: warning: {warning}", file=sys.stderr)
    seed = failed_seed(session)
    if seed is not None and seed.failure is not None:
        print(f"schemaguard {command}: the seed {seed.name} does not apply, so the item seed[{seed.name}] of "
              f"`pytest --schemaguard` fails (the migrations built; the schema below them is complete):\n"
              f"{seed.failure.render()}", file=sys.stderr)
    return seed
