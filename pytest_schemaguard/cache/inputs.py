"""Every input that determines the built database, each with its own hash, and the key they make.

Content, never timestamps: touching a file is a hit, any changed byte a miss. Each input keeps
its own hash so a miss can name what changed since the most recent entry.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:
    from importlib.abc import Traversable  # importlib.resources.abc from 3.11 on

    from ..lint.semantic import LintObserver
    from ..project import Project

# The modules whose code decides what a build does: an edit to one of them (a development
# checkout, a patched install) must not reuse a database an older version built.
BUILD_MODULES = ("database/build.py", "database/batch.py", "database/build_checks.py", "database/bridges.py",
                 "script.py", "database/standins.py", "migrations.py", "project.py", "database/server.py",
                 "database/timeouts.py")
# What lint's findings also depend on, when a lint observer watches the build: its rules, the
# catalog reading and the diff they judge (the package version alone misses a development edit).
LINT_MODULES = ("lint", "catalog", "diff.py")
FORMAT = "1"  # of an entry on disk; bump when the stored layout changes


@dataclass(frozen=True)
class Input:
    label: str  # as a miss names it, e.g. ``supabase/migrations/20250101_x.sql``
    digest: str


@dataclass(frozen=True)
class Inputs:
    items: tuple[Input, ...]
    # Where the migrations are among ``items`` (start, stop); (0, 0) when unknown (an entry written
    # before entries recorded it). Not part of the key: the items alone decide it.
    migrations: tuple[int, int] = (0, 0)

    @property
    def key(self) -> str:
        joined = "\n".join(f"{i.label}\0{i.digest}" for i in self.items)
        return hashlib.sha256(joined.encode()).hexdigest()[:32]

    def as_json(self) -> list[list[str]]:
        return [[i.label, i.digest] for i in self.items]

    @classmethod
    def from_json(cls, data: object, migrations: object = None) -> Inputs:
        if not isinstance(data, list):
            return cls(())
        items = tuple(Input(str(p[0]), str(p[1])) for p in data if isinstance(p, list) and len(p) == 2)
        span = (0, 0)
        if (isinstance(migrations, list) and len(migrations) == 2 and all(type(n) is int for n in migrations)
                and 0 < migrations[0] <= migrations[1] <= len(items) == len(data)):
            span = (migrations[0], migrations[1])
        return cls(items, span)

    def settled_with(self, older: Inputs) -> int:
        """How many leading migrations ``older``'s build applied exactly as this build will: the same
        code, server and settings before them, the same files (names and bytes) in the same order up
        to each, and the same lint context (exposed schemas, lint's code).

        What lint found in such a file is what it would find now: a file's findings depend on the
        database before it and on its own text, never on the files after it, the seeds, or which
        other files are linted. So a miss caused by the newest migration (the file being written)
        or a seed need not lint the whole history again."""
        start, stop = self.migrations
        their_start, their_stop = older.migrations
        if start == stop or their_start == their_stop:
            return 0  # no migrations, or an entry that does not say where they are
        if self.items[:start] != older.items[:their_start]:
            return 0
        if _lint_context(self.items[stop:]) != _lint_context(older.items[their_stop:]):
            return 0
        settled = 0
        for mine, theirs in zip(self.items[start:stop], older.items[their_start:their_stop], strict=False):
            if mine != theirs:
                break
            settled += 1
        return settled

    def first_change(self, older: Inputs) -> str:
        """What differs from ``older``, in build order: the first changed, added or removed input."""
        before = dict((i.label, i.digest) for i in older.items)
        for item in self.items:
            if item.label not in before:
                return f"{item.label} added"
            if before[item.label] != item.digest:
                return f"{item.label} changed"
        mine = {i.label for i in self.items}
        gone = [i.label for i in older.items if i.label not in mine]
        if gone:
            return f"{gone[0]} removed"
        return "no complete entry for these inputs"


_LINTED_FILES = re.compile(r"lint \d+: linted files")


def _lint_context(tail: Sequence[Input]) -> tuple[Input, ...]:
    """The inputs after the migrations that a migration's findings depend on: not the seeds (applied
    after every migration), not which files are linted (that decides whether a file is judged, not
    what is found in it)."""
    return tuple(i for i in tail if not i.label.startswith("seed ") and not _LINTED_FILES.fullmatch(i.label))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _text(*parts: object) -> str:
    return _sha("\0".join(str(p) for p in parts).encode())


@functools.cache
def server_version(bindir: Path) -> str:
    """``postgres --version`` of these binaries, run once per process."""
    try:
        return subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True,
                              timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


@functools.cache
def _package_files() -> list[tuple[str, bytes]]:
    package = resources.files("pytest_schemaguard")
    shim = package.joinpath("shim")
    files = [(f"shim/{f.name}", f.read_bytes()) for f in sorted(shim.iterdir(), key=lambda f: f.name)
             if f.name.endswith(".sql")]
    return files + [(name, package.joinpath(*name.split("/")).read_bytes()) for name in BUILD_MODULES]


def code_files(entry: Traversable, prefix: str) -> list[tuple[str, bytes]]:
    """(path, bytes) of every .py and .sql file below ``entry``, in name order."""
    if entry.is_file():
        return [(prefix, entry.read_bytes())] if entry.name.endswith((".py", ".sql")) else []
    if entry.name == "__pycache__":
        return []
    children = sorted(entry.iterdir(), key=lambda c: c.name)
    return [f for child in children for f in code_files(child, f"{prefix}/{child.name}")]


def lint_inputs(observers: Sequence[LintObserver]) -> list[Input]:
    """What the findings of lint observers watching the build depend on beyond the build's own inputs:
    which files each lints, the schemas it treats as exposed, and lint's code."""
    if not observers:
        return []
    items = [Input(f"lint {i + 1}: linted files", _text(*(["every file"] if o.targets is None else sorted(o.targets))))
             for i, o in enumerate(observers)]
    items += [Input(f"lint {i + 1}: exposed schemas", _text(*sorted(o.exposed))) for i, o in enumerate(observers)]
    return items + list(_lint_code())


@functools.cache
def _lint_code() -> tuple[Input, ...]:
    """Hashes of lint's code, read once per process: walking the package through importlib's
    resources took ~0.1 s a call, which a warm run paid on every lookup."""
    package = resources.files("pytest_schemaguard")
    files = [f for name in LINT_MODULES for f in code_files(package.joinpath(name), name)]
    return tuple(Input(f"pytest_schemaguard/{name}", _sha(data)) for name, data in files)


def build_inputs(project: Project, *, bindir: Path, account: str | None,
                 lint: Sequence[LintObserver] = ()) -> Inputs | None:
    """The inputs of ``project``'s build on the server in ``bindir`` (watched by the ``lint``
    observers); None when a file cannot be read (the build itself then reports it, as it does
    without the cache)."""
    root = project.root
    try:
        items = [
            Input("schemaguard version", _text(__version__, FORMAT)),
            Input("server", _text(server_version(bindir), bindir.resolve(), account or os.geteuid())),
            # The timeout decides whether a slow statement fails: a build made under a longer one
            # must not stand in for a run that would time out.
            Input("project settings", _text(project.flavor, project.settings.stubs, project.statement_timeout)),
            *(Input(f"pytest_schemaguard/{name}", _sha(data)) for name, data in _package_files()),
        ]
        start = len(items)
        items += [Input(_label(m.path, root), _sha(m.path.read_bytes())) for m in project.migrations.migrations]
        stop = len(items)
        items += [Input(f"seed {_label(s, root)}", _sha(s.read_bytes())) for s in project.seeds]
        items += lint_inputs(lint)
    except OSError:
        return None
    return Inputs(tuple(items), (start, stop))


def _label(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
