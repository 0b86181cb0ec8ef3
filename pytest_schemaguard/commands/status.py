"""``schemaguard status --live-dsn URL``: the files vs the versions a live database has applied.

Read-only (see live.py). Exit 1 when a version is missing locally, a file would run out of order
or was edited after it was applied; pending files alone are not a finding.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..errors import ConfigError
from ..history import (
    DEFAULT_WINDOW_HOURS,
    HistoryEntry,
    WindowEntry,
    live_history,
    parse_column_map,
    read_rollback_window,
    summarise,
)
from ..live import open_live
from ._integrity import load_files_only
from .output import JSON, add_format_option, print_json

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
    add_format_option(parser)


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
        entries = live_history(live, project.migrations.migrations)
        if args.format == JSON:
            window = (read_rollback_window(live.conn, project.settings.history, args.window, overrides)
                      if project.settings.history else None)
            print_json(NAME, _as_json(live.info.display(), entries, project.settings.history, args.window, window))
            return 1 if any(e.failing for e in entries) else 0
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


def _as_json(live: str, entries: list[HistoryEntry], table: str | None, hours: float,
             window: list[WindowEntry] | None) -> dict[str, Any]:
    return {
        "live": live,
        "read_only": True,
        "migrations": [{"version": e.version, "state": e.state, "file": e.file, "detail": e.detail or None,
                        "failing": e.failing} for e in entries],
        "summary": summarise(entries),
        "problems": sum(1 for e in entries if e.failing),
        "rollback_window": None if table is None or window is None else {
            "table": table,
            "hours": hours,
            "entries": [{"name": w.name, "phase": w.phase, "status": w.status,
                         "completed_at": w.completed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         "hours_ago": round(w.hours_ago, 3), "has_rollback": w.has_rollback} for w in window],
        },
    }
