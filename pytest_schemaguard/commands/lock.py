"""``schemaguard lock [--check]``: write the lock file (``project.lock``), or verify it like the ``lock`` item."""

from __future__ import annotations

import argparse
import sys

from ..errors import ConfigError
from ..integrity.lockfile import lock_report, write_lock
from ._integrity import load_files_only, shown
from .output import JSON, add_format_option, print_json

NAME = "lock"
HELP = "write the migrations lock file (project.lock) from the migration files, or --check it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="do not write: exit 1 and name every edited/removed/inserted/added file")
    add_format_option(parser)


def run(args: argparse.Namespace) -> int:
    project = load_files_only(args.file)
    if not project.settings.lock:
        raise ConfigError(f"{args.file}: project.lock is not set; add `lock: supabase/migrations/schemaguard.lock` "
                          "under `project:`")
    path = project.root / project.settings.lock
    migrations = project.migrations.migrations
    fields = {"lock_file": shown(path), "migrations": len(migrations), "check": bool(args.check)}
    if args.check:
        failure = lock_report(path, migrations, display=shown(path))
        if args.format == JSON:
            print_json(NAME, {**fields, "ok": not failure, "written": False, "problem": failure or None})
        elif failure:
            print(f"schemaguard lock: {failure}", file=sys.stderr)
        else:
            print(f"{shown(path)} matches the {len(migrations)} migration file(s)")
        return 1 if failure else 0
    changed = write_lock(path, migrations)
    if args.format == JSON:
        print_json(NAME, {**fields, "ok": True, "written": changed, "problem": None})
    else:
        print(f"{'wrote' if changed else 'unchanged:'} {shown(path)} ({len(migrations)} migration file(s))")
    return 0
