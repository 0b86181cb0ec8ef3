"""``schemaguard snapshot [--check]``: write ``schema.sql``, or check it as the ``snapshot`` item does."""

from __future__ import annotations

import argparse
import sys

from ..config import command_settings
from ..errors import ConfigError
from ..session import SchemaguardSession, command_session
from ._build_report import report_build
from .output import JSON, add_format_option, print_json

NAME = "snapshot"
HELP = "write the schema snapshot (project.snapshot, e.g. schema.sql) from the migrations, or --check it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="do not write: exit 1 when the snapshot is stale or differs from the migrations")
    add_format_option(parser)


def require_build(session: SchemaguardSession) -> str | None:
    """The rendered failure of a migration that did not apply, or None when the build is whole."""
    failed = session.ensure_built().failed_migration
    if failed is not None and failed.failure is not None:
        return f"the migrations do not build:\n{failed.failure.render()}"
    return None


def run(args: argparse.Namespace) -> int:
    from ..drift.snapshot_file import check_snapshot, snapshot_path, write_snapshot

    settings = command_settings(args.file, dsn=args.dsn, pg_bin=args.pg_bin,
                                statement_timeout=args.statement_timeout, update=False)
    with command_session(settings) as session:
        session.load()
        if session.load_error is not None:
            raise session.load_error
        assert session.project is not None
        if session.project.settings.snapshot is None:
            raise ConfigError(f"{args.file}: project.snapshot is not set; add `snapshot: schema.sql` under `project:`")
        name = session.project.settings.snapshot
        as_json = args.format == JSON
        fields = {"snapshot": name, "check": bool(args.check)}
        broken = require_build(session)
        report_build(session, NAME)
        if broken:
            if as_json:
                print_json(NAME, {**fields, "ok": False, "written": False, "problem": broken})
            else:
                print(f"schemaguard snapshot: {broken}", file=sys.stderr)
            return 1
        written = False
        if not args.check:
            written = write_snapshot(session)
            path = snapshot_path(session)
            lines = path.read_text(encoding="utf-8").count("\n")
            if not as_json:
                print(f"{'wrote' if written else 'unchanged:'} {name} ({lines} lines)")
        failure = check_snapshot(session)
        if as_json:
            print_json(NAME, {**fields, "ok": not failure, "written": written, "problem": failure or None})
        elif failure:
            print(f"schemaguard snapshot: {failure}", file=sys.stderr)
        elif args.check:
            print(f"{name} is up to date with the migrations")
        return 1 if failure else 0
