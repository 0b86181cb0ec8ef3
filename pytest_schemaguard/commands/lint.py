"""``schemaguard lint [--base REF]``: every finding of the new migrations (all of them without a
base or lock file), grouped by file. Exit 1 if any finding is an error, else 0; 2 on bad input,
including migrations that do not build (their findings are printed all the same)."""

from __future__ import annotations

import argparse

from ..config import command_settings
from ..lint.rules import ERROR, RULES
from ..lint.run import lint_project, project_observer, render_file, summary
from ..premerge import new_files
from ..session import command_session
from ._integrity import loaded_project

NAME = "lint"
HELP = "lint the new migrations: locking risks and destructive changes, each with the safe rewrite"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", metavar="REF",
                        help="git ref whose migrations are already applied: lint only the files added since")
    parser.add_argument("--rules", action="store_true", help="list the rules with their levels and exit")


def run(args: argparse.Namespace) -> int:
    if args.rules:
        print(rules_table())
        return 0
    settings = command_settings(args.file, dsn=args.dsn, pg_bin=args.pg_bin, base=args.base,
                                base_option="--base", statement_timeout=args.statement_timeout)
    with command_session(settings) as session:
        project = loaded_project(session)
        targets = new_files(session)
        observer = project_observer(project, targets)
        session.observers.append(observer)  # watches the one build: no replay needed
        session.ensure_built()
        result = lint_project(project, targets, observer)
    which = ("all migrations (no --base and no lock file)" if targets is None
             else f"{len(result.linted)} new migration(s)")
    print(f"schemaguard lint: {which}")
    for file in result.linted:
        if result.findings[file] or file in result.not_analysed:
            print(f"\n{file}: {summary(result.findings[file])}")
            print(render_file(result, file))
    findings = [f for file in result.linted for f in result.findings[file]]
    if result.failed is not None and result.failed.failure is not None:
        print(f"\nthe build stopped at {result.failed.name}:\n{result.failed.failure.render()}")
    print(f"\n{len(result.linted)} file(s) linted: {summary(findings)}")
    if result.failed is not None:
        return 2  # the migrations do not build: an input error, as for `diff` and `init`
    return 1 if any(f.level == ERROR for f in findings) else 0


def rules_table() -> str:
    width = max(len(r) for r in RULES)
    return "\n".join(f"{rule.id:<{width}}  {rule.level:<5}  {rule.kind:<9}  {rule.why}" for rule in RULES.values())
