"""The catalog snapshot: immutable, typed data read from ``pg_catalog`` in one pass.

Everything downstream (expectation checks, diffs, fixtures) works on these objects and never
queries the catalog itself, so one read serves a whole session. Objects are keyed by their
qualified name (``schema.name``; functions by ``schema.name(argtype,argtype)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Privileges = Mapping[str, frozenset[str]]
"""Grantee role name (``PUBLIC`` for the pseudo-role) -> lower-case privilege names
(``select``, ``insert``, ``update``, ``delete``, ``truncate``, ``references``, ``trigger``,
``execute``, ``usage``...). Read from the ACL, with the owner's default ACL when none is set."""


def unquote_identifier(name: str) -> str:
    """``"Name"`` -> ``Name``; unquoted identifiers fold to lower case as PostgreSQL folds them."""
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name.lower()


_TYPE_NAME_PART = r'(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)'
_TYPE_NAME = re.compile(rf"({_TYPE_NAME_PART})(?:\.({_TYPE_NAME_PART}))?")


def split_type_name(type_name: str) -> tuple[str, str] | None:
    """``"My Schema"."teamRoles"`` -> ``("My Schema", "teamRoles")``; ``team_roles`` -> ``("public",
    "team_roles")``: the snapshot prints types as ``format_type`` does with ``search_path = public``,
    quoting what needs quotes. None for what is not a plain name (``character varying(20)``, ``x[]``)."""
    match = _TYPE_NAME.fullmatch(type_name)
    if match is None:
        return None
    first, second = match.group(1), match.group(2)
    if second is None:
        return "public", unquote_identifier(first)
    return unquote_identifier(first), unquote_identifier(second)


# Keywords quote_ident() quotes (every category but unreserved), from pg_get_keywords() of PostgreSQL 15.
_QUOTED_KEYWORDS = frozenset(
    """
    all analyse analyze and any array as asc asymmetric authorization between bigint binary bit
    boolean both case cast char character check coalesce collate collation column concurrently
    constraint create cross current_catalog current_date current_role current_schema current_time
    current_timestamp current_user dec decimal default deferrable desc distinct do else end except
    exists extract false fetch float for foreign freeze from full grant greatest group grouping
    having ilike in initially inner inout int integer intersect interval into is isnull join lateral
    leading least left like limit localtime localtimestamp national natural nchar none normalize not
    notnull null nullif numeric offset on only or order out outer overlaps overlay placing position
    precision primary real references returning right row select session_user setof similar smallint
    some substring symmetric table tablesample then time timestamp to trailing treat trim true union
    unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat
    xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable
    """.split()  # noqa: SIM905 (one word list, kept readable)
)
_PLAIN_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_$]*")


def quote_ident(name: str) -> str:
    """``name`` as SQL, quoted only where PostgreSQL's quote_ident() would: ``"teamRoles"``, ``"order"``,
    ``dups``. For names shown in fixes, which must run as printed."""
    if _PLAIN_IDENTIFIER.fullmatch(name) and name not in _QUOTED_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def sql_name(*parts: str) -> str:
    """A qualified name as SQL: ``sql_name("My Schema", "Order.Items")`` -> ``"My Schema"."Order.Items"``."""
    return ".".join(quote_ident(part) for part in parts)


def qualify(name: str, default_schema: str = "public") -> str:
    """Return ``schema.name``; an unqualified name is taken to live in ``default_schema``."""
    return name if "." in name else f"{default_schema}.{name}"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # format_type(atttypid, atttypmod): "bigint", "character varying(20)", "organization_type"
    nullable: bool
    default: str | None  # pg_get_expr(adbin) for ordinary defaults; None when there is none
    identity: str  # "always" | "by_default" | "none"
    generated: str | None  # expression of a STORED generated column, else None
    position: int
    comment: str | None = None


@dataclass(frozen=True)
class Constraint:
    name: str
    kind: str  # "primary_key" | "unique" | "foreign_key" | "check" | "exclusion"
    columns: tuple[str, ...]  # constrained columns in key order (empty for expression-only ones)
    definition: str  # pg_get_constraintdef(oid)
    references: str | None = None  # foreign key: qualified target table
    ref_columns: tuple[str, ...] = ()
    on_delete: str | None = None  # "no action" | "restrict" | "cascade" | "set null" | "set default"
    on_update: str | None = None
    expression: str | None = None  # check: pg_get_expr(conbin, conrelid), e.g. "(a > 0)"
    using: str | None = None  # exclusion: index access method, e.g. "gist"
    elements: tuple[str, ...] = ()  # exclusion: "lower(name) WITH =" per element
    where: str | None = None  # exclusion: predicate as pg_get_expr(indpred) gives it
    validated: bool = True
    deferrable: bool = False


@dataclass(frozen=True)
class Index:
    name: str
    using: str  # access method: "btree", "gin", "gist", ...
    columns: tuple[str, ...]  # key columns; expressions as pg_get_indexdef(oid, n, true) gives them
    unique: bool
    primary: bool
    predicate: str | None  # pg_get_expr(indpred, indrelid) or None
    definition: str  # pg_get_indexdef(oid)
    constraint: str | None = None  # name of the constraint that owns this index, if any


TRIGGER_EVENTS: tuple[str, ...] = ("insert", "update", "delete", "truncate")
"""Every trigger event, in the order ``CREATE TRIGGER`` documents them and the snapshot lists them."""


@dataclass(frozen=True)
class Trigger:
    name: str
    timing: str  # "before" | "after" | "instead of"
    events: tuple[str, ...]  # subset of TRIGGER_EVENTS, in that order
    level: str  # "row" | "statement"
    function: str  # qualified function name, e.g. "public.organizations_search_tsv_update"
    enabled: bool
    definition: str  # pg_get_triggerdef(oid)


@dataclass(frozen=True)
class Policy:
    name: str
    command: str  # "all" | "select" | "insert" | "update" | "delete"
    roles: tuple[str, ...]  # sorted role names; "public" for PUBLIC
    permissive: bool
    using: str | None  # pg_get_expr(polqual, polrelid)
    with_check: str | None  # pg_get_expr(polwithcheck, polrelid)


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    columns: Mapping[str, Column]  # in attnum order
    constraints: Mapping[str, Constraint] = field(default_factory=dict)
    indexes: Mapping[str, Index] = field(default_factory=dict)
    triggers: Mapping[str, Trigger] = field(default_factory=dict)  # user triggers only
    policies: Mapping[str, Policy] = field(default_factory=dict)
    rls_enabled: bool = False
    rls_forced: bool = False
    privileges: Privileges = field(default_factory=dict)
    column_privileges: Mapping[str, Privileges] = field(default_factory=dict)  # column -> grants
    owner: str = ""
    comment: str | None = None
    partitioned: bool = False

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def quoted_name(self) -> str:
        """The qualified name as SQL, for fixes that must run as printed."""
        return sql_name(self.schema, self.name)

    def constraints_of(self, kind: str) -> tuple[Constraint, ...]:
        return tuple(c for c in self.constraints.values() if c.kind == kind)

    def has_index_leading_with(self, columns: Iterable[str], *, partial: bool) -> bool:
        """Some index has ``columns`` as its leading keys (in any order); partial ones count only
        when ``partial``. Index keys are printed as SQL (``"parentId"``), columns as plain names."""
        wanted = set(columns)
        return any(
            (partial or index.predicate is None)
            and {unquote_identifier(c) for c in index.columns[: len(wanted)]} == wanted
            for index in self.indexes.values()
        )

    @property
    def primary_key(self) -> Constraint | None:
        found = self.constraints_of("primary_key")
        return found[0] if found else None

    @property
    def rls(self) -> str:
        """The SPEC's three-valued view of the two RLS flags."""
        if self.rls_forced and self.rls_enabled:
            return "forced"
        return "enabled" if self.rls_enabled else "disabled"


@dataclass(frozen=True)
class View:
    schema: str
    name: str
    materialized: bool
    columns: Mapping[str, Column]
    definition: str  # pg_get_viewdef(oid, true)
    options: Mapping[str, str] = field(default_factory=dict)  # reloptions, e.g. security_invoker
    privileges: Privileges = field(default_factory=dict)
    indexes: Mapping[str, Index] = field(default_factory=dict)  # materialized views only
    owner: str = ""
    comment: str | None = None
    triggers: Mapping[str, Trigger] = field(default_factory=dict)  # INSTEAD OF and other user triggers

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def quoted_name(self) -> str:
        return sql_name(self.schema, self.name)

    @property
    def security_invoker(self) -> bool:
        return self.options.get("security_invoker", "false").lower() in ("true", "on", "1", "yes")


@dataclass(frozen=True)
class Enum:
    schema: str
    name: str
    labels: tuple[str, ...]  # in enumsortorder
    comment: str | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Function:
    schema: str
    name: str
    arg_types: tuple[str, ...]  # format_type of each input argument type (identity of the overload)
    identity_arguments: str  # pg_get_function_identity_arguments(oid)
    returns: str  # pg_get_function_result(oid); "" for procedures
    language: str
    security_definer: bool
    volatility: str  # "immutable" | "stable" | "volatile"
    kind: str  # "function" | "procedure" | "aggregate" | "window"
    config: Mapping[str, str] = field(default_factory=dict)  # proconfig as name -> value
    privileges: Privileges = field(default_factory=dict)
    owner: str = ""
    comment: str | None = None
    body: str | None = None  # prosrc: the source of SQL/plpgsql functions

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def signature(self) -> str:
        """``public.f(bigint,bigint)``: the id the SPEC uses for one overload."""
        return f"{self.schema}.{self.name}({','.join(self.arg_types)})"

    @property
    def search_path(self) -> str | None:
        """The pinned search_path (``""`` for ``SET search_path = ''``), None when not pinned."""
        return self.config.get("search_path")


@dataclass(frozen=True)
class Extension:
    name: str
    schema: str
    version: str


@dataclass(frozen=True)
class Schema:
    """A snapshot of one database's user-visible schema (system and shim schemas excluded)."""

    tables: Mapping[str, Table] = field(default_factory=dict)
    views: Mapping[str, View] = field(default_factory=dict)  # plain views
    materialized_views: Mapping[str, View] = field(default_factory=dict)
    enums: Mapping[str, Enum] = field(default_factory=dict)
    functions: Mapping[str, Function] = field(default_factory=dict)  # keyed by signature
    extensions: Mapping[str, Extension] = field(default_factory=dict)  # keyed by extension name
    schemas: tuple[str, ...] = ()  # user schemas that were read
    server_version_num: int = 0
    # Role -> roles whose privileges it inherits (INHERIT memberships, transitively). Roles are
    # cluster-wide, so this is not part of what two databases are compared on.
    role_memberships: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def table(self, name: str) -> Table:
        """The table called ``name`` (unqualified means ``public``); KeyError names what exists."""
        return _lookup(self.tables, qualify(name), "table")

    def view(self, name: str) -> View:
        return _lookup(self.views, qualify(name), "view")

    def materialized_view(self, name: str) -> View:
        return _lookup(self.materialized_views, qualify(name), "materialized view")

    def enum(self, name: str) -> Enum:
        return _lookup(self.enums, qualify(name), "enum")

    def enum_of_type(self, type_name: str) -> Enum | None:
        """The snapshot's enum a column type (as the snapshot prints it) names, if any."""
        parts = split_type_name(type_name)
        return self.enums.get(f"{parts[0]}.{parts[1]}") if parts else None

    def functions_named(self, name: str) -> tuple[Function, ...]:
        """Every overload of ``name``, in signature order."""
        qualified = qualify(name)
        return tuple(f for key, f in sorted(self.functions.items()) if f.qualified_name == qualified)

    def function(self, name: str, args: tuple[str, ...] | None = None) -> Function:
        """One overload: by argument types when given, else the only one of that name."""
        overloads = self.functions_named(name)
        if args is not None:
            overloads = tuple(f for f in overloads if f.arg_types == tuple(args))
        if len(overloads) != 1:
            raise KeyError(f"{qualify(name)}: {len(overloads)} matching function(s)")
        return overloads[0]


def _lookup(objects: Mapping[str, object], key: str, kind: str):  # type: ignore[no-untyped-def]
    try:
        return objects[key]
    except KeyError:
        known = ", ".join(sorted(objects)) or "none"
        raise KeyError(f"no {kind} {key} in the snapshot (known: {known})") from None
