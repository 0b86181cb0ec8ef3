"""``schemaguard cleanup [--kept] [--list] [DIR ...]``: remove what runs left behind.

Without options it removes what runs that are gone (killed, SIGKILLed, power cut) left: private
servers in the temp directory and, with ``--dsn``, throwaway databases on that server. Kept servers
and databases (``--schemaguard-keep``) are listed and only removed with ``--kept``. Nothing that
belongs to a run still going, or to another host, is ever touched.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import psycopg

from ..database.owner import read_marker
from ..database.server import parse_dsn, scrub
from ..database.sweep import (
    ServerDir,
    owned_databases,
    removable,
    remove_server_dir,
    server_dirs,
    sweep_databases,
    sweep_server_dirs,
)
from ..errors import ConfigError, ServerError

NAME = "cleanup"
HELP = "remove private servers and throwaway databases left by killed runs; --kept also those kept on purpose"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kept", action="store_true",
                        help="also stop and remove kept servers (and, with --dsn, drop kept databases)")
    parser.add_argument("--list", action="store_true", help="only list what there is; remove nothing")
    parser.add_argument("servers", nargs="*", type=Path, metavar="DIR",
                        help="only these kept server directories (as printed by --schemaguard-keep)")


def _remove_named(paths: list[Path]) -> int:
    problems = 0
    for path in paths:
        owner = read_marker(path)
        if owner is None:
            raise ConfigError(f"{path} is not a schemaguard server directory (no marker file in it)")
        if not removable(owner, kept=True):
            raise ConfigError(f"{path} belongs to a run that is still going ({owner.describe()}); not touched")
        error = remove_server_dir(path)
        print(error or f"stopped and removed {path}")
        problems += error is not None
    return problems


def _databases(args: argparse.Namespace) -> int:
    admin = parse_dsn(args.dsn, what="--dsn")
    problem = None
    try:
        with psycopg.connect(admin.conninfo(), connect_timeout=10, autocommit=True) as conn:
            if args.list:
                for database in owned_databases(conn):
                    print(f"database {database.name} on {admin.display()} ({database.owner.describe()})")
                return 0
            done = sweep_databases(conn, kept=args.kept)
            left = [d for d in owned_databases(conn) if d.owner.kept]
    except psycopg.Error as exc:
        problem = scrub(str(exc).strip(), admin.password)
    if problem is not None:
        raise ServerError(f"could not clean up on {admin.display()}: {problem}")
    for database, error in done:
        print(error or f"dropped database {database.name} ({database.owner.describe()})")
    for database in left:
        print(f"kept database {database.name} on {admin.display()} (drop it: schemaguard cleanup --kept --dsn URL)")
    return sum(error is not None for _, error in done)


def _list(found: list[ServerDir]) -> None:
    for server in found:
        print(f"server {server.describe()}")
    if not found:
        print("no schemaguard servers in the temp directory")


def run(args: argparse.Namespace) -> int:
    if args.servers:
        if not args.kept:
            raise ConfigError("naming server directories stops kept servers: add --kept")
        return 2 if _remove_named(args.servers) else 0
    problems = 0
    if args.list:
        _list(server_dirs())
    else:
        for server, error in sweep_server_dirs(kept=args.kept):
            print(error or f"stopped and removed {server.path} ({server.owner.describe()})")
            problems += error is not None
        kept = [s for s in server_dirs() if s.owner.kept]
        for server in kept:
            print(f"kept server {server.describe()}; stop it: schemaguard cleanup --kept {server.path}")
    if args.dsn:
        problems += _databases(args)
    return 2 if problems else 0
