"""``schemaguard types``: the typed ``Database`` of the built schema, and whether a committed file is fresh."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import command_settings
from ..errors import ConfigError
from ..session import command_session
from ._build_report import report_build

NAME = "types"
HELP = "generate TypeScript (Supabase CLI shape) or Python types from the migrations, or --check a committed file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", "-o", type=Path,
                        help="file to write (default: project.types, else standard output)")
    parser.add_argument("--schema", action="append", dest="schemas", metavar="NAME",
                        help="schema to generate (repeatable; default: config.toml [api] schemas)")
    parser.add_argument("--lang", choices=("typescript", "python"),
                        help="output language (default: from the file's suffix, else typescript)")
    parser.add_argument("--check", action="store_true",
                        help="do not write: exit 1 when the file differs from what the migrations build")
    parser.add_argument("--hash-only", action="store_true",
                        help="with --check: compare only the header's input hash (no PostgreSQL needed)")


def run(args: argparse.Namespace) -> int:
    from ..expectations import load_expectations
    from ..project import load_project
    from ..typegen.freshness import stale_reason
    from ..typegen.generate import check_file, default_schemas, generate, language_of, write_file

    if args.hash_only and not args.check:
        raise ConfigError("--hash-only goes with --check")
    project = load_project(args.file, load_expectations(args.file).project)
    path: Path | None = args.output
    if path is None and project.settings.types is not None:
        path = project.root / project.settings.types
    if args.check and path is None:
        raise ConfigError("--check needs a file: give --output PATH or set project.types")
    lang = language_of(path, args.lang)
    schemas = tuple(args.schemas) if args.schemas else default_schemas(project)
    if args.hash_only:
        assert path is not None
        if not path.exists():
            print(f"schemaguard types: {path} does not exist: run `schemaguard types`", file=sys.stderr)
            return 1
        stale = stale_reason(path.read_text(encoding="utf-8", errors="replace"), project, lang, schemas)
        if stale:
            print(f"schemaguard types: {path} is stale: {stale}; run `schemaguard types`", file=sys.stderr)
            return 1
        print(f"{path}: inputs unchanged since it was generated")
        return 0
    settings = command_settings(args.file, dsn=args.dsn, pg_bin=args.pg_bin, update=False)
    with command_session(settings) as session:
        session.load()
        if session.load_error is not None:
            raise session.load_error
        failed = session.ensure_built().failed_migration
        report_build(session, NAME)
        if failed is not None and failed.failure is not None:
            print(f"schemaguard types: the migrations do not build:\n{failed.failure.render()}", file=sys.stderr)
            return 1
        if args.check:
            assert path is not None
            failure = check_file(session, path, lang, schemas)
            if failure:
                print(f"schemaguard types: {failure}", file=sys.stderr)
                return 1
            print(f"{path} is up to date with the migrations")
            return 0
        text = generate(session, lang, schemas)
    if path is None:
        sys.stdout.write(text)
        return 0
    written = write_file(path, text)
    print(f"{'wrote' if written else 'unchanged:'} {path} ({lang}, schemas: {', '.join(schemas)})")
    return 0
