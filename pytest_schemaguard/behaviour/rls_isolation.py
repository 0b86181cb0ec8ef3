"""``behaviour[rls_isolation <table>]``: as the API role, one user cannot see or change another's rows.

Two users are made (rows in ``auth.users`` when it exists, and their owner rows in
``owner_from``'s table when that is given); each gets one row of the table. Then, as role
``authenticated`` with ``request.jwt.claims`` naming user A, every declared command is tried on
user B's row: SELECT must not see it, UPDATE and DELETE must not touch it. User A must still see
their own row for ``select``, so a policy that hides everything does not pass as "isolated".
Everything happens in a transaction that is rolled back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import psycopg
from hypothesis import strategies as st
from psycopg import sql

from .rows import CannotBuild, RowBuilder, describe_error, execute, table_ident
from .runner import PropertyFailed, run_property

if TYPE_CHECKING:
    from ..session import SchemaguardSession

COMMANDS = ("select", "update", "delete")


@dataclass(frozen=True)
class Isolation:
    table: str  # qualified
    owner_column: str
    owner_from: tuple[str, str] | None  # (qualified table, column holding the auth user id)
    commands: tuple[str, ...]
    role: str
    line: int
    fill: tuple[str, ...] = ()  # nullable columns to give a value anyway (e.g. for a CHECK)

    @classmethod
    def from_entry(cls, options: Mapping[str, object], line: int) -> Isolation:
        """Options already validated by ``entries.entry_problem``."""
        table = str(options["table"])
        owner_from = None
        if options.get("owner_from"):
            target, _, column = str(options["owner_from"]).rpartition(".")
            owner_from = (target if "." in target else f"public.{target}", column)
        return cls(
            table=table if "." in table else f"public.{table}",
            owner_column=str(options["owner_column"]),
            owner_from=owner_from,
            commands=tuple(str(c) for c in _listed(options, "commands", ["select"])),
            role=str(options.get("role", "authenticated")),
            line=line,
            fill=tuple(str(c) for c in _listed(options, "fill", [])),
        )


def _listed(options: Mapping[str, object], key: str, default: list[object]) -> list[object]:
    value = options.get(key, default)
    return list(value) if isinstance(value, (list, tuple)) else default


def check_rls_isolation(session: SchemaguardSession, isolation: Isolation) -> str | None:
    problem = _unknown_names(session, isolation)
    if problem:
        name = session.expectations.path.name if session.expectations is not None else "schema_expectations.yml"
        return f"{name}:{isolation.line}: rls_isolation: {problem}"
    conn = session.require_database()
    builder = RowBuilder(conn, session.schema)
    table = table_ident(builder.table(isolation.table))
    has_auth_users = conn.execute("SELECT to_regclass('auth.users') IS NOT NULL").fetchone()[0]  # type: ignore[index]
    users = st.tuples(st.uuids(version=4), st.uuids(version=4)).filter(lambda pair: pair[0] != pair[1])
    # Fixed first example: ids no seed is likely to use (a seed's own users are fine too, see below).
    preflight = (uuid.UUID("5c4f1b8e-7a2d-4c1e-9f3a-a11ce0000001"), uuid.UUID("5c4f1b8e-7a2d-4c1e-9f3a-b0b000000002"))

    def prop(pair: tuple[uuid.UUID, uuid.UUID]) -> None:
        user_a, user_b = (str(u) for u in pair)
        row_a = _row_of(conn, builder, isolation, user_a, has_auth_users)
        row_b = _row_of(conn, builder, isolation, user_b, has_auth_users)
        conn.execute("SELECT set_config('request.jwt.claims', %s, true)",
                     (json.dumps({"sub": user_a, "role": isolation.role}),))
        try:
            with conn.transaction():
                conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(isolation.role)))
        except psycopg.Error as error:  # the YAML names the role: a missing one is the project's to fix
            raise PropertyFailed(f"rls_isolation (line {isolation.line}): cannot act as role {isolation.role}: "
                                 f"{describe_error(error)}") from None
        where = f"{isolation.table} (line {isolation.line}) as role {isolation.role}, user A={user_a}, user B={user_b}"
        for command in isolation.commands:
            _try(conn, table, isolation, command, row_a, row_b, where)

    return run_property(conn, users, prop, preflight)


def _unknown_names(session: SchemaguardSession, isolation: Isolation) -> str | None:
    """A table or column the entry names that the built database does not have (a YAML mistake)."""
    tables = session.schema.tables
    needed = [(isolation.table, isolation.owner_column), *((isolation.table, c) for c in isolation.fill)]
    if isolation.owner_from:
        needed.append(isolation.owner_from)
    for table, column in needed:
        if table not in tables:
            return f"no table {table} in the built database"
        if column not in tables[table].columns:
            return f"table {table} has no column {column}"
    return None


def _row_of(conn: psycopg.Connection, builder: RowBuilder, isolation: Isolation, user: str,
            has_auth_users: bool) -> str:
    """Insert (as the owner of the database) one row owned by ``user``; return its ctid."""
    if has_auth_users:
        # A user the seed already made is fine: the check compares the two new rows only.
        try:
            with conn.transaction():
                conn.execute("INSERT INTO auth.users (id, email, aud, role) VALUES (%s, %s, 'authenticated', "
                             "'authenticated') ON CONFLICT (id) DO NOTHING", (user, f"{user}@schemaguard.test"))
        except psycopg.Error as error:
            raise CannotBuild(f"inserting a user into auth.users failed: {describe_error(error)}") from None
    owner = _owner_value(conn, builder, isolation, user)
    table = builder.table(isolation.table)
    try:
        with conn.transaction():
            values: dict[str, str | None] = {isolation.owner_column: owner}
            for name in isolation.fill:
                if name not in table.columns:
                    raise CannotBuild(f"fill: {isolation.table} has no column {name}")
                values[name] = builder.value_for(table, table.columns[name], depth=0)
            (ctid,) = builder.insert(isolation.table, values, returning=("ctid",))
    except psycopg.Error as error:
        raise CannotBuild(f"inserting into {isolation.table} failed: {describe_error(error)}") from None
    return str(ctid)


def _owner_value(conn: psycopg.Connection, builder: RowBuilder, isolation: Isolation, user: str) -> str:
    """The value of the owner column for ``user``: the user id itself, or the key of the user's row
    in ``owner_from``'s table (found, e.g. made by a trigger on auth.users, or inserted)."""
    if isolation.owner_from is None:
        return user
    table, column = isolation.owner_from
    fk = next((c for c in builder.table(isolation.table).constraints.values()
               if c.kind == "foreign_key" and c.columns == (isolation.owner_column,)), None)
    if fk is None or fk.references != table or not fk.ref_columns:
        raise CannotBuild(f"{isolation.table}.{isolation.owner_column} is not a foreign key to {table}")
    key = fk.ref_columns[0]
    query = sql.SQL("SELECT {}::text FROM {} WHERE {} = %s").format(
        sql.Identifier(key), table_ident(builder.table(table)), sql.Identifier(column))
    found = execute(conn, query, (user,)).fetchone()
    if found is not None:
        return str(found[0])
    try:
        with conn.transaction():
            (value,) = builder.insert(table, {column: user}, returning=(key,))
    except psycopg.Error as error:
        raise CannotBuild(f"inserting the owner row into {table} failed: {describe_error(error)}") from None
    return str(value)


def _try(conn: psycopg.Connection, table: sql.Composable, isolation: Isolation, command: str, row_a: str, row_b: str,
         where: str) -> None:
    statements = {
        "select": sql.SQL("SELECT 1 FROM {} WHERE ctid = %s::tid").format(table),
        "update": sql.SQL("UPDATE {} SET {} = {} WHERE ctid = %s::tid").format(
            table, sql.Identifier(isolation.owner_column), sql.Identifier(isolation.owner_column)),
        "delete": sql.SQL("DELETE FROM {} WHERE ctid = %s::tid").format(table),
    }
    try:
        with conn.transaction():
            if command == "select":
                own = execute(conn, statements["select"], (row_a,)).rowcount
                if own != 1:
                    raise PropertyFailed(f"{where}\n  select: user A cannot see their own row either; the policy "
                                         f"does not recognise {isolation.owner_column} as the owner")
            touched = execute(conn, statements[command], (row_b,)).rowcount
    except psycopg.errors.InsufficientPrivilege as error:
        raise PropertyFailed(f"{where}\n  {command}: {describe_error(error)}; grant it to {isolation.role} "
                             "or leave the command out of this check") from None
    if touched:
        verb = {"select": "sees", "update": "updated", "delete": "deleted"}[command]
        raise PropertyFailed(f"{where}\n  {command}: user A {verb} user B's row: row level security does not "
                             f"isolate {isolation.table} by {isolation.owner_column}")
