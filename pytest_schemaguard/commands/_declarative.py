"""``schemaguard diff --declarative [-f NAME] [--allow-partial]``: the migration the declared schema
files still need, generated from the catalog diff and proven by applying it (see ``drift.proof``).

Exit 0: nothing to do, or a complete migration (printed, or written with ``-f``); 1: the SQL has
``-- TODO`` blocks, failed, or leaves differences (nothing is written without ``--allow-partial``);
2: input errors (no declared files, a declared file or a migration that does not build).
"""

from __future__ import annotations

import argparse
import sys
import time

from ..config import command_settings
from ..drift.declarative import (
    DeclarativeError,
    compare,
    declared_files,
    render_declarative_changes,
)
from ..drift.proof import DeclaredDefinitions, GeneratedMigration, generate_and_prove
from ..errors import SchemaguardError
from ..session import command_session
from ._build_report import report_build
from ._integrity import loaded_project, shown
from .new import create_migration, utcnow


def run_declarative(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    settings = command_settings(args.file, dsn=args.dsn, pg_bin=args.pg_bin)
    with command_session(settings) as session:
        project = loaded_project(session)
        declared = declared_files(project)
        if declared is None:
            raise DeclarativeError("no declared schema files: put them in supabase/schemas/, list them in "
                                   "supabase/config.toml [db.migrations] schema_paths, or set project.declarative")
        failed = session.ensure_built().failed_migration
        report_build(session, "diff")
        if failed is not None and failed.failure is not None:
            raise SchemaguardError(f"the migrations do not build, nothing to compare:\n{failed.failure.render()}")
        comparison = compare(session, declared)
        header = (f"-- schemaguard diff --declarative: {len(project.migrations.migrations)} migration(s) -> "
                  f"{declared.describe()}")
        if not comparison.changes:
            print(f"{header}\n-- nothing to do: the migrations build the declared schema")
            return 0
        definitions = DeclaredDefinitions(comparison.build.info)
        generated = generate_and_prove(session.require_database(), comparison, definitions)
        _print(header, generated)
        if generated.remaining:
            print("-- not closed by the SQL above (migrations + SQL versus declared):", file=sys.stderr)
            proven = generated.proven_schema or comparison.migrated
            remaining = render_declarative_changes(generated.remaining, proven, comparison.schema)
            print("\n".join(remaining), file=sys.stderr)
        if generated.failure:
            print(generated.failure, file=sys.stderr)
        if args.write and (generated.complete or (args.allow_partial and not generated.failure)):
            _write(args, generated)
        elif args.write:
            print("nothing written: the migration is not complete (see the TODOs and differences above); "
                  "pass --allow-partial to write it anyway and finish it by hand", file=sys.stderr)
    print(f"-- checked in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0 if generated.complete else 1


def _print(header: str, generated: GeneratedMigration) -> None:
    print(header)
    for suffix, text in generated.files():
        if suffix:
            print(f"-- file *{suffix}.sql (enum values must be committed before anything uses them):")
        print(text, end="")
    for finding in generated.lint:
        print(f"-- lint: {finding.level} [{finding.rule}] {finding.message}")
        print(f"--   instead: {finding.fix}")
    state = ("proven: applied to a build of the migrations, the result equals the declared schema"
             if generated.complete else "NOT complete: finish it by hand (TODO blocks / differences listed)")
    print(f"-- {state}")


def _write(args: argparse.Namespace, generated: GeneratedMigration) -> None:
    for suffix, text in generated.files():
        name = f"{args.write}{suffix}"
        header = (f"-- {name}: written by `schemaguard diff --declarative` "
                  f"{utcnow().strftime('%Y-%m-%d %H:%M:%S UTC')}\n\n")
        path = create_migration(args.file, name, body=header + text)
        print(f"wrote {shown(path)}", file=sys.stderr)
