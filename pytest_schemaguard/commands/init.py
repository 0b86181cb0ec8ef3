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
from typing import Any

from ..config import command_settings
from ..drift.live import requested_extensions, shim_only_extensions
from ..errors import ConfigError, SchemaguardError
from ..expectations import load_expectations
from ..expectations.model import Expectations, ProjectSettings
from ..init_keep import Kept, placed, read_kept
from ..init_yaml import InitInput, RuleStatus, present_keys, render_expectations
from ..integrity.lockfile import HEADER as LOCK_HEADER
from ..migrations import naming_problems
from ..project import Project, load_project
from ..providers.naming import mixed, stray_hint, strays
from ..providers.rules import rule_context
from ..rules import RULES
from ..rules.evaluate import run_rule
from ..session import SchemaguardSession, command_session
from ._build_report import failed_seed, report_build

NAME = "init"
PATH_SETTINGS = ("snapshot", "lock", "rollbacks", "archive", "types")  # files, relative to the expectations file
PATTERN_SETTINGS = ("seed", "declarative")  # lists of paths or globs, relative to it too
HELP = "write a starting schema_expectations.yml from the database your migrations build"
FINDS_FILE_UPWARD = False  # the file is written where the command runs, never over a parent project's


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, default=None,
                        help="where to write the file (default: the --file path, schema_expectations.yml); the "
                             "project (supabase/, migrations) is still the one of --file's directory")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing file (its hand-written grants, ignore_rules, behaviour, "
                             "exhaustive and absent entries are kept)")
    parser.add_argument("--migrations", default=None,
                        help="migrations directory, relative to the project directory (default: supabase/migrations)")
    parser.add_argument("--stubs", action="store_true",
                        help="build with the stand-ins for extensions this server lacks (pgvector, pgmq, pg_net, "
                             "pg_cron, Vault...) and write `stubs: true` under `project:`")


def run(args: argparse.Namespace) -> int:
    output = Path(args.output or args.file).resolve()
    root = Path(args.file).resolve().parent  # the project: where supabase/ is, whatever --output says
    if output.is_dir():
        raise ConfigError(f"{output} is a directory; give the path of the file to write, "
                          f"e.g. --output {output / 'schema_expectations.yml'}")
    if output.exists() and not args.force:
        raise ConfigError(
            f"{output} already exists; not overwriting it. Use --force to replace it (hand-written grants, "
            "ignore_rules, behaviour, exhaustive and absent entries are kept), or --output PATH to write "
            "the new file elsewhere"
        )
    started = time.perf_counter()
    settings = command_settings(output, dsn=args.dsn, pg_bin=args.pg_bin,
                                statement_timeout=args.statement_timeout)
    # The project's own file holds its settings: the one replaced, else (--output elsewhere) --file's.
    source = output if output.exists() else root / Path(args.file).name
    project_settings = starting_project_settings(source, root, args.migrations)
    if args.stubs:
        project_settings = replace(project_settings, stubs=True)
    kept = read_kept(output) if output.exists() else Kept()
    with command_session(settings) as session:
        prepare_session(session, root / output.name, project_settings)
        text, kept = render(session, output, kept)
        seed = failed_seed(session)
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
    for line in kept.described():
        print(f"schemaguard init: kept from the replaced file: {line}")
    for line in kept.dropped:
        print(f"schemaguard init: not kept: {line}", file=sys.stderr)
    if seed is not None:
        # The file describes the schema, which the migrations built whole: it is written all the
        # same, but `pytest --schemaguard` fails at the seed item, so this run is not a success.
        print(f"schemaguard init: the file is written, but its seed[{seed.name}] item fails until the seed "
              "applies (error above): fix the seed (the error's hint says "
              "what it lacks), then run `pytest --schemaguard`", file=sys.stderr)
        return 1
    return 0


def starting_project_settings(output: Path, root: Path, migrations: str | None) -> ProjectSettings:
    """The `project:` of ``output`` (the replaced file, or the project's own) when it loads, else the
    defaults; --migrations wins.

    Paths come back absolute when they were relative to somewhere other than ``root`` (the replaced
    file's directory, for its own settings): the project is loaded from ``root`` and the paths are
    written relative to the output file again by :func:`render`.
    """
    settings = ProjectSettings()
    if output.exists():
        try:
            settings = load_expectations(output).project
        except SchemaguardError as exc:
            print(f"schemaguard init: the existing file could not be read ({exc}); using the default project "
                  "settings", file=sys.stderr)
        else:
            base = output.parent
            paths: dict[str, Any] = {key: (base / value).as_posix()
                                     for key in PATH_SETTINGS if (value := getattr(settings, key))}
            paths |= {key: tuple((base / pattern).as_posix() for pattern in patterns)
                      for key in PATTERN_SETTINGS if (patterns := getattr(settings, key))}
            settings = replace(settings, migrations=(base / settings.migrations).as_posix(), **paths)
    if migrations is not None:
        settings = replace(settings, migrations=(root / migrations).as_posix())
    return settings


def prepare_session(session: SchemaguardSession, project_file: Path, settings: ProjectSettings) -> None:
    """Give the session a project without an expectations file (that is what we are writing)."""
    project = load_project(project_file, settings)
    # A lock file `schemaguard lock` wrote: adopt it, it is no stray (also over a kept setting that
    # points nowhere, e.g. after the migrations directory moved).
    if settings.lock is None or not (project.root / settings.lock).exists():
        lock = next((p for p in project.migrations.strays if is_lock_file(p)), None)
        if lock is not None:
            settings = replace(settings, lock=lock.as_posix())
            project = replace(project, settings=settings)
    naming = settings.naming
    if naming == "timestamp" and naming_problems(project.migrations, naming):  # the default: fit the files
        naming = next((n for n in ("sequential", "any") if not naming_problems(project.migrations, n)), naming)
    session.project = session.with_options(replace(project, settings=replace(settings, naming=naming)))
    refuse_untidy_directory(session.project)
    session.expectations = Expectations(path=project_file, project=session.project.settings)


def refuse_untidy_directory(project: Project) -> None:
    """Stop before building when the migrations directory would fail ``migrations[naming]`` (or a
    migration's naming check) whatever init writes: a file that fails at once is worse than none.

    No setting can make a stray file (``seed.sql``, ``local_x.sql``) acceptable, so the message
    says, file by file, what to do with it; init is then simply run again.
    """
    problems = [f"  {path.name}: {stray_hint(path)}" for path in strays(project)]
    problems += [f"  {name}: {'; '.join(found)}"
                 for name, found in naming_problems(project.migrations, project.settings.naming).items()]
    numbering = mixed(project)
    if numbering:
        problems.append(f"  {numbering}")
    if problems:
        directory = relative_to(project.migrations.directory, project.root)
        raise ConfigError(
            f"{directory} holds files that would fail `pytest --schemaguard` (migrations[naming]) whatever "
            "init writes; nothing was written:\n" + "\n".join(problems) + "\n"
            "Move seed or local scripts out of the directory (a seed belongs in project.seed, e.g. supabase/seed.sql), "
            "rename them to <name>.sql.skip, or archive old files (`schemaguard baseline`), then run "
            "`schemaguard init` again."
        )


def render(session: SchemaguardSession, output: Path, kept: Kept | None = None) -> tuple[str, Kept]:
    """The file's text, and the kept entries that found their object in it."""
    build = session.ensure_built()
    report_build(session, NAME)
    if build.failed_migration is not None:
        failure = build.failed_migration.failure
        detail = failure.render() if failure is not None else ""
        if failure is not None and "project.stubs: true" in (failure.hint or "") and not project_stubs(session):
            detail += "\n(with init: run `schemaguard init --stubs`, which also writes `stubs: true`)"
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
    kept = placed(kept or Kept(), present_keys(session.schema))
    paths: dict[str, Any] = {key: relative_to(project.root / value, output.parent)
                             for key in PATH_SETTINGS if (value := getattr(project.settings, key))}
    if project.settings.declarative:
        paths["declarative"] = tuple(relative_to(project.root / pattern, output.parent)
                                     for pattern in project.settings.declarative)
    settings = replace(project.settings, migrations=relative_to(project.migrations.directory, output.parent),
                       seed=seed_setting(project, output.parent), **paths)
    return render_expectations(InitInput(
        schema=session.schema,
        project=settings,
        flavor=project.flavor,
        rules=tuple(statuses),
        memberships=context.memberships,
        migrations_label=settings.migrations,
        hidden_extensions=shim_only_extensions(project.flavor, requested_extensions(project.migrations.migrations)),
        kept=kept,
    )), kept


def project_stubs(session: SchemaguardSession) -> bool:
    return session.project is not None and session.project.settings.stubs


def is_lock_file(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as handle:
            return handle.readline() == LOCK_HEADER.splitlines(keepends=True)[0]
    except (OSError, UnicodeDecodeError):
        return False


def relative_to(path: str | Path, directory: Path) -> str:
    return Path(os.path.relpath(path, directory)).as_posix()


def seed_setting(project: Project, directory: Path) -> tuple[str, ...] | None:
    """`project.seed` for the written file: the configured patterns, relative to it; or, when the
    file is written outside the project (so supabase/config.toml is not beside it), the seed files
    the build used, which it would otherwise no longer find."""
    if project.settings.seed is not None:
        return tuple(relative_to(project.root / pattern, directory) for pattern in project.settings.seed)
    if project.seeds and directory.resolve() != project.root.resolve():
        return tuple(relative_to(seed, directory) for seed in project.seeds)
    return None
