"""The ``views:`` and ``materialized_views:`` sections.

A view's ``columns`` mean what a table's do: the listed columns exist, with their type when one
is given, and ``exhaustive: [columns]`` makes the list exact. The list form ``columns: [id, name]``
(SPEC §3's example) is the same claim without types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from yaml.nodes import MappingNode, Node

from .fields import (
    TABLE_PRIVILEGES,
    Field,
    Where,
    grants_of,
    named,
    qualify,
    read_bool,
    read_fields,
    read_ignore_rules,
    read_text,
    some_of,
    spellings,
)
from .model import VIEW_EXHAUSTIVE_ASPECTS, ColumnExpectation, ViewExpectation
from .tables import column_builder
from .yamlnodes import Entry, Reader, line_of

# A view column has a type and maybe a comment; nullability, defaults and identity are the base tables'.
VIEW_COLUMN_FIELDS = {
    "type": Field(read_text),
    "comment": Field(read_text, nullable=True),
}
VIEW_COLUMNS = "a list of column names or a mapping of column name to a type or settings"
_read_column_mapping = named(column_builder(VIEW_COLUMN_FIELDS), VIEW_COLUMNS)


def read_view_columns(reader: Reader, node: Node, where: Where) -> tuple[ColumnExpectation, ...]:
    """``[id, name]`` (these exist) or ``{id: bigint, name: {type: text}}``, as under a table."""
    if isinstance(node, MappingNode):
        return cast(tuple[ColumnExpectation, ...], _read_column_mapping(reader, node, where))
    items = reader.items(node, where.label, VIEW_COLUMNS)
    return tuple(
        ColumnExpectation(reader.text(item, f"{where.label}, item {n}"), line_of(item))
        for n, item in enumerate(items, 1)
    )


MATERIALIZED_VIEW_FIELDS = {
    "columns": Field(read_view_columns),
    "grants": Field(grants_of(TABLE_PRIVILEGES)),
    "comment": Field(read_text, nullable=True),
    "exhaustive": Field(some_of(spellings(*VIEW_EXHAUSTIVE_ASPECTS)), line_attr="exhaustive_line"),
    "ignore_rules": Field(read_ignore_rules),
}
# security_invoker exists for plain views only (PostgreSQL has no such option on materialized views).
VIEW_FIELDS = {"security_invoker": Field(read_bool), **MATERIALIZED_VIEW_FIELDS}


def view_builder(materialized: bool) -> Callable[[Reader, Entry, str], ViewExpectation]:
    kind, table = ("materialized view", MATERIALIZED_VIEW_FIELDS) if materialized else ("view", VIEW_FIELDS)

    def build(reader: Reader, entry: Entry, owner: str) -> ViewExpectation:
        name = qualify(entry.key)
        values = read_fields(reader, entry.node, f"{kind} {name}", table, f"a mapping of {kind} settings")
        return ViewExpectation(name, entry.line, materialized=materialized, **values)

    return build
