"""Synthetic Supabase projects of a chosen size, for the benchmark harness.

A project has N tables spread over M migration files, each table with an identity key, a foreign
key to ``auth.users`` and one to the previous table (both indexed), an enum column, row level
security with two policies; every tenth table has an enum and a ``security_invoker`` view. Files
past the ones that create tables add a column and its index (a long history of small changes);
the last file of a history of three or more is a ``-- schemaguard: no-transaction`` file with
``CREATE INDEX CONCURRENTLY``. With ``baseline_kb`` the first file is instead a pg_dump-style dump
(``SET`` preamble, ``ALTER ... OWNER``, ``COPY ... FROM stdin`` data, constraints added after the
data) of about that size that creates every table.

``schema_expectations.yml`` is written directly from the same model (no server needed, so a
2,000-table project takes a second), declaring every table, enum and view the files create.

Run ``python -m benchmarks.generate DIR --tables 50 --migrations 23`` to write one by hand.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

GROUP = 10  # one enum and one view per this many tables
LABELS = ("active", "paused", "archived")
FIRST_VERSION = 20250101000000


@dataclass(frozen=True)
class ProjectSpec:
    tables: int = 50
    migrations: int = 23
    baseline_kb: int = 0  # > 0: the first file is a pg_dump-style baseline of about this size
    seed_tables: int = 5  # the seed inserts a few rows into this many tables
    locked: bool = False  # every file recorded in a lock file: lint judges none (nothing is new)

    def __post_init__(self) -> None:
        if self.tables < 1 or self.migrations < 1:
            raise ValueError("a project needs at least one table and one migration")

    @property
    def no_transaction_file(self) -> bool:
        """Whether the last file is a no-transaction one (histories of three files or more)."""
        return self.migrations >= 3 and self.migrations > self.create_files

    @property
    def create_files(self) -> int:
        """How many files create tables (the baseline alone creates them all)."""
        return 1 if self.baseline_kb else min(self.tables, self.migrations)

    def alter_files(self) -> int:
        return self.migrations - self.create_files - (1 if self.no_transaction_file else 0)


def table(i: int) -> str:
    return f"t_{i:04d}"


def enum(i: int) -> str:
    return f"status_{i // GROUP:03d}"


def view(group: int) -> str:
    return f"v_{group:03d}"


def _chunks(total: int, parts: int) -> list[range]:
    """``range(total)`` cut into ``parts`` contiguous, nearly equal pieces."""
    size, extra = divmod(total, parts)
    out, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        out.append(range(start, end))
        start = end
    return out


def added_columns(spec: ProjectSpec) -> dict[int, list[str]]:
    """Table index -> the columns later files add to it (file k adds ``note_k`` to table k mod N)."""
    added: dict[int, list[str]] = {}
    for k in range(spec.alter_files()):
        added.setdefault(k % spec.tables, []).append(f"note_{k:04d}")
    return added


# --------------------------------------------------------------------------- migration SQL


def _create_enum(i: int) -> str:
    labels = ", ".join(f"'{label}'" for label in LABELS)
    return f"create type public.{enum(i)} as enum ({labels});\n"


def _create_table(i: int) -> str:
    name = table(i)
    parent = f"\n  parent_id bigint references public.{table(i - 1)}(id) on delete set null," if i else ""
    return (
        f"create table public.{name} (\n"
        "  id bigint generated always as identity primary key,\n"
        "  owner_id uuid references auth.users(id) on delete cascade,"
        f"{parent}\n"
        f"  status public.{enum(i)} not null default 'active',\n"
        "  name text not null,\n"
        "  amount numeric(12,2) not null default 0,\n"
        "  created_at timestamptz not null default now()\n"
        ");\n"
        + _indexes_and_policies(i)
    )


def _indexes_and_policies(i: int, *, dump: bool = False) -> str:
    name = table(i)
    using = " USING btree" if dump else ""
    rows = [f"create index {name}_owner_id_idx on public.{name}{using} (owner_id);"]
    if i:
        rows.append(f"create index {name}_parent_id_idx on public.{name}{using} (parent_id);")
    rows += [
        f"alter table public.{name} enable row level security;",
        f"create policy {name}_select_own on public.{name} for select to authenticated "
        "using (owner_id = (select auth.uid()));",
        f"create policy {name}_insert_own on public.{name} for insert to authenticated "
        "with check (owner_id = (select auth.uid()));",
    ]
    return "\n".join(rows) + "\n"


def _create_view(group: int) -> str:
    source = table(group * GROUP)
    return (f"create view public.{view(group)} with (security_invoker = true) as\n"
            f"  select id, name, status from public.{source};\n")


def create_file(tables: range) -> str:
    parts = ["-- tables " + ", ".join(table(i) for i in (tables[0], tables[-1])) + "\n"]
    for i in tables:
        if i % GROUP == 0:
            parts.append(_create_enum(i))
        parts.append(_create_table(i))
        if i % GROUP == 0:
            parts.append(_create_view(i // GROUP))
    return "\n".join(parts)


def alter_file(k: int, spec: ProjectSpec) -> str:
    name, column = table(k % spec.tables), f"note_{k:04d}"
    return (f"alter table public.{name} add column {column} text;\n"
            f"create index {name}_{column}_idx on public.{name} ({column});\n")


NO_TRANSACTION_FILE = (
    "-- schemaguard: no-transaction\n"
    "create index concurrently if not exists t_0000_created_at_idx on public.t_0000 (created_at);\n"
)


# --------------------------------------------------------------------------- pg_dump-style baseline

DUMP_PREAMBLE = """--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

"""
COLUMNS = "id, owner_id, parent_id, status, name, amount, created_at"


def _dump_table(i: int) -> str:
    name = table(i)
    return (
        f"--\n-- Name: {name}; Type: TABLE; Schema: public; Owner: postgres\n--\n\n"
        f"CREATE TABLE public.{name} (\n"
        "    id bigint NOT NULL,\n"
        "    owner_id uuid,\n"
        "    parent_id bigint,\n"
        f"    status public.{enum(i)} DEFAULT 'active'::public.{enum(i)} NOT NULL,\n"
        "    name text NOT NULL,\n"
        "    amount numeric(12,2) DEFAULT 0 NOT NULL,\n"
        "    created_at timestamp with time zone DEFAULT now() NOT NULL\n"
        ");\n\n"
        f"ALTER TABLE public.{name} OWNER TO postgres;\n\n"
        f"ALTER TABLE public.{name} ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n"
        f"    SEQUENCE NAME public.{name}_id_seq\n"
        "    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1\n);\n\n"
    )


def _dump_rows(i: int, rows: int) -> Iterator[str]:
    for n in range(1, rows + 1):
        parent = str(n) if i else "\\N"
        yield f"{n}\t\\N\t{parent}\t{LABELS[n % 3]}\tname {i}-{n}\t{n % 997}.50\t2025-01-01 00:00:00+00\n"


def baseline_file(spec: ProjectSpec) -> str:
    """Every table, as ``pg_dump --schema=public`` of a database holding the full history would;
    COPY rows fill it up to about ``spec.baseline_kb``."""
    schema = [DUMP_PREAMBLE]
    for i in range(0, spec.tables, GROUP):
        labels = ",\n    ".join(f"'{label}'" for label in LABELS)
        schema.append(f"CREATE TYPE public.{enum(i)} AS ENUM (\n    {labels}\n);\n\n"
                      f"ALTER TYPE public.{enum(i)} OWNER TO postgres;\n\n")
    schema += [_dump_table(i) for i in range(spec.tables)]
    for group in range(math.ceil(spec.tables / GROUP)):
        schema.append(f"CREATE VIEW public.{view(group)} WITH (security_invoker='true') AS\n"
                      f" SELECT id,\n    name,\n    status\n   FROM public.{table(group * GROUP)};\n\n")
    constraints = [_dump_constraints(spec, 0)]  # sized with one row a table, rewritten below
    budget = spec.baseline_kb * 1024 - sum(map(len, schema)) - len(constraints[0])
    row_bytes = len("".join(_dump_rows(spec.tables // 2, 100))) / 100
    copy_overhead = len(f"COPY public.t_0000 ({COLUMNS}) FROM stdin;\n\\.\n\n")
    rows = max(1, round((budget / spec.tables - copy_overhead) / row_bytes))
    data = []
    for i in range(spec.tables):
        data.append(f"COPY public.{table(i)} ({COLUMNS}) FROM stdin;\n")
        data.extend(_dump_rows(i, rows))
        data.append("\\.\n\n")
    return "".join([*schema, *data, _dump_constraints(spec, rows)])


def _dump_constraints(spec: ProjectSpec, rows: int) -> str:
    parts = [f"SELECT pg_catalog.setval('public.{table(i)}_id_seq', {rows}, true);\n" for i in range(spec.tables)]
    for i in range(spec.tables):
        parts.append(f"\nALTER TABLE ONLY public.{table(i)}\n    ADD CONSTRAINT {table(i)}_pkey PRIMARY KEY (id);\n")
    for i in range(spec.tables):
        parts.append("\n" + _indexes_and_policies(i, dump=True))
    for i in range(spec.tables):
        name = table(i)
        parts.append(f"\nALTER TABLE ONLY public.{name}\n    ADD CONSTRAINT {name}_owner_id_fkey "
                     "FOREIGN KEY (owner_id) REFERENCES auth.users(id) ON DELETE CASCADE;\n")
        if i:
            parts.append(f"\nALTER TABLE ONLY public.{name}\n    ADD CONSTRAINT {name}_parent_id_fkey FOREIGN KEY "
                         f"(parent_id) REFERENCES public.{table(i - 1)}(id) ON DELETE SET NULL;\n")
    parts.append("\n--\n-- PostgreSQL database dump complete\n--\n")
    return "".join(parts)


# --------------------------------------------------------------------------- files of a project


def migration_files(spec: ProjectSpec) -> Iterator[tuple[str, str]]:
    """(file name, text) in order."""
    version = FIRST_VERSION
    if spec.baseline_kb:
        yield f"{version}_baseline.sql", baseline_file(spec)
    else:
        for n, tables in enumerate(_chunks(spec.tables, spec.create_files)):
            yield f"{version + n}_create_{table(tables[0])}.sql", create_file(tables)
    version += spec.create_files
    for k in range(spec.alter_files()):
        yield f"{version + k}_add_note_{k:04d}.sql", alter_file(k, spec)
    if spec.no_transaction_file:
        yield f"{version + spec.alter_files()}_index_concurrently.sql", NO_TRANSACTION_FILE


def seed_file(spec: ProjectSpec) -> str:
    rows = [f"insert into public.{table(i)} (name, amount) values ('seed {i}-1', 1), ('seed {i}-2', 2);"
            for i in range(min(spec.seed_tables, spec.tables))]
    return "\n".join(rows) + "\n"


CONFIG_TOML = """project_id = "schemaguard-bench"

[db]
major_version = 15

[db.seed]
enabled = true
sql_paths = ["./seed.sql"]
"""


def table_yaml(i: int, added: list[str]) -> list[str]:
    name = table(i)
    rows = [
        f"  {name}:",
        "    rls: enabled",
        "    columns:",
        "      id: {type: bigint, nullable: false, identity: always}",
        "      owner_id: {type: uuid, nullable: true}",
    ]
    if i:
        rows.append("      parent_id: {type: bigint, nullable: true}")
    rows += [
        f"      status: {{type: {enum(i)}, nullable: false, default: \"'active'\"}}",
        "      name: {type: text, nullable: false}",
        "      amount: {type: \"numeric(12,2)\", nullable: false, default: \"0\"}",
        "      created_at: {type: timestamptz, nullable: false, default: \"now()\"}",
        *(f"      {column}: text" for column in added),
        "    primary_key: [id]",
        "    foreign_keys:",
        "      - {columns: [owner_id], references: auth.users(id), on_delete: cascade}",
    ]
    if i:
        rows.append(f"      - {{columns: [parent_id], references: {table(i - 1)}(id), on_delete: set null}}")
    rows += ["    indexes:", f"      {name}_owner_id_idx: {{using: btree, columns: [owner_id]}}"]
    if i:
        rows.append(f"      {name}_parent_id_idx: {{using: btree, columns: [parent_id]}}")
    rows += [
        "    policies:",
        f"      {name}_select_own:",
        "        {command: select, roles: [authenticated], using: \"owner_id = (select auth.uid())\"}",
        f"      {name}_insert_own:",
        "        command: insert",
        "        roles: [authenticated]",
        "        with_check: \"owner_id = (select auth.uid())\"",
    ]
    return rows


def expectations_yaml(spec: ProjectSpec) -> str:
    added = added_columns(spec)
    rows = [
        "# Written by benchmarks/generate.py: a synthetic project for the benchmark harness.",
        "version: 1",
        "",
        "project:",
        "  migrations: supabase/migrations",
        "  seed: supabase/seed.sql",
        "  flavor: supabase",
        *(["  lock: supabase/migrations/schemaguard.lock"] if spec.locked else []),
        "",
        "tables:",
    ]
    for i in range(spec.tables):
        rows += table_yaml(i, added.get(i, []))
    groups = range(math.ceil(spec.tables / GROUP))
    rows += ["", "views:"]
    rows += [f"  {view(g)}: {{security_invoker: true, columns: [id, name, status]}}" for g in groups]
    rows += ["", "enums:"]
    rows += [f"  {enum(g * GROUP)}: [{', '.join(LABELS)}]" for g in groups]
    return "\n".join(rows) + "\n"


def yaml_tables_for_lines(lines: int) -> int:
    """How many tables make an expectations file of at least ``lines`` lines."""
    per_table = len(table_yaml(1, [])) + 0.2  # + a view and an enum line every ten tables
    return max(1, math.ceil(lines / per_table))


def write_project(root: Path, spec: ProjectSpec) -> Path:
    """Write the project under ``root`` (created); returns its expectations file."""
    migrations = root / "supabase" / "migrations"
    migrations.mkdir(parents=True, exist_ok=True)
    for name, text in migration_files(spec):
        (migrations / name).write_text(text, encoding="utf-8")
    (root / "supabase" / "seed.sql").write_text(seed_file(spec), encoding="utf-8")
    (root / "supabase" / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    expectations = root / "schema_expectations.yml"
    expectations.write_text(expectations_yaml(spec), encoding="utf-8")
    if spec.locked:
        from pytest_schemaguard.integrity.lockfile import render_lock
        from pytest_schemaguard.migrations import discover_migrations

        (migrations / "schemaguard.lock").write_text(render_lock(discover_migrations(migrations).migrations),
                                                     encoding="utf-8")
    return expectations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--tables", type=int, default=ProjectSpec.tables)
    parser.add_argument("--migrations", type=int, default=ProjectSpec.migrations)
    parser.add_argument("--baseline-kb", type=int, default=0, help="first file: a pg_dump-style baseline this big")
    args = parser.parse_args(argv)
    spec = ProjectSpec(tables=args.tables, migrations=args.migrations, baseline_kb=args.baseline_kb)
    print(write_project(args.directory, spec))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
