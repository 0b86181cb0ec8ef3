"""The table and index a CREATE statement makes, as lint reads them, are the ones PostgreSQL makes.

Lint reads CREATE TABLE and CREATE INDEX from their tokens (sqlglot's whole parse of a CREATE TABLE
cost ~0.8 ms a statement, most of lint's analysis of a big schema, for a name that follows
``TABLE [IF NOT EXISTS]``). Which table a file created decides whether an index on it needs
CONCURRENTLY, so a wrong name is a false red or a false green: the oracle here is the server,
which runs every generated statement and shows which relation it created.
"""

from __future__ import annotations

import psycopg
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from psycopg import sql

from pytest_schemaguard.lint.statements import analyse

SCHEMAS = ("app", "My.Schema", "UPPER", "only")  # created first; none is on the search_path but public
# Quoted names that spell the keywords the readers look for: a name is never a keyword.
KEYWORDS = ("on", "ON", "On", "only", "ONLY", "concurrently", "CONCURRENTLY", "if", "not", "exists", "index",
            "unique", "using", "table", "check")
TABLES = ("base", "on", "only", "ONLY", "concurrently", "CONCURRENTLY")  # in public and in every schema


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# (how the statement spells the name, how PostgreSQL stores it)
# How the server stores an unquoted name is what the test checks, so it is not computed here: the
# oracle is the relation the server made. Non-ASCII letters (the server folds only A-Z) and names
# past 63 bytes (the server cuts them) are among them.
UNQUOTED = st.one_of(st.from_regex(r"[a-zA-Z_É][a-zA-Z0-9_Éé]{0,10}", fullmatch=True),
                     st.text(st.sampled_from("aBÉé_"), min_size=55, max_size=70)).map(lambda w: (w, None))
LONG_QUOTED = st.text(st.sampled_from("aBé. "), min_size=60, max_size=70).map(lambda w: (quoted(w), None))
QUOTED = st.text(st.sampled_from('abcXYZ09_ .-"é'), min_size=1, max_size=12).map(lambda w: (quoted(w), w))
KEYWORD_NAMES = st.sampled_from(KEYWORDS).map(lambda w: (quoted(w), w))


@st.composite
def unicode_escaped(draw: st.DrawFn) -> tuple[str, str | None]:
    """``U&"..."``: some characters as ``\\XXXX`` or ``\\+XXXXXX``, perhaps with another escape character."""
    name = draw(st.text(st.sampled_from('abcXYZ09_ .é"'), min_size=1, max_size=8))
    escape = draw(st.sampled_from(["\\", "!"]))
    spelled = "".join(draw(st.sampled_from([c.replace('"', '""'), f"{escape}{ord(c):04x}", f"{escape}+{ord(c):06X}"]))
                      for c in name)
    uescape = f" UESCAPE '{escape}'" if escape != "\\" or draw(st.booleans()) else ""
    return f'{draw(st.sampled_from(["U", "u"]))}&"{spelled}"{uescape}', name


NAMES = st.one_of(UNQUOTED, QUOTED, KEYWORD_NAMES, LONG_QUOTED, unicode_escaped())
SCHEMA = st.one_of(st.none(), st.sampled_from(SCHEMAS).map(lambda s: (quoted(s), s)),
                   st.sampled_from([("public", "public"), ("PUBLIC", "public"), ("app", "app")]))
GAPS = st.sampled_from([" ", "  ", "\n", " /* a comment */ ", " -- a comment\n"])


def qualified(schema: tuple[str, str] | None, name: tuple[str, str | None]) -> tuple[str, str | None]:
    """(as spelled, as stored or None when only the server can tell)."""
    stored_schema = "public" if schema is None else schema[1]
    spelled = name[0] if schema is None else f"{schema[0]}.{name[0]}"
    return spelled, None if name[1] is None else f"{stored_schema}.{name[1]}"


@st.composite
def create_table(draw: st.DrawFn) -> tuple[str, str | None]:
    spelled, stored = qualified(draw(SCHEMA), draw(NAMES))
    gap = draw(GAPS)
    head = draw(st.sampled_from(["CREATE", "create", "CREATE UNLOGGED"]))
    exists = draw(st.sampled_from(["", f"IF{gap}NOT EXISTS "]))
    body = draw(st.sampled_from(["(a int, b text default 'x')", "(LIKE public.base)", "AS SELECT 1 AS a",
                                 "OF public.pair", "PARTITION OF public.parent FOR VALUES IN ({n})",
                                 "(a int) PARTITION BY RANGE (a)"]))
    body = body.format(n=draw(st.integers(1, 10**6)))
    return f"{head}{gap}TABLE {exists}{spelled}{gap}{body}", stored


# (statement, its table as stored, (its index name as stored, None if only the server can tell)
# or None when unnamed, CONCURRENTLY)
IndexCase = tuple[str, str, tuple[str | None] | None, bool]


@st.composite
def create_index(draw: st.DrawFn) -> IndexCase:
    table = draw(st.sampled_from(TABLES))
    table_spelled, table_stored = qualified(draw(SCHEMA), (quoted(table), table))
    name = draw(st.one_of(st.none(), NAMES))
    gap = draw(GAPS)
    unique = draw(st.sampled_from(["", "UNIQUE "]))
    concurrently = draw(st.sampled_from(["", "CONCURRENTLY "]))
    only = draw(st.sampled_from(["", "ONLY "]))
    named = ""
    if name is not None:
        named = f"{draw(st.sampled_from(['', 'IF NOT EXISTS ']))}{name[0]} "
    if concurrently:
        only = ""  # the server refuses CONCURRENTLY with ONLY
    text = f"CREATE {unique}INDEX{gap}{concurrently}{named}ON {only}{table_spelled}{gap}(a)"
    assert table_stored is not None  # the tables are quoted
    return text, table_stored, None if name is None else (name[1],), bool(concurrently)


def relations(conn: psycopg.Connection) -> set[tuple[str, str, str]]:
    return {(schema, name, kind) for schema, name, kind in conn.execute(
        "SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'i', 'I') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_toast%'")}


def created_by(conn: psycopg.Connection, text: str, *, concurrently: bool = False) -> set[tuple[str, str, str]]:
    """The relations ``text`` created, undone afterwards; none when the server refused it. CREATE
    INDEX CONCURRENTLY cannot run in a transaction: its index is dropped instead."""
    before = relations(conn)
    try:
        if concurrently:
            conn.execute(text)
            made = relations(conn) - before
            for schema, name, _ in made:
                conn.execute(sql.SQL("DROP INDEX {}.{}").format(sql.Identifier(schema), sql.Identifier(name)))
            return made
        with conn.transaction(force_rollback=True):
            conn.execute(text)
            return relations(conn) - before
    except psycopg.errors.Error:
        return set()


@pytest.fixture
def names_db(scratch_conn: psycopg.Connection) -> psycopg.Connection:
    scratch_conn.autocommit = True
    for schema in SCHEMAS:
        scratch_conn.execute(f"CREATE SCHEMA {quoted(schema)}")
    for schema in ("public", *SCHEMAS):
        for table in TABLES:
            scratch_conn.execute(f"CREATE TABLE {quoted(schema)}.{quoted(table)} (a int)")
    scratch_conn.execute("CREATE TYPE public.pair AS (a int, b int)")
    scratch_conn.execute("CREATE TABLE public.parent (a int) PARTITION BY LIST (a)")
    return scratch_conn


SETTINGS = settings(derandomize=True, max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])


@SETTINGS
@given(create_table())
def test_the_table_a_create_table_names_is_the_one_postgresql_creates(names_db: psycopg.Connection,
                                                                      case: tuple[str, str | None]) -> None:
    text, stored = case
    made = {(schema, name) for schema, name, kind in created_by(names_db, text) if kind in ("r", "p")}
    assume(made)  # a name the server refuses (a reserved word, a duplicate): nothing to compare
    facts = analyse(text)
    [(schema, name)] = made
    assert (facts.kind, facts.tables) == ("create_table", (f"{schema}.{name}",)), text
    assert stored in (None, f"{schema}.{name}"), text


@SETTINGS
@given(create_index())
def test_the_index_and_table_a_create_index_names_are_the_ones_postgresql_uses(names_db: psycopg.Connection,
                                                                             case: IndexCase) -> None:
    text, table, index, concurrently = case
    made = {(schema, name) for schema, name, kind in created_by(names_db, text, concurrently=concurrently)
            if kind in ("i", "I")}
    assume(made)
    facts = analyse(text)
    assert (facts.kind, facts.tables, facts.concurrently) == ("create_index", (table,), concurrently), text
    [(made_schema, made_name)] = made
    assert f"{made_schema}." == table[: len(made_schema) + 1], text  # an index lives in its table's schema
    if index is not None:  # named: the name the server gave it
        assert facts.indexes == (f"{made_schema}.{made_name}",), text
        assert index[0] in (None, made_name), text
    else:
        assert facts.indexes == (), text  # the server picks the name; lint does not guess it
