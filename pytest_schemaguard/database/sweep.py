"""Remove what runs that are gone left behind: server directories and throwaway databases.

Only things whose owner is provably gone from this host are touched (see ``owner``): never a
live session's, never another host's, and never a kept one unless the user asks for it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import psycopg
from psycopg import sql

from .location import candidates
from .owner import Owner, owner_from_comment, read_marker
from .processes import processes_using, stop_server_processes

SERVER_DIR_PREFIX = "schemaguard-"


@dataclass(frozen=True)
class ServerDir:
    """A private server's directory (data, socket, log) and who owns it."""

    path: Path
    owner: Owner

    @property
    def port(self) -> int | None:
        try:
            lines = (self.path / "data" / "postmaster.pid").read_text().splitlines()
            return int(lines[3])
        except (OSError, IndexError, ValueError):
            return None

    @property
    def running(self) -> bool:
        return bool(processes_using(self.path))

    def describe(self) -> str:
        port = self.port
        where = f"port {port}" if port and self.running else "not running"
        return f"{self.path} ({where}; {self.owner.describe()})"


@dataclass(frozen=True)
class OwnedDatabase:
    name: str
    owner: Owner


def server_dirs(tmpdir: Path | None = None) -> list[ServerDir]:
    """Every marked server directory in ``tmpdir``, or wherever runs put them (``location``);
    unmarked ones are not ours to judge."""
    bases = [Path(tmpdir)] if tmpdir else candidates()
    found = []
    for path in sorted(path for base in bases for path in base.glob(SERVER_DIR_PREFIX + "*")):
        owner = read_marker(path) if path.is_dir() else None
        if owner is not None:
            found.append(ServerDir(path, owner))
    return found


def remove_server_dir(path: Path) -> str | None:
    """Stop the server in ``path`` and delete the directory; an error text, or None when done."""
    stop_server_processes(path)
    if path.resolve() != path:
        stop_server_processes(path.resolve())
    shutil.rmtree(path, ignore_errors=True)
    if path.exists():
        return f"could not remove {path} (permissions?)"
    return None


def removable(owner: Owner, *, kept: bool) -> bool:
    return (kept or not owner.kept) and owner.is_gone()


def sweep_server_dirs(tmpdir: Path | None = None, *, kept: bool = False) -> list[tuple[ServerDir, str | None]]:
    """Remove the directories (and servers) of gone runs; kept ones too when ``kept``."""
    return [(found, remove_server_dir(found.path)) for found in server_dirs(tmpdir)
            if removable(found.owner, kept=kept)]


def owned_databases(conn: psycopg.Connection) -> list[OwnedDatabase]:
    query = resources.files("pytest_schemaguard.database").joinpath("queries/owned_databases.sql").read_text("utf-8")
    found = []
    for name, comment in conn.execute(query).fetchall():
        owner = owner_from_comment(comment)
        if owner is not None:
            found.append(OwnedDatabase(name, owner))
    return found


def drop_database(conn: psycopg.Connection, name: str) -> None:
    """Drop a database others may still be connected to (a killed run's backends linger)."""
    ident = sql.Identifier(name)
    exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if not exists:
        return
    conn.execute(sql.SQL("ALTER DATABASE {} WITH allow_connections false").format(ident))
    conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(ident))


def sweep_databases(conn: psycopg.Connection, *, kept: bool = False) -> list[tuple[OwnedDatabase, str | None]]:
    """Drop the throwaway databases of gone runs on the server ``conn`` (autocommit) is on."""
    done: list[tuple[OwnedDatabase, str | None]] = []
    for database in owned_databases(conn):
        if not removable(database.owner, kept=kept):
            continue
        try:
            drop_database(conn, database.name)
            done.append((database, None))
        except psycopg.Error as exc:
            done.append((database, f"could not drop {database.name}: {str(exc).strip()}"))
    return done
