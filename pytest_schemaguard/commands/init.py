"""``schemaguard init``: build the database from the migrations and write a starting
``schema_expectations.yml`` that passes at once (SPEC §8).

The project settings come from the file being replaced (with ``--force``) when it can be read,
else from the defaults and ``--migrations``; paths in the written file are relative to it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from ..config import command_settings
from ..errors import ConfigError, SchemaguardError
from ..expectations import load_expectations
from ..expectations.model import Expectations, ProjectSettings
from ..init_yaml import InitInput, RuleStatus, render_expectations
from ..migrations import naming_problems
from ..project import Project, load_project
from ..providers.rules import rule_context
from ..rules import RULES
from ..rules.evaluate import run_rule
from ..session import SchemaguardSession, command_session

NAME = "init"
HELP = "write a starting schema_expectations.yml from the database your migrations build"
FINDS_FILE_UPWARD = False  # the file is written where the command runs, never over a parent project's


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, default=None,
                        help="where to write the file (default: the --file path, schema_expectations.yml)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.add_argument("--migrations", default=None,
                        help="migrations directory, relative to the output file (default: supabase/migrations)")


def run(args: argparse.Namespace) -> int:
    output = Path(args.output or args.file).resolve()
    if output.is_dir():
        raise ConfigError(f"{output} is a directory; give the path of the file to write, "
                          f"e.g. --output {output / 'schema_expectations.yml'}")
    if output.exists() and not args.force:
        raise ConfigError(
            f"{output} already exists; not overwriting it. Use --force to replace it, "
            "or --output PATH to write the new file elsewhere"
        )
    started = time.perf_counter()
    settings = command_settings(output, dsn=args.dsn, pg_bin=args.pg_bin,
                                statement_timeout=args.statement_timeout)
    project_settings = starting_project_settings(output, args.migrations)
    with command_session(settings) as session:
        prepare_session(session, output, project_settings)
        text = render(session)
    temporary = output.with_name(output.name + ".tmp")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise ConfigError(f"cannot write {exc.filename or output}: {exc.strerror or exc}") from None
    seconds = time.perf_counter() - started
    print(f"schemaguard init: wrote {output} ({len(text.splitlines())} lines, {seconds:.1f} s); "
          "run `pytest --schemaguard` to check it")
    return 0


def starting_project_settings(output: Path, migrations: str | None) -> ProjectSettings:
    """The replaced file's `project:` when it loads, else the defaults; --migrations wins."""
    settings = ProjectSettings()
    if output.exists():
        try:
            settings = load_expectations(output).project
        except SchemaguardError as exc:
            print(f"schemaguard init: the existing file could not be read ({exc}); using the default project "
                  "settings", file=sys.stderr)
    if migrations is not None:
        settings = replace(settings, migrations=migrations)
    return settings


def prepare_session(session: SchemaguardSession, output: Path, settings: ProjectSettings) -> None:
    """Give the session a project without an expectations file (that is what we are writing)."""
    project = load_project(output, settings)
    naming = settings.naming
    if naming == "timestamp" and naming_problems(project.migrations, naming):  # the default: fit the files
        naming = next((n for n in ("sequential", "any") if not naming_problems(project.migrations, n)), naming)
    session.project = session.with_options(replace(project, settings=replace(settings, naming=naming)))
    session.expectations = Expectations(path=output, project=session.project.settings)


def render(session: SchemaguardSession) -> str:
    build = session.ensure_built()
    if build.failed_migration is not None:
        failure = build.failed_migration.failure
        detail = failure.render() if failure is not None else ""
        raise SchemaguardError(f"the database build failed at {build.failed_migration.name}, so there is "
                               f"nothing to describe yet; fix the migration first:\n{detail}")
    project: Project | None = session.project
    assert project is not None
    context = rule_context(session)
    statuses = []
    for name, rule in RULES.items():
        default = rule.default_level(project.flavor)
        violators: tuple[str, ...] = ()
        if default != "off":
            outcome = run_rule(name, context, [])
            violators = tuple(dict.fromkeys(f.name for f in outcome.findings))
        statuses.append(RuleStatus(name, default, violators))
    migrations_label = os.path.relpath(project.migrations.directory, project.root)
    settings = replace(project.settings, migrations=Path(migrations_label).as_posix())
    return render_expectations(InitInput(
        schema=session.schema,
        project=settings,
        flavor=project.flavor,
        rules=tuple(statuses),
        memberships=context.memberships,
        migrations_label=settings.migrations,
    ))
