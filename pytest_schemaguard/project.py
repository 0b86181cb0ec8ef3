"""The project on disk: where its migrations and seeds are, and which flavor it is.

YAML paths are relative to the directory of the expectations file; Supabase's own
``supabase/config.toml`` supplies defaults (seed paths, major version) the way the CLI reads them.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .database.timeouts import DEFAULT_STATEMENT_TIMEOUT
from .errors import ConfigError, SchemaguardError
from .expectations.model import ProjectSettings
from .migrations import MigrationSet, discover_migrations

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class Project:
    root: Path  # directory of the expectations file
    flavor: str
    migrations: MigrationSet
    seeds: tuple[Path, ...]
    supabase_config: dict[str, Any]
    settings: ProjectSettings
    statement_timeout: str = DEFAULT_STATEMENT_TIMEOUT  # per build statement; the option overrides the YAML
    shared_server: bool = False  # built on a server given with --schemaguard-dsn, whose cluster is not ours

    @property
    def major_version(self) -> int | None:
        value = self.supabase_config.get("db", {}).get("major_version")
        return value if isinstance(value, int) else None  # validated by read_supabase_config


def read_text(path: Path, *, encoding: str = "utf-8") -> str:
    """A project file's text; a file that is missing, a directory or not UTF-8 is a ConfigError
    naming it, not a traceback."""
    try:
        return path.read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None


def write_text_if_changed(path: Path, text: str, error: type[SchemaguardError] = ConfigError) -> bool:
    """Write a file schemaguard generates (snapshot, types); False when it already had exactly
    this content, so an unchanged file keeps its timestamp. A failure is ``error`` naming it."""
    if path.is_file() and read_text(path) == text:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot be written: {exc}") from None
    return True


def relative_path(path: Path, root: Path) -> str:
    """``path`` as messages show it: relative to the project root when it is inside it."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def read_supabase_config(path: Path) -> dict[str, Any]:
    """``supabase/config.toml`` as a dict ({} when absent), with the keys schemaguard uses checked
    so that a wrong type is reported against the file and the key, not as a crash later."""
    if not path.exists():
        return {}
    try:
        config = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: is not valid TOML: {exc}") from None
    _check_config(path, config)
    return config


DEFAULT_API_SCHEMAS = ("public", "graphql_public")
"""The schemas Supabase's Data API serves when config.toml does not say."""


def api_schemas(config: Mapping[str, Any], path: Path | str = "supabase/config.toml") -> tuple[str, ...]:
    """``[api] schemas``: the schemas the Data API exposes (rules and lint judge exposure by them)."""
    api = config.get("api", {})
    if not isinstance(api, Mapping):
        raise ConfigError(f"{path}: [api] must be a table (section), found {api!r}")
    schemas = api.get("schemas", list(DEFAULT_API_SCHEMAS))
    if not isinstance(schemas, list) or not all(isinstance(s, str) and s.strip() for s in schemas):
        raise ConfigError(
            f"{path}: [api] schemas must be a list of schema names, "
            f'e.g. schemas = ["public", "graphql_public"]; found {schemas!r}'
        )
    return tuple(dict.fromkeys(s.strip() for s in schemas))


def _check_config(path: Path, config: dict[str, Any]) -> None:
    api_schemas(config, path)
    db = config.get("db", {})
    if not isinstance(db, dict):
        raise ConfigError(f"{path}: [db] must be a table, found {db!r}")
    major = db.get("major_version")
    if major is not None and (isinstance(major, bool) or not isinstance(major, int)):
        raise ConfigError(f"{path}: [db] major_version must be a whole number such as 15 or 17, found {major!r}")
    seed = db.get("seed", {})
    if not isinstance(seed, dict):
        raise ConfigError(f"{path}: [db.seed] must be a table, found {seed!r}")
    if not isinstance(seed.get("enabled", True), bool):
        raise ConfigError(f"{path}: [db.seed] enabled must be true or false, found {seed['enabled']!r}")
    patterns = seed.get("sql_paths", [])
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ConfigError(f"{path}: [db.seed] sql_paths must be a list of strings (paths or globs relative to "
                          f"supabase/, e.g. [\"./seed.sql\", \"./seeds/*.sql\"]), found {patterns!r}")


def pattern_matches(base: Path, pattern: str) -> list[Path]:
    """What one path pattern names, as the Supabase CLI expands seed and schema paths: a glob's
    matches sorted by path, a plain path as it is (whether or not it exists)."""
    full = base / pattern  # an absolute pattern stays as it is
    if any(c in pattern for c in "*?["):
        return sorted(Path(full.anchor).glob(str(full.relative_to(full.anchor))))
    return [full]


def _seed_paths(root: Path, settings: ProjectSettings, config: dict[str, Any], config_dir: Path) -> tuple[Path, ...]:
    """Seed files in the order the Supabase CLI runs them: each pattern in turn, a glob's matches
    sorted by path, every file once."""
    if settings.seed is not None:
        patterns, base = list(settings.seed), root
    else:
        seed = config.get("db", {}).get("seed", {})
        if seed.get("enabled", True) is False:
            return ()
        patterns = seed.get("sql_paths", ["./seed.sql"])
        base = config_dir
    found: list[Path] = []
    for pattern in patterns:
        try:
            matches = pattern_matches(base, pattern)
        except (ValueError, NotImplementedError) as exc:  # e.g. `x**.sql`: Python's glob refuses it
            config_key = f"{config_dir / 'config.toml'} [db.seed] sql_paths"
            where = "project.seed" if settings.seed is not None else config_key
            raise ConfigError(f"{where}: {pattern!r} is not a usable glob pattern ({exc}); "
                              "write `**` as a whole path part, e.g. seeds/**/*.sql") from None
        for match in matches:
            if match.is_file():
                found.append(match.resolve())
            elif settings.seed is not None:
                raise ConfigError(f"project.seed: {match} {'is not a file' if match.exists() else 'does not exist'}")
    return tuple(dict.fromkeys(found))


def load_project(expectations_path: Path, settings: ProjectSettings) -> Project:
    root = expectations_path.parent
    config_dir = root / "supabase"
    config = read_supabase_config(config_dir / "config.toml")
    flavor = settings.flavor or ("supabase" if (config_dir / "config.toml").exists() else "postgres")
    migrations_dir = (root / settings.migrations).resolve()
    if not migrations_dir.is_dir():
        raise ConfigError(
            f"migrations directory {migrations_dir} does not exist "
            f"(project.migrations in {expectations_path.name} is {settings.migrations!r})"
        )
    migrations = discover_migrations(migrations_dir)
    if not migrations.migrations:
        raise ConfigError(
            f"no migrations in {migrations_dir}: expected files named like "
            "20250926130000_baseline_schema.sql (version digits, underscore, name, .sql)"
        )
    return Project(
        root=root,
        flavor=flavor,
        migrations=migrations,
        seeds=_seed_paths(root, settings, config, config_dir),
        supabase_config=config,
        settings=settings,
        statement_timeout=settings.statement_timeout or DEFAULT_STATEMENT_TIMEOUT,
    )
