"""Read a whole database's schema from ``pg_catalog`` into a :class:`~.model.Schema` snapshot.

The SQL lives in ``queries/*.sql`` (one file per catalog read, each covering the whole
database: tables and views both come from ``relations.sql``), so a snapshot costs a fixed,
small number of round trips however large the schema is, and each query can be read and run by
hand with ``psql``. This module only runs them and turns rows into the frozen model objects, in
sorted order, so two reads of the same schema give equal snapshots.

Transactions: when the connection is idle, the reader opens its own ``REPEATABLE READ, READ
ONLY`` transaction (every query sees the same catalog state; nothing can be written) and ends it
before returning, so no transaction is left open. When the caller already has a transaction
open, the reader runs inside it and leaves it open: this is how to read in a read-only
transaction of your own, or to read a schema your transaction has just changed.

Names in type names and expressions are printed as seen with ``search_path = public``
(``organization_type``, ``auth.users``), whatever the connection's own search_path: the SPEC
treats unqualified names as ``public``, and two databases are comparable only if both are read
the same way. The setting is changed for the reader's queries only and restored afterwards.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from importlib import resources
from typing import Any, TypeVar

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import DictRow, dict_row

from pytest_schemaguard.catalog.model import (
    TRIGGER_EVENTS,
    Column,
    Constraint,
    Enum,
    Extension,
    Function,
    Index,
    Policy,
    Privileges,
    Schema,
    Table,
    Trigger,
    View,
)
from pytest_schemaguard.database.signals import interrupts_held
from pytest_schemaguard.errors import SchemaguardError

DEFAULT_EXCLUDED_SCHEMAS: frozenset[str] = frozenset(
    {
        "auth",
        "storage",
        "extensions",
        "realtime",
        "graphql",
        "graphql_public",
        "supabase_functions",
        "supabase_migrations",
        "vault",
        "net",
        "cron",
        "pgsodium",
        "pgsodium_masks",
        "pgmq",
        "pgbouncer",
        "_realtime",
        "_analytics",
        "pgtle",
        "tiger",
        "topology",
    }
)
"""Schemas Supabase (or an extension such as postgis/pg_cron/pgsodium) manages, plus those the
plugin's shim creates: they are not the project's schema and are left out of the snapshot."""

QUERY_NAMES: tuple[str, ...] = (
    "database",
    "extensions",
    "relations",
    "columns",
    "constraints",
    "indexes",
    "triggers",
    "policies",
    "enums",
    "functions",
    "memberships",
)
"""The catalog queries, one ``queries/<name>.sql`` file each; every one covers the whole database."""

READ_SEARCH_PATH = "public"
"""The search_path type names and expressions are printed with (see the module docstring)."""

_T = TypeVar("_T")

_CONSTRAINT_KINDS = {"p": "primary_key", "u": "unique", "f": "foreign_key", "c": "check", "x": "exclusion"}
_FK_ACTIONS = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
_IDENTITY = {"a": "always", "d": "by_default", "": "none"}
_POLICY_COMMANDS = {"*": "all", "r": "select", "a": "insert", "w": "update", "d": "delete"}
_VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}
_FUNCTION_KINDS = {"f": "function", "p": "procedure", "a": "aggregate", "w": "window"}

# Bits of pg_trigger.tgtype (src/include/catalog/pg_trigger.h).
_TRIGGER_ROW = 1 << 0
_TRIGGER_BEFORE = 1 << 1
_TRIGGER_INSTEAD = 1 << 6
_TRIGGER_EVENT_BITS = (("insert", 1 << 2), ("delete", 1 << 3), ("update", 1 << 4), ("truncate", 1 << 5))


PARTIAL_ONLY = "-- only when re-reading some relations"


@functools.cache
def load_queries(*, partial: bool = False) -> Mapping[str, str]:
    """The text of every catalog query by name, read from the package once per process.

    A line ending in ``PARTIAL_ONLY`` narrows a query to some relations (``%(relids)s``); it is
    kept for partial reads and dropped for whole ones, so each variant is one plain query the
    planner can plan well (an ``$1 IS NULL OR ...`` filter would scan everything in both).
    """
    folder = resources.files("pytest_schemaguard.catalog").joinpath("queries")
    texts = {name: folder.joinpath(f"{name}.sql").read_text(encoding="utf-8") for name in QUERY_NAMES}
    if partial:
        return texts
    return {name: "".join(line for line in text.splitlines(keepends=True) if not line.rstrip().endswith(PARTIAL_ONLY))
            for name, text in texts.items()}


def inspect_schema(
    conn: psycopg.Connection[Any],
    *,
    exclude_schemas: Iterable[str] = DEFAULT_EXCLUDED_SCHEMAS,
    relids: Collection[int] | None = None,
    search_path_pinned: bool = False,
) -> Schema:
    """Snapshot the schema of the database ``conn`` is connected to.

    Every user schema is read except ``exclude_schemas`` (the Supabase managed schemas by
    default; pass ``()`` to read them all) and the system schemas, which are always left out,
    as are objects that belong to an extension. Extensions themselves are listed whatever
    schema they live in. Nothing on the server is changed; see the module docstring for how
    transactions are handled.

    ``relids`` limits the tables, views and materialized views read (with their columns,
    constraints, indexes, triggers and policies) to those relation oids; everything else is read
    whole. ``catalog.incremental`` uses it to re-read only what a migration touched.

    ``search_path_pinned`` says the connection's ``search_path`` is ``READ_SEARCH_PATH`` already
    (a reader connection of our own that set it when it connected): it is then neither set nor
    restored, three round trips fewer per read (lint reads once per migration file).
    """
    params = {"excluded": sorted(set(exclude_schemas)), "relids": None if relids is None else sorted(relids),
              "pinned": search_path_pinned}
    status = conn.info.transaction_status
    if status == TransactionStatus.INERROR:
        raise SchemaguardError(
            "cannot read the catalog: the connection's transaction has failed and is waiting for a "
            "ROLLBACK; roll it back (conn.rollback()) before inspecting the schema"
        )
    if status == TransactionStatus.IDLE:
        with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _read_schema(cur, params)
    with conn.cursor(row_factory=dict_row) as cur:
        return _read_schema(cur, params)


def _read_schema(cur: psycopg.Cursor[DictRow], params: dict[str, Any]) -> Schema:
    """Run every query with ``search_path`` pinned, restoring the caller's value afterwards."""
    saved = None
    if not params["pinned"]:
        cur.execute("SELECT current_setting('search_path') AS saved")
        saved = _one(cur)["saved"]
        cur.execute("SELECT set_config('search_path', %s, true)", (READ_SEARCH_PATH,))
    queries = load_queries(partial=params["relids"] is not None)
    # Only queries that filter on schemas take the parameter: an unused parameter would be an
    # error ("could not determine data type of parameter $1").
    rows = pipelined(cur.connection, {name: (queries[name], params if "%(excluded)s" in queries[name] else None)
                                      for name in QUERY_NAMES})
    if saved is not None:
        cur.execute("SELECT set_config('search_path', %s, true)", (saved,))
    return _build_schema(rows)


def pipelined(conn: psycopg.Connection[Any],
              queries: Mapping[str, tuple[str, Mapping[str, Any] | None]]) -> dict[str, list[DictRow]]:
    """The rows of every query by name, all sent before any result is read (pipeline mode): one
    round trip instead of one per query, which is most of a small partial read (lint reads once
    per migration file). The texts come from package files, not user input.

    A pipeline is one step: a Ctrl-C inside psycopg's exit from pipeline mode left it "busy" and
    raised "cannot exit pipeline mode while busy" over the KeyboardInterrupt (an INTERNALERROR).
    The interrupt is held until the results are in, then raised as usual.
    """
    cursors = {name: conn.cursor(row_factory=dict_row) for name in queries}
    try:
        with interrupts_held(), conn.pipeline():
            for name, (query, params) in queries.items():
                cursors[name].execute(query, params)  # type: ignore[arg-type]  # our own package files
        return {name: query_cursor.fetchall() for name, query_cursor in cursors.items()}
    finally:
        for query_cursor in cursors.values():
            query_cursor.close()


def _one(cur: psycopg.Cursor[DictRow]) -> DictRow:
    row = cur.fetchone()
    assert row is not None  # a SELECT without FROM always returns one row
    return row


def _build_schema(rows: Mapping[str, list[DictRow]]) -> Schema:
    """Assemble the model from the raw rows of every query."""
    database = rows["database"][0]
    columns = _group(rows["columns"], _column_entry)
    column_privileges = {
        relid: {row["name"]: _privileges(row["privileges"]) for row in group if row["privileges"]}
        for relid, group in _group_rows(rows["columns"]).items()
    }
    constraints = _group(rows["constraints"], _constraint_entry)
    indexes = _group(rows["indexes"], _index_entry)
    triggers = _group(rows["triggers"], _trigger_entry)
    policies = _group(rows["policies"], _policy_entry)

    tables = [
        Table(
            schema=row["schema"],
            name=row["name"],
            columns=columns.get(row["oid"], {}),
            constraints=_sorted_by_key(constraints.get(row["oid"], {})),
            indexes=_sorted_by_key(indexes.get(row["oid"], {})),
            triggers=_sorted_by_key(triggers.get(row["oid"], {})),
            policies=_sorted_by_key(policies.get(row["oid"], {})),
            rls_enabled=row["rls_enabled"],
            rls_forced=row["rls_forced"],
            privileges=_privileges(row["privileges"]),
            column_privileges=_sorted_by_key(column_privileges.get(row["oid"], {})),
            owner=row["owner"],
            comment=row["comment"],
            partitioned=row["kind"] == "p",
        )
        for row in rows["relations"]
        if row["kind"] in ("r", "p")
    ]
    views = [
        View(
            schema=row["schema"],
            name=row["name"],
            materialized=row["kind"] == "m",
            columns=columns.get(row["oid"], {}),
            definition=row["definition"],
            options=_options(row["options"]),
            privileges=_privileges(row["privileges"]),
            indexes=_sorted_by_key(indexes.get(row["oid"], {})),
            owner=row["owner"],
            comment=row["comment"],
            triggers=_sorted_by_key(triggers.get(row["oid"], {})),
        )
        for row in rows["relations"]
        if row["kind"] in ("v", "m")
    ]
    enums = [
        Enum(schema=row["schema"], name=row["name"], labels=tuple(row["labels"]), comment=row["comment"])
        for row in rows["enums"]
    ]
    functions = [_function(row) for row in rows["functions"]]
    extensions = [
        Extension(name=row["name"], schema=row["schema"], version=row["version"])
        for row in rows["extensions"]
    ]

    return Schema(
        tables=_sorted_by_key({t.qualified_name: t for t in tables}),
        views=_sorted_by_key({v.qualified_name: v for v in views if not v.materialized}),
        materialized_views=_sorted_by_key({v.qualified_name: v for v in views if v.materialized}),
        enums=_sorted_by_key({e.qualified_name: e for e in enums}),
        functions=_sorted_by_key({f.signature: f for f in functions}),
        extensions=_sorted_by_key({e.name: e for e in extensions}),
        schemas=tuple(sorted(database["schemas"])),
        server_version_num=database["server_version_num"],
        role_memberships={row["member"]: frozenset(row["roles"]) for row in rows["memberships"]},
    )


def _group_rows(rows: Iterable[DictRow]) -> dict[int, list[DictRow]]:
    """Rows of a per-object query by the oid of the relation they belong to, order kept."""
    grouped: dict[int, list[DictRow]] = defaultdict(list)
    for row in rows:
        grouped[row["relid"]].append(row)
    return grouped


def _group(rows: Iterable[DictRow], entry: Callable[[DictRow], _T]) -> dict[int, dict[str, _T]]:
    """``{relid: {name: object}}`` with ``entry(row)`` building each object, query order kept."""
    return {relid: {row["name"]: entry(row) for row in group} for relid, group in _group_rows(rows).items()}


def _sorted_by_key(mapping: Mapping[str, _T]) -> dict[str, _T]:
    """A plain dict in key order: Python's sort, not the server's collation, so it is stable."""
    return {key: mapping[key] for key in sorted(mapping)}


def _privileges(pairs: Sequence[Sequence[str]]) -> Privileges:
    """``[[grantee, privilege], ...]`` (from aclexplode) as ``{grantee: frozenset(privileges)}``."""
    found: dict[str, set[str]] = defaultdict(set)
    for grantee, privilege in pairs:
        found[grantee].add(privilege)
    return {grantee: frozenset(found[grantee]) for grantee in sorted(found)}


def _options(entries: Sequence[str]) -> dict[str, str]:
    """``reloptions``/``proconfig`` entries (``name=value``) as a dict, split at the first ``=``."""
    parsed = {}
    for entry in entries:
        name, _, value = entry.partition("=")
        parsed[name] = value
    return _sorted_by_key(parsed)


def _function_config(entries: Sequence[str]) -> dict[str, str]:
    """``proconfig`` as a dict; ``search_path=""`` (``SET search_path = ''``) becomes ``""``.

    PostgreSQL stores a list setting the way it would print it, quoting an empty element as
    ``""``; any other value (``public, extensions``) is kept exactly as stored.
    """
    config = _options(entries)
    if config.get("search_path") == '""':
        config["search_path"] = ""
    return config


def _column_entry(row: DictRow) -> Column:
    return Column(
        name=row["name"],
        type=row["type"],
        nullable=row["nullable"],
        default=row["default_expr"],
        identity=_IDENTITY[row["identity"]],
        generated=row["generated_expr"],
        position=row["position"],
        comment=row["comment"],
    )


def _constraint_entry(row: DictRow) -> Constraint:
    kind = _CONSTRAINT_KINDS[row["kind"]]
    return Constraint(
        name=row["name"],
        kind=kind,
        columns=tuple(row["columns"]),
        definition=row["definition"],
        references=row["ref_table"],
        ref_columns=tuple(row["ref_columns"]) if kind == "foreign_key" else (),
        on_delete=_FK_ACTIONS[row["on_delete"]] if row["on_delete"] else None,
        on_update=_FK_ACTIONS[row["on_update"]] if row["on_update"] else None,
        expression=row["expression"],
        using=row["access_method"],
        elements=tuple(row["elements"]),
        where=row["where_expr"],
        validated=row["validated"],
        deferrable=row["deferrable"],
    )


def _index_entry(row: DictRow) -> Index:
    return Index(
        name=row["name"],
        using=row["access_method"],
        columns=tuple(row["columns"]),
        unique=row["is_unique"],
        primary=row["is_primary"],
        predicate=row["predicate"],
        definition=row["definition"],
        constraint=row["constraint_name"],
    )


def _trigger_entry(row: DictRow) -> Trigger:
    tgtype: int = row["tgtype"]
    fired = {event for event, bit in _TRIGGER_EVENT_BITS if tgtype & bit}
    return Trigger(
        name=row["name"],
        timing=_trigger_timing(tgtype),
        events=tuple(event for event in TRIGGER_EVENTS if event in fired),
        level="row" if tgtype & _TRIGGER_ROW else "statement",
        function=row["function"],
        enabled=row["enabled"],
        definition=row["definition"],
    )


def _trigger_timing(tgtype: int) -> str:
    """INSTEAD OF has its own bit; without it, the BEFORE bit tells before from after."""
    if tgtype & _TRIGGER_INSTEAD:
        return "instead of"
    if tgtype & _TRIGGER_BEFORE:
        return "before"
    return "after"


def _policy_entry(row: DictRow) -> Policy:
    return Policy(
        name=row["name"],
        command=_POLICY_COMMANDS[row["command"]],
        roles=tuple(sorted(row["roles"])),
        permissive=row["permissive"],
        using=row["using_expr"],
        with_check=row["with_check_expr"],
    )


def _function(row: DictRow) -> Function:
    return Function(
        schema=row["schema"],
        name=row["name"],
        arg_types=tuple(row["arg_types"]),
        identity_arguments=row["identity_arguments"],
        returns=row["returns"],
        language=row["language"],
        security_definer=row["security_definer"],
        volatility=_VOLATILITY[row["volatility"]],
        kind=_FUNCTION_KINDS[row["kind"]],
        config=_function_config(row["config"]),
        privileges=_privileges(row["privileges"]),
        owner=row["owner"],
        comment=row["comment"],
        body=row["body"],
    )
