"""Stand-ins for what a Supabase database has and plain PostgreSQL lacks, and hints that name it.

``project.stubs: true`` installs the sections of shim/stubs.sql (``-- @stub <extension>``) for the
extensions this server lacks: a real extension always wins. When a migration still fails because
something is missing (``type "vector" does not exist``, ``function pgmq.send(...) does not
exist``), ``missing_object_hint`` says which extension or Supabase service that object belongs to,
where its ``CREATE EXTENSION`` was skipped, and the two ways out: install it, or use the stand-in.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import psycopg

from ..migrations import Migration, split_statements
from .bridges import CREATE_EXTENSION, EXTENSION_SCHEMAS, STUBBED_EXTENSIONS

STUB_SECTION = re.compile(r"^-- @stub (?P<ext>[\w-]+)\s*$", re.MULTILINE)
STUB_WARNINGS = {
    "pg_net": "stub in use: net.http_get/http_post/http_delete stand in for pg_net (requests are queued in "
              "net.http_request_queue, never sent)",
    "pg_cron": "stub in use: cron.schedule/unschedule stand in for pg_cron (jobs are stored in cron.job, never run)",
    "supabase_vault": "stub in use: vault.create_secret/update_secret, vault.secrets and vault.decrypted_secrets "
                      "stand in for supabase_vault (secrets are stored unencrypted)",
    "vector": "stub in use: extensions.vector stands in for pgvector (distances are computed in SQL, slowly; "
              "hnsw/ivfflat indexes are skipped)",
    "pgmq": "stub in use: pgmq.create/send/send_batch/read/pop/archive/delete/metrics stand in for pgmq (queues are "
            "plain tables pgmq.q_<name> and pgmq.a_<name>)",
    "http": "stub in use: extensions.http/http_get/http_post/... stand in for the http extension (requests are never "
            "sent; every call answers status 503)",
    "pgjwt": "stub in use: extensions.sign/verify stand in for pgjwt (real HS256/HS384/HS512 tokens, through pgcrypto)",
}
# Sections that define a base type over PostgreSQL's internal I/O functions: only a superuser may.
NEEDS_SUPERUSER = frozenset({"vector"})
# PostgreSQL's words for "that schema/type/function/table is not there".
MISSING_OBJECT_STATES = frozenset({"3F000", "42704", "42883", "42P01"})
# Extensions whose library must be in shared_preload_libraries before CREATE EXTENSION works, and
# the setting naming the one database they may be created in (None: any database).
PRELOADED = {"pg_cron": "cron.database_name", "pg_net": None}


def usable_extensions(conn: psycopg.Connection) -> tuple[frozenset[str], frozenset[str]]:
    """The extensions CREATE EXTENSION can install in this database: what the server has, less
    those needing a preload the server did not do (or, for pg_cron, made for another database);
    and those left out for that reason.

    A server that has pg_cron's files but was not started for it (a --schemaguard-dsn server, a
    scratch database of our own private server) then takes the path of a server without pg_cron:
    the statement is skipped with a warning, and ``stubs: true`` stands in for it.
    """
    available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions").fetchall()}
    row = conn.execute("SELECT current_setting('shared_preload_libraries'), current_database()").fetchone()
    assert row is not None
    preloaded = {lib.strip().strip('"') for lib in str(row[0]).split(",")}
    unloaded = set()
    for ext, database_setting in PRELOADED.items():
        if ext not in available:
            continue
        if ext not in preloaded:
            unloaded.add(ext)
        elif database_setting is not None:
            target = conn.execute("SELECT current_setting(%s, true)", (database_setting,)).fetchone()
            if target is None or (target[0] or "postgres") != row[1]:
                unloaded.add(ext)
    return frozenset(available - unloaded), frozenset(unloaded)


def server_libdir(bindir: Path) -> Path | None:
    """Where the server in ``bindir`` loads ``$libdir`` libraries from: ``pg_config --pkglibdir``
    beside it, else the Debian/Ubuntu layout (``/usr/lib/postgresql/NN/{bin,lib}``)."""
    pg_config = bindir / "pg_config"
    if pg_config.is_file():
        try:
            out = subprocess.run([str(pg_config), "--pkglibdir"], capture_output=True, text=True, timeout=30,
                                 check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out:
            return Path(out)
    lib = bindir.parent / "lib"
    return lib if lib.is_dir() else None


def requested_preloads(migrations: Iterable[Migration]) -> frozenset[str]:
    """The extensions needing a preload that the migrations create."""
    found = {skipped_extension(s.text) for m in migrations for s in m.statements}
    return frozenset(ext for ext in found if ext in PRELOADED)


def preload_libraries(requested: frozenset[str], pkglibdir: Path | None, dbname: str) -> list[str]:
    """``postgres -c`` options that preload what the project's migrations create (``requested``)
    and the server's files have (``pkglibdir``/<library>.so), set for the database ``dbname``."""
    if pkglibdir is None:
        return []
    libraries = [ext for ext in PRELOADED if ext in requested and (pkglibdir / f"{ext}.so").is_file()]
    if not libraries:
        return []
    options = [f"shared_preload_libraries={','.join(libraries)}"]
    options += [f"{setting}={dbname}" for ext in libraries if (setting := PRELOADED[ext])]
    return options


def install_stubs(conn: psycopg.Connection, available: frozenset[str]) -> tuple[frozenset[str], list[str]]:
    """Run the stub sections for extensions the server lacks, on ``conn`` (inside the shim's
    transaction); the extensions stood in for and the build warnings saying so."""
    text = resources.files("pytest_schemaguard").joinpath("shim/stubs.sql").read_text(encoding="utf-8")
    parts = STUB_SECTION.split(text)  # [preamble, ext, body, ext, body, ...]
    superuser = _is_superuser(conn)
    installed: set[str] = set()
    warnings: list[str] = []
    for ext, body in zip(parts[1::2], parts[2::2], strict=True):
        if ext in available:
            continue
        if ext in NEEDS_SUPERUSER and not superuser:
            warnings.append(f"stub for {ext} not installed: it defines a base type, which needs a superuser "
                            "connection; install the real extension or build as a superuser")
            continue
        for statement in split_statements(body):
            conn.execute(statement.text)  # type: ignore[arg-type]  # our own shim file
        installed.add(ext)
        warnings.append(STUB_WARNINGS[ext])
    return frozenset(installed), warnings


def _is_superuser(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    return bool(row and row[0])


def skipped_extension(text: str) -> str | None:
    """The extension a skipped ``CREATE EXTENSION`` statement named, to point hints at it."""
    match = CREATE_EXTENSION.match(text)
    if not match:
        return None
    name = match["name"]
    return name[1:-1] if name.startswith('"') else name.lower()


# --------------------------------------------------------------------------- hints


@dataclass(frozen=True)
class Provider:
    """An extension (``name`` is what CREATE EXTENSION takes) or a Supabase service."""

    name: str
    label: str
    install: str  # how to get the real one, after "install it"
    extension: bool = True


def _apt(package: str, brew: str | None = None) -> str:
    mac = f"; macOS: brew install {brew}" if brew else ""
    return f"(Debian/Ubuntu: {package} from the PostgreSQL apt repository, apt.postgresql.org{mac})"


PROVIDERS = {
    "vector": Provider("vector", "extension vector (pgvector)", _apt("postgresql-{major}-pgvector", "pgvector")),
    "pg_cron": Provider("pg_cron", "extension pg_cron", _apt("postgresql-{major}-cron")),
    "http": Provider("http", "extension http", _apt("postgresql-{major}-http")),
    "pg_net": Provider("pg_net", "extension pg_net", "(built from Supabase's pg_net sources)"),
    "pgmq": Provider("pgmq", "extension pgmq", "(built from the pgmq sources)"),
    "pgjwt": Provider("pgjwt", "extension pgjwt", "(built from the pgjwt sources)"),
    "pgsodium": Provider("pgsodium", "extension pgsodium", "(built from the pgsodium sources)"),
    "supabase_vault": Provider("supabase_vault", "extension supabase_vault", "(built from Supabase's vault sources)"),
    "pg_graphql": Provider("pg_graphql", "extension pg_graphql", "(built from Supabase's pg_graphql sources)"),
    "wrappers": Provider("wrappers", "extension wrappers (Supabase foreign data wrappers)",
                         "(built from Supabase's wrappers sources)"),
    "pg_tle": Provider("pg_tle", "extension pg_tle", "(built from the pg_tle sources)"),
    "realtime": Provider("realtime", "Supabase Realtime (a service, not an extension)",
                         "(only a Supabase database has it)", extension=False),
}
VECTOR_NAMES = frozenset({"vector", "halfvec", "sparsevec", "hnsw", "ivfflat", "cosine_distance", "l2_distance",
                          "inner_product", "l1_distance", "vector_dims", "vector_norm", "l2_normalize",
                          "binary_quantize", "subvector", "hamming_distance", "jaccard_distance"})
HTTP_NAMES = frozenset({"http", "http_get", "http_post", "http_put", "http_patch", "http_delete", "http_head",
                        "http_header", "http_request", "http_response", "http_set_curlopt",
                        "http_reset_curlopt", "urlencode"})
PGJWT_NAMES = frozenset({"sign", "verify", "url_encode", "url_decode", "algorithm_sign"})
QUALIFIED = {"realtime.messages": "realtime", "realtime.send": "realtime", "realtime.broadcast_changes": "realtime",
             "realtime.topic": "realtime", "realtime.subscription": "realtime", "graphql_public.graphql": "pg_graphql"}
# pg_trgm and PostGIS have their own <->: only pgvector's other distance operators, or <-> on a vector.
OPERATORS = re.compile(r"operator does not exist: (?:.*?(<=>|<#>|<\+>)|.*vector <->)")
NAMES = re.compile(r'"([^"]+)"|function ([\w.]+)\(')


def provider_of(name: str) -> Provider | None:
    """Which extension or service a missing object (``pgmq.send``, ``vector``, ``hnsw``,
    ``stripe_fdw_handler``) belongs to."""
    name = name.lower()
    schema, _, obj = name.rpartition(".")
    key = QUALIFIED.get(name) or EXTENSION_SCHEMAS.get(schema) or (EXTENSION_SCHEMAS.get(obj) if not schema else None)
    if key:
        return PROVIDERS[key]
    if schema in ("", "extensions", "public"):
        if obj in VECTOR_NAMES or re.fullmatch(r"(vector|halfvec|sparsevec|bit)_\w+_ops", obj):
            return PROVIDERS["vector"]
        if obj in HTTP_NAMES:
            return PROVIDERS["http"]
        if obj in PGJWT_NAMES:
            return PROVIDERS["pgjwt"]
        if re.fullmatch(r"\w+_fdw_(handler|validator|meta)|\w+_wrapper", obj):
            return PROVIDERS["wrappers"]
    return None


def missing_object_hint(sqlstate: str | None, message: str, *, stubs: bool, standins: frozenset[str] = frozenset(),
                        skipped: Mapping[str, str] | None = None, major: int = 15) -> str | None:
    """For "X does not exist" errors whose X belongs to an extension or Supabase service: which one,
    where its CREATE EXTENSION was skipped (``skipped`` maps extension to file:line), and the fixes."""
    if sqlstate not in MISSING_OBJECT_STATES:
        return None
    found = _missing_thing(message)
    if found is None:
        return None
    what, provider = found
    where = (skipped or {}).get(provider.name)
    skipped_at = f" (CREATE EXTENSION {provider.name} was skipped at {where})" if where else ""
    lacks = "which this server lacks" if provider.extension else "which plain PostgreSQL lacks"
    install = f"install it on the server {provider.install.format(major=major)}"
    if provider.name in standins:
        fixes = f"the stand-in (project.stubs: true) does not provide it: {install}"
    elif provider.name in STUBBED_EXTENSIONS and not stubs:
        fixes = (f"{install}, or set project.stubs: true in the expectations file to run it against a stand-in"
                 if provider.extension else
                 "set project.stubs: true in the expectations file to run it against a stand-in")
    elif provider.extension:
        fixes = install
    else:
        fixes = "test what needs it against a Supabase database"
    return f"{what} belongs to {provider.label}, {lacks}{skipped_at}: {fixes}"


def _missing_thing(message: str) -> tuple[str, Provider] | None:
    operator = OPERATORS.search(message)
    if operator:
        return f"operator {operator[1] or '<->'}", PROVIDERS["vector"]
    for match in NAMES.finditer(message):
        name = match[1] or match[2]
        provider = provider_of(name)
        if provider is not None:
            # 'type "vector"' -> "type vector"; 'function pgmq.send(...)' -> "function pgmq.send"
            kind = "function" if match[2] else message[: match.start()].strip()
            return f"{kind} {name}".strip(), provider
    return None
