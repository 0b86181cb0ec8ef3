"""Lint given migration files with the syntactic rules only: no project build, no database.

For pre-commit, which passes the staged files: the statements are read from their text, and a
table the file does not create itself counts as existing (there is no catalog to ask).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..migrations import MIGRATION_NAME, Migration
from .run import LintResult, lint_file


@dataclass(frozen=True)
class SyntaxLint:
    result: LintResult
    paths: dict[str, Path]  # migration file name -> the path it was given as
    not_migrations: tuple[Path, ...]  # given files whose names are not <version>_<name>.sql


def lint_paths(paths: Sequence[Path]) -> SyntaxLint:
    migrations: list[Migration] = []
    others: list[Path] = []
    for path in paths:
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            others.append(path)
            continue
        if not path.is_file():
            raise ConfigError(f"{path}: no such migration file")
        migrations.append(Migration(path=path, version=int(match["version"]), name=path.name))
    migrations.sort(key=lambda m: (m.version, m.name))
    by_name: dict[str, Path] = {}
    for migration in migrations:
        if migration.name in by_name:  # findings are keyed by file name; two directories would mix them
            raise ConfigError(f"{migration.path} and {by_name[migration.name]}: two files of one name; "
                              "lint them in separate runs")
        by_name[migration.name] = migration.path
    result = LintResult(linted=[m.name for m in migrations], findings={}, strict=True)
    for migration in migrations:
        result.findings[migration.name] = lint_file(migration, None)
    return SyntaxLint(result=result, paths=by_name, not_migrations=tuple(others))
