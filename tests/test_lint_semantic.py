"""Semantic lint rules: tiny migration sequences built on the test server, catalog diffed around the last one."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import psycopg

from pytest_schemaguard.database.build import StepOutcome, build_database
from pytest_schemaguard.lint import LintObserver, lint_file
from pytest_schemaguard.lint.semantic import exposed_schemas
from pytest_schemaguard.migrations import Migration, discover_migrations

PUBLIC = frozenset({"public"})


def lint_last(conn: psycopg.Connection, tmp_path: Path, *texts: str, exposed: frozenset[str] = PUBLIC):
    """Build ``texts`` as migrations 001.., linting only the last one; its findings as (rule, line, message)."""
    for number, text in enumerate(texts, 1):
        (tmp_path / f"{number:03d}_step.sql").write_text(text, encoding="utf-8")
    migrations = discover_migrations(tmp_path).migrations
    observer = LintObserver({migrations[-1].name}, exposed)
    result = build_database(conn, root=tmp_path, migrations=migrations, flavor="postgres", observers=[observer])
    assert result.ok, result.failed_step
    assert (set(observer.findings), observer.snapshots) == ({migrations[-1].name}, 2)  # only around the linted file
    return [(f.rule, f.line, f.message) for f in lint_file(migrations[-1], observer)
            if f.rule != "missing_lock_timeout"]


BASE = """
set lock_timeout = '5s';
create table t (id bigint primary key, a int, b int);
create table gone (id int);
create view v as select id, a from t;
create function f(x int) returns int language sql as $$ select x $$;
create table r (id int);
"""


def test_drops_are_errors_at_the_statement_that_dropped(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    found = lint_last(scratch_conn, tmp_path, BASE, """set lock_timeout = '5s';
drop table gone;
drop view v;
alter table t drop column b;
drop function f(int);
""")
    assert found == [
        ("dropped_table", 2, "table public.gone dropped"),
        ("dropped_view", 3, "view public.v dropped"),
        ("dropped_column", 4, "column public.t.b dropped"),
        ("dropped_function", 5, "function public.f(integer) dropped (or its arguments changed)"),
    ]


def test_renames_and_type_changes(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    found = lint_last(scratch_conn, tmp_path, BASE, """set lock_timeout = '5s';
alter table t rename column a to a2;
alter table r rename to r2;
alter table t alter column b type bigint;
""")
    assert found == [
        ("renamed_column", 2, "column public.t.a renamed to a2"),
        ("renamed_table", 3, "table public.r renamed to public.r2"),
        ("column_type_changed", 4, "column public.t.b changed type from integer to bigint"),
    ]


def test_drop_and_add_is_not_a_rename_and_recreating_is_not_a_drop(scratch_conn: psycopg.Connection,
                                                                    tmp_path: Path) -> None:
    found = lint_last(scratch_conn, tmp_path, BASE, """set lock_timeout = '5s';
alter table t drop column a cascade, add column a2 int;
create view v as select id, a2 from t;
create or replace function f(x int) returns int language sql as $$ select x + 1 $$;
create table tmp_scratch (id int);
drop table tmp_scratch;
""")
    # v is recreated without a: its clients lose that column too; f is replaced in place, no finding.
    assert found == [("dropped_column", 2, "column a of view public.v dropped"),
                     ("dropped_column", 2, "column public.t.a dropped")]


def test_new_objects_rls_search_path_and_foreign_key_index(scratch_conn: psycopg.Connection,
                                                            tmp_path: Path) -> None:
    found = lint_last(scratch_conn, tmp_path, BASE, """set lock_timeout = '5s';
create table open_t (id int);
create table closed_t (id int, t_id bigint references t (id));
alter table closed_t enable row level security;
create index closed_t_t_id_idx on closed_t (t_id);
create schema private;
create table private.p (id int, t_id bigint references t (id));
alter table private.p enable row level security;
create function def_bad() returns int language sql security definer as $$ select 1 $$;
create function def_good() returns int language sql security definer set search_path = '' as $$ select 1 $$;
create function invoker() returns int language sql as $$ select 1 $$;
alter table t enable row level security;
alter table t disable row level security;
""")
    assert found == [
        ("exposed_table_without_rls", 2, "new table public.open_t in exposed schema public has row level security "
                                         "disabled"),
        ("foreign_key_without_index", 7, "foreign key p_t_id_fkey on private.p (t_id) has no index starting with "
                                         "its columns"),
        ("security_definer_without_search_path", 9, "SECURITY DEFINER function public.def_bad() has no SET "
                                                    "search_path"),
    ]


def test_rls_disabled_on_an_exposed_table(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    first = BASE + "alter table t enable row level security;"
    found = lint_last(scratch_conn, tmp_path, first, "set lock_timeout = '5s';\nalter table t disable row level "
                                                     "security;")
    assert found == [("exposed_table_without_rls", 2, "row level security disabled on public.t in exposed "
                                                      "schema public")]


def test_existing_tables_come_from_the_catalog_before_the_migration(scratch_conn: psycopg.Connection,
                                                                    tmp_path: Path) -> None:
    # ghost is created by dynamic SQL the text rules cannot see; the snapshot says it did not exist before.
    found = lint_last(scratch_conn, tmp_path, BASE, """set lock_timeout = '5s';
do $$ begin execute 'create table ghost (id int)'; end $$;
alter table ghost enable row level security;
create index ghost_id_idx on ghost (id);
create index t_a_idx on t (a);
""")
    assert found == [("index_without_concurrently", 5, "CREATE INDEX on existing table public.t without "
                                                       "CONCURRENTLY")]


def test_ignore_comment_suppresses_a_semantic_rule(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    found = lint_last(scratch_conn, tmp_path, BASE,
                      "-- schemaguard: ignore dropped_table\nset lock_timeout = '5s';\ndrop table gone;")
    assert found == []


def test_exposed_schemas_from_supabase_config() -> None:
    assert exposed_schemas({"api": {"schemas": ["public", "api"]}}, "supabase") == {"public", "api"}
    assert exposed_schemas({}, "supabase") == {"public", "graphql_public"}
    assert exposed_schemas({}, "postgres") == frozenset()


# ----------------------------------------------------------------------------- locating the statement

SAME_NAMES = """
set lock_timeout = '5s';
create type kind as enum ('a', 'b');
create table things (id int, kind text, t_id int);
create policy things_read on things for select using (true);
create function pick(x int) returns int language sql as $$ select x $$;
create function pick(x text) returns text language sql as $$ select x $$;
create function pick(a int, b int) returns int language sql as $$ select a $$;
create view kinds as select distinct kind from things;
"""


def test_findings_land_on_the_statement_that_acts_on_the_object(scratch_conn: psycopg.Connection,
                                                                 tmp_path: Path) -> None:
    # Every object below is also named by earlier statements that do something else to it (a policy
    # on the table, a type named like the column, other overloads): the finding must not land there.
    found = lint_last(scratch_conn, tmp_path, SAME_NAMES, """set lock_timeout = '5s';
create or replace function pick(x int) returns int language sql security definer as $$ select x + 1 $$;
drop function pick(a integer, b int4);
comment on function pick(text) is 'drop function pick(text) later';
drop function public.pick(y text);
drop policy things_read on things;
drop view kinds;
drop table things;
""")
    assert found == [
        ("security_definer_without_search_path", 2, "SECURITY DEFINER function public.pick(integer) has no SET "
                                                    "search_path"),
        ("dropped_function", 3, "function public.pick(integer,integer) dropped (or its arguments changed)"),
        ("dropped_function", 5, "function public.pick(text) dropped (or its arguments changed)"),
        ("dropped_view", 7, "view public.kinds dropped"),
        ("dropped_table", 8, "table public.things dropped"),
    ]


def test_column_findings_land_on_the_alter_table_that_changed_the_column(scratch_conn: psycopg.Connection,
                                                                         tmp_path: Path) -> None:
    found = lint_last(scratch_conn, tmp_path, SAME_NAMES, """set lock_timeout = '5s';
drop view kinds;
create type t_id as enum ('kind');
alter type kind rename value 'a' to 'type';
alter table things
  alter column kind type kind using kind::kind;
create index things_t_id_idx on things (t_id);
drop index things_t_id_idx;
alter table things drop column t_id;
""")
    assert [f for f in found if f[0] != "index_without_concurrently"] == [
        ("dropped_view", 2, "view public.kinds dropped"),
        ("column_type_changed", 5, "column public.things.kind changed type from text to kind"),
        ("dropped_column", 9, "column public.things.t_id dropped"),
    ]


def test_argument_lists_are_compared_as_postgresql_types() -> None:
    from pytest_schemaguard.lint.locate import acts_of, same_arguments

    [act] = acts_of("drop function if exists app.f(in x int4 default 1, out y text, varchar(20)[], "
                    "timestamp(3) with time zone, \"Mood\")")
    assert (act.verb, act.kind, act.target.schema, act.target.name) == ("drop", "function", "app", "f")
    assert act.target.args is not None
    assert same_arguments(act.target.args, ["integer", "character varying[]", "timestamp with time zone",
                                            '"Mood"'])
    assert not same_arguments(act.target.args, ["text", "character varying[]", "timestamp with time zone",
                                                '"Mood"'])
    assert acts_of("drop policy p on t")[0].part == "t"  # the policy, not the table t


class _SnapshotWatcher:
    """A second build observer: after each migration, a weak reference to every snapshot the lint
    observer holds, so the test can count how many are still alive at the end."""

    def __init__(self, observer: LintObserver) -> None:
        self.observer = observer
        self.refs: list[weakref.ref] = []
        self.most_held = 0

    def before_migration(self, conn: psycopg.Connection, migration: Migration) -> None:
        return None

    def after_migration(self, conn: psycopg.Connection, migration: Migration, outcome: StepOutcome) -> None:
        held = self.observer.retained
        self.most_held = max(self.most_held, len(held))
        self.refs.extend(weakref.ref(state) for state in held)


def test_linting_a_long_history_keeps_one_snapshot_not_all(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    # Keeping every snapshot made lint of a 300-450 file history take 0.5-1.2 GB and quadratic time.
    for n in range(1, 121):
        parent = f", parent_id int references t{n - 1} (id)" if n > 1 else ""
        (tmp_path / f"{n:03d}_step.sql").write_text(
            f"set lock_timeout = '5s';\ncreate table t{n} (id int primary key{parent});\n"
            + (f"alter table t{n - 1} add column note_{n} text;\n" if n > 1 else ""), encoding="utf-8")
    migrations = discover_migrations(tmp_path).migrations
    observer = LintObserver(None, PUBLIC)
    watcher = _SnapshotWatcher(observer)
    result = build_database(scratch_conn, root=tmp_path, migrations=migrations, flavor="postgres",
                            observers=[observer, watcher])
    assert result.ok, result.failed_step
    gc.collect()
    alive = {id(ref()) for ref in watcher.refs if ref() is not None}
    assert (len(alive), watcher.most_held, observer.snapshots) == (1, 1, 121)  # the last "after" only
    assert set(observer.analysed) == {m.name for m in migrations}
    # and every file was still judged: each new table is exposed without RLS, each foreign key unindexed
    findings = {m.name: [(f.rule, f.line) for f in lint_file(m, observer)] for m in migrations}
    assert findings["120_step.sql"] == [("exposed_table_without_rls", 2), ("foreign_key_without_index", 2)]


SETTLED_HISTORY = {
    "001_base.sql": BASE,
    "002_drop.sql": "alter table t drop column b;\ncreate table exposed (id int);\n",
    "003_rename.sql": "alter table r rename to r2;\nalter view v rename column a to a2;\n",
    "004_more.sql": "drop function f(int);\nalter table r2 alter column id type bigint;\n"
                    "create table later (id int);\n",
}


def _fresh_database(admin_dsn: str, name: str) -> psycopg.Connection:
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return psycopg.connect(psycopg.conninfo.make_conninfo(admin_dsn, dbname=name))


def test_files_an_earlier_build_judged_are_not_read_around(scratch_conn: psycopg.Connection, admin_dsn: str,
                                                           tmp_path: Path) -> None:
    # The build cache hands lint what an earlier build found in the files before the first change
    # (cache/inputs.py: Inputs.settled_with); the catalog is then read only around the others.
    for name, text in SETTLED_HISTORY.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    migrations = discover_migrations(tmp_path).migrations
    names = [m.name for m in migrations]
    earlier = LintObserver(None, PUBLIC)
    assert build_database(scratch_conn, root=tmp_path, migrations=migrations, flavor="postgres",
                          observers=[earlier]).ok
    assert earlier.snapshots == 5
    judged = {name: [(f.rule, f.line, f.message) for f in found] for name, found in earlier.findings.items()}
    assert {rule for found in judged.values() for rule, _, _ in found} >= {
        "dropped_column", "exposed_table_without_rls", "renamed_table", "renamed_column", "dropped_function",
        "column_type_changed"}

    for settled, reads in ((names[:3], 2), ([names[0], names[2]], 4), ([], 5)):
        observer = LintObserver(None, PUBLIC, warnings_only=True)
        assert observer.settle(earlier, settled) == len(settled)
        database = f"sg_test_settled_{len(settled)}_{reads}"
        try:
            with _fresh_database(admin_dsn, database) as conn:
                assert build_database(conn, root=tmp_path, migrations=migrations, flavor="postgres",
                                      observers=[observer]).ok
        finally:
            with psycopg.connect(admin_dsn, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        # Around 004 only (before, after); around 002 and 004 (before 002 whole, after it, before 004
        # re-reading what 003 changed, after it); around every file.
        assert (observer.snapshots, observer.reused) == (reads, len(settled)), settled
        assert {name: [(f.rule, f.line, f.message) for f in found]
                for name, found in observer.findings.items()} == judged, settled
        assert observer.analysed == set(names)

    # Only files the earlier build judged; and only where findings are warnings: never for new files
    # against a lock file or a base (their errors fail items), nor for `schemaguard lint` (its exit
    # code): those are always judged on this build's catalog.
    assert LintObserver({names[1]}, PUBLIC, warnings_only=True).settle(earlier, names[:3]) == 0
    assert LintObserver(None, PUBLIC).settle(earlier, names[:3]) == 0
    narrow_build = LintObserver({names[1]}, PUBLIC)
    narrow_build.restore({"findings": {names[1]: []}, "analysed": [names[1]], "applied": names, "ran": True,
                          "snapshots": 2})
    assert LintObserver(None, PUBLIC, warnings_only=True).settle(narrow_build, names) == 1
