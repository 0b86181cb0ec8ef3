"""Our structural checks side by side with the same assertions written in pgTAP.

Both sides run over one connection to a database built from the same synthetic project (two
databases on one private server, so pgTAP's thousand functions do not enter our catalog
snapshot). Ours: read the catalog snapshot, normalise, check every declared object
(``inspect_schema`` + ``Normaliser`` + ``check_all``, what a run does once the database exists).
pgTAP: one script, ``plan(N)`` then one assertion a row per fact the YAML states (table, column,
type, nullability, default, identity, primary key, foreign keys, indexes, RLS, policy command and
roles, view columns, enum labels), sent in one ``execute`` inside a rolled-back transaction. The
script is also run once through ``pg_prove`` to prove every assertion passes.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from pytest_schemaguard.catalog import inspect_schema
from pytest_schemaguard.checks import check_all
from pytest_schemaguard.checks.normalise import Normaliser
from pytest_schemaguard.database.build import SUPABASE_SEARCH_PATH
from pytest_schemaguard.database.server import PrivateServer, create_database, find_bindir
from pytest_schemaguard.expectations import load_expectations

from .floor import apply_files, project_files, read_project
from .generate import GROUP, LABELS, ProjectSpec, added_columns, enum, table, view

COLUMN_TYPES = {"id": "bigint", "owner_id": "uuid", "parent_id": "bigint", "name": "text",
                "amount": "numeric(12,2)", "created_at": "timestamp with time zone"}
NOT_NULL = {"id", "status", "name", "amount", "created_at"}
DEFAULTS = {"status", "amount", "created_at"}


def unavailable_reason() -> str | None:
    """Why the comparison cannot run here (None: it can, as far as files on disk tell)."""
    if shutil.which("pg_prove") is None:
        return "pg_prove not on PATH (apt-get install libtap-parser-sourcehandler-pgtap-perl)"
    return None


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def assertions(spec: ProjectSpec) -> list[str]:
    """One pgTAP call per fact the generated expectations state."""
    out: list[str] = []
    added = added_columns(spec)
    for i in range(spec.tables):
        name, t = table(i), _q(table(i))
        columns = ["id", "owner_id", *(["parent_id"] if i else []), "status", "name", "amount", "created_at",
                   *added.get(i, [])]
        out.append(f"has_table('public', {t}, 'table {name}')")
        for column in columns:
            c = _q(column)
            kind = f"{enum(i)}" if column == "status" else COLUMN_TYPES.get(column, "text")
            out.append(f"has_column('public', {t}, {c}, '{name}.{column} exists')")
            out.append(f"col_type_is('public', {t}, {c}, {_q(kind)}, '{name}.{column} type')")
            null_check = "col_not_null" if column in NOT_NULL else "col_is_null"
            out.append(f"{null_check}('public', {t}, {c}, '{name}.{column} nullability')")
            if column in DEFAULTS:
                out.append(f"col_has_default('public', {t}, {c}, '{name}.{column} default')")
        out.append(f"ok((SELECT attidentity = 'a' FROM pg_attribute WHERE attrelid = 'public.{name}'::regclass "
                   f"AND attname = 'id'), '{name}.id identity always')")
        out.append(f"col_is_pk('public', {t}, ARRAY['id'], '{name} primary key')")
        out.append(f"fk_ok('public', {t}, 'owner_id', 'auth', 'users', 'id', '{name}.owner_id fk')")
        indexes = [("owner_id", f"{name}_owner_id_idx")]
        if i:
            out.append(f"fk_ok('public', {t}, 'parent_id', 'public', {_q(table(i - 1))}, 'id', '{name}.parent_id fk')")
            indexes.append(("parent_id", f"{name}_parent_id_idx"))
        for column, index in indexes:
            out.append(f"has_index('public', {t}, {_q(index)}, ARRAY[{_q(column)}], 'index {index}')")
        out.append(f"ok((SELECT relrowsecurity FROM pg_class WHERE oid = 'public.{name}'::regclass), '{name} rls')")
        for policy, command in ((f"{name}_select_own", "select"), (f"{name}_insert_own", "insert")):
            out.append(f"policy_cmd_is('public', {t}, {_q(policy)}, {_q(command)}, 'policy {policy} command')")
            out.append(f"policy_roles_are('public', {t}, {_q(policy)}, ARRAY['authenticated'], "
                       f"'policy {policy} roles')")
    for group in range((spec.tables + GROUP - 1) // GROUP):
        v = _q(view(group))
        out.append(f"has_view('public', {v}, 'view {view(group)}')")
        out += [f"has_column('public', {v}, {_q(c)}, 'view column {c}')" for c in ("id", "name", "status")]
        labels = ", ".join(_q(label) for label in LABELS)
        out.append(f"enum_has_labels('public', {_q(enum(group * GROUP))}, ARRAY[{labels}], 'enum labels')")
    return out


def script(calls: list[str]) -> str:
    rows = [f"SELECT plan({len(calls)});", *(f"SELECT {call};" for call in calls), "SELECT * FROM finish();"]
    return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class Comparison:
    ours: float
    pgtap: float
    assertions: int
    problem: str | None = None  # a side failed; the numbers are then not comparable


def _run_pgtap(conn: psycopg.Connection, text: str) -> tuple[float, int]:
    """Seconds and the number of ``not ok`` rows."""
    started = time.perf_counter()
    failed = 0
    with conn.transaction(force_rollback=True), conn.cursor() as cursor:
        cursor.execute(text)  # type: ignore[arg-type]  # our own generated script
        while True:
            if cursor.description is not None:
                failed += sum(1 for (row,) in cursor.fetchall() if str(row).startswith("not ok"))
            if not cursor.nextset():
                break
    return time.perf_counter() - started, failed


def _run_ours(conn: psycopg.Connection, expectations_file: Path) -> tuple[float, int]:
    """Seconds and the number of failing object reports (expectations loaded outside the timing)."""
    expectations = load_expectations(expectations_file)
    started = time.perf_counter()
    reports = check_all(expectations, inspect_schema(conn), Normaliser(conn))
    return time.perf_counter() - started, sum(not r.ok for r in reports)


def _prove(info_args: list[str], text: str) -> str | None:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(f"SET search_path = {SUPABASE_SEARCH_PATH};\nBEGIN;\n{text}ROLLBACK;\n")
    try:
        out = subprocess.run(["pg_prove", *info_args, handle.name], capture_output=True, text=True, check=False)
    finally:
        Path(handle.name).unlink()
    if out.returncode:
        return "pg_prove failed: " + " / ".join((out.stdout + out.stderr).strip().splitlines()[-3:])
    return None


def compare(project: Path, spec: ProjectSpec, repeat: int) -> Comparison:
    """Medians of ``repeat`` interleaved runs of both sides on the project at ``project``."""
    expectations_file = project / "schema_expectations.yml"
    files = project_files(read_project(expectations_file))
    calls = assertions(spec)
    text = script(calls)
    server = PrivateServer(find_bindir(os.environ.get("SCHEMAGUARD_PG_BIN"))).start()
    try:
        admin = server.admin_info()
        ours_db, tap_db = (create_database(admin, name).info for name in ("bench_ours", "bench_pgtap"))
        with psycopg.connect(ours_db.conninfo(), autocommit=True) as ours, \
                psycopg.connect(tap_db.conninfo(), autocommit=True) as tap:
            apply_files(ours, files)
            apply_files(tap, files)
            if tap.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pgtap'").fetchone() is None:
                return Comparison(0, 0, len(calls), "the pgtap extension is not installed in this server")
            tap.execute("CREATE EXTENSION pgtap SCHEMA extensions")
            tap.execute("SET search_path = " + SUPABASE_SEARCH_PATH)  # type: ignore[arg-type]
            problem = _prove(["-h", tap_db.host, "-p", str(tap_db.port), "-U", tap_db.user, "-d", tap_db.dbname],
                             text)
            ours_times, tap_times = [], []
            for _ in range(repeat):
                seconds, failed = _run_ours(ours, expectations_file)
                ours_times.append(seconds)
                if failed:
                    problem = problem or f"{failed} of our object reports failed"
                seconds, failed = _run_pgtap(tap, text)
                tap_times.append(seconds)
                if failed:
                    problem = problem or f"{failed} pgTAP assertions failed"
    finally:
        server.stop()
    return Comparison(statistics.median(ours_times), statistics.median(tap_times), len(calls), problem)
