"""``schemaguard status --live-dsn URL``: the files vs the versions a live database has applied.

Read-only (see live.py). Exit 1 when a version is missing locally, a file would run out of order
or was edited after it was applied; pending files alone are not a finding.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import ConfigError
from ..history import (
    DEFAULT_WINDOW_HOURS,
    HistoryEntry,
    archived_migrations,
    live_history,
    parse_column_map,
    read_rollback_window,
    summarise,
)
from ..live import open_live
from ._integrity import load_files_only

NAME = "status"
HELP = "compare the migration files with the versions applied on a live database (read-only), with the rollback window"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--live-dsn", default=os.environ.get("SCHEMAGUARD_LIVE_DSN"),
                        help="the live database (opened read-only) [env SCHEMAGUARD_LIVE_DSN]")
    parser.add_argument("--window", type=float, default=DEFAULT_WINDOW_HOURS, metavar="HOURS",
                        help=f"rollback window in hours for project.history (default {DEFAULT_WINDOW_HOURS:g})")
    parser.add_argument("--history-columns", metavar="MAP",
                        help="columns of the project.history table, e.g. name=migration_name,completed_at=done_at,"
                             "rollback=rollback_sql,status=status (default: detected)")


def _row(entry: HistoryEntry) -> str:
    detail = f"  {entry.detail}" if entry.detail else ""
    return f"  {entry.version:<16} {entry.state:<13} {entry.file or '-'}{detail}"


def run(args: argparse.Namespace) -> int:
    if not args.live_dsn:
        raise ConfigError("status needs the live database: --live-dsn URL (or SCHEMAGUARD_LIVE_DSN)")
    if args.window <= 0:
        raise ConfigError(f"--window must be a positive number of hours, got {args.window:g}")
    overrides = parse_column_map(args.history_columns)
    project = load_files_only(args.file)
    with open_live(args.live_dsn, what="--live-dsn") as live:
        entries = live_history(live, project.migrations.migrations, archived_migrations(project))
        print(f"schemaguard status: {live.info.display()} (read-only)")
        print(f"  {'version':<16} {'state':<13} file")
        for entry in entries:
            print(_row(entry))
        print(summarise(entries))
        if project.settings.history:
            table = project.settings.history
            window = read_rollback_window(live.conn, table, args.window, overrides)
            print(f"\nrollback window ({table}, last {args.window:g} h):")
            for item in window:
                print(f"  {item.render(args.window)}")
            if not window:
                print(f"  nothing completed in the last {args.window:g} h")
    failing = [e for e in entries if e.failing]
    if failing:
        print(f"schemaguard status: {len(failing)} problem(s): " + ", ".join(e.render() for e in failing),
              file=sys.stderr)
        return 1
    return 0
