"""The built-in rules: one registry of name -> (default levels, check), refusing duplicates.

A rule is a plain function over a :class:`RuleContext` (the snapshot, the exposed schemas and a
read-only connection for the few rules that need more than the snapshot) returning
:class:`Finding` objects. Levels and opt-outs are applied by the caller, so a rule only says
what is wrong and how to fix it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from pytest_schemaguard.catalog.model import Schema
from pytest_schemaguard.project import DEFAULT_API_SCHEMAS

if TYPE_CHECKING:
    import psycopg

LEVELS = ("error", "warn", "off")
DEFAULT_EXPOSED_SCHEMAS = DEFAULT_API_SCHEMAS


@dataclass(frozen=True)
class Finding:
    """One object that breaks a rule: ``kind`` + ``name`` identify it for opt-outs."""

    kind: str  # "table" | "view" | "materialized_view" | "function" | "extension"
    name: str  # qualified name; functions: the signature, e.g. public.f(bigint)
    problem: str  # what is wrong, e.g. "RLS is disabled"
    fix: str  # how to fix it, as SQL where possible

    def render(self) -> str:
        return f"{self.name}: {self.problem}; fix: {self.fix}"


@dataclass
class RuleContext:
    """What a rule may look at. ``conn`` is the built database (read only by convention)."""

    schema: Schema
    exposed_schemas: tuple[str, ...] = DEFAULT_EXPOSED_SCHEMAS
    conn: psycopg.Connection | None = None

    def is_exposed(self, schema: str) -> bool:
        return schema in self.exposed_schemas

    @functools.cached_property
    def rls_bypassing_roles(self) -> frozenset[str]:
        """Roles row level security never applies to: superusers and BYPASSRLS roles (attributes
        are not inherited through membership), and Supabase's service_role, which has BYPASSRLS
        there, also when no server is at hand."""
        found = {"service_role"}
        if self.conn is not None:
            with self.conn.cursor() as cur:
                found |= {row[0] for row in cur.execute(load_sql("rls_bypassing_roles.sql").encode()).fetchall()}
        return frozenset(found)

    @property
    def memberships(self) -> Mapping[str, frozenset[str]]:
        """Role -> roles whose privileges it inherits (read with the snapshot)."""
        return self.schema.role_memberships


Check = Callable[[RuleContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    name: str
    summary: str  # one line for docs, `schemaguard init` comments and failure headers
    supabase_default: str  # error | warn | off
    postgres_default: str
    check: Check

    def default_level(self, flavor: str) -> str:
        return self.supabase_default if flavor == "supabase" else self.postgres_default


RULES: dict[str, Rule] = {}


def register(name: str, summary: str, *, supabase: str, postgres: str) -> Callable[[Check], Check]:
    """Decorator adding a check to :data:`RULES`; a second rule of the same name is a bug."""
    if supabase not in LEVELS or postgres not in LEVELS:
        raise ValueError(f"rule {name}: default levels must be one of {', '.join(LEVELS)}")

    def add(check: Check) -> Check:
        if name in RULES:
            first = RULES[name].check.__module__
            raise ValueError(f"rule {name!r} is registered twice ({first} and {check.__module__})")
        RULES[name] = Rule(name, summary, supabase, postgres, check)
        return check

    return add


@functools.cache
def load_sql(name: str) -> str:
    """A rule's catalog query, kept as a .sql file beside the rules."""
    return resources.files("pytest_schemaguard.rules").joinpath(name).read_text("utf-8")
