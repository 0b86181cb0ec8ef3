"""``schemaguard lint [--base REF]``: every finding of the new migrations (all of them without a
base or lock file), grouped by file. Exit 1 if any finding is an error, else 0; 2 on bad input,
including migrations that do not build (their findings are printed all the same)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..config import command_settings
from ..errors import ConfigError
from ..integrity.premerge import new_files
from ..lint.rules import RULES
from ..lint.run import LintResult, lint_project, project_observer, render_file, summary
from ..lint.syntax_only import lint_paths
from ..session import command_session
from ._build_report import report_build
from ._integrity import load_files_only, loaded_project, shown
from .output import JSON, TEXT, add_format_option, lines, lint_annotations, lint_fields, print_json

NAME = "lint"
HELP = "lint the new migrations: locking risks and destructive changes, each with the safe rewrite"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", metavar="REF",
                        help="git ref whose migrations are already applied: lint only the files added since")
    parser.add_argument("--rules", action="store_true", help="list the rules with their levels and exit")
    parser.add_argument("--syntax-only", action="store_true",
                        help="only the syntactic rules, on the FILES given (else every migration): no database "
                             "is built (pre-commit)")
    parser.add_argument("paths", nargs="*", type=Path, metavar="FILE",
                        help="with --syntax-only: the migration files to lint (pre-commit passes the staged ones)")
    add_format_option(parser, github=True)


def run(args: argparse.Namespace) -> int:
    if args.rules:
        print(rules_table())
        return 0
    if args.syntax_only or args.paths:
        return run_syntax_only(args)
    settings = command_settings(args.file, dsn=args.dsn, pg_bin=args.pg_bin, base=args.base,
                                base_option="--base", statement_timeout=args.statement_timeout)
    with command_session(settings) as session:
        project = loaded_project(session)
        targets = new_files(session)
        observer = project_observer(project, targets)
        session.observers.append(observer)  # watches the one build: no replay needed
        session.ensure_built()
        report_build(session, NAME)
        result = lint_project(project, targets, observer)
    if args.format != TEXT:
        paths = {m.name: m.path for m in project.migrations.migrations}
        report(args.format, result, lint_fields(result, paths, mode="build", base=args.base),
               lint_annotations(result, paths))
        return exit_code(result)
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
    return exit_code(result)


def run_syntax_only(args: argparse.Namespace) -> int:
    if not args.syntax_only:
        raise ConfigError("FILE arguments go with --syntax-only (the full lint chooses its files with --base or "
                          "the lock file)")
    paths = list(args.paths) or [m.path for m in load_files_only(args.file).migrations.migrations]
    linted = lint_paths(paths)
    result = linted.result
    if args.format != TEXT:
        report(args.format, result, lint_fields(result, linted.paths, mode="syntax-only", base=None,
                                                not_migrations=linted.not_migrations),
               lint_annotations(result, linted.paths))
        return exit_code(result)
    for path in linted.not_migrations:
        print(f"{shown(path)}: not linted: not a migration file name (<version>_<name>.sql; "
              "see schemaguard check-naming)", file=sys.stderr)
    for file in result.linted:
        if result.findings[file]:
            print(f"{shown(linted.paths[file])}: {summary(result.findings[file])}")
            print(render_file(result, file))
    findings = [f for file in result.linted for f in result.findings[file]]
    print(f"{len(result.linted)} file(s) linted, syntactic rules only: {summary(findings)}")
    return exit_code(result)


def report(form: str, result: LintResult, fields: dict[str, Any], annotations: list[str]) -> None:
    if form == JSON:
        print_json(NAME, fields)
        return
    lines(annotations)
    findings = [f for file in result.linted for f in result.findings[file]]
    print(f"schemaguard lint: {len(result.linted)} file(s) linted: {summary(findings)}")


def exit_code(result: LintResult) -> int:
    """1 for an error-level finding; 2 when the migrations do not build (an input error, as for
    `diff` and `init`: their findings are reported all the same)."""
    if result.failed is not None:
        return 2
    return 1 if result.errors() else 0


def rules_table() -> str:
    width = max(len(r) for r in RULES)
    return "\n".join(f"{rule.id:<{width}}  {rule.level:<5}  {rule.kind:<9}  {rule.why}" for rule in RULES.values())
