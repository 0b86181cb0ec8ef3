"""pg_dump of the server's own installation, found and run with the password kept out of its
arguments: ``schema.sql`` and baselines are written with it, and a pg_dump older than the server
refuses to dump it."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import SchemaguardError
from .server import ConnectionInfo, ServerError, find_bindir, scrub


class SnapshotError(SchemaguardError):
    """pg_dump is missing or failed."""


def _pg_dump_places(pg_bin: str | None, server_bindir: Path | None) -> Iterator[tuple[str, Path | None]]:
    """(description, directory or None) of where pg_dump may be, best first; lazy, so pg_config
    only runs when the private server's bindir has no pg_dump."""
    if server_bindir is not None:
        yield f"the private server's bindir {server_bindir}", server_bindir
    if pg_bin:  # client tools alone are enough here, unlike for find_bindir
        yield f"--schemaguard-pg-bin {pg_bin}", Path(pg_bin).expanduser()
    try:
        bindir = find_bindir(pg_bin)
        yield f"PostgreSQL bindir {bindir}", bindir
    except ServerError:
        yield "PostgreSQL server bindir: not found (--schemaguard-pg-bin / pg_config / usual places)", None
    on_path = shutil.which("pg_dump")
    yield ("PATH", Path(on_path).parent) if on_path else ("PATH: no pg_dump", None)


def find_pg_dump(pg_bin: str | None, server_bindir: Path | None = None) -> Path:
    """pg_dump of the server's installation (so versions match), else the one on PATH."""
    tried: list[str] = []
    for description, directory in _pg_dump_places(pg_bin, server_bindir):
        if directory is not None and os.access(directory / "pg_dump", os.X_OK):
            return directory / "pg_dump"
        tried.append(f"{description}: no pg_dump there" if directory is not None else description)
    places = "\n".join(f"  - {t}" for t in tried)
    raise SnapshotError(
        "pg_dump is needed to write and check the schema snapshot, but it was not found.\n"
        f"Looked in:\n{places}\n"
        "Install the PostgreSQL client tools of your server's version (e.g. `apt-get install postgresql-client-15`) "
        "or name the directory with --schemaguard-pg-bin DIR."
    )


def run_pg_dump(pg_dump: Path, info: ConnectionInfo, exclude_schemas: Iterable[str]) -> str:
    """The raw ``--schema-only`` dump (grants kept: they are part of the schema), password via env only."""
    args = [str(pg_dump), "--schema-only", "--no-owner"]
    for schema in sorted(exclude_schemas):
        args += ["--exclude-schema", schema]
    args += ["--dbname", dataclasses.replace(info, password=None).conninfo()]
    env = dict(os.environ)
    if info.password:
        env["PGPASSWORD"] = info.password
    try:
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SnapshotError(f"{pg_dump} could not run: {exc}") from None
    if done.returncode != 0:
        message = scrub(done.stderr.strip(), info.password)
        hint = ""
        if "version mismatch" in message:
            hint = "\nUse a pg_dump at least as new as the server: --schemaguard-pg-bin DIR."
        raise SnapshotError(f"{pg_dump} failed on {info.display()}:\n  {message}{hint}")
    return done.stdout
