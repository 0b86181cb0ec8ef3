"""The ``project:`` section: where the migrations, seeds and kept files are.

Paths are checked for what would otherwise fail deep inside a run: a glob pattern Python cannot
use (``seeds/**.sql``) is refused here, at its line (NUL characters never get this far: the
composer refuses them in every value).
"""

from __future__ import annotations

from pathlib import Path, PurePath

from yaml.nodes import Node, SequenceNode

from ..database.timeouts import check_duration
from .fields import Field, Where, one_of, read_bool, read_fields, read_names, read_qualified, read_text, spellings
from .model import ProjectSettings
from .yamlnodes import Reader

NAMINGS = spellings("timestamp", "sequential", "any")
FLAVORS = spellings("supabase", "postgres")
_NOWHERE = Path("/nonexistent-schemaguard-glob-check")


def glob_problem(pattern: str) -> str | None:
    """Why ``Path.glob`` would refuse ``pattern`` (as ``project.py`` uses it), or None."""
    if not any(c in pattern for c in "*?["):
        return None
    relative = PurePath(pattern)
    if relative.is_absolute():
        relative = relative.relative_to(relative.anchor)
    try:
        next(_NOWHERE.glob(str(relative)), None)  # the pattern is parsed before anything is listed
    except (ValueError, NotImplementedError) as exc:
        return str(exc)
    return None


def read_seed(reader: Reader, node: Node, where: Where) -> tuple[str, ...]:
    """One path or glob, or a list of them (run in that order, as the Supabase CLI does)."""
    items = list(node.value) if isinstance(node, SequenceNode) else [node]
    patterns = read_names(reader, node, where) if isinstance(node, SequenceNode) else (reader.text(node, where.label),)
    for item, pattern in zip(items, patterns, strict=True):
        problem = glob_problem(pattern)
        if problem:
            reader.fail(item, f"{where.label}: {pattern!r} is not a usable glob pattern ({problem}); "
                              "write `**` as a whole path part, e.g. seeds/**/*.sql")
    return patterns


def read_duration(reader: Reader, node: Node, where: Where) -> str:
    """``30s``, ``5min`` or ``0`` (a plain number is milliseconds, as in PostgreSQL)."""
    try:
        return check_duration(reader.raw_text(node, where.label))
    except ValueError as exc:
        reader.fail(node, f"{where.label} {exc}")


PROJECT_FIELDS = {
    "migrations": Field(read_text),
    "seed": Field(read_seed, nullable=True),
    "flavor": Field(one_of(FLAVORS), nullable=True),
    "naming": Field(one_of(NAMINGS)),
    "snapshot": Field(read_text, nullable=True),
    "lock": Field(read_text, nullable=True),
    "rollbacks": Field(read_text, nullable=True),
    "archive": Field(read_text, nullable=True),
    "history": Field(read_qualified, nullable=True),
    "stubs": Field(read_bool),
    "types": Field(read_text, nullable=True),
    "statement_timeout": Field(read_duration, nullable=True),
    "declarative": Field(read_seed, nullable=True),  # one path/glob or a list, like seed
}


def read_project(reader: Reader, node: Node, where: Where) -> ProjectSettings:
    return ProjectSettings(line=where.line, **read_fields(reader, node, "'project'", PROJECT_FIELDS))
