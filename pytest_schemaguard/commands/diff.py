"""``schemaguard diff --live-dsn URL [--format text|json|github]``: the migrations' schema versus a live one.
(``--declarative [-f NAME] [--allow-partial]``: versus the declared schema files; see ``_declarative``.)

The project files are read, then the live database is snapshotted (read-only, see ``live.py``),
so a malformed file or a wrong DSN fails before anything is built; then the migrations are built
on a throwaway database and the two catalogs are diffed. Exit 0: no drift; 1: drift; 2: input
error (bad DSN, unreachable server, migrations that do not build).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import Any

from ..config import Settings, command_settings
from ..database.secret import Secret
from ..diff import changes_as_json
from ..drift.live import LIVE_LABEL, MIGRATIONS_LABEL, Drift, diff_with_live, open_live, requested_extensions
from ..errors import SchemaguardError
from ..session import command_session
from ._build_report import report_build
from ._integrity import loaded_project
from .output import GITHUB, JSON, add_format_option, annotation, drift_annotations, lines, print_json

NAME = "diff"
HELP = ("compare the schema the migrations build with a live database (opened read-only), or with the "
        "declared schema files (--declarative)")
WHAT = "--live-dsn"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--live-dsn", default=os.environ.get("SCHEMAGUARD_LIVE_DSN"), type=Secret, metavar="URL",
                        help="the live database to compare with; opened read-only [env SCHEMAGUARD_LIVE_DSN]")
    add_format_option(parser, github=True)
    parser.add_argument("--declarative", action="store_true",
                        help="compare with the declared schema files and print the migration that closes the gap")
    parser.add_argument("-f", dest="write", metavar="NAME",
                        help="with --declarative: write that migration as the next file, NAME in snake_case")
    parser.add_argument("--allow-partial", action="store_true",
                        help="with --declarative -f: write the migration even with TODOs or differences left")


@dataclass(frozen=True)
class LiveDiff:
    drift: Drift
    migrations: str  # the migrations directory and how many files, as shown
    warnings: list[str]


def live_diff(settings: Settings, live_dsn: str | None) -> LiveDiff:
    """Build the migrations and diff them with the live database (read-only); ``diff`` and the MCP tool share it."""
    if not live_dsn:
        raise SchemaguardError("no live database given: pass --live-dsn URL or set SCHEMAGUARD_LIVE_DSN")
    with command_session(settings) as session:
        project = loaded_project(session)  # a malformed file is reported before the live database is opened
        with open_live(live_dsn, what=WHAT) as live:
            live_schema = live.snapshot()
            description = live.describe()
        build = session.ensure_built()
        report_build(session, NAME, warnings=False)  # the command shows them itself
        failed = build.failed_migration
        if failed is not None and failed.failure is not None:
            raise SchemaguardError(f"the migrations do not build, nothing to compare:\n{failed.failure.render()}")
        drift = diff_with_live(session.schema, live_schema, live_description=description, flavor=project.flavor,
                               requested_extensions=requested_extensions(project.migrations.migrations))
        migrations = f"{project.migrations.directory} ({len(project.migrations.migrations)} file(s))"
        return LiveDiff(drift, migrations, list(session.warnings))


def run(args: argparse.Namespace) -> int:
    if args.declarative:
        from ._declarative import run_declarative  # catalog SQL generation only for this mode

        return run_declarative(args)
    if args.write or args.allow_partial:
        raise SchemaguardError("-f and --allow-partial go with --declarative")
    settings = command_settings(args.file, dsn=args.dsn, pg_bin=args.pg_bin,
                                statement_timeout=args.statement_timeout, live_dsn=args.live_dsn)
    result = live_diff(settings, args.live_dsn)
    drift = result.drift
    if args.format == JSON:
        print_json(NAME, drift_as_json(result))
    elif args.format == GITHUB:
        lines(drift_annotations(drift.changes, live=drift.live))
        for warning in result.warnings:
            print(annotation("warning", warning, title="schemaguard diff"))
        print(drift.render().splitlines()[0])
    else:
        _print_text(drift, result.migrations, result.warnings)
    return 1 if drift.changes else 0


def _print_text(drift: Drift, migrations: str, warnings: list[str]) -> None:
    print(f"schemaguard diff: {MIGRATIONS_LABEL} = {migrations}")
    print(f"                  {LIVE_LABEL} = {drift.live}; nothing is written there")
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(drift.render())


def drift_as_json(result: LiveDiff) -> dict[str, Any]:
    drift = result.drift
    return {
        "migrations": result.migrations,
        "live": drift.live,
        "read_only": True,
        "drift": bool(drift.changes),
        "changes": changes_as_json(list(drift.changes)),
        "notes": list(drift.notes),
        "warnings": result.warnings,
    }
