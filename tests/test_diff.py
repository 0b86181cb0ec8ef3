"""diff_snapshots on two real databases: one change at a time, each named precisely.

Both databases get the same base schema once (module scope). Each case changes database B inside
a transaction, snapshots it there (DDL is transactional) and rolls back, so the cases stay
independent and cheap.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from pytest_schemaguard.catalog import inspect_schema
from pytest_schemaguard.catalog.model import Schema
from pytest_schemaguard.diff import Change, changes_as_json, diff_snapshots, render_changes

BASE = """
create type public.mood as enum ('sad', 'ok');
create table public.t (
  id bigint generated always as identity primary key,
  name text not null,
  deleted_at timestamptz,
  note text
);
alter table public.t enable row level security;
create policy t_active on public.t for select using (deleted_at is null);
create table public.child (
  id bigint primary key,
  t_id bigint not null,
  constraint child_t_fk foreign key (t_id) references public.t (id) on delete cascade,
  constraint child_id_excl exclude using btree (id with =) where (id > 0)
);
create view public.v with (security_invoker = true) as select id, name from public.t;
create function public.f(x integer) returns integer
  language sql stable security definer set search_path = '' as 'select x';
"""


def _create(admin_dsn: str) -> str:
    name = f"sg_diff_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def _drop(admin_dsn: str, name: str) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def pair(admin_dsn: str) -> Iterator[tuple[Schema, psycopg.Connection]]:
    """(snapshot of database A, connection to database B); both built from BASE."""
    names = [_create(admin_dsn), _create(admin_dsn)]
    conns = [psycopg.connect(psycopg.conninfo.make_conninfo(admin_dsn, dbname=n), autocommit=True) for n in names]
    try:
        for conn in conns:
            conn.execute(BASE)  # type: ignore[arg-type]
        yield inspect_schema(conns[0]), conns[1]
    finally:
        for conn in conns:
            conn.close()
        for name in names:
            _drop(admin_dsn, name)


def changed(pair: tuple[Schema, psycopg.Connection], statement: str) -> list[Change]:
    """diff(A, B after ``statement``), with B rolled back afterwards."""
    a, conn = pair
    with conn.transaction(force_rollback=True):
        conn.execute(statement)  # type: ignore[arg-type]
        b = inspect_schema(conn)
    return diff_snapshots(a, b)


CASES = {
    "added column": (
        "alter table public.t add column legacy_code text",
        [Change("column", "public.t.legacy_code", "only_in_b")],
    ),
    "dropped table": (
        "drop table public.child",
        [Change("table", "public.child", "only_in_a")],
    ),
    "column type and default": (
        "alter table public.t alter column note type varchar(20), alter column note set default 'x'",
        [Change("column", "public.t.note", "differs", "default", None, "'x'::character varying"),
         Change("column", "public.t.note", "differs", "type", "text", "character varying(20)")],
    ),
    "added index": (
        "create index t_name_idx on public.t (name)",
        [Change("index", "public.t.t_name_idx", "only_in_b")],
    ),
    "view option security_invoker": (
        "alter view public.v set (security_invoker = false)",
        [Change("view", "public.v", "differs", "option security_invoker", "true", "false")],
    ),
    "policy using": (
        "alter policy t_active on public.t using (true)",
        [Change("policy", "public.t.t_active", "differs", "using", "(deleted_at IS NULL)", "true")],
    ),
    "rls forced": (
        "alter table public.t force row level security",
        [Change("rls", "public.t", "differs", "forced", False, True)],
    ),
    "grant": (
        "grant select, insert on public.t to public",
        [Change("grant", "public.t", "differs", "PUBLIC", frozenset(), frozenset({"select", "insert"}))],
    ),
    "column grant": (
        "grant update (name) on public.t to public",
        [Change("grant", "public.t.name", "differs", "PUBLIC", frozenset(), frozenset({"update"}))],
    ),
    "comment": (
        "comment on column public.t.name is 'display name'",
        [Change("comment", "public.t.name", "differs", "comment", None, "display name")],
    ),
    "enum label": (
        "alter type public.mood add value 'happy'",
        [Change("enum", "public.mood", "differs", "labels", ("sad", "ok"), ("sad", "ok", "happy"))],
    ),
    "function search_path": (
        "alter function public.f(integer) set search_path = public",
        [Change("function", "public.f(integer)", "differs", "search_path", "", "public")],
    ),
    "function security and volatility": (
        "alter function public.f(integer) security invoker volatile",
        [Change("function", "public.f(integer)", "differs", "security_definer", True, False),
         Change("function", "public.f(integer)", "differs", "volatility", "stable", "volatile")],
    ),
    "foreign key action": (
        "alter table public.child drop constraint child_t_fk, add constraint child_t_fk "
        "foreign key (t_id) references public.t (id)",
        [Change("constraint", "public.child.child_t_fk", "differs", "on_delete", "cascade", "no action")],
    ),
    "exclusion predicate": (
        "alter table public.child drop constraint child_id_excl, add constraint child_id_excl "
        "exclude using btree (id with =) where (id > 1)",
        [Change("constraint", "public.child.child_id_excl", "differs", "where", "(id > 0)", "(id > 1)")],
    ),
    "extension": (
        "create extension if not exists btree_gist",
        [Change("extension", "btree_gist", "only_in_b")],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_change_is_named(pair: tuple[Schema, psycopg.Connection], case: str) -> None:
    statement, expected = CASES[case]
    assert changed(pair, statement) == expected


def test_identical_schemas_give_no_changes(pair: tuple[Schema, psycopg.Connection]) -> None:
    a, conn = pair
    assert diff_snapshots(a, inspect_schema(conn)) == []
    assert render_changes([], "migrations", "live") == "no differences between migrations and live"


def test_dropped_constraint_is_not_reported_again_as_its_index(pair: tuple[Schema, psycopg.Connection]) -> None:
    assert changed(pair, "alter table public.child drop constraint child_id_excl") == [
        Change("constraint", "public.child.child_id_excl", "only_in_a")
    ]


def test_report_is_grouped_by_object(pair: tuple[Schema, psycopg.Connection]) -> None:
    changes = changed(pair, """
        alter table public.t add column legacy_code text;
        alter policy t_active on public.t using (true);
        alter view public.v set (security_invoker = false);
        alter function public.f(integer) reset search_path;
        alter type public.mood add value 'happy' before 'ok';
        grant select on public.t to public;
    """)
    assert render_changes(changes, "migrations", "live").splitlines() == [
        "function public.f(integer)",
        "  search_path differs: migrations '' / live (not set)",
        "enum public.mood",
        "  labels differ: only in live: happy",
        "table public.t",
        "  column legacy_code: only in live",
        "  policy t_active: using differs: migrations (deleted_at IS NULL) / live true",
        "  grant to PUBLIC: select only in live",
        "view public.v",
        "  option security_invoker differs: migrations true / live false",
    ]


def test_long_values_are_shown_on_lines_of_their_own(pair: tuple[Schema, psycopg.Connection]) -> None:
    changes = changed(pair, "create or replace view public.v with (security_invoker = true) as "
                            "select id, name from public.t where deleted_at is null")
    assert [(c.kind, c.field) for c in changes] == [("view", "definition")]
    lines = render_changes(changes, "migrations", "live").splitlines()
    assert lines[:3] == ["view public.v", "  definition differs:", "    migrations:  SELECT t.id,"]
    assert "    live:        SELECT t.id," in lines
    assert lines[-1].strip() == "WHERE t.deleted_at IS NULL;"


def test_json_round_trip(pair: tuple[Schema, psycopg.Connection]) -> None:
    changes = changed(pair, """
        grant select, insert on public.t to public;
        alter type public.mood add value 'happy';
        alter table public.t add column legacy_code text;
    """)
    data = changes_as_json(changes)
    assert json.loads(json.dumps(data)) == data
    assert data == [
        {"kind": "column", "name": "public.t.legacy_code", "change": "only_in_b", "field": None, "a": None,
         "b": None, "object_kind": "table", "object_name": "public.t"},
        {"kind": "enum", "name": "public.mood", "change": "differs", "field": "labels", "a": ["sad", "ok"],
         "b": ["sad", "ok", "happy"], "object_kind": "enum", "object_name": "public.mood"},
        {"kind": "grant", "name": "public.t", "change": "differs", "field": "PUBLIC", "a": [],
         "b": ["insert", "select"], "object_kind": "table", "object_name": "public.t"},
    ]



def test_function_body_hot_fix_is_drift(pair: tuple[Schema, psycopg.Connection]) -> None:
    statement = "create function public.sg_body() returns int language sql as $$ select {} $$"
    _, conn = pair
    with conn.transaction(force_rollback=True):
        conn.execute(statement.format(1))  # type: ignore[arg-type]
        before = inspect_schema(conn)
        conn.execute(statement.replace("create", "create or replace").format(2))  # type: ignore[arg-type]
        after = inspect_schema(conn)
    assert [(c.kind, c.name, c.change, c.field, c.a, c.b) for c in diff_snapshots(before, after)] == [
        ("function", "public.sg_body()", "differs", "body", "select 1", "select 2")
    ]
