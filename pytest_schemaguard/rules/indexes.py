"""Rules about indexes: foreign keys nobody can look up quickly, and indexes that duplicate
each other (each costs writes and storage, one of them is never used)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_schemaguard.catalog.model import Constraint, Index, Table, quote_ident, sql_name
from pytest_schemaguard.rules.registry import Finding, RuleContext, register


@register(
    "unindexed_foreign_keys",
    "foreign keys without an index on their columns",
    supabase="warn",
    postgres="warn",
)
def unindexed_foreign_keys(context: RuleContext) -> Iterator[Finding]:
    for table in context.schema.tables.values():
        for constraint in table.constraints_of("foreign_key"):
            if constraint.columns and not _covered(constraint, table):
                columns = ", ".join(constraint.columns)
                yield Finding(
                    "table",
                    table.qualified_name,
                    f"foreign key {constraint.name} ({columns}) has no index starting with its columns",
                    f"CREATE INDEX ON {table.quoted_name} ({', '.join(map(quote_ident, constraint.columns))});",
                )


def _covered(constraint: Constraint, table: Table) -> bool:
    """A non-partial index leads with the key's columns: a partial one cannot serve cascades."""
    return table.has_index_leading_with(constraint.columns, partial=False)


@register(
    "duplicate_index",
    "identical indexes on one table",
    supabase="warn",
    postgres="warn",
)
def duplicate_index(context: RuleContext) -> Iterator[Finding]:
    for table in context.schema.tables.values():
        for group in duplicate_groups(table):
            # Keep the primary key, then a constraint's index (other objects may rely on it).
            keep, *drop = sorted(group, key=lambda i: (not i.primary, i.constraint is None, i.name))
            names = ", ".join(i.name for i in sorted(group, key=lambda i: i.name))
            statements = " ".join(_drop(table, i) for i in drop)
            yield Finding(
                "table",
                table.qualified_name,
                f"indexes {names} are identical",
                f"keep {keep.name}: {statements}",
            )


def _drop(table: Table, index: Index) -> str:
    """PostgreSQL refuses DROP INDEX on a constraint's index: the constraint goes, and its index with it."""
    if index.constraint is not None:
        return f"ALTER TABLE {table.quoted_name} DROP CONSTRAINT {quote_ident(index.constraint)};"
    return f"DROP INDEX {sql_name(table.schema, index.name)};"


def duplicate_groups(table: Table) -> list[list[Index]]:
    groups: dict[str, list[Index]] = {}
    for index in table.indexes.values():
        groups.setdefault(_shape(index), []).append(index)
    return [group for _, group in sorted(groups.items()) if len(group) > 1]


def _shape(index: Index) -> str:
    """The index definition without its name: equal shapes are the same index."""
    return re.sub(r"\bINDEX\s+(\S+|\"[^\"]+\")\s+ON\b", "INDEX ON", index.definition, count=1)
