"""Random DDL against the incremental catalog reader: after every step it equals a whole read.

``test_catalog_incremental.py`` replays the example corpora and a hand-written torture list; both
only hold the changes someone thought of. Here Hypothesis draws sequences of DDL against a small
evolving schema (two schemas plus public, a handful of tables, views, functions, types, roles)
and, after each step, compares one ``CatalogTracker`` kept across the steps with a fresh one (a
whole read). A difference is a false red or a false green in lint, so any is a failure; the
message lists the steps so far, which is the reproducer. Steps are built from what the catalog
holds right now (a column to rename is one that exists), so most apply; the few that cannot
(a type change a view forbids, a duplicate name) are rolled back and skipped.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_schemaguard.catalog.incremental import CatalogState, CatalogTracker

ROLES = ("sg_prop_alice", "sg_prop_bob")
SCHEMAS = ("public", "s1", "s2")
NAMES = ("t1", "t2", "t3", "t4", "t5")
COLUMN_NAMES = ("a", "b", "c", "d")

class World:
    """What the catalog holds now, asked of the catalog itself (no model to drift from it)."""

    def __init__(self, conn: psycopg.Connection, rnd: random.Random) -> None:
        self.conn = conn
        self.rnd = rnd

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        return self.conn.execute(query).fetchall()  # type: ignore[arg-type]  # the test's own text

    def pick(self, query: str) -> tuple[Any, ...] | None:
        found = self.rows(query)
        return self.rnd.choice(found) if found else None

    def one(self, *options: Any) -> Any:
        return self.rnd.choice(options)

    def relations(self, kinds: str) -> str:
        return (f"SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON "
                f"n.oid = c.relnamespace WHERE n.nspname IN ('public', 's1', 's2') AND c.relkind = ANY "
                f"('{{{','.join(kinds)}}}'::char[]) ORDER BY 1")

    def table(self) -> str | None:
        found = self.pick(self.relations("rp"))
        return found[0] if found else None

    def column(self, table: str, types: tuple[str, ...] = ()) -> tuple[str, str] | None:
        wanted = f" AND format_type(atttypid, atttypmod) = ANY ('{{{','.join(types)}}}')" if types else ""
        found = self.pick(f"SELECT quote_ident(attname), format_type(atttypid, atttypmod) FROM pg_attribute "
                          f"WHERE attrelid = '{table}'::regclass AND attnum > 0 AND NOT attisdropped{wanted} "
                          f"ORDER BY attnum")
        return (found[0], found[1]) if found else None

    def function(self, returns: str = "integer") -> str | None:
        found = self.pick(f"SELECT format('%I.%I', n.nspname, p.proname) FROM pg_proc p JOIN pg_namespace n ON "
                          f"n.oid = p.pronamespace WHERE n.nspname IN ('public', 's1', 's2') AND p.pronargs = 0 "
                          f"AND p.prorettype = '{returns}'::regtype ORDER BY 1")
        return found[0] if found else None

    def user_type(self, kinds: str) -> str | None:
        found = self.pick(f"SELECT format('%I.%I', n.nspname, t.typname) FROM pg_type t JOIN pg_namespace n ON "
                          f"n.oid = t.typnamespace WHERE n.nspname IN ('public', 's1', 's2') AND t.typtype = ANY "
                          f"('{{{','.join(kinds)}}}'::char[]) AND (t.typtype <> 'c' OR (SELECT relkind FROM "
                          f"pg_class WHERE oid = t.typrelid) = 'c') ORDER BY 1")
        return found[0] if found else None

    def label(self, enum: str) -> str | None:
        found = self.pick(f"SELECT quote_literal(enumlabel) FROM pg_enum WHERE enumtypid = '{enum}'::regtype "
                          f"ORDER BY enumsortorder")
        return found[0] if found else None

    def schema(self) -> str:
        return str(self.one(*SCHEMAS))

    def fresh(self, schema: str, kind: str = "r") -> str:
        """A relation (or function/type) name not taken in ``schema``: t1..t5, else a numbered one."""
        taken = {row[0] for row in self.rows(
            f"SELECT relname FROM pg_class WHERE relnamespace = '{schema}'::regnamespace UNION "
            f"SELECT typname FROM pg_type WHERE typnamespace = '{schema}'::regnamespace UNION "
            f"SELECT proname FROM pg_proc WHERE pronamespace = '{schema}'::regnamespace")}
        name = self.one(*NAMES, "v1", "v2", "f1", "f2", "ty1", "ty2")
        if name in taken:
            name = next(f"{kind}{n}" for n in range(6, 1000) if f"{kind}{n}" not in taken)
        return f"{schema}.{name}"

    def column_type(self) -> str:
        return str(self.one("integer", "bigint", "text", "varchar(20)", "numeric",
                            self.user_type("ed") or "text", self.user_type("edc") or "integer"))


def _create_table(w: World) -> str | None:
    name = w.fresh(w.schema(), "t")
    columns = ["id integer PRIMARY KEY" if w.one(True, False) else "id integer"]
    for col in COLUMN_NAMES[: w.one(0, 1, 2)]:
        columns.append(f"{col} {w.column_type()}")
    tail = ""
    kind = w.one("plain", "plain", "partitioned", "inherits")
    if kind == "partitioned":
        columns[0] = "id integer"
        tail = " PARTITION BY RANGE (id)"
    elif kind == "inherits" and (parent := w.table()):
        tail = f" INHERITS ({parent})"
    return f"CREATE TABLE {name} ({', '.join(columns)}){tail}"


def _partition(w: World) -> str | None:
    parent = w.pick(w.relations("p"))
    if parent is None:
        return None
    low = w.one(0, 100, 200)
    name = w.fresh(w.schema(), "p")
    if w.one("create", "attach") == "create":
        return f"CREATE TABLE {name} PARTITION OF {parent[0]} FOR VALUES FROM ({low}) TO ({low + 100})"
    return (f"CREATE TABLE {name} (LIKE {parent[0]}); "
            f"ALTER TABLE {parent[0]} ATTACH PARTITION {name} FOR VALUES FROM ({low}) TO ({low + 100})")


def _detach(w: World) -> str | None:
    child = w.pick("SELECT format('%I.%I', pn.nspname, p.relname), format('%I.%I', cn.nspname, c.relname) "
                   "FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class c ON c.oid = i.inhrelid "
                   "JOIN pg_namespace pn ON pn.oid = p.relnamespace JOIN pg_namespace cn ON cn.oid = c.relnamespace "
                   "WHERE p.relkind IN ('r', 'p') ORDER BY 1, 2")
    if child is None:
        return None
    parent, table = child
    if w.rows(f"SELECT 1 FROM pg_class WHERE oid = '{parent}'::regclass AND relkind = 'p'"):
        return f"ALTER TABLE {parent} DETACH PARTITION {table}"
    return f"ALTER TABLE {table} NO INHERIT {parent}"


def _drop_relation(w: World) -> str | None:
    found = w.pick(w.relations("rpvm"))
    if found is None:
        return None
    kind = w.rows(f"SELECT relkind FROM pg_class WHERE oid = '{found[0]}'::regclass")[0][0]
    word = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}[kind]
    return f"DROP {word} {found[0]} CASCADE"


def _rename_relation(w: World) -> str | None:
    found = w.pick(w.relations("rpvmSic"))
    if found is None:
        return None
    schema = found[0].split(".")[0]
    new = w.fresh(schema.strip('"'), "r").split(".")[1]
    kind = w.rows(f"SELECT relkind FROM pg_class WHERE oid = '{found[0]}'::regclass")[0][0]
    return f"ALTER {'TYPE' if kind == 'c' else 'TABLE'} {found[0]} RENAME TO {new}"


def _set_schema(w: World) -> str | None:
    what = w.one("TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "FUNCTION", "TYPE", "DOMAIN")
    if what in ("TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE"):
        found = w.pick(w.relations({"TABLE": "rp", "VIEW": "v", "MATERIALIZED VIEW": "m", "SEQUENCE": "S"}[what]))
        target = found[0] if found else None
    elif what == "FUNCTION":
        target = w.function() or w.function("trigger")
    else:
        target = w.user_type("e" if what == "TYPE" else "d")
    if target is None:
        return None
    return f"ALTER {what} {target} SET SCHEMA {w.schema()}"


def _add_column(w: World) -> str | None:
    table = w.table()
    if table is None:
        return None
    name = w.one(*COLUMN_NAMES, "e", "f")
    kind = w.one("plain", "default", "identity", "generated", "serial", "sequence", "fk", "enum", "composite")
    if kind == "enum" and (enum := w.user_type("e")) and (label := w.label(enum)):
        return f"ALTER TABLE {table} ADD COLUMN {name} {enum} DEFAULT {label}"
    if kind == "composite" and (composite := w.user_type("c")):
        return f"ALTER TABLE {table} ADD COLUMN {name} {composite}"
    if kind == "default" and (fn := w.function()):
        return f"ALTER TABLE {table} ADD COLUMN {name} integer DEFAULT {fn}()"
    if kind == "identity":
        return f"ALTER TABLE {table} ADD COLUMN {name} bigint GENERATED {w.one('ALWAYS', 'BY DEFAULT')} AS IDENTITY"
    if kind == "generated" and w.column(table, ("integer",)):
        col = w.column(table, ("integer",))
        assert col is not None
        return f"ALTER TABLE {table} ADD COLUMN {name} integer GENERATED ALWAYS AS ({col[0]} * 2) STORED"
    if kind == "serial":
        return f"ALTER TABLE {table} ADD COLUMN {name} serial"
    if kind == "sequence" and (seq := w.pick(w.relations("S"))):
        return f"ALTER TABLE {table} ADD COLUMN {name} bigint DEFAULT nextval('{seq[0]}')"
    if kind == "fk" and (ref := w.pick(w.relations("r"))):
        keyed = w.rows(f"SELECT 1 FROM pg_constraint WHERE conrelid = '{ref[0]}'::regclass AND contype = 'p'")
        if keyed:
            return f"ALTER TABLE {table} ADD COLUMN {name} integer REFERENCES {ref[0]}"
    return f"ALTER TABLE {table} ADD COLUMN {name} {w.column_type()}"


def _drop_column(w: World) -> str | None:
    table = w.table()
    col = w.column(table) if table else None
    return f"ALTER TABLE {table} DROP COLUMN {col[0]} CASCADE" if col else None


def _rename_column(w: World) -> str | None:
    found = w.pick(w.relations("rpvmcf"))
    if found is None:
        return None
    col = w.column(found[0])
    if col is None:
        return None
    kind = w.rows(f"SELECT relkind FROM pg_class WHERE oid = '{found[0]}'::regclass")[0][0]
    if kind == "f":
        return f"ALTER FOREIGN TABLE {found[0]} RENAME COLUMN {col[0]} TO {w.one(*COLUMN_NAMES, 'x', 'y')}"
    if kind == "c":
        return f"ALTER TYPE {found[0]} RENAME ATTRIBUTE {col[0]} TO {w.one(*COLUMN_NAMES, 'x', 'y')}"
    return f"ALTER TABLE {found[0]} RENAME COLUMN {col[0]} TO {w.one(*COLUMN_NAMES, 'x', 'y')}"


def _alter_column(w: World) -> str | None:
    table = w.table()
    col = w.column(table) if table else None
    if col is None:
        return None
    change = w.one("type", "default", "drop default", "not null", "null", "statistics", "identity")
    if change == "type":
        new = {"integer": "bigint", "bigint": "numeric", "text": "varchar(30)", "character varying(20)": "text"}.get(
            col[1], "text")
        return f"ALTER TABLE {table} ALTER COLUMN {col[0]} TYPE {new} USING {col[0]}::text::{new}"
    if change == "default":
        fn = w.function() if col[1] in ("integer", "bigint", "numeric") else None
        return f"ALTER TABLE {table} ALTER COLUMN {col[0]} SET DEFAULT {fn + '()' if fn else 'NULL'}"
    if change == "drop default":
        return f"ALTER TABLE {table} ALTER COLUMN {col[0]} DROP DEFAULT"
    if change == "not null":
        return f"ALTER TABLE {table} ALTER COLUMN {col[0]} SET NOT NULL"
    if change == "null":
        return f"ALTER TABLE {table} ALTER COLUMN {col[0]} DROP NOT NULL"
    if change == "statistics":
        return f"ALTER TABLE {table} ALTER COLUMN {col[0]} SET STATISTICS {w.one(10, 500)}"
    return f"ALTER TABLE {table} ALTER COLUMN {col[0]} ADD GENERATED BY DEFAULT AS IDENTITY"


def _constraint(w: World) -> str | None:
    table = w.table()
    if table is None:
        return None
    kind = w.one("check", "check fn", "check enum", "unique", "fk", "drop", "rename")
    name = w.one("k1", "k2", "k3")
    if kind in ("drop", "rename"):
        found = w.pick(f"SELECT quote_ident(conname) FROM pg_constraint WHERE conrelid = '{table}'::regclass "
                       f"ORDER BY 1")
        if found is None:
            return None
        if kind == "drop":
            return f"ALTER TABLE {table} DROP CONSTRAINT {found[0]} CASCADE"
        return f"ALTER TABLE {table} RENAME CONSTRAINT {found[0]} TO {name}"
    if kind == "check fn" and (fn := w.function()):
        return f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({fn}() > 0)"
    if kind == "check enum" and (col := w.column(table, tuple(t for t in [w.user_type("e")] if t))):
        label = w.label(col[1])
        if label:
            return f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({col[0]} <> {label})"
    col = w.column(table)
    if col is None:
        return None
    if kind == "unique":
        return f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({col[0]})"
    if kind == "fk" and (ref := w.pick(w.relations("r"))):
        return f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({col[0]}) REFERENCES {ref[0]}"
    return f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({col[0]} IS NOT NULL)"


def _index(w: World) -> str | None:
    kind = w.one("plain", "expression", "partial", "function", "drop", "rename", "statistics", "cluster")
    if kind in ("drop", "rename", "statistics", "cluster"):
        found = w.pick(w.relations("i"))
        if found is None:
            return None
        if kind == "drop":
            return f"DROP INDEX {found[0]} CASCADE"
        if kind == "rename":
            return f"ALTER INDEX {found[0]} RENAME TO {w.one('i1', 'i2', 'i3')}"
        if kind == "statistics":
            return f"ALTER INDEX {found[0]} ALTER COLUMN 1 SET STATISTICS {w.one(10, 300)}"
        table = w.rows(f"SELECT indrelid::regclass::text FROM pg_index WHERE indexrelid = '{found[0]}'::regclass")
        return f"CLUSTER {table[0][0]} USING {found[0].split('.')[-1]}"
    found = w.pick(w.relations("rm"))
    col = w.column(found[0]) if found else None
    if found is None or col is None:
        return None
    name = w.one("i1", "i2", "i3", "i4")
    if kind == "expression" and col[1] in ("text", "character varying(20)"):
        return f"CREATE INDEX {name} ON {found[0]} (lower({col[0]}))"
    if kind == "function" and (fn := w.function()):
        volatile = w.rows(f"SELECT provolatile FROM pg_proc WHERE oid = '{fn}()'::regprocedure")[0][0]
        if volatile == "i":
            return f"CREATE INDEX {name} ON {found[0]} (({col[0]} IS NULL), ({fn}()))"
    if kind == "partial":
        enum = w.column(found[0], tuple(t for t in [w.user_type("e")] if t))
        label = w.label(enum[1]) if enum else None
        where = f"{enum[0]} <> {label}" if enum and label else f"{col[0]} IS NOT NULL"
        return f"CREATE INDEX {name} ON {found[0]} ({col[0]}) WHERE {where}"
    return f"CREATE {w.one('', 'UNIQUE')} INDEX {name} ON {found[0]} ({col[0]})"


def _view(w: World) -> str | None:
    kind = w.one("view", "view", "matview", "replace", "rename column", "option", "refresh")
    source = w.pick(w.relations("rpvmf"))
    if source is None:
        return None
    if kind == "rename column":
        view = w.pick(w.relations("vm"))
        col = w.column(view[0]) if view else None
        return f"ALTER TABLE {view[0]} RENAME COLUMN {col[0]} TO {w.one('x', 'y', 'z')}" if view and col else None
    if kind == "option":
        view = w.pick(w.relations("v"))
        return f"ALTER VIEW {view[0]} SET (security_invoker = {w.one('on', 'off')})" if view else None
    if kind == "refresh":
        view = w.pick(w.relations("m"))
        return f"REFRESH MATERIALIZED VIEW {view[0]}" if view else None
    cols = w.rows(f"SELECT quote_ident(attname), format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
                  f"attrelid = '{source[0]}'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")
    if not cols:
        return None
    picked = cols[: w.one(1, 2, len(cols))]
    select = ", ".join(c[0] for c in picked)
    where = ""
    if (fn := w.function()) and w.one(True, False):
        where = f" WHERE {fn}() > 0"
    composite = [c for c in cols if w.rows(f"SELECT 1 FROM pg_type WHERE typtype = 'c' AND format_type(oid, NULL) = "
                                           f"{quote(c[1])}")]
    if composite and w.one(True, False):
        field = w.rows(f"SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = "
                       f"(SELECT typrelid FROM pg_type WHERE oid = '{composite[0][1]}'::regtype) AND attnum > 0 "
                       f"AND NOT attisdropped ORDER BY attnum")
        if field:
            select += f", ({composite[0][0]}).{field[0][0]} AS field"
    enum = [c for c in cols if w.rows(f"SELECT 1 FROM pg_type WHERE typtype = 'e' AND format_type(oid, NULL) = "
                                      f"{quote(c[1])}")]
    if enum and (label := w.label(enum[0][1])) and w.one(True, False):
        where = f" WHERE {enum[0][0]} = {label}"
    if w.one(True, False, False):
        select += ", array_length(ARRAY[1], 1) AS l"
    if kind == "replace":
        view = w.pick(w.relations("v"))
        if view is None:
            return None
        return f"CREATE OR REPLACE VIEW {view[0]} AS SELECT {select} FROM {source[0]}{where}"
    name = w.fresh(w.schema(), "v")
    word = "MATERIALIZED VIEW" if kind == "matview" else "VIEW"
    return f"CREATE {word} {name} AS SELECT {select} FROM {source[0]}{where}"


def _policy(w: World) -> str | None:
    table = w.table()
    if table is None:
        return None
    kind = w.one("create", "create", "drop", "rls", "force", "rename")
    if kind == "rls":
        return f"ALTER TABLE {table} {w.one('ENABLE', 'DISABLE')} ROW LEVEL SECURITY"
    if kind == "force":
        return f"ALTER TABLE {table} {w.one('FORCE', 'NO FORCE')} ROW LEVEL SECURITY"
    if kind in ("drop", "rename"):
        found = w.pick(f"SELECT quote_ident(polname) FROM pg_policy WHERE polrelid = '{table}'::regclass ORDER BY 1")
        if found is None:
            return None
        if kind == "drop":
            return f"DROP POLICY {found[0]} ON {table}"
        return f"ALTER POLICY {found[0]} ON {table} RENAME TO {w.one('p1', 'p2', 'p3')}"
    conditions = ["true"]
    if fn := w.function():
        conditions.append(f"{fn}() = 1")
    other = w.table()
    col = w.column(other) if other else None
    if other and col:
        conditions.append(f"EXISTS (SELECT 1 FROM {other} o WHERE o.{col[0]} IS NOT NULL)")
    roles = w.one("public", ROLES[0], f"{ROLES[0]}, {ROLES[1]}")
    return (f"CREATE POLICY {w.one('p1', 'p2', 'p3')} ON {table} FOR {w.one('ALL', 'SELECT', 'UPDATE')} TO {roles} "
            f"USING ({' AND '.join(conditions)})")


def _trigger(w: World) -> str | None:
    kind = w.one("create", "create", "drop", "disable", "rename")
    if kind != "create":
        found = w.pick("SELECT quote_ident(tgname), tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal "
                       "ORDER BY 1, 2")
        if found is None:
            return None
        if kind == "drop":
            return f"DROP TRIGGER {found[0]} ON {found[1]}"
        if kind == "rename":
            return f"ALTER TRIGGER {found[0]} ON {found[1]} RENAME TO {w.one('g1', 'g2')}"
        return f"ALTER TABLE {found[1]} {w.one('DISABLE', 'ENABLE')} TRIGGER {found[0]}"
    table = w.table()
    fn = w.function("trigger")
    if table is None or fn is None:
        return None
    col = w.column(table)
    when = f" OF {col[0]}" if col and w.one(True, False) else ""
    return (f"CREATE TRIGGER {w.one('g1', 'g2', 'g3')} BEFORE UPDATE{when} ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION {fn}()")


def _function(w: World) -> str | None:
    kind = w.one("create", "create", "trigger", "replace", "rename", "overload", "drop")
    if kind in ("create", "trigger", "overload"):
        name = w.fresh(w.schema(), "f") if kind != "overload" else None
        if kind == "trigger":
            return (f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                    f"$$ BEGIN RETURN new; END $$")
        if kind == "overload":
            fn = w.one("public.one", w.function() or "public.one")
            arg = w.one("a integer", "a integer DEFAULT 0", "VARIADIC a integer[]")
            return f"CREATE FUNCTION {fn}({arg}) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 2 $$"
        return (f"CREATE FUNCTION {name}() RETURNS integer LANGUAGE sql {w.one('IMMUTABLE', 'STABLE')} "
                f"AS $$ SELECT {w.one(1, 2)} $$")
    fn = w.function() if w.one(True, False) else w.function("trigger")
    if fn is None:
        return None
    if kind == "replace":
        returns = w.rows(f"SELECT prorettype::regtype::text FROM pg_proc WHERE oid = '{fn}()'::regprocedure")[0][0]
        body = "LANGUAGE sql IMMUTABLE AS $$ SELECT 3 $$" if returns == "integer" else \
            "LANGUAGE plpgsql AS $$ BEGIN RETURN old; END $$"
        return f"CREATE OR REPLACE FUNCTION {fn}() RETURNS {returns} {body}"
    if kind == "rename":
        return f"ALTER FUNCTION {fn}() RENAME TO {w.one('f1', 'f2', 'f3', 'g')}"
    return f"DROP FUNCTION {fn}() CASCADE"


def _user_type(w: World) -> str | None:
    kind = w.one("enum", "domain", "composite", "rename", "add value", "rename value", "domain alter", "drop")
    if kind == "enum":
        return f"CREATE TYPE {w.fresh(w.schema(), 'ty')} AS ENUM ('happy', 'sad')"
    if kind == "domain":
        return f"CREATE DOMAIN {w.fresh(w.schema(), 'ty')} AS integer CHECK (VALUE >= 0)"
    if kind == "composite":
        return f"CREATE TYPE {w.fresh(w.schema(), 'ty')} AS (x integer, y text)"
    if kind == "add value" and (enum := w.user_type("e")):
        where = w.one("", "BEFORE " + quote("sad"))
        return f"ALTER TYPE {enum} ADD VALUE {w.one(quote('calm'), quote('angry'))} {where}"
    if kind == "rename value" and (enum := w.user_type("e")) and (label := w.label(enum)):
        return f"ALTER TYPE {enum} RENAME VALUE {label} TO {w.one(quote('glad'), quote('blue'))}"
    if kind == "domain alter" and (domain := w.user_type("d")):
        return f"ALTER DOMAIN {domain} {w.one('SET DEFAULT 5', 'DROP DEFAULT', 'ADD CHECK (VALUE < 1000)')}"
    found = w.user_type("edc")
    if found is None:
        return None
    if kind == "drop":
        return f"DROP TYPE {found} CASCADE"
    return f"ALTER TYPE {found} RENAME TO {w.one('ty1', 'ty2', 'ty3', 'mood')}"


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comment(w: World) -> str | None:
    found = w.pick(w.relations("rpvm"))
    if found is None:
        return None
    text = w.one("'a comment'", "'another'", "NULL")
    col = w.column(found[0]) if w.one(True, False) else None
    if col:
        return f"COMMENT ON COLUMN {found[0]}.{col[0]} IS {text}"
    kind = w.rows(f"SELECT relkind FROM pg_class WHERE oid = '{found[0]}'::regclass")[0][0]
    word = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}[kind]
    return f"COMMENT ON {word} {found[0]} IS {text}"


def _grant(w: World) -> str | None:
    found = w.pick(w.relations("rpvm"))
    if found is None:
        return None
    who = w.one("PUBLIC", *ROLES)
    col = w.column(found[0]) if w.one(True, False) else None
    what = f"SELECT ({col[0]})" if col else w.one("SELECT", "ALL", "INSERT, UPDATE")
    if w.one("grant", "revoke") == "grant":
        return f"GRANT {what} ON {found[0]} TO {who}"
    return f"REVOKE {what} ON {found[0]} FROM {who}"


def _owner(w: World) -> str | None:
    found = w.pick(w.relations("rpvmS"))
    if found is None:
        return None
    return f"ALTER TABLE {found[0]} OWNER TO {w.one('CURRENT_USER', *ROLES)}"


def _sequence(w: World) -> str | None:
    kind = w.one("create", "rename", "drop")
    if kind == "create":
        return f"CREATE SEQUENCE {w.fresh(w.schema(), 'q')}"
    found = w.pick(w.relations("S"))
    if found is None:
        return None
    if kind == "rename":
        return f"ALTER SEQUENCE {found[0]} RENAME TO {w.one('q1', 'q2', 'q3')}"
    return f"DROP SEQUENCE {found[0]} CASCADE"


def _odd(w: World) -> str | None:
    """Changes that touch the catalog without the usual row updates (or none at all)."""
    table = w.table()
    if table is None:
        return None
    kind = w.one("replica", "rule", "statistics", "extension", "vacuum", "analyze", "options")
    if kind == "replica":
        return f"ALTER TABLE {table} REPLICA IDENTITY {w.one('FULL', 'DEFAULT', 'NOTHING')}"
    if kind == "rule":
        return f"CREATE RULE {w.one('r1', 'r2')} AS ON DELETE TO {table} DO INSTEAD NOTHING"
    if kind == "statistics":
        cols = w.rows(f"SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = '{table}'::regclass AND "
                      f"attnum > 0 AND NOT attisdropped ORDER BY attnum")
        if len(cols) < 2:
            return None
        return f"CREATE STATISTICS {table}_st ON {cols[0][0]}, {cols[1][0]} FROM {table}"
    if kind == "extension":
        return f"ALTER EXTENSION plpgsql {w.one('ADD', 'DROP')} TABLE {table}"
    if kind == "vacuum":
        return f"VACUUM {w.one('FULL', 'FREEZE', '(ANALYZE)')} {table}"
    if kind == "analyze":
        return f"ANALYZE {table}"
    return f"ALTER TABLE {table} SET (fillfactor = {w.one(70, 90)})"


def _extension(w: World) -> str | None:
    if not w.rows("SELECT 1 FROM pg_available_extensions WHERE name = 'citext'"):
        return None
    installed = w.rows("SELECT 1 FROM pg_extension WHERE extname = 'citext'")
    if not installed:
        return f"CREATE EXTENSION citext SCHEMA {w.schema()}"
    kind = w.one("schema", "column", "column", "drop")
    if kind == "schema":
        return f"ALTER EXTENSION citext SET SCHEMA {w.schema()}"
    table = w.table()
    if kind == "column" and table:
        schema = w.rows("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'citext'")[0][0]
        return f"ALTER TABLE {table} ADD COLUMN {w.one(*COLUMN_NAMES)} {schema}.citext"
    return "DROP EXTENSION citext CASCADE"


def _composite(w: World) -> str | None:
    composite = w.user_type("c")
    if composite is None:
        return None
    kind = w.one("add", "drop", "type")
    if kind == "add":
        return f"ALTER TYPE {composite} ADD ATTRIBUTE {w.one('x', 'y', 'z')} integer CASCADE"
    col = w.column(composite)
    if col is None:
        return None
    if kind == "drop":
        return f"ALTER TYPE {composite} DROP ATTRIBUTE {col[0]} CASCADE"
    return f"ALTER TYPE {composite} ALTER ATTRIBUTE {col[0]} TYPE {w.one('bigint', 'text')} CASCADE"


def _foreign_table(w: World) -> str | None:
    """A foreign table (no wrapper handler needed to create one): views over it print its columns."""
    server = "" if w.rows("SELECT 1 FROM pg_foreign_server WHERE srvname = 'srv'") else \
        "CREATE FOREIGN DATA WRAPPER prop_dummy; CREATE SERVER srv FOREIGN DATA WRAPPER prop_dummy; "
    return f"{server}CREATE FOREIGN TABLE {w.fresh(w.schema(), 'ft')} (id integer, a text) SERVER srv"


def _homonym(w: World) -> str | None:
    """A public function or operator with the name of one pg_catalog has: calls may resolve to it."""
    kind = w.one("function", "operator", "drop")
    if kind == "function":
        return "CREATE FUNCTION public.array_length(integer[], integer) RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$"
    if kind == "operator" and (enum := w.user_type("e")):
        return (f"CREATE FUNCTION public.ne({enum}, {enum}) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$; "
                f"CREATE OPERATOR public.<> (LEFTARG = {enum}, RIGHTARG = {enum}, FUNCTION = public.ne)")
    return w.one("DROP FUNCTION public.array_length(integer[], integer)", "DROP FUNCTION public.ne CASCADE")


def _schema_rename(w: World) -> list[str]:
    schema = w.one("s1", "s2")
    return [f"ALTER SCHEMA {schema} RENAME TO {schema}_x", f"ALTER SCHEMA {schema}_x RENAME TO {schema}",
            f"ALTER SCHEMA {schema} OWNER TO {w.one(*ROLES)}"]


OPERATIONS: list[Callable[[World], str | list[str] | None]] = [
    _create_table, _create_table, _partition, _detach, _drop_relation, _rename_relation, _set_schema, _add_column,
    _add_column, _drop_column, _rename_column, _rename_column, _alter_column, _constraint, _index, _view, _view,
    _policy, _trigger, _function, _function, _user_type, _user_type, _user_type, _comment, _grant, _owner,
    _sequence, _odd, _odd, _extension, _composite, _homonym, _schema_rename,
    _foreign_table,
]

BASE = """
    CREATE TYPE public.mood AS ENUM ('happy', 'sad');
    CREATE TYPE s1.pair AS (x integer, y text);
    CREATE FUNCTION public.one() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;
    CREATE FUNCTION s2.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN new; END $$;
    CREATE TABLE public.t1 (id integer PRIMARY KEY, a text, m public.mood DEFAULT 'happy', p s1.pair,
                            n integer DEFAULT public.one() CHECK (n > 0));
    CREATE TABLE s1.t2 (id integer PRIMARY KEY, t1_id integer REFERENCES public.t1, b text);
    CREATE VIEW s2.v1 AS SELECT id, (p).x, m FROM public.t1 WHERE m <> 'sad' AND public.one() > 0;
"""
"""Every example starts here: each kind of reference (enum label, composite field, function call,
foreign key, view on a table in another schema) exists from the first step on."""

NO_TRANSACTION = ("VACUUM",)
STEPS = 30


def _mismatch(incremental: CatalogState, whole: CatalogState) -> str:
    names = sorted(set(whole.schema.tables) | set(incremental.schema.tables) | set(whole.schema.views)
                   | set(incremental.schema.views) | set(whole.schema.materialized_views)
                   | set(incremental.schema.materialized_views))
    wrong = [n for n in names if any(getattr(whole.schema, kind).get(n) != getattr(incremental.schema, kind).get(n)
                                     for kind in ("tables", "views", "materialized_views"))]
    if incremental.relations != whole.relations:
        wrong.append("(relations)")
    return ", ".join(wrong) or "other fields"


@pytest.fixture
def prop_conn(scratch_conn: psycopg.Connection) -> Iterator[psycopg.Connection]:
    """The scratch database in autocommit (each step its own transaction) with the probe roles."""
    scratch_conn.autocommit = True
    _drop_roles(scratch_conn)  # cluster-wide: an interrupted earlier run may have left them
    for role in ROLES:
        scratch_conn.execute(f"CREATE ROLE {role}")  # type: ignore[arg-type]  # constant names
    try:
        yield scratch_conn
    finally:
        _drop_roles(scratch_conn)


def _drop_roles(conn: psycopg.Connection) -> None:
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
    for role in ROLES:
        with contextlib.suppress(psycopg.Error), conn.transaction():
            conn.execute(f"DROP OWNED BY {role}")  # type: ignore[arg-type]
            conn.execute(f"DROP ROLE {role}")  # type: ignore[arg-type]


@settings(max_examples=8, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_random_ddl_reads_the_same_incrementally(prop_conn: psycopg.Connection, data: st.DataObject) -> None:
    conn = prop_conn
    conn.execute("DROP EXTENSION IF EXISTS citext CASCADE; DROP FOREIGN DATA WRAPPER IF EXISTS prop_dummy CASCADE; "
                 "DROP SCHEMA IF EXISTS s1, s2, s1_x, s2_x, public CASCADE; "
                 "CREATE SCHEMA public; CREATE SCHEMA s1; CREATE SCHEMA s2; "
                 "CREATE EXTENSION IF NOT EXISTS plpgsql")  # its member tables took it along
    conn.execute(BASE)
    rnd = data.draw(st.randoms(use_true_random=False), label="random")
    world = World(conn, rnd)
    tracker = CatalogTracker()
    steps: list[str] = []
    try:
        tracker.read(conn)
        for _ in range(STEPS):
            operation = rnd.choice(OPERATIONS)
            made = operation(world)
            for statement in [made] if isinstance(made, str) else made or []:
                try:
                    if statement.startswith(NO_TRANSACTION):
                        conn.execute(statement)  # type: ignore[arg-type]  # built from catalog names
                    else:
                        with conn.transaction():
                            conn.execute(statement)  # type: ignore[arg-type]
                except psycopg.Error:
                    break  # e.g. a type change a view forbids: nothing changed
                steps.append(statement)
                incremental = tracker.read(conn)
                whole = CatalogTracker().read(conn)
                assert incremental == whole, (f"after {len(steps)} steps the incremental read differs in "
                                              f"{_mismatch(incremental, whole)}:\n" + ";\n".join(steps))
    finally:
        tracker.close()
