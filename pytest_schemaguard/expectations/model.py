"""Typed model of ``schema_expectations.yml``.

Every declared value carries the YAML line it came from (``line``), so a failure can point at
the exact line that made the claim. ``None`` always means "not declared: don't check";
names are stored qualified (``public.organizations``) except where noted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# What `exhaustive:` may list, for a table and for a schema; the loader validates against these
# and the exhaustive checks implement exactly these.
TABLE_EXHAUSTIVE_ASPECTS = (
    "columns",
    "policies",
    "indexes",
    "triggers",
    "checks",
    "foreign_keys",
    "unique",
    "exclusion_constraints",
    "grants",
)
VIEW_EXHAUSTIVE_ASPECTS = ("columns",)
SCHEMA_EXHAUSTIVE_ASPECTS = ("tables", "views", "materialized_views", "enums", "functions")


@dataclass(frozen=True)
class ProjectSettings:
    migrations: str = "supabase/migrations"
    seed: tuple[str, ...] | None = None  # None: default from supabase/config.toml [db.seed]
    flavor: str | None = None  # "supabase" | "postgres"; None: supabase if supabase/config.toml exists
    naming: str = "timestamp"  # "timestamp" | "sequential" | "any"
    snapshot: str | None = None
    lock: str | None = None
    rollbacks: str | None = None
    archive: str | None = None
    history: str | None = None
    stubs: bool = False
    types: str | None = None  # generated TypeScript/Python types file, checked by the `types` item
    statement_timeout: str | None = None  # None: the default (timeouts.DEFAULT_STATEMENT_TIMEOUT)
    declarative: tuple[str, ...] | None = None  # declared schema files/globs; None: from supabase/ (SPEC §4)
    line: int | None = None


@dataclass(frozen=True)
class ColumnExpectation:
    name: str
    line: int
    absent: bool = False  # `legacy_code: absent`
    type: str | None = None
    nullable: bool | None = None
    default: str | None = None  # SQL expression text as written (compare server-normalised)
    has_default: bool = False  # True when `default:` was given (default: null means "no default")
    identity: str | None = None  # "always" | "by_default" | "none"
    generated: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class ForeignKeyExpectation:
    columns: tuple[str, ...]
    references: str  # qualified target table, e.g. "public.organizations"
    ref_columns: tuple[str, ...]  # () when written `references: organizations` (the target's PK)
    line: int
    on_delete: str | None = None  # "no action" | "restrict" | "cascade" | "set null" | "set default"
    on_update: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class CheckExpectation:
    name: str
    expression: str | None  # None: any expression, only the name must exist
    line: int


@dataclass(frozen=True)
class ExclusionExpectation:
    elements: tuple[str, ...]  # "lower(name) WITH =" as written
    line: int
    name: str | None = None
    using: str | None = None
    where: str | None = None


@dataclass(frozen=True)
class IndexExpectation:
    name: str
    line: int
    using: str | None = None
    columns: tuple[str, ...] | None = None  # column names or expressions
    unique: bool | None = None
    where: str | None = None


@dataclass(frozen=True)
class TriggerExpectation:
    name: str
    line: int
    timing: str | None = None  # "before" | "after" | "instead of"
    events: tuple[str, ...] | None = None  # lower-case, any order
    level: str | None = None  # "row" | "statement"
    function: str | None = None  # qualified function name


@dataclass(frozen=True)
class PolicyExpectation:
    name: str
    line: int
    command: str | None = None  # "all" | "select" | "insert" | "update" | "delete"
    roles: tuple[str, ...] | None = None
    permissive: bool | None = None
    using: str | None = None
    with_check: str | None = None


@dataclass(frozen=True)
class FullTextSearchExpectation:
    column: str
    sources: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class SoftDeleteExpectation:
    column: str
    unique_while_active: tuple[tuple[str, ...], ...]
    line: int


@dataclass(frozen=True)
class RuleOptOut:
    """``ignore_rules: {rule: "why"}`` under an object: that rule does not report this object."""

    rule: str
    reason: str  # required, non-empty: the next reader must know why
    line: int


@dataclass(frozen=True)
class GrantExpectation:
    role: str
    privileges: frozenset[str]  # lower-case; empty means "exactly none"
    line: int


@dataclass(frozen=True)
class TableExpectation:
    name: str  # qualified
    line: int
    rls: str | None = None  # "enabled" | "forced" | "disabled"
    rls_line: int | None = None
    columns: tuple[ColumnExpectation, ...] = ()
    primary_key: tuple[str, ...] | None = None
    primary_key_line: int | None = None
    unique: tuple[tuple[tuple[str, ...], int], ...] = ()  # (columns, line)
    foreign_keys: tuple[ForeignKeyExpectation, ...] = ()
    checks: tuple[CheckExpectation, ...] = ()
    exclusion_constraints: tuple[ExclusionExpectation, ...] = ()
    indexes: tuple[IndexExpectation, ...] = ()
    triggers: tuple[TriggerExpectation, ...] = ()
    policies: tuple[PolicyExpectation, ...] = ()
    full_text_search: FullTextSearchExpectation | None = None
    soft_delete: SoftDeleteExpectation | None = None
    grants: tuple[GrantExpectation, ...] = ()
    comment: str | None = None
    exhaustive: tuple[str, ...] = ()  # aspects: columns, policies, indexes, triggers, checks, ...
    exhaustive_line: int | None = None
    ignore_rules: tuple[RuleOptOut, ...] = ()


@dataclass(frozen=True)
class ViewExpectation:
    name: str  # qualified
    line: int
    materialized: bool = False
    security_invoker: bool | None = None
    columns: tuple[ColumnExpectation, ...] = ()  # as a table's: these exist (with their type, if given)
    grants: tuple[GrantExpectation, ...] = ()
    comment: str | None = None
    exhaustive: tuple[str, ...] = ()  # ("columns",): no column beyond the listed ones
    exhaustive_line: int | None = None
    ignore_rules: tuple[RuleOptOut, ...] = ()


@dataclass(frozen=True)
class EnumExpectation:
    name: str  # qualified
    labels: tuple[str, ...]  # exact labels, exact order
    line: int


@dataclass(frozen=True)
class FunctionExpectation:
    name: str  # qualified
    line: int
    args: tuple[str, ...] | None = None  # identifies the overload; None: the only one of that name
    returns: str | None = None
    language: str | None = None
    security_definer: bool | None = None
    search_path: str | None = None  # "" for SET search_path = ''
    has_search_path: bool = False  # True when `search_path:` was given
    volatility: str | None = None
    grants: tuple[GrantExpectation, ...] = ()
    # The YAML line of each declared property, so a mismatch points at the key that declared it.
    returns_line: int | None = None
    language_line: int | None = None
    security_definer_line: int | None = None
    search_path_line: int | None = None
    volatility_line: int | None = None
    ignore_rules: tuple[RuleOptOut, ...] = ()

    def line_of(self, aspect: str) -> int:
        return getattr(self, f"{aspect}_line", None) or self.line


@dataclass(frozen=True)
class ExtensionExpectation:
    name: str
    line: int
    schema: str | None = None
    ignore_rules: tuple[RuleOptOut, ...] = ()


@dataclass(frozen=True)
class AbsentExpectation:
    kind: str  # "table" | "view" | "materialized_view" | "enum" | "function" | "extension" | "column"
    name: str  # qualified; functions may carry "(argtypes)"; column as "public.t.col"
    line: int


@dataclass(frozen=True)
class SchemaExhaustiveExpectation:
    schema: str
    aspects: tuple[str, ...]  # tables | views | materialized_views | enums | functions
    line: int


@dataclass(frozen=True)
class Expectations:
    path: Path
    version: int = 1
    project: ProjectSettings = field(default_factory=ProjectSettings)
    extensions: tuple[ExtensionExpectation, ...] = ()
    tables: tuple[TableExpectation, ...] = ()
    views: tuple[ViewExpectation, ...] = ()  # plain and materialized (see .materialized)
    enums: tuple[EnumExpectation, ...] = ()
    functions: tuple[FunctionExpectation, ...] = ()
    absent: tuple[AbsentExpectation, ...] = ()
    exhaustive: tuple[SchemaExhaustiveExpectation, ...] = ()
    rules: Mapping[str, tuple[str, int]] = field(default_factory=dict)  # rule -> (level, line)
    behaviour: tuple[Mapping[str, object], ...] = ()  # raw entries, for the behaviour checks
    behaviour_lines: tuple[int, ...] = ()  # line of each behaviour entry, same order

    def declared_objects(self) -> list[tuple[str, str, int | None]]:
        """(kind, id, line) of every declared object, in the order the checks report them.

        Ids come from the YAML alone, so they are stable whatever the database holds: the item
        of a missing function keeps its name.
        """
        objects: list[tuple[str, str, int | None]] = []
        objects += [("extension", e.name, e.line) for e in self.extensions]
        objects += [("table", t.name, t.line) for t in self.tables]
        objects += [("materialized_view" if v.materialized else "view", v.name, v.line) for v in self.views]
        objects += [("enum", e.name, e.line) for e in self.enums]
        objects += [("function", function_id(f.name, f.args), f.line) for f in self.functions]
        objects += [("absent", f"{a.kind.replace('_', ' ')} {a.name}", a.line) for a in self.absent]
        objects += [("exhaustive", x.schema, x.line) for x in self.exhaustive]
        return objects


def function_id(name: str, args: tuple[str, ...] | None) -> str:
    """``public.f(bigint,bigint)`` when args are declared, else ``public.f``."""
    if args is None:
        return name
    return f"{name}({','.join(' '.join(a.split()) for a in args)})"
