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
from .database.secret import Secret
from .database.signals import terminate_as_interrupt
from .database.timeouts import check_duration
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
    parser.add_argument("--dsn", default=os.environ.get("SCHEMAGUARD_DSN"), type=Secret, metavar="URL",
                        help="build on this existing server instead of a private one [env SCHEMAGUARD_DSN]")
    parser.add_argument("--pg-bin", default=os.environ.get("SCHEMAGUARD_PG_BIN"),
                        help="directory of initdb/pg_ctl/postgres [env SCHEMAGUARD_PG_BIN]")
    parser.add_argument("-q", "--quiet", action="store_true", default=bool(os.environ.get("SCHEMAGUARD_QUIET")),
                        help="no progress on stderr while migrations apply (errors and results still show) "
                             "[env SCHEMAGUARD_QUIET]")
    parser.add_argument("--statement-timeout", type=_duration,
                        default=os.environ.get("SCHEMAGUARD_STATEMENT_TIMEOUT") or None, metavar="DURATION",
                        help="longest any one migration or seed statement may run (30s, 5min; 0 = no limit); "
                             "overrides project.statement_timeout [env SCHEMAGUARD_STATEMENT_TIMEOUT]")


def _duration(value: str) -> str:
    try:
        return check_duration(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# What a shell reports for a process killed by SIGPIPE (128 + 13), the usual end of `cmd | head`.
BROKEN_PIPE_EXIT = 141


def main(argv: list[str] | None = None) -> int:
    """Run one command; a reader that goes away (``schemaguard lint --rules | head -1``) ends it quietly."""
    try:
        try:
            return _dispatch(argv)
        finally:
            sys.stdout.flush()  # short outputs sit in the buffer: a closed pipe only shows here
    except BrokenPipeError:
        # As the Python docs recommend (signal module, "Note on SIGPIPE"): point stdout at devnull so
        # the interpreter's own flush at exit does not raise again, and stop without a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE_EXIT


def _dispatch(argv: list[str] | None) -> int:
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
    from .progress import StreamProgress, reporting

    try:
        # SIGTERM cleans up like Ctrl-C; every build the command makes says where it is on stderr.
        with terminate_as_interrupt(), reporting(None if args.quiet else StreamProgress()):
            return int(module.run(args))
    except SchemaguardError as exc:
        print(f"schemaguard {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # a build names the file and statement it stopped in
        print(f"schemaguard {args.command}: {str(exc) or 'interrupted'}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
