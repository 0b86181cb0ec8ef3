"""The ``tables:`` section: columns, constraints, indexes, triggers, policies, features, grants."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from yaml.nodes import Node, ScalarNode, SequenceNode

from .fields import (
    TABLE_PRIVILEGES,
    Field,
    Where,
    grants_of,
    listed,
    named,
    one_of,
    qualify,
    read_bool,
    read_fields,
    read_ignore_rules,
    read_lower_text,
    read_names,
    read_sql,
    read_text,
    some_of,
    spellings,
)
from .model import (
    TABLE_EXHAUSTIVE_ASPECTS,
    CheckExpectation,
    ColumnExpectation,
    ExclusionExpectation,
    ForeignKeyExpectation,
    FullTextSearchExpectation,
    IndexExpectation,
    PolicyExpectation,
    SoftDeleteExpectation,
    TableExpectation,
    TriggerExpectation,
)
from .yamlnodes import Entry, Reader, describe, is_null, is_text, line_of

T = TypeVar("T")

RLS_STATES = spellings("enabled", "forced", "disabled")
IDENTITIES = spellings("always", "by_default", "none")
FK_ACTIONS = spellings("no action", "restrict", "cascade", "set null", "set default")
POLICY_COMMANDS = spellings("all", "select", "insert", "update", "delete")
TRIGGER_TIMINGS = spellings("before", "after", "instead of")
TRIGGER_EVENTS = spellings("insert", "update", "delete", "truncate")
TRIGGER_LEVELS = spellings("row", "statement")
TABLE_ASPECTS = spellings(*TABLE_EXHAUSTIVE_ASPECTS)


def read_trigger_function(reader: Reader, node: Node, where: Where) -> str:
    # Trigger functions take no arguments, so `f()` and `f` are the same function.
    return qualify(reader.text(node, where.label).strip().removesuffix("()"))


COLUMN_SETS = "a list of column lists, e.g. [[name]] or [[organization_id, email]]"


def read_column_sets(reader: Reader, node: Node, where: Where) -> tuple[tuple[tuple[str, ...], int], ...]:
    """``[[a], [b, c]]``: each inner list is one set of columns, kept with its line."""
    sets = []
    for item in reader.items(node, where.label, COLUMN_SETS):
        if not isinstance(item, SequenceNode):
            hint = f"; for one column write [[{item.value}]]" if isinstance(item, ScalarNode) else ""
            reader.fail(
                item, f"{where.label}: expected {COLUMN_SETS}, found {describe(item)} as an item{hint}"
            )
        sets.append((read_names(reader, item, where), line_of(item)))
    return tuple(sets)


COLUMN_FIELDS = {
    "type": Field(read_text),
    "nullable": Field(read_bool),
    "default": Field(read_sql, nullable=True),  # null: "must have no default"
    "identity": Field(one_of(IDENTITIES)),
    "generated": Field(read_sql),
    "comment": Field(read_text, nullable=True),
}


def column_builder(fields: Mapping[str, Field]) -> Callable[[Reader, Entry, str], ColumnExpectation]:
    """Shorthand ``col: type`` / ``col: absent``, or a mapping of ``fields`` (tables and views
    share the shape; views have fewer settings)."""

    def build(reader: Reader, entry: Entry, owner: str) -> ColumnExpectation:
        node, where = entry.node, f"column {entry.key} of {owner}"
        if is_text(node):
            if node.value.strip() == "absent":
                return ColumnExpectation(entry.key, entry.line, absent=True)
            return ColumnExpectation(entry.key, entry.line, type=node.value)
        if isinstance(node, ScalarNode) and not is_null(node):
            reader.expected(node, where, "a type name, 'absent' or a mapping of column settings")
        values = read_fields(reader, node, where, fields, "a type name, 'absent' or a mapping of settings")
        return ColumnExpectation(entry.key, entry.line, has_default="default" in values, **values)

    return build


build_column = column_builder(COLUMN_FIELDS)


def build_check(reader: Reader, entry: Entry, owner: str) -> CheckExpectation:
    label = f"check {entry.key} of {owner}"
    expression = None if is_null(entry.node) else reader.raw_text(entry.node, label)
    return CheckExpectation(entry.key, expression, entry.line)


def read_reference(reader: Reader, node: Node, where: Where) -> tuple[str, tuple[str, ...]]:
    """``organizations(id)`` / ``auth.users(id)`` / ``organizations`` -> (qualified table, columns)."""
    text = reader.text(node, where.label)
    table, paren, rest = text.partition("(")
    columns: tuple[str, ...] = ()
    if paren:
        columns = tuple(c.strip() for c in rest.rstrip().removesuffix(")").split(","))
    if (
        not table.strip()
        or " " in table.strip()
        or (paren and (not rest.rstrip().endswith(")") or "" in columns))
    ):
        reader.fail(
            node,
            f"{where.label}: expected table(column, ...) or table, e.g. organizations(id) "
            f"or auth.users(id), found {text!r}",
        )
    return qualify(table), columns


FOREIGN_KEY_FIELDS = {
    "columns": Field(read_names, required=True),
    "references": Field(read_reference, required=True),
    "on_delete": Field(one_of(FK_ACTIONS)),
    "on_update": Field(one_of(FK_ACTIONS)),
    "name": Field(read_text),
}


def build_foreign_key(reader: Reader, node: Node, owner: str) -> ForeignKeyExpectation:
    values = read_fields(reader, node, f"a foreign key of {owner}", FOREIGN_KEY_FIELDS)
    table, columns = values.pop("references")
    return ForeignKeyExpectation(references=table, ref_columns=columns, line=line_of(node), **values)


EXCLUSION_FIELDS = {
    "name": Field(read_text),
    "using": Field(read_lower_text),
    "elements": Field(read_names, required=True),
    "where": Field(read_sql),
}


def build_exclusion(reader: Reader, node: Node, owner: str) -> ExclusionExpectation:
    values = read_fields(reader, node, f"an exclusion constraint of {owner}", EXCLUSION_FIELDS)
    return ExclusionExpectation(line=line_of(node), **values)


INDEX_FIELDS = {
    "using": Field(read_lower_text),
    "columns": Field(read_names),
    "unique": Field(read_bool),
    "where": Field(read_sql),
}
TRIGGER_FIELDS = {
    "timing": Field(one_of(TRIGGER_TIMINGS)),
    "events": Field(some_of(TRIGGER_EVENTS)),
    "level": Field(one_of(TRIGGER_LEVELS)),
    "function": Field(read_trigger_function),
}
POLICY_FIELDS = {
    "command": Field(one_of(POLICY_COMMANDS)),
    "roles": Field(read_names),
    "permissive": Field(read_bool),
    "using": Field(read_sql),
    "with_check": Field(read_sql),
}


def settings_of(
    model: Callable[..., T], kind: str, table: Mapping[str, Field]
) -> Callable[[Reader, Entry, str], T]:
    """Builder for a named object whose value is just a settings mapping (index, trigger, policy)."""

    def build(reader: Reader, entry: Entry, owner: str) -> T:
        values = read_fields(reader, entry.node, f"{kind} {entry.key} of {owner}", table)
        return model(entry.key, entry.line, **values)

    return build


FULL_TEXT_SEARCH_FIELDS = {
    "column": Field(read_text, required=True),
    "sources": Field(read_names, required=True),
}
SOFT_DELETE_FIELDS = {
    "column": Field(read_text, required=True),
    "unique_while_active": Field(read_column_sets),
}


def read_full_text_search(reader: Reader, node: Node, where: Where) -> FullTextSearchExpectation:
    values = read_fields(reader, node, f"'full_text_search' of {where.owner}", FULL_TEXT_SEARCH_FIELDS)
    return FullTextSearchExpectation(line=where.line, **values)


def read_soft_delete(reader: Reader, node: Node, where: Where) -> SoftDeleteExpectation:
    values = read_fields(reader, node, f"'soft_delete' of {where.owner}", SOFT_DELETE_FIELDS)
    sets = values.pop("unique_while_active", ())
    return SoftDeleteExpectation(
        unique_while_active=tuple(columns for columns, _ in sets), line=where.line, **values
    )


TABLE_FIELDS = {
    "rls": Field(one_of(RLS_STATES), line_attr="rls_line"),
    "columns": Field(named(build_column, "a mapping of column name to a type or settings")),
    "primary_key": Field(read_names, line_attr="primary_key_line"),
    "unique": Field(read_column_sets),
    "foreign_keys": Field(listed(build_foreign_key, "a list of foreign keys")),
    "checks": Field(named(build_check, "a mapping of constraint name to expression")),
    "exclusion_constraints": Field(listed(build_exclusion, "a list of exclusion constraints")),
    "indexes": Field(
        named(settings_of(IndexExpectation, "index", INDEX_FIELDS), "a mapping of index name to settings")
    ),
    "triggers": Field(
        named(
            settings_of(TriggerExpectation, "trigger", TRIGGER_FIELDS),
            "a mapping of trigger name to settings",
        )
    ),
    "policies": Field(
        named(settings_of(PolicyExpectation, "policy", POLICY_FIELDS), "a mapping of policy name to settings")
    ),
    "full_text_search": Field(read_full_text_search),
    "soft_delete": Field(read_soft_delete),
    "grants": Field(grants_of(TABLE_PRIVILEGES)),
    "comment": Field(read_text, nullable=True),
    "exhaustive": Field(some_of(TABLE_ASPECTS), line_attr="exhaustive_line"),
    "ignore_rules": Field(read_ignore_rules),
}


def build_table(reader: Reader, entry: Entry, owner: str) -> TableExpectation:
    name = qualify(entry.key)
    values = read_fields(reader, entry.node, f"table {name}", TABLE_FIELDS, "a mapping of table settings")
    return TableExpectation(name, entry.line, **values)

