"""``schemaguard new NAME``: the next migration file, always sorting after every existing one.

The version is the current UTC time (``YYYYMMDDHHMMSS``), or one second after the newest existing
version when the clock is behind it (another machine's clock, a rebased branch), so a new file
can never be inserted before history. Under ``naming: sequential`` it is the next number.
"""

from __future__ import annotations

import argparse
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..errors import ConfigError, SchemaguardError
from ..expectations import load_expectations
from ..expectations.model import ProjectSettings
from ..migrations import MIGRATION_NAME, discover_migrations
from ._integrity import shown

NAME = "new"
HELP = "create the next migration file (YYYYMMDDHHMMSS_name.sql, after the newest existing one)"
SNAKE_CASE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
TIMESTAMP = "%Y%m%d%H%M%S"
TEMPLATE = """\
-- {name}
-- Created {created} by `schemaguard new`. The file runs in one transaction. Statements that
-- cannot (CREATE INDEX CONCURRENTLY, ...) go in a file of their own with a line reading
-- `schemaguard: no-transaction` after two dashes (a comment line of its own, not this one).
-- Locking a busy table? Start with: set lock_timeout = '5s';

"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="what the migration does, in snake_case (e.g. add_tags)")


def utcnow() -> datetime:
    """The clock, in one place so tests can set it back."""
    return datetime.now(timezone.utc)


def validate_name(name: str) -> str:
    name = name.removesuffix(".sql")
    if SNAKE_CASE.match(name):
        return name
    suggestion = re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()).strip("_")
    hint = f": use {suggestion}" if suggestion else ""
    raise SchemaguardError(f"migration name {name!r} is not snake_case (lowercase letters, digits and single "
                           f"underscores){hint}")


def next_version(existing: list[int], naming: str, now: datetime) -> str:
    newest = max(existing, default=None)
    if naming == "sequential":
        width = max((len(str(v)) for v in existing), default=3)
        return str((newest or 0) + 1).zfill(max(width, 3))
    stamp = now.astimezone(timezone.utc).strftime(TIMESTAMP)
    if newest is None or int(stamp) > newest:
        return stamp
    try:  # one second after the newest, as a real timestamp (…59 -> next minute)
        return (datetime.strptime(str(newest), TIMESTAMP) + timedelta(seconds=1)).strftime(TIMESTAMP)
    except ValueError:
        return str(newest + 1)


def _settings(file: Path) -> ProjectSettings:
    """project settings from the expectations file; the defaults when the project has none yet."""
    return load_expectations(file).project if file.exists() else ProjectSettings()


def next_migration_path(file: Path, name: str, now: datetime) -> Path:
    """Where the next migration called ``name`` goes (validated; after every existing version)."""
    name = validate_name(name)
    settings = _settings(file)
    directory = (file.resolve().parent / settings.migrations).resolve()
    if not directory.is_dir():
        raise ConfigError(f"migrations directory {directory} does not exist (project.migrations is "
                          f"{settings.migrations!r}); create it first")
    found = discover_migrations(directory)
    versions = [m.version for m in found.migrations]
    versions += [int(m["version"]) for p in found.skipped if (m := MIGRATION_NAME.match(p.name.removesuffix(".skip")))]
    return directory / f"{next_version(versions, settings.naming, now)}_{name}.sql"


def write_migration(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot create {path}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    now = utcnow()
    path = next_migration_path(args.file, args.name, now)
    name = path.stem.split("_", 1)[1]
    write_migration(path, TEMPLATE.format(name=name, created=now.strftime("%Y-%m-%d %H:%M:%S UTC")))
    print(shown(path))
    return 0
