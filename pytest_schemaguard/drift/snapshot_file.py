"""``schema.sql``: a deterministic, loadable dump of the schema the migrations build (SPEC §5).

pg_dump writes the DDL (it knows every object kind and the order they must be created in); we
only make its output reproducible and free of the plugin's own shim. What we remove, and why:

- pg_dump's preamble and trailer (its version, ``\\restrict <random key>`` lines of newer
  releases, SET lines that differ between pg_dump versions); a fixed preamble replaces them;
- in the supabase flavor, the entries the shim made (its extensions, the ``supabase_realtime``
  publication, its default privileges for the API roles): loading ``schema.sql`` installs the
  shim first, exactly as a build does.

The header records a sha256 of the inputs (migration files in order, seed files, shim version),
so a stale ``schema.sql`` is found without building anything twice.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog import DEFAULT_EXCLUDED_SCHEMAS
from ..database.build import SHIM_VERSION, shim_extensions, shim_sql
from ..database.pg_dump import SnapshotError, find_pg_dump, run_pg_dump
from ..database.scratch import as_migration, build_scratch
from ..database.server import ConnectionInfo
from ..project import Project, read_text, relative_path, write_text_if_changed

if TYPE_CHECKING:
    from ..session import SchemaguardSession

HASH_LINE = re.compile(r"^-- schemaguard-inputs: sha256:(?P<hash>[0-9a-f]{64})\b", re.MULTILINE)
TOC_HEADER = re.compile(r"^--\n-- Name: (?P<name>.*?); Type: (?P<type>.*?); Schema: (?P<schema>.*?); Owner: .*\n--\n",
                        re.MULTILINE)
# Lines pg_dump writes that vary with its version or are random on every run.
NOISE_LINE = re.compile(r"^(\\(un)?restrict\b.*|SET default_tablespace = .*;|SET default_table_access_method = .*;)$")
DEFAULT_ACL_FOR_ROLE = re.compile(r"^ALTER DEFAULT PRIVILEGES FOR ROLE \S+ ", re.MULTILINE)
SHIM_DEFAULT_GRANT = re.compile(r"^ALTER DEFAULT PRIVILEGES IN SCHEMA (?P<schema>\S+) GRANT (?P<privileges>.+?) "
                                r"ON (?P<kind>\w+) TO (?P<roles>.+?);", re.MULTILINE | re.IGNORECASE)
SHIM_PUBLICATIONS = frozenset({"supabase_realtime"})
PREAMBLE = (
    "SET check_function_bodies = false;\n"
    "SET client_min_messages = warning;\n"
    "SELECT pg_catalog.set_config('search_path', '', false);\n"
)


# --------------------------------------------------------------------------- inputs


def inputs_hash(project: Project) -> str:
    """sha256 over everything the built schema depends on, in build order."""
    digest = hashlib.sha256(b"schemaguard-snapshot 1\n")
    digest.update(f"flavor {project.flavor}\n".encode())
    if project.flavor == "supabase":
        digest.update(f"shim {SHIM_VERSION} {hashlib.sha256(shim_sql().encode()).hexdigest()}\n".encode())
    for migration in project.migrations.migrations:
        digest.update(f"migration {migration.name} {migration.sha256}\n".encode())
    for seed in project.seeds:
        digest.update(f"seed {seed.name} {hashlib.sha256(seed.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


def recorded_hash(text: str) -> str | None:
    match = HASH_LINE.search(text[:4000])
    return match["hash"] if match else None


@dataclass(frozen=True)
class DumpEntry:
    """One pg_dump TOC entry: its ``-- Name:`` comment block and the SQL under it."""

    name: str
    type: str
    schema: str
    header: str
    body: str


def split_dump(raw: str) -> list[DumpEntry]:
    matches = list(TOC_HEADER.finditer(raw))
    entries: list[DumpEntry] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(raw)
        body = raw[match.end():end]
        entries.append(DumpEntry(match["name"], match["type"], match["schema"], match.group(0), body))
    return entries


def _clean_body(body: str) -> str:
    kept = [line for line in body.splitlines() if not NOISE_LINE.match(line)]
    text = "\n".join(kept)
    text = text.split("\n--\n-- PostgreSQL database dump complete\n--")[0]
    return text.strip("\n")


def _is_shim_entry(entry: DumpEntry, body: str, extensions: frozenset[str]) -> bool:
    if entry.type == "EXTENSION":
        return entry.name.strip('"') in extensions
    if entry.type == "COMMENT" and entry.name.startswith("EXTENSION "):
        return entry.name.removeprefix("EXTENSION ").strip('"') in extensions
    if entry.type == "PUBLICATION":
        return entry.name in SHIM_PUBLICATIONS
    return False


def shim_default_revokes() -> str:
    """REVOKE statements undoing the shim's ``ALTER DEFAULT PRIVILEGES ... GRANT``s."""
    return "".join(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {m['schema']} REVOKE {m['privileges']} ON {m['kind']} FROM {m['roles']};\n"
        for m in SHIM_DEFAULT_GRANT.finditer(shim_sql())
    )


def clean_dump(raw: str, flavor: str, declared: frozenset[str] = frozenset()) -> str:
    """pg_dump's output without version noise and (supabase flavor) without the shim's entries.

    ``declared``: extensions the migrations create themselves; the shim installs some of them too,
    but then they are the project's, and stay (pg_dump writes IF NOT EXISTS, so a reload on the
    shim still works)."""
    extensions = shim_extensions() - declared if flavor == "supabase" else frozenset()
    parts = [PREAMBLE]
    if flavor == "supabase":
        parts.append("-- Objects below get exactly the grants written here; the default privileges\n"
                     "-- of the Supabase roles are restored at the end.\n" + shim_default_revokes())
    for entry in split_dump(raw):
        body = _clean_body(entry.body)
        if entry.type == "DEFAULT ACL":
            body = DEFAULT_ACL_FOR_ROLE.sub("ALTER DEFAULT PRIVILEGES ", body)
        if flavor == "supabase" and _is_shim_entry(entry, body, extensions):
            continue
        parts.append(f"{entry.header}\n{body}\n")
    return "\n".join(parts)


def excluded_schemas(flavor: str) -> frozenset[str]:
    """Managed schemas: left out in the supabase flavor; a plain project owns every schema it makes."""
    return DEFAULT_EXCLUDED_SCHEMAS if flavor == "supabase" else frozenset()


def dump_schema(pg_dump: Path, info: ConnectionInfo, flavor: str, declared: frozenset[str] = frozenset()) -> str:
    return clean_dump(run_pg_dump(pg_dump, info, excluded_schemas(flavor)), flavor, declared)


def render_snapshot(project: Project, snapshot_name: str, body: str) -> str:
    source = relative_path(project.migrations.directory, project.root)
    header = (
        f"-- {snapshot_name}: the schema {source} builds ({len(project.migrations.migrations)} migrations, "
        f"{len(project.seeds)} seed file(s); {project.flavor} flavor).\n"
        "-- Written by pytest-schemaguard; do not edit by hand. Regenerate it with `schemaguard snapshot`\n"
        "-- or `pytest --schemaguard --schemaguard-update`.\n"
        f"-- schemaguard-inputs: sha256:{inputs_hash(project)}\n"
    )
    return f"{header}\n{body.rstrip()}\n"


# --------------------------------------------------------------------------- the snapshot of a session


def snapshot_path(session: SchemaguardSession) -> Path:
    assert session.project is not None and session.project.settings.snapshot is not None
    return session.project.root / session.project.settings.snapshot


def session_pg_dump(session: SchemaguardSession) -> Path:
    private = session.server.private if session.server is not None else None
    return find_pg_dump(session.settings.pg_bin, private.bindir if private is not None else None)


def current_snapshot(session: SchemaguardSession) -> str:
    """The text ``schema.sql`` should have now, from the session's built database."""
    session.require_database()
    assert session.project is not None
    from .live import requested_extensions

    declared = requested_extensions(session.project.migrations.migrations)
    body = dump_schema(session_pg_dump(session), session.info, session.project.flavor, declared)
    return render_snapshot(session.project, snapshot_path(session).name, body)


def write_snapshot(session: SchemaguardSession) -> bool:
    """Write ``schema.sql``; False when it already had exactly this content."""
    return write_text_if_changed(snapshot_path(session), current_snapshot(session), SnapshotError)


def stale_message(session: SchemaguardSession, text: str) -> str | None:
    assert session.project is not None
    name = session.project.settings.snapshot
    fix = "run `pytest --schemaguard --schemaguard-update` or `schemaguard snapshot`"
    recorded = recorded_hash(text)
    if recorded is None:
        return f"{name} has no `-- schemaguard-inputs: sha256:...` header line: {fix}"
    if recorded != inputs_hash(session.project):
        return f"{name} was built from other inputs (migrations, seeds or shim changed since): {fix}"
    return None


def reload_difference(session: SchemaguardSession) -> str | None:
    """Load ``schema.sql`` into an empty database; the failure, or the structural diff, or None."""
    from ..diff import diff_snapshots, render_changes  # the diff module is only needed here

    assert session.project is not None
    path = snapshot_path(session)
    built = session.schema
    loaded = build_scratch(session.scratch_database("snapshot"), session.project, [as_migration(path)])
    if loaded.failure is not None and loaded.failure.failure is not None:
        return f"{path.name} does not load into an empty database:\n" + loaded.failure.failure.render()
    assert loaded.schema is not None
    changes = diff_snapshots(built, loaded.schema)
    if not changes:
        return None
    name = session.project.settings.snapshot
    return (f"the schema loaded from {name} differs from the one the migrations build:\n"
            + render_changes(changes, "migrations", str(name)))


def check_snapshot(session: SchemaguardSession) -> str | None:
    """The ``snapshot`` item: fresh header hash and structurally equal to the migrations' schema.

    With ``--schemaguard-update`` the file is rewritten first (noted in the session warnings).
    """
    path = snapshot_path(session)
    name = session.project.settings.snapshot if session.project else path.name
    if session.settings.update:
        if write_snapshot(session):
            session.warnings.append(f"wrote {name} (--schemaguard-update)")
    elif not path.exists():
        return (f"{name} does not exist: run `schemaguard snapshot` or "
                "`pytest --schemaguard --schemaguard-update` to write it")
    stale = stale_message(session, read_text(path))
    if stale:
        return stale
    return reload_difference(session)
