"""The ``schemaguard`` command (SPEC §8): a thin dispatcher over ``pytest_schemaguard.commands``.

Exit codes: 0 ok, 1 findings, 2 usage or input error. User mistakes are printed as one clear
message, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .commands import discover_commands
from .errors import SchemaguardError
from .locate import EXPECTATIONS_NAME, find_upward


def package_version() -> str:
    """The installed distribution's version: one number, kept in pyproject.toml only."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pytest-schemaguard")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="schemaguard", description="Schema checks built from your migrations.")
    parser.add_argument("--version", action="version", version=f"schemaguard {package_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in discover_commands().items():
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        add_common_arguments(sub)
        module.add_arguments(sub)
    return parser


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, default=None,
                        help=f"expectations file (default: {EXPECTATIONS_NAME} here or in the nearest parent "
                             "directory that has one)")
    parser.add_argument("--dsn", default=os.environ.get("SCHEMAGUARD_DSN"),
                        help="build on this existing server instead of a private one [env SCHEMAGUARD_DSN]")
    parser.add_argument("--pg-bin", default=os.environ.get("SCHEMAGUARD_PG_BIN"),
                        help="directory of initdb/pg_ctl/postgres [env SCHEMAGUARD_PG_BIN]")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    module = discover_commands()[args.command]
    if args.file is None:
        here = Path(EXPECTATIONS_NAME)
        # A command that writes the file (init) writes it here; the others read the nearest one.
        searches = getattr(module, "FINDS_FILE_UPWARD", True)
        found = find_upward(Path.cwd()) if searches else None
        # Shown relative (schema_expectations.yml, ../schema_expectations.yml) as a user would type it.
        args.file = Path(os.path.relpath(found)) if found is not None else here
    try:
        return int(module.run(args))
    except SchemaguardError as exc:
        print(f"schemaguard {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"schemaguard {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `schemaguard lint --format json | head`: the reader had enough
        # Point stdout at /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
