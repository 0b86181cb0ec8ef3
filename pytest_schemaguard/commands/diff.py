"""``schemaguard diff --live-dsn URL [--format text|json]``: the migrations' schema versus a live one.
(``--declarative [-f NAME] [--allow-partial]``: versus the declared schema files; see ``_declarative``.)

The project files are read, then the live database is snapshotted (read-only, see ``live.py``),
so a malformed file or a wrong DSN fails before anything is built; then the migrations are built
on a throwaway database and the two catalogs are diffed. Exit 0: no drift; 1: drift; 2: input
error (bad DSN, unreachable server, migrations that do not build).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ..config import command_settings
from ..diff import changes_as_json
from ..errors import SchemaguardError
from ..live import LIVE_LABEL, MIGRATIONS_LABEL, Drift, diff_with_live, open_live, requested_extensions
from ..session import command_session
from ._integrity import loaded_project

NAME = "diff"
HELP = ("compare the schema the migrations build with a live database (opened read-only), or with the "
        "declared schema files (--declarative)")
WHAT = "--live-dsn"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--live-dsn", default=os.environ.get("SCHEMAGUARD_LIVE_DSN"), metavar="URL",
                        help="the live database to compare with; opened read-only [env SCHEMAGUARD_LIVE_DSN]")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.add_argument("--declarative", action="store_true",
                        help="compare with the declared schema files and print the migration that closes the gap")
    parser.add_argument("-f", dest="write", metavar="NAME",
                        help="with --declarative: write that migration as the next file, NAME in snake_case")
    parser.add_argument("--allow-partial", action="store_true",
                        help="with --declarative -f: write the migration even with TODOs or differences left")


def run(args: argparse.Namespace) -> int:
    if args.declarative:
        from ._declarative import run_declarative  # catalog SQL generation only for this mode

        return run_declarative(args)
    if args.write or args.allow_partial:
        raise SchemaguardError("-f and --allow-partial go with --declarative")
    if not args.live_dsn:
        raise SchemaguardError("no live database given: pass --live-dsn URL or set SCHEMAGUARD_LIVE_DSN")
    settings = command_settings(args.file, dsn=args.dsn, pg_bin=args.pg_bin, live_dsn=args.live_dsn)
    with command_session(settings) as session:
        project = loaded_project(session)  # a malformed file is reported before the live database is opened
        with open_live(args.live_dsn, what=WHAT) as live:
            live_schema = live.snapshot()
            description = live.describe()
        build = session.ensure_built()
        failed = build.failed_migration
        if failed is not None and failed.failure is not None:
            raise SchemaguardError(f"the migrations do not build, nothing to compare:\n{failed.failure.render()}")
        drift = diff_with_live(session.schema, live_schema, live_description=description, flavor=project.flavor,
                               requested_extensions=requested_extensions(project.migrations.migrations))
        warnings = list(session.warnings)
        migrations = f"{project.migrations.directory} ({len(project.migrations.migrations)} file(s))"
    if args.format == "json":
        print(json.dumps(_as_json(drift, migrations, warnings), indent=2))
    else:
        _print_text(drift, migrations, warnings)
    return 1 if drift.changes else 0


def _print_text(drift: Drift, migrations: str, warnings: list[str]) -> None:
    print(f"schemaguard diff: {MIGRATIONS_LABEL} = {migrations}")
    print(f"                  {LIVE_LABEL} = {drift.live}; nothing is written there")
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(drift.render())


def _as_json(drift: Drift, migrations: str, warnings: list[str]) -> dict[str, Any]:
    return {
        "migrations": migrations,
        "live": drift.live,
        "read_only": True,
        "drift": bool(drift.changes),
        "changes": changes_as_json(list(drift.changes)),
        "notes": list(drift.notes),
        "warnings": warnings,
    }
