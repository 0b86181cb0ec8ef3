"""Pre-merge mode (``--schemaguard-base REF``): the migrations at a git ref are "already applied".

The files at REF are read from git (``git ls-tree`` / ``git cat-file``), never from the working
tree, so the check is the same on a developer's checkout and in CI. New files must sort after
REF's newest version; files present at REF must be byte-identical.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..errors import SchemaguardError
from ..migrations import MIGRATION_NAME, Migration
from .lockfile import read_lock

if TYPE_CHECKING:
    from ..session import SchemaguardSession


class GitError(SchemaguardError):
    """The base ref cannot be read: not a repository, unknown ref, or git missing."""


# Messages name the option the way the user gave it: ``--schemaguard-base`` to pytest, ``--base``
# to ``schemaguard lint``.
PYTEST_OPTION = "--schemaguard-base"


def _git(cwd: Path, *args: str, stdin: bytes | None = None,
         option: str = PYTEST_OPTION) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=60, check=False)
    except FileNotFoundError:
        raise GitError(f"{option} needs git, and `git` is not on PATH") from None


def git_toplevel(directory: Path, option: str = PYTEST_OPTION) -> Path:
    """The root of the work tree holding ``directory``, or GitError saying it is not a repository."""
    result = _git(directory, "rev-parse", "--show-toplevel", option=option)
    if result.returncode != 0:
        raise GitError(
            f"{directory} is not inside a git repository, so {option} cannot read the migrations "
            f"at a ref. Run from a clone of the project, or leave out {option}."
        )
    return Path(result.stdout.decode().strip()).resolve()


def resolve_ref(toplevel: Path, ref: str, option: str = PYTEST_OPTION) -> str:
    """The commit a ref names, or GitError listing how to make it available."""
    result = _git(toplevel, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
                  option=option)
    if result.returncode != 0 or not result.stdout.strip():
        raise GitError(
            f"{option} {ref}: no such commit, branch or tag in {toplevel}. "
            f"Check the spelling, or fetch it first (CI checkouts are often shallow: "
            f"`git fetch origin {ref}` and use origin/{ref})."
        )
    return result.stdout.decode().strip()


def files_at_ref(repo_root: Path, ref: str, migrations_dir: Path,
                 option: str = PYTEST_OPTION) -> dict[str, bytes]:
    """Migration file name -> its content at ``ref`` (empty when the directory did not exist there)."""
    toplevel = git_toplevel(repo_root, option)
    commit = resolve_ref(toplevel, ref, option)
    try:
        relative = migrations_dir.resolve().relative_to(toplevel).as_posix()
    except ValueError:
        raise GitError(f"{migrations_dir} is outside the git repository at {toplevel}") from None
    listing = _git(toplevel, "ls-tree", "-z", commit, "--", f"{relative}/" if relative != "." else ".")
    if listing.returncode != 0:
        raise GitError(f"git ls-tree {ref} failed: {listing.stderr.decode(errors='replace').strip()}")
    blobs: dict[str, str] = {}
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, path = record.decode().split("\t", 1)
        _mode, kind, obj = meta.split()
        name = path.rsplit("/", 1)[-1]
        if kind == "blob" and MIGRATION_NAME.match(name):
            blobs[name] = obj
    return dict(zip(blobs, _read_blobs(toplevel, list(blobs.values())), strict=True))


def _read_blobs(toplevel: Path, objects: list[str]) -> list[bytes]:
    """Contents of many blobs with one ``git cat-file --batch`` (one process, not one per file)."""
    if not objects:
        return []
    result = _git(toplevel, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in objects).encode())
    if result.returncode != 0:
        raise GitError(f"git cat-file failed: {result.stderr.decode(errors='replace').strip()}")
    out, position, contents = result.stdout, 0, []
    for _ in objects:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        start = header_end + 1
        contents.append(out[start:start + size])
        position = start + size + 1  # the content is followed by a newline
    return contents


def compare_with_base(migrations: Sequence[Migration], base: dict[str, bytes], ref: str) -> list[str]:
    """Findings, each naming the file(s): out of order, edited, removed, renamed."""
    findings: list[str] = []
    current = {m.name: m for m in migrations}
    base_sha = {name: hashlib.sha256(content).hexdigest() for name, content in base.items()}
    new = [m for m in migrations if m.name not in base]
    renamed_to: dict[str, str] = {}
    for name, sha in base_sha.items():
        migration = current.get(name)
        if migration is None:
            twin = next((m.name for m in new if m.sha256 == sha and m.name not in renamed_to.values()), None)
            if twin:
                renamed_to[name] = twin
                findings.append(f"{name}: renamed to {twin} since {ref} (same content): databases record the "
                                "version, so the renamed file would run again; keep the old name")
            else:
                findings.append(f"{name}: removed since {ref}: it may already be applied; to undo it, add a new "
                                "migration instead of deleting the file")
        elif migration.sha256 != sha:
            findings.append(f"{name}: edited since {ref} (sha256 at {ref} {sha[:12]}…, now {migration.sha256[:12]}…):"
                            " a migration that may already be applied must not change; put the change in a new "
                            "migration")
    newest = max(((_version(n), n) for n in base), default=None)
    for migration in new:
        if migration.name in renamed_to.values() or newest is None:
            continue
        if (migration.version, migration.name) <= newest:
            findings.append(
                f"{migration.name}: out of order: it is new relative to {ref}, but {ref} already has {newest[1]} "
                f"(version {migration.version} <= {newest[0]}), so databases that applied {ref} would run it out "
                f"of order. Give it a version after {newest[0]} (`schemaguard new NAME` picks one)"
            )
    return findings


def _version(name: str) -> int:
    match = MIGRATION_NAME.match(name)
    return int(match["version"]) if match else 0


def base_files(session: SchemaguardSession) -> dict[str, bytes]:
    """``files_at_ref`` for the session's base, read from git once per session (its GitError too):
    the premerge item and every ``migration[...]`` item's lint ask for the same files."""
    project = session.project
    ref = session.settings.base
    assert project is not None and ref is not None
    return _once(session, "_schemaguard_base_files",
                 lambda: files_at_ref(project.root, ref, project.migrations.directory,
                                      session.settings.base_option))


def new_files(session: SchemaguardSession) -> set[str] | None:
    """Migrations that are new relative to --schemaguard-base, else to the lock file; None if neither.

    Decided once per session; raises GitError / LockError (each time) when the base ref or the lock
    cannot be read.
    """
    session.load()
    if session.project is None:
        return None
    return _once(session, "_schemaguard_new_files", lambda: _new_files(session))


def _new_files(session: SchemaguardSession) -> set[str] | None:
    project = session.project
    assert project is not None
    names = {m.name for m in project.migrations.migrations}
    if session.settings.base:
        return names - set(base_files(session))
    if project.settings.lock:
        path = project.root / project.settings.lock
        if not path.exists():
            return None
        return names - set(read_lock(path))
    return None


_T = TypeVar("_T")


def _once(session: SchemaguardSession, attribute: str, compute: Callable[[], _T]) -> _T:
    """``compute()``'s result, or its SchemaguardError, remembered on the session under ``attribute``."""
    if not hasattr(session, attribute):
        try:
            setattr(session, attribute, compute())
        except SchemaguardError as exc:
            setattr(session, attribute, exc)
    value = getattr(session, attribute)
    if isinstance(value, SchemaguardError):
        raise value
    return value  # type: ignore[no-any-return]
