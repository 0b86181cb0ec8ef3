"""The incremental catalog reader equals a whole read after every migration.

Lint reads the catalog after each migration it analyses with a ``CatalogTracker``, which re-reads
only the relations a file touched or that depend on something it touched. A relation it missed
would keep its old form and lint would judge a change that did not happen, or miss one that did;
so each corpus below is built file by file and, after every file, the tracker's snapshot is
compared with a whole read of the same catalog. ``TORTURE`` holds the changes that alter how a
relation prints without touching its own rows (renames of what it refers to), drops that leave
no row behind, and changes that must fall back to a whole read (schemas, roles).
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import psycopg
import pytest

from pytest_schemaguard.catalog.incremental import CatalogTracker
from pytest_schemaguard.database.build import StepOutcome, build_database, build_project
from pytest_schemaguard.expectations import load_expectations
from pytest_schemaguard.migrations import Migration, discover_migrations
from pytest_schemaguard.project import load_project

EXAMPLES = Path(__file__).parent / "examples"
CORPORA = sorted(p.name for p in EXAMPLES.iterdir() if (p / "schema_expectations.yml").is_file())


class Compare:
    """A build observer: after each migration, the tracker's read against a whole one."""

    def __init__(self) -> None:
        self.tracker = CatalogTracker()
        self.compared: list[str] = []
        self.mismatches: list[str] = []

    def before_migration(self, conn: psycopg.Connection, migration: Migration) -> None:
        if not self.compared:
            self.tracker.read(conn)  # the first read is whole

    def after_migration(self, conn: psycopg.Connection, migration: Migration, outcome: StepOutcome) -> None:
        assert outcome.ok, (migration.name, outcome.error)
        incremental = self.tracker.read(conn)
        whole = CatalogTracker().read(conn)
        self.compared.append(migration.name)
        if incremental != whole:
            wrong = [name for name in sorted(set(whole.schema.tables) | set(incremental.schema.tables)
                                             | set(whole.schema.views) | set(incremental.schema.views))
                     if whole.schema.tables.get(name) != incremental.schema.tables.get(name)
                     or whole.schema.views.get(name) != incremental.schema.views.get(name)]
            self.mismatches.append(f"{migration.name}: {wrong or 'other fields differ'}")


@pytest.mark.parametrize("corpus", CORPORA)
def test_every_corpus_reads_the_same_incrementally(corpus: str, scratch_conn: psycopg.Connection,
                                                    tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / corpus, tmp_path / corpus)
    file = tmp_path / corpus / "schema_expectations.yml"
    project = load_project(file, load_expectations(file).project)
    compare = Compare()
    result = build_project(scratch_conn, project, observers=[compare])
    if not result.ok:
        pytest.skip(f"{corpus} does not build on this server's setup: {result.failed_step}")
    assert compare.compared == [m.name for m in project.migrations.migrations]
    assert compare.mismatches == []
    assert compare.tracker.partial_reads >= 1 or len(compare.compared) == 1


TORTURE = [
    # 1: the base every later file changes
    """
    create type public.mood as enum ('happy', 'sad');
    create domain public.score as int check (value >= 0);
    create table public.a (id bigint primary key, name text, mood public.mood, s public.score default 1);
    create table public.b (id bigint primary key, a_id bigint references public.a (id), note text);
    create function public.pick() returns int language sql as $$ select 1 $$;
    create function public.touch() returns trigger language plpgsql as $$ begin return new; end $$;
    alter table public.b add column n int default public.pick();
    create trigger b_touch before update on public.b for each row execute function public.touch();
    create view public.va as select id, name from public.a;
    create view public.vva as select id from public.va;
    create materialized view public.ma as select id, mood from public.a;
    create index a_lower on public.a (lower(name));
    alter table public.a enable row level security;
    create policy a_read on public.a for select using (public.pick() = 1);
    comment on table public.a is 'the a table';
    comment on column public.a.name is 'its name';
    """,
    "alter table public.a rename column name to title;",  # va prints the new column name
    "alter table public.a rename to aa;",  # b's foreign key, va, ma and vva's text
    "alter function public.pick() rename to choose;",  # b's default and aa's policy
    "alter function public.touch() rename to stamp;",  # b's trigger
    "alter type public.mood rename to feeling;",  # aa's column, ma's column
    "alter domain public.score rename to points;",
    "alter type public.feeling add value 'calm';",
    "drop policy a_read on public.aa;",  # a row deleted, nothing updated
    "comment on table public.aa is null;",
    "comment on column public.aa.title is null;",
    "drop index public.a_lower;",
    "alter index public.a_pkey rename to aa_key;",
    "alter table public.b drop constraint b_a_id_fkey;",
    "drop trigger b_touch on public.b;",
    "alter table public.b alter column n drop default;",
    "create or replace view public.va as select id, title as name, mood from public.aa;",
    "grant select (title) on public.aa to public;",
    "revoke all on public.b from public; grant select on public.b to public;",
    "alter table public.b set (fillfactor = 80);",
    "create schema other; alter table public.b set schema other;",
    "alter schema other rename to elsewhere;",  # a schema renamed: a whole read
    "create role incremental_probe; alter table elsewhere.b owner to incremental_probe;",
    "alter role incremental_probe rename to incremental_probe2;",  # a role renamed: a whole read
    "alter table elsewhere.b owner to current_user; drop role incremental_probe2;",
    "drop view public.vva; drop view public.va cascade;",
    "create table public.c (id int); drop table public.c; create table public.c (id int, x int);",
    "alter table public.aa drop column title;",
    "create table public.part (id int, at date) partition by range (at);"
    " create table public.part_1 partition of public.part for values from ('2020-01-01') to ('2021-01-01');",
    "alter table public.aa add column g int generated always as (id * 2) stored;",
    "drop materialized view public.ma; drop table public.aa cascade;",
    # Found by test_catalog_incremental_property.py: changes that print elsewhere through no pg_depend
    # edge to a row that changed.
    """
    create type public.hue as enum ('red', 'blue');
    create type public.pair as (x int, y int);
    create function public.g(a int, b int default 0) returns int language sql immutable as 'select 1';
    create text search dictionary public.dict1 (template = simple);
    create table public.d (id int, h public.hue default 'red', p public.pair, n int default public.g(1),
                           t text default ts_lexize('public.dict1'::regdictionary, 'x')::text);
    create view public.vd as select (p).x, h from public.d where h <> 'blue';
    """,
    "alter type public.hue rename value 'red' to 'crimson';",  # only a pg_enum row: d's default, vd's text
    "alter type public.pair rename attribute x to xx;",  # only pg_attribute of the type: vd prints (p).xx
    "create function public.g(a int) returns int language sql immutable as 'select 2';",  # d: public.g(1)
    "drop function public.g(int);",  # and back to g(1)
    "alter text search dictionary public.dict1 rename to dict2;",  # d's default names the dictionary
    "alter extension plpgsql add table public.d;",  # only a pg_depend row: d is the extension's now
    "alter extension plpgsql drop table public.d;",  # and the project's again
    "create view public.ve as select h <> 'blue' as x, array_length(array[id], 1) as l from public.d;",
    # Calls to pg_catalog's own (pinned: no pg_depend row) functions and operators now resolve here.
    "create function public.array_length(int[], int) returns int language sql as 'select 1';",
    "create function public.ne(public.hue, public.hue) returns bool language sql as 'select true';"
    " create operator public.<> (leftarg = public.hue, rightarg = public.hue, function = public.ne);",
    "drop operator public.<> (public.hue, public.hue); drop function public.array_length(int[], int);",
    "drop view public.ve; drop type public.hue cascade;",  # a type dropped with its labels: still partial
    "create foreign data wrapper dummy; create server srv foreign data wrapper dummy;"
    " create foreign table public.ft (a int) server srv; create view public.vft as select a from public.ft;",
    "alter foreign table public.ft rename column a to aa;",  # only ft's pg_attribute row: vft prints aa
]


def test_renames_drops_and_whole_reads(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    for number, text in enumerate(TORTURE, 1):
        (tmp_path / f"{number:03d}_step.sql").write_text(text, encoding="utf-8")
    migrations = discover_migrations(tmp_path).migrations
    compare = Compare()
    _drop_probe_roles(scratch_conn)  # roles are the server's: an earlier, interrupted run's may be there
    try:
        result = build_database(scratch_conn, root=tmp_path, migrations=migrations, flavor="postgres",
                                observers=[compare])
    finally:
        _drop_probe_roles(scratch_conn)
    assert result.ok, result.failed_step
    assert compare.mismatches == []
    assert len(compare.compared) == len(TORTURE)
    # Partial reads did the work; schema, role and enum label renames, and names resolving differently
    # in pg_catalog, fell back to whole ones.
    assert compare.tracker.whole_reads >= 3 and compare.tracker.partial_reads >= len(TORTURE) - 8


def _drop_probe_roles(conn: psycopg.Connection) -> None:
    conn.rollback()
    for role in ("incremental_probe", "incremental_probe2"):
        with contextlib.suppress(psycopg.Error), conn.transaction():
            conn.execute(f"drop owned by {role}")
            conn.execute(f"drop role {role}")


def test_reads_inside_one_transaction(scratch_conn: psycopg.Connection) -> None:
    """Reads between changes of one open transaction: every row it writes has the same xmin, so
    a second change to a row the first wrote leaves the fingerprint as it was; the read after a
    read inside a transaction with an id is whole."""
    tracker = CatalogTracker()
    try:
        scratch_conn.execute("create table public.a (id int, b int)")
        tracker.read(scratch_conn)
        for statement in ("alter table public.a rename column b to c", "alter table public.a rename column c to d"):
            scratch_conn.execute(statement)  # type: ignore[arg-type]  # constant text
            assert tracker.read(scratch_conn) == CatalogTracker().read(scratch_conn), statement
        scratch_conn.commit()
        assert tracker.read(scratch_conn) == CatalogTracker().read(scratch_conn)
        assert "d" in tracker.read(scratch_conn).schema.tables["public.a"].columns
    finally:
        tracker.close()


@pytest.mark.parametrize("corpus", ["crm_small", "history_vector_search", "history_dumped_seed"])
def test_the_session_snapshot_from_lints_last_read_equals_a_whole_read(
        corpus: str, scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    """After a linted build the session's snapshot is lint's last read brought up to date
    (``LintObserver.catalog_now``): it must be what a whole read gives, also after changes made
    since lint's last read (seeds, a user's fixture)."""
    from pytest_schemaguard.catalog import inspect_schema
    from pytest_schemaguard.lint.semantic import LintObserver

    shutil.copytree(EXAMPLES / corpus, tmp_path / corpus)
    file = tmp_path / corpus / "schema_expectations.yml"
    project = load_project(file, load_expectations(file).project)
    observer = LintObserver()
    scratch_conn.autocommit = True
    result = build_project(scratch_conn, project, observers=[observer])
    assert result.ok, result.failed_step
    observer.build_finished()
    scratch_conn.execute("create table public.added_later (id int primary key, note text default 'x')")
    first_table = sorted(n for n in inspect_schema(scratch_conn).tables if n.startswith("public."))[0]
    scratch_conn.execute(f"comment on table {first_table} is 'changed after lint'")  # type: ignore[arg-type]
    reused = observer.catalog_now(scratch_conn)
    assert reused is not None
    assert reused == inspect_schema(scratch_conn)
    assert "public.added_later" in reused.tables
    assert LintObserver().catalog_now(scratch_conn) is None  # lint read nothing: the session reads whole
