"""Migration files: discovery, numeric ordering, and their statements (cut by ``script``)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import ConfigError
from .script import Script, Statement, scan_script, split_statements

__all__ = ["Migration", "MigrationSet", "Statement", "discover_migrations", "split_statements"]

MIGRATION_NAME = re.compile(r"^(?P<version>\d+)_(?P<name>.+)\.sql$")
SKIPPED_SUFFIX = ".sql.skip"  # the Supabase CLI convention for "keep the file, do not apply it"
# Files every repository tool leaves in directories; they are not mistaken migrations.
IGNORED_FILES = frozenset({".gitkeep", ".keep", ".gitignore"})
TIMESTAMP_DIGITS = 14
SEQUENTIAL_MAX_DIGITS = 7  # longer non-timestamp versions are mistyped timestamps, not a numbering system
# The marker counts only as a comment line of its own, outside strings, dollar quotes and block
# comments: a sentence that mentions it (e.g. the help text of `schemaguard new`) is not the marker.
NO_TRANSACTION = re.compile(r"--\s*schemaguard:\s*no-transaction\s*", re.IGNORECASE)
NAMING_RULES = {
    "timestamp": (re.compile(r"^\d{14}_[a-z0-9_]+\.sql$"), "YYYYMMDDHHMMSS_snake_case_name.sql"),
    "sequential": (re.compile(r"^\d{3,}_[a-z0-9_]+\.sql$"), "NNN_snake_case_name.sql (3 or more digits)"),
}


@dataclass(frozen=True)
class Migration:
    path: Path
    version: int
    name: str  # file name, e.g. 20250926130000_baseline_schema.sql

    @cached_property
    def text(self) -> str:
        """The file as UTF-8 (editors on Windows add a BOM); ConfigError naming file:line otherwise."""
        try:
            return self.path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            line = exc.object[: exc.start].count(b"\n") + 1
            raise ConfigError(f"{self.path}:{line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
                              "save the migration as UTF-8") from None
        except OSError as exc:
            raise ConfigError(f"{self.path}: cannot be read: {exc.strerror or exc}") from None

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    @property
    def no_transaction(self) -> bool:
        return has_no_transaction_marker(self.text, self.script)

    @cached_property
    def script(self) -> Script:
        return scan_script(self.text)

    @property
    def statements(self) -> tuple[Statement, ...]:
        return self.script.statements


@dataclass(frozen=True)
class MigrationSet:
    directory: Path
    migrations: tuple[Migration, ...]
    strays: tuple[Path, ...]  # files in the directory that are not migrations (and not skipped)
    skipped: tuple[Path, ...] = ()  # ``*.sql.skip``: deliberately not applied, but worth listing


def discover_migrations(directory: Path) -> MigrationSet:
    """``<digits>_<name>.sql`` files ordered by version as a number (``9_x`` before ``10_x``)."""
    migrations: list[Migration] = []
    strays: list[Path] = []
    skipped: list[Path] = []
    if directory.is_dir():
        for path in sorted(directory.iterdir()):
            if path.is_dir() or path.name in IGNORED_FILES:
                continue
            match = MIGRATION_NAME.match(path.name)
            if match:
                migrations.append(Migration(path=path, version=int(match["version"]), name=path.name))
            elif path.name.endswith(SKIPPED_SUFFIX):
                skipped.append(path)
            else:
                strays.append(path)
    migrations.sort(key=lambda m: (m.version, m.name))
    return MigrationSet(directory=directory, migrations=tuple(migrations), strays=tuple(strays),
                        skipped=tuple(skipped))


def numbering_system(migration: Migration) -> str:
    """``timestamp`` (14 digits), ``sequential`` (up to 7 digits) or ``other``."""
    digits = len(migration.name.split("_", 1)[0])
    if digits == TIMESTAMP_DIGITS:
        return "timestamp"
    return "sequential" if digits <= SEQUENTIAL_MAX_DIGITS else "other"


def mixed_numbering(migrations: MigrationSet, naming: str) -> tuple[list[Migration], list[Migration]] | None:
    """(odd ones out, the others) when files use both numbering systems, else None.

    The odd ones out are the files not in the ``project.naming`` system; with ``any``, the
    system fewer files use (sequential on a tie: it is usually the older history).
    """
    systems: dict[str, list[Migration]] = {"timestamp": [], "sequential": [], "other": []}
    for migration in migrations.migrations:
        systems[numbering_system(migration)].append(migration)
    if not (systems["timestamp"] and systems["sequential"]):
        return None
    if naming in systems:
        odd = "sequential" if naming == "timestamp" else "timestamp"
    else:
        odd = "timestamp" if len(systems["timestamp"]) < len(systems["sequential"]) else "sequential"
    other = "sequential" if odd == "timestamp" else "timestamp"
    return systems[odd], systems[other]


def describe_mixed_numbering(odd: list[Migration], others: list[Migration]) -> str:
    """One finding: what is mixed, why it matters, and the way out (the archive)."""
    odd_system, other_system = numbering_system(odd[0]), numbering_system(others[0])
    names = ", ".join(m.name for m in odd[:3]) + (f" and {len(odd) - 3} more" if len(odd) > 3 else "")
    first, last = (odd, others) if odd[0].version < others[0].version else (others, odd)
    return (
        f"two numbering systems are mixed: {len(odd)} {odd_system} file(s) ({names}) and {len(others)} "
        f"{other_system} file(s); versions compare as numbers, so every {numbering_system(first[0])} file "
        f"runs before every {numbering_system(last[0])} one. If the {odd_system} files are old history, "
        "move them to project.archive (e.g. supabase/migrations/archive) and start from a baseline"
    )


def naming_problems(migrations: MigrationSet, naming: str) -> dict[str, list[str]]:
    """File name -> what is wrong with its name under ``project.naming`` (and duplicate versions)."""
    problems: dict[str, list[str]] = {}
    rule = NAMING_RULES.get(naming)
    by_version: dict[int, list[str]] = {}
    for migration in migrations.migrations:
        by_version.setdefault(migration.version, []).append(migration.name)
        if rule and not rule[0].match(migration.name):
            problems.setdefault(migration.name, []).append(
                f"file name does not follow project.naming {naming}: expected {rule[1]}"
            )
    for version, names in by_version.items():
        if len(names) > 1:
            for name in names:
                others = ", ".join(n for n in names if n != name)
                problems.setdefault(name, []).append(f"version {version} is also used by {others}")
    mixed = mixed_numbering(migrations, naming) if rule else None
    if mixed:  # under `any`, mixing is reported once, by the naming item
        finding = describe_mixed_numbering(*mixed)
        for migration in mixed[0]:
            problems.setdefault(migration.name, []).append(finding)
    return problems




def has_no_transaction_marker(text: str, script: Script | None = None) -> bool:
    """``-- schemaguard: no-transaction`` as a comment line of its own (only blanks before it)."""
    if "no-transaction" not in text:
        return False  # spares scanning the file again for the answer
    for offset, comment in (script or scan_script(text)).comments:
        line_start = text.rfind("\n", 0, offset) + 1
        if not text[line_start:offset].strip() and NO_TRANSACTION.fullmatch(comment.rstrip("\r")):
            return True
    return False
