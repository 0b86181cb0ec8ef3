"""``schemaguard status --live-dsn URL``: the files vs the versions a live database has applied.

Read-only (see live.py). Exit 1 when a version is missing locally, a file would run out of order
or was edited after it was applied; pending files alone are not a finding.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..database.secret import Secret
from ..drift.live import open_live
from ..errors import ConfigError, SchemaguardError
from ..integrity.history import (
    DEFAULT_WINDOW_HOURS,
    HistoryEntry,
    WindowEntry,
    archived_migrations,
    live_history,
    parse_column_map,
    read_rollback_window,
    summarise,
)
from ._integrity import load_files_only
from .output import JSON, add_format_option, print_json

NAME = "status"
HELP = "compare the migration files with the versions applied on a live database (read-only), with the rollback window"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--live-dsn", default=os.environ.get("SCHEMAGUARD_LIVE_DSN"), type=Secret,
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


@dataclass(frozen=True)
class StatusReport:
    """What ``status`` found: every version's state, and the rollback window when project.history is set."""

    live: str  # the live database as shown (no password)
    entries: list[HistoryEntry]
    window_table: str | None
    window_hours: float
    window: list[WindowEntry]
    window_error: SchemaguardError | None = None  # the history table could not be read; entries still hold

    @property
    def failing(self) -> list[HistoryEntry]:
        return [e for e in self.entries if e.failing]


def status_report(file: Path, live_dsn: str | None, window_hours: float = DEFAULT_WINDOW_HOURS,
                  history_columns: str | None = None) -> StatusReport:
    """Read the files and the live history (read-only); the ``status`` command and the MCP tool share it."""
    if not live_dsn:
        raise ConfigError("status needs the live database: --live-dsn URL (or SCHEMAGUARD_LIVE_DSN)")
    if window_hours <= 0:
        raise ConfigError(f"--window must be a positive number of hours, got {window_hours:g}")
    overrides = parse_column_map(history_columns)
    project = load_files_only(file)
    with open_live(live_dsn, what="--live-dsn") as live:
        entries = live_history(live, project.migrations.migrations, archived_migrations(project))
        table = project.settings.history
        report = StatusReport(live.info.display(), entries, table, window_hours, [])
        if table:
            try:
                report.window.extend(read_rollback_window(live.conn, table, window_hours, overrides))
            except SchemaguardError as exc:
                return dataclasses.replace(report, window_error=exc)
        return report


def run(args: argparse.Namespace) -> int:
    report = status_report(args.file, args.live_dsn, args.window, args.history_columns)
    if args.format == JSON:
        if report.window_error is not None:
            raise report.window_error
        window = report.window if report.window_table else None
        print_json(NAME, _as_json(report.live, report.entries, report.window_table, args.window, window))
        return 1 if report.failing else 0
    print(f"schemaguard status: {report.live} (read-only)")
    print(f"  {'version':<16} {'state':<13} file")
    for entry in report.entries:
        print(_row(entry))
    print(summarise(report.entries))
    if report.window_error is not None:
        raise report.window_error
    if report.window_table:
        print(f"\nrollback window ({report.window_table}, last {args.window:g} h):")
        for item in report.window:
            print(f"  {item.render(args.window)}")
        if not report.window:
            print(f"  nothing completed in the last {args.window:g} h")
    failing = report.failing
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
