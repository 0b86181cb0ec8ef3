"""The lock file (``project.lock``): which migration files exist, with what content, in what order.

One line per migration, in version order: ``<file> <sha256 of its bytes> <cumulative sha256>``,
where the cumulative hash covers this line and every line above it, plus ``total <count>
<cumulative of the last line>`` at the top. Editing, removing or inserting a file before
others is therefore detected and named, and two branches that each add a migration both change
the ``total`` line (and append at the same place), so git reports a conflict instead of merging
two histories silently.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import SchemaguardError
from ..migrations import MIGRATION_NAME, Migration

HEADER = (
    "# schemaguard lock file: written by `schemaguard lock` (or pytest --schemaguard --schemaguard-update).\n"
    "# Do not edit by hand. One line per migration in version order:\n"
    "#   <file> <sha256 of its content> <cumulative sha256 over this line and every line above>\n"
)
HEX64 = re.compile(r"^[0-9a-f]{64}$")
CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7})( |$)")
FIX = "regenerate it with `schemaguard lock` (or pytest --schemaguard --schemaguard-update)"


class LockError(SchemaguardError):
    """The lock file cannot be read; the message names file:line."""


@dataclass(frozen=True)
class LockEntry:
    name: str
    sha256: str
    cumulative: str
    line: int


@dataclass(frozen=True)
class Lock:
    path: Path
    count: int
    total: str
    total_line: int
    entries: tuple[LockEntry, ...]


def cumulative_hash(previous: str, name: str, sha256: str) -> str:
    """sha256 of the previous cumulative hash and this line's file and content hash."""
    return hashlib.sha256(f"{previous}\n{name} {sha256}".encode()).hexdigest()


def render_lock(migrations: Sequence[Migration]) -> str:
    lines: list[str] = []
    cumulative = ""
    for migration in migrations:
        cumulative = cumulative_hash(cumulative, migration.name, migration.sha256)
        lines.append(f"{migration.name}  {migration.sha256}  {cumulative}")
    total = cumulative or hashlib.sha256(b"").hexdigest()
    return HEADER + f"total {len(migrations)} {total}\n" + "".join(f"{line}\n" for line in lines)


def write_lock(path: Path, migrations: Sequence[Migration]) -> bool:
    """Write the lock; True when its content changed. LockError when the path cannot be written."""
    text = render_lock(migrations)
    try:
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise LockError(f"{path}: cannot write the lock file: {exc.strerror or exc}; fix project.lock or the "
                        "file's permissions") from None
    return True


def parse_lock(path: Path) -> Lock:
    """Read and validate the syntax of a lock file; LockError (file:line) for any unreadable line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LockError(f"{path}: lock file does not exist; create it with `schemaguard lock`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LockError(f"{path}: cannot be read: {exc}") from None
    total: tuple[int, str, int] | None = None
    entries: list[LockEntry] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}:{number}"
        if CONFLICT_MARKER.match(line):
            raise LockError(
                f"{where}: git merge conflict marker: two branches changed the migrations. Keep every "
                "migration file both branches added, make sure the new ones sort after the ones already "
                f"applied, then {FIX}"
            )
        if line.startswith("total "):
            if total is not None:
                raise LockError(f"{where}: a second `total` line (the first is on line {total[2]}); {FIX}")
            total = (*_parse_total(line, where), number)
            continue
        entries.append(_parse_entry(line, where, number))
    if total is None:
        raise LockError(f"{path}: no `total <count> <sha256>` line; {FIX}")
    return Lock(path=path, count=total[0], total=total[1], total_line=total[2], entries=tuple(entries))


def _parse_total(line: str, where: str) -> tuple[int, str]:
    parts = line.split()
    if len(parts) != 3 or not parts[1].isdigit() or not HEX64.match(parts[2]):
        raise LockError(f"{where}: unreadable lock line {line!r}: expected `total <count> <sha256>`; {FIX}")
    return int(parts[1]), parts[2]


def _parse_entry(line: str, where: str, number: int) -> LockEntry:
    parts = line.rsplit(None, 2)  # the file name may contain spaces under naming `any`
    if len(parts) != 3 or not HEX64.match(parts[1]) or not HEX64.match(parts[2]) or not MIGRATION_NAME.match(
        parts[0]
    ):
        raise LockError(
            f"{where}: unreadable lock line {line!r}: expected `<migration file> <sha256> <cumulative sha256>` "
            f"(64 lowercase hex digits each); {FIX}"
        )
    return LockEntry(name=parts[0], sha256=parts[1], cumulative=parts[2], line=number)


def read_lock(path: Path) -> dict[str, str]:
    """File name -> sha256 recorded in the lock (LockError for a missing or unreadable lock)."""
    return {entry.name: entry.sha256 for entry in parse_lock(path).entries}


def short(digest: str) -> str:
    return digest[:12] + "…"


def compare_lock(lock: Lock, migrations: Sequence[Migration]) -> list[str]:
    """Every difference between the lock and the files, each naming the file and what happened."""
    findings = _integrity_findings(lock)
    locked = {entry.name: entry for entry in lock.entries}
    current = {migration.name: migration for migration in migrations}
    for entry in lock.entries:
        migration = current.get(entry.name)
        if migration is None:
            findings.append(f"{entry.name}: removed (locked at line {entry.line} with sha256 {short(entry.sha256)})")
        elif migration.sha256 != entry.sha256:
            findings.append(f"{entry.name}: edited (lock sha256 {short(entry.sha256)}, file {short(migration.sha256)})")
    locked_versions = sorted((_version(entry.name), entry.name) for entry in lock.entries)
    for migration in migrations:
        if migration.name in locked:
            continue
        later = [name for version, name in locked_versions if (version, name) > (migration.version, migration.name)]
        if later:
            findings.append(f"{migration.name}: inserted before {later[0]} (not in the lock, and it sorts before "
                            "migrations that are: databases that applied those would run it out of order)")
        else:
            findings.append(f"{migration.name}: added (not in the lock yet)")
    return findings


def _integrity_findings(lock: Lock) -> list[str]:
    """The lock must agree with itself: a hand edit or a merge that kept both branches' lines breaks it."""
    findings: list[str] = []
    cumulative = ""
    for entry in lock.entries:
        cumulative = cumulative_hash(cumulative, entry.name, entry.sha256)
        if cumulative != entry.cumulative:
            findings.append(f"{lock.path.name}:{entry.line}: cumulative hash of {entry.name} does not cover the "
                            "lines above it (lines were edited, reordered or merged by hand)")
            break
    total = cumulative or hashlib.sha256(b"").hexdigest()
    if (lock.count, lock.total) != (len(lock.entries), total):
        findings.append(f"{lock.path.name}:{lock.total_line}: the total line does not match the {len(lock.entries)} "
                        "file line(s) below it (edited or merged by hand)")
    return findings


def _version(name: str) -> int:
    match = MIGRATION_NAME.match(name)
    return int(match["version"]) if match else 0


def lock_report(path: Path, migrations: Sequence[Migration], *, display: str) -> str | None:
    """The failure text for the lock item and `schemaguard lock --check`, or None when it matches."""
    if not path.exists():
        return (f"{display} does not exist: create it with `schemaguard lock` "
                "(or pytest --schemaguard --schemaguard-update) and commit it")
    findings = compare_lock(parse_lock(path), migrations)
    if not findings:
        return None
    body = "\n".join(f"  {finding}" for finding in findings)
    return (f"{display} does not match the migration files:\n{body}\n"
            f"If every change is intended (never for migrations already applied somewhere), {FIX}.")
