"""The SQL of a migration that turns one catalog snapshot (the migrations' build) into another
(the declared build), written from ``diff_snapshots`` changes.

Statements are collected per phase and emitted phase by phase, so dependencies are met whatever
order the changes came in: drops of what depends on others first (policies, triggers, views,
foreign keys), then types, tables and columns, functions, constraints, indexes, views, triggers,
row level security, policies, grants and comments, and the drops of what others depended on last.
Definitions come from the declared build's catalog (``pg_get_indexdef``, ``pg_get_constraintdef``,
``pg_get_triggerdef``, ``pg_get_viewdef``; functions through ``pg_get_functiondef``, which the
snapshot does not hold, via ``Definitions``). What cannot be written safely (an enum value removed
or renamed, a generated expression changed, an aggregate) becomes a ``-- TODO`` block naming the
object, never a guess.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from ..catalog.model import Column, Constraint, Function, Policy, Schema, Table, View, quote_ident, sql_name
from ..diff import DIFFERS, ONLY_IN_A, ONLY_IN_B, OWNER_GRANTEE, Change

# Phases, in the order their statements run.
(CREATE_SCHEMA, ENUM_VALUES, DROP_POLICY, DROP_TRIGGER, DROP_VIEW, DROP_FOREIGN_KEY, DROP_CONSTRAINT,
 DROP_INDEX, DROP_FUNCTION_FIRST, DROP_TABLE, CREATE_TYPE, FUNCTION_EARLY, CREATE_SEQUENCE, CREATE_TABLE, ALTER_COLUMN,
 OWN_SEQUENCE, FUNCTION, ADD_CONSTRAINT, ADD_FOREIGN_KEY, CREATE_INDEX, CREATE_VIEW, CREATE_TRIGGER, RLS,
 CREATE_POLICY, GRANT, COMMENT, DROP_FUNCTION, DROP_TYPE, DROP_SCHEMA) = range(29)

NEXTVAL = re.compile(r"^nextval\('(?P<sequence>(?:[^']|'')+)'::regclass\)$")


class Definitions(Protocol):
    """Full definitions the snapshot does not hold, read from the declared build."""

    def function(self, signature: str) -> str: ...


@dataclass(frozen=True)
class Todo:
    """Something the generator will not write: shown as a commented block, and the run fails."""

    object: str  # e.g. "enum public.employee_status"
    reason: str
    declared: str | None = None  # the declared definition, to start the hand-written SQL from

    def render(self) -> str:
        lines = [f"-- TODO {self.object}: {self.reason}"]
        if self.declared:
            lines += ["--   declared:", *(f"--     {row}" for row in self.declared.strip("\n").splitlines())]
        return "\n".join(lines)


@dataclass(frozen=True)
class MigrationPlan:
    enum_values: tuple[str, ...]  # ALTER TYPE ... ADD VALUE: must be committed before use (own file)
    statements: tuple[str, ...]
    todos: tuple[Todo, ...]

    @property
    def empty(self) -> bool:
        return not (self.enum_values or self.statements or self.todos)

    def render(self, statements: Iterable[str]) -> str:
        body = "".join(f"{s};\n\n" for s in statements)
        if self.todos:
            body += "".join(f"{t.render()}\n\n" for t in self.todos)
        return body.rstrip("\n") + "\n" if body else ""


@dataclass
class _Plan:
    migrated: Schema
    declared: Schema
    definitions: Definitions
    phases: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    todos: list[Todo] = field(default_factory=list)
    views_to_create: dict[str, View] = field(default_factory=dict)
    views_dropped: set[str] = field(default_factory=set)

    def add(self, phase: int, sql: str) -> None:
        if sql not in self.phases[phase]:
            self.phases[phase].append(sql)

    def todo(self, obj: str, reason: str, declared: str | None = None) -> None:
        if not any(t.object == obj and t.reason == reason for t in self.todos):
            self.todos.append(Todo(obj, reason, declared))


def generate_migration(changes: Iterable[Change], migrated: Schema, declared: Schema,
                       definitions: Definitions) -> MigrationPlan:
    """The statements (and TODOs) taking ``migrated`` to ``declared`` for these changes."""
    plan = _Plan(migrated, declared, definitions)
    for change in changes:
        _HANDLERS.get(change.object[0] if change.object else change.kind, _unhandled)(plan, change)
    _views_depending_on_recreated(plan)
    for view in _dependency_order(plan.views_to_create, plan.declared):
        _create_view(plan, view)
    ordered = [sql for phase in sorted(plan.phases) if phase != ENUM_VALUES for sql in plan.phases[phase]]
    return MigrationPlan(tuple(plan.phases.get(ENUM_VALUES, [])), tuple(ordered), tuple(plan.todos))


def _unhandled(plan: _Plan, change: Change) -> None:
    plan.todo(f"{change.kind} {change.name}", f"{change.change.replace('_', ' ')} {change.field or ''}".strip()
              + ": schemaguard does not write this change")


# --------------------------------------------------------------------------- literals and names


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _role(name: str) -> str:
    return "public" if name.lower() == "public" else quote_ident(name)


def _function_sql_name(function: Function) -> str:
    return f"{sql_name(function.schema, function.name)}({', '.join(function.arg_types)})"


# --------------------------------------------------------------------------- schemas, extensions


def _schema(plan: _Plan, change: Change) -> None:
    if change.change == ONLY_IN_B:
        plan.add(CREATE_SCHEMA, f"create schema if not exists {quote_ident(change.name)}")
    elif change.change == ONLY_IN_A:
        plan.add(DROP_SCHEMA, f"drop schema {quote_ident(change.name)}")


def _extension(plan: _Plan, change: Change) -> None:
    if change.change == ONLY_IN_B:
        extension = plan.declared.extensions[change.name]
        plan.add(CREATE_SCHEMA, f"create extension if not exists {quote_ident(extension.name)} "
                                f"with schema {quote_ident(extension.schema)}")
    else:
        plan.todo(f"extension {change.name}", "dropping an extension or changing its version or schema is not "
                  "written automatically: it takes every object of the extension with it")


# --------------------------------------------------------------------------- enums


def _enum(plan: _Plan, change: Change) -> None:
    name = change.name if change.kind == "enum" else (change.object[1] if change.object else change.name)
    schema_name, _, type_name = name.partition(".")
    quoted = sql_name(schema_name, type_name)
    if change.kind == "comment":
        plan.add(COMMENT, f"comment on type {quoted} is {_comment(change.b)}")
    elif change.change == ONLY_IN_B:
        labels = ", ".join(literal(label) for label in plan.declared.enums[name].labels)
        plan.add(CREATE_TYPE, f"create type {quoted} as enum ({labels})")
        comment = plan.declared.enums[name].comment
        if comment:
            plan.add(COMMENT, f"comment on type {quoted} is {_comment(comment)}")
    elif change.change == ONLY_IN_A:
        plan.add(DROP_TYPE, f"drop type {quoted}")
    else:
        _enum_labels(plan, quoted, name, tuple(change.a), tuple(change.b))


def _enum_labels(plan: _Plan, quoted: str, name: str, have: tuple[str, ...], want: tuple[str, ...]) -> None:
    """New labels are added at their declared position; anything else needs a hand-written migration."""
    if [label for label in want if label in have] != list(have):
        plan.todo(f"enum {name}", f"labels removed, renamed or reordered (migrated: {', '.join(have)}; declared: "
                  f"{', '.join(want)}); PostgreSQL cannot drop or move an enum value: create the new type, "
                  "convert the columns that use it, drop the old one")
        return
    current = list(have)
    for index, label in enumerate(want):
        if label in current:
            continue
        if index > 0:
            position = f" after {literal(want[index - 1])}"
        else:
            position = f" before {literal(current[0])}" if current else ""
        plan.add(ENUM_VALUES, f"alter type {quoted} add value {literal(label)}{position}")
        current.insert(index, label)


# --------------------------------------------------------------------------- tables


def _table(plan: _Plan, change: Change) -> None:
    assert change.object is not None
    table_name = change.object[1]
    if change.kind == "table" and change.change == ONLY_IN_B:
        _create_table(plan, plan.declared.tables[table_name])
        return
    if change.kind == "table" and change.change == ONLY_IN_A:
        plan.add(DROP_TABLE, f"drop table {plan.migrated.tables[table_name].quoted_name}")
        return
    old, new = plan.migrated.tables[table_name], plan.declared.tables[table_name]
    inner = change.name[len(table_name) + 1:]
    handler = _TABLE_PARTS.get(change.kind)
    if handler is None or (change.kind == "table" and change.field != "column order"):
        _unhandled(plan, change)
        return
    handler(plan, change, old, new, inner)


def _column_sql(column: Column) -> str:
    parts = [quote_ident(column.name), column.type]
    if column.generated is not None:
        parts.append(f"generated always as ({column.generated}) stored")
    elif column.identity != "none":
        parts.append(f"generated {'always' if column.identity == 'always' else 'by default'} as identity")
    elif column.default is not None:
        parts.append(f"default {column.default}")
    if not column.nullable:
        parts.append("not null")
    return " ".join(parts)


def _sequence_for(plan: _Plan, table: Table, column: Column) -> None:
    """A serial-style default needs its sequence before the column and owned by it afterwards."""
    match = NEXTVAL.match(column.default or "")
    if match is None:
        return
    sequence = match["sequence"].replace("''", "'")
    kind = f" as {column.type}" if column.type in ("smallint", "integer", "bigint") else ""
    plan.add(CREATE_SEQUENCE, f"create sequence if not exists {sequence}{kind}")
    plan.add(OWN_SEQUENCE, f"alter sequence {sequence} owned by {table.quoted_name}.{quote_ident(column.name)}")


def _create_table(plan: _Plan, table: Table) -> None:
    if table.partitioned:
        plan.todo(f"table {table.qualified_name}", "partitioned tables are not written automatically "
                  "(the declarative workflow does not track partitions either)")
        return
    columns = sorted(table.columns.values(), key=lambda c: c.position)
    for column in columns:
        _sequence_for(plan, table, column)
    body = ",\n".join(f"  {_column_sql(c)}" for c in columns)
    plan.add(CREATE_TABLE, f"create table {table.quoted_name} (\n{body}\n)")
    for constraint in table.constraints.values():
        _add_constraint(plan, table, constraint)
    for index in table.indexes.values():
        if index.constraint is None:
            plan.add(CREATE_INDEX, index.definition)
    for trigger in table.triggers.values():
        _create_trigger(plan, table.quoted_name, trigger.name, trigger.definition, trigger.enabled)
    if table.rls_enabled:
        plan.add(RLS, f"alter table {table.quoted_name} enable row level security")
    if table.rls_forced:
        plan.add(RLS, f"alter table {table.quoted_name} force row level security")
    for policy in table.policies.values():
        plan.add(CREATE_POLICY, _policy_sql(table.quoted_name, policy))
    if table.comment:
        plan.add(COMMENT, f"comment on table {table.quoted_name} is {_comment(table.comment)}")
    for column in columns:
        if column.comment:
            plan.add(COMMENT, f"comment on column {table.quoted_name}.{quote_ident(column.name)} "
                              f"is {_comment(column.comment)}")


def _column(plan: _Plan, change: Change, old: Table, new: Table, inner: str) -> None:
    target = f"alter table {new.quoted_name}"
    if change.change == ONLY_IN_B:
        column = new.columns[inner]
        _sequence_for(plan, new, column)
        plan.add(ALTER_COLUMN, f"{target} add column {_column_sql(column)}")
        if column.comment:
            plan.add(COMMENT, f"comment on column {new.quoted_name}.{quote_ident(inner)} is {_comment(column.comment)}")
        return
    if change.change == ONLY_IN_A:
        plan.add(ALTER_COLUMN, f"alter table {old.quoted_name} drop column {quote_ident(inner)}")
        _recreate_views_using(plan, old.qualified_name)
        return
    column, was = new.columns[inner], old.columns[inner]
    alter = f"{target} alter column {quote_ident(inner)}"
    if change.field == "type":
        if was.default is not None and was.identity == "none":
            plan.add(ALTER_COLUMN, f"{alter} drop default")  # the old default may not cast to the new type
            if column.default is not None and column.identity == "none":
                plan.add(ALTER_COLUMN, f"{alter} set default {column.default}")
        name = quote_ident(inner)
        plan.add(ALTER_COLUMN, f"{alter} type {column.type} using {name}::{column.type}")
        _recreate_views_using(plan, old.qualified_name)
    elif change.field == "nullable":
        plan.add(ALTER_COLUMN, f"{alter} {'drop' if column.nullable else 'set'} not null")
    elif change.field == "default" and column.identity == "none" and column.generated is None:
        _sequence_for(plan, new, column)
        plan.add(ALTER_COLUMN, f"{alter} set default {column.default}" if column.default is not None
                 else f"{alter} drop default")
    elif change.field == "identity":
        if column.identity == "none":
            plan.add(ALTER_COLUMN, f"{alter} drop identity")
        elif was.identity == "none":
            kind = "always" if column.identity == "always" else "by default"
            plan.add(ALTER_COLUMN, f"{alter} add generated {kind} as identity")
        else:
            plan.add(ALTER_COLUMN, f"{alter} set generated {'always' if column.identity == 'always' else 'by default'}")
    elif change.field == "default":
        return  # follows from the identity or generated change, reported on its own
    else:
        plan.todo(f"column {new.qualified_name}.{inner}", f"{change.field} differs (migrated {change.a!r}, declared "
                  f"{change.b!r}): changing a generated expression needs the column dropped and added again")


def _constraint_phase(constraint: Constraint) -> int:
    return ADD_FOREIGN_KEY if constraint.kind == "foreign_key" else ADD_CONSTRAINT


def _add_constraint(plan: _Plan, table: Table, constraint: Constraint) -> None:
    plan.add(_constraint_phase(constraint),
             f"alter table {table.quoted_name} add constraint {quote_ident(constraint.name)} {constraint.definition}")


def _drop_constraint(plan: _Plan, table: Table, constraint: Constraint) -> None:
    phase = DROP_FOREIGN_KEY if constraint.kind == "foreign_key" else DROP_CONSTRAINT
    plan.add(phase, f"alter table {table.quoted_name} drop constraint {quote_ident(constraint.name)}")


def _constraint(plan: _Plan, change: Change, old: Table, new: Table, inner: str) -> None:
    if change.change != ONLY_IN_B:
        _drop_constraint(plan, old, old.constraints[inner])
    if change.change != ONLY_IN_A:
        _add_constraint(plan, new, new.constraints[inner])


def _index(plan: _Plan, change: Change, old: Table | View, new: Table | View, inner: str) -> None:
    if change.change != ONLY_IN_B:
        plan.add(DROP_INDEX, f"drop index {sql_name(old.schema, inner)}")
    if change.change != ONLY_IN_A:
        plan.add(CREATE_INDEX, new.indexes[inner].definition)


def _create_trigger(plan: _Plan, table: str, name: str, definition: str, enabled: bool) -> None:
    plan.add(CREATE_TRIGGER, definition)
    if not enabled:
        plan.add(CREATE_TRIGGER, f"alter table {table} disable trigger {quote_ident(name)}")


def _trigger(plan: _Plan, change: Change, old: Table | View, new: Table | View, inner: str) -> None:
    if change.change == DIFFERS and change.field == "enabled":
        state = "enable" if new.triggers[inner].enabled else "disable"
        plan.add(CREATE_TRIGGER, f"alter table {new.quoted_name} {state} trigger {quote_ident(inner)}")
        return
    if change.change != ONLY_IN_B:
        plan.add(DROP_TRIGGER, f"drop trigger {quote_ident(inner)} on {old.quoted_name}")
    if change.change != ONLY_IN_A:
        trigger = new.triggers[inner]
        _create_trigger(plan, new.quoted_name, inner, trigger.definition, trigger.enabled)


def _policy_sql(table: str, policy: Policy) -> str:
    sql = f"create policy {quote_ident(policy.name)} on {table}"
    if not policy.permissive:
        sql += " as restrictive"
    sql += f" for {policy.command} to {', '.join(_role(r) for r in policy.roles)}"
    if policy.using is not None:
        sql += f" using ({policy.using})"
    if policy.with_check is not None:
        sql += f" with check ({policy.with_check})"
    return sql


def _policy(plan: _Plan, change: Change, old: Table, new: Table, inner: str) -> None:
    if change.change != ONLY_IN_B:
        plan.add(DROP_POLICY, f"drop policy {quote_ident(inner)} on {old.quoted_name}")
    if change.change != ONLY_IN_A:
        plan.add(CREATE_POLICY, _policy_sql(new.quoted_name, new.policies[inner]))


def _rls(plan: _Plan, change: Change, old: Table, new: Table, inner: str) -> None:
    if change.field == "enabled":
        plan.add(RLS, f"alter table {new.quoted_name} {'enable' if change.b else 'disable'} row level security")
    else:
        plan.add(RLS, f"alter table {new.quoted_name} {'force' if change.b else 'no force'} row level security")


def _grant_statements(plan: _Plan, on: str, change: Change, columns: str = "") -> None:
    if change.field == OWNER_GRANTEE:
        plan.todo(f"grant on {change.name}", "the owner's own privileges differ; write the GRANT/REVOKE by hand")
        return
    role = _role(change.field or "public")
    gained, lost = sorted(change.b - change.a), sorted(change.a - change.b)
    if lost:
        plan.add(GRANT, f"revoke {', '.join(p + columns for p in lost)} on {on} from {role}")
    if gained:
        plan.add(GRANT, f"grant {', '.join(p + columns for p in gained)} on {on} to {role}")


def _grant(plan: _Plan, change: Change, old: Table | View, new: Table | View, inner: str) -> None:
    columns = f" ({quote_ident(inner)})" if inner else ""
    _grant_statements(plan, f"table {new.quoted_name}", change, columns)


def _comment(text: str | None) -> str:
    return "null" if text is None else literal(text)


def _table_comment(plan: _Plan, change: Change, old: Table | View, new: Table | View, inner: str) -> None:
    if inner:
        plan.add(COMMENT, f"comment on column {new.quoted_name}.{quote_ident(inner)} is {_comment(change.b)}")
    else:
        kind = "table" if isinstance(new, Table) else ("materialized view" if new.materialized else "view")
        plan.add(COMMENT, f"comment on {kind} {new.quoted_name} is {_comment(change.b)}")


def _column_order(plan: _Plan, change: Change, old: Table, new: Table, inner: str) -> None:
    return None  # not drift in the declarative workflow (see drift.declarative.CAVEATS)


_TABLE_PARTS = {
    "column": _column,
    "constraint": _constraint,
    "index": _index,
    "trigger": _trigger,
    "policy": _policy,
    "rls": _rls,
    "grant": _grant,
    "comment": _table_comment,
    "table": _column_order,
}


# --------------------------------------------------------------------------- views


def _views_of(schema: Schema) -> Mapping[str, View]:
    return {**schema.views, **schema.materialized_views}


def _view(plan: _Plan, change: Change) -> None:
    assert change.object is not None
    name = change.object[1]
    old, new = _views_of(plan.migrated).get(name), _views_of(plan.declared).get(name)
    if change.change == ONLY_IN_A and change.kind in ("view", "materialized_view"):
        assert old is not None
        _drop_view(plan, old)
        return
    if change.change == ONLY_IN_B and change.kind in ("view", "materialized_view"):
        assert new is not None
        plan.views_to_create[name] = new
        return
    assert old is not None and new is not None
    inner = change.name[len(name) + 1:]
    if change.kind in ("view", "materialized_view") and (change.field or "").startswith("option "):
        option = (change.field or "").removeprefix("option ")
        kind = "materialized view" if new.materialized else "view"
        if change.b is None:
            plan.add(CREATE_VIEW, f"alter {kind} {new.quoted_name} reset ({option})")
        else:
            plan.add(CREATE_VIEW, f"alter {kind} {new.quoted_name} set ({option} = {change.b})")
    elif change.kind in ("view", "materialized_view", "column"):
        _drop_view(plan, old)  # a new definition or new column types: drop and create again
        plan.views_to_create[name] = new
    elif change.kind == "index":
        _index(plan, change, old, new, inner)
    elif change.kind == "trigger":
        _trigger(plan, change, old, new, inner)
    elif change.kind == "grant":
        _grant(plan, change, old, new, inner)
    elif change.kind == "comment":
        _table_comment(plan, change, old, new, inner)
    else:
        _unhandled(plan, change)


def _drop_view(plan: _Plan, view: View) -> None:
    kind = "materialized view" if view.materialized else "view"
    plan.add(DROP_VIEW, f"drop {kind} {view.quoted_name}")
    plan.views_dropped.add(view.qualified_name)


def _printed_name(qualified: str) -> str:
    """How ``pg_get_viewdef`` (read with search_path = public) prints a relation name in a definition."""
    schema, _, name = qualified.partition(".")
    return quote_ident(name) if schema == "public" else sql_name(schema, name)


def _mentions(definition: str, qualified: str) -> bool:
    return re.search(rf"(?<![\w.\"]){re.escape(_printed_name(qualified))}(?![\w\"])", definition) is not None


def _recreate_views_using(plan: _Plan, relation: str) -> None:
    """Views reading ``relation`` block a column's type change or drop: drop and create them again."""
    for name, view in _views_of(plan.migrated).items():
        if name not in plan.views_dropped and _mentions(view.definition, relation):
            _drop_view(plan, view)
            declared = _views_of(plan.declared).get(name)
            if declared is not None:
                plan.views_to_create[name] = declared
            _recreate_views_using(plan, name)


def _views_depending_on_recreated(plan: _Plan) -> None:
    for name in list(plan.views_dropped):
        _recreate_views_using(plan, name)


def _dependency_order(views: Mapping[str, View], declared: Schema) -> list[View]:
    """Views in an order where each comes after the views (to be created) its definition reads."""
    ordered: list[View] = []
    pending = dict(sorted(views.items()))
    while pending:
        ready = [v for n, v in pending.items()
                 if not any(_mentions(v.definition, other) for other in pending if other != n)]
        for view in ready or list(pending.values()):  # a cycle cannot be built anyway: keep going, let the proof say
            ordered.append(view)
            del pending[view.qualified_name]
    return ordered


def _create_view(plan: _Plan, view: View) -> None:
    kind = "materialized view" if view.materialized else "view"
    options = f" with ({', '.join(f'{k} = {v}' for k, v in view.options.items())})" if view.options else ""
    plan.add(CREATE_VIEW, f"create {kind} {view.quoted_name}{options} as\n{view.definition.rstrip().rstrip(';')}")
    for index in view.indexes.values():
        plan.add(CREATE_VIEW, index.definition)
    for trigger in view.triggers.values():
        _create_trigger(plan, view.quoted_name, trigger.name, trigger.definition, trigger.enabled)
    if view.comment:
        plan.add(COMMENT, f"comment on {kind} {view.quoted_name} is {_comment(view.comment)}")


# --------------------------------------------------------------------------- functions


def _function(plan: _Plan, change: Change) -> None:
    signature = change.object[1] if change.object else change.name
    old, new = plan.migrated.functions.get(signature), plan.declared.functions.get(signature)
    if change.kind == "grant":
        assert new is not None
        _grant_statements(plan, f"{'procedure' if new.kind == 'procedure' else 'function'} "
                                f"{_function_sql_name(new)}", change)
        return
    if change.kind == "comment":
        assert new is not None
        plan.add(COMMENT, f"comment on {new.kind} {_function_sql_name(new)} is {_comment(change.b)}")
        return
    if change.change == ONLY_IN_A:
        assert old is not None
        plan.add(DROP_FUNCTION, f"drop {'procedure' if old.kind == 'procedure' else 'function'} "
                                f"{_function_sql_name(old)}")
        return
    assert new is not None
    if new.kind == "aggregate":
        plan.todo(f"function {signature}", "aggregates are not written automatically (no pg_get_functiondef)")
        return
    if old is not None and (old.returns != new.returns or old.kind != new.kind):
        # CREATE OR REPLACE cannot change the result type: drop it first, and the views calling it.
        plan.add(DROP_FUNCTION_FIRST, f"drop {'procedure' if old.kind == 'procedure' else 'function'} "
                                      f"{_function_sql_name(old)}")
        _recreate_views_using(plan, old.qualified_name)
    plan.add(_function_phase(plan, new), plan.definitions.function(signature).rstrip().rstrip(";"))
    if old is None and new.comment:
        plan.add(COMMENT, f"comment on {new.kind} {_function_sql_name(new)} is {_comment(new.comment)}")


def _function_phase(plan: _Plan, function: Function) -> int:
    """Before new tables when it can be (their defaults and checks may call it), after them when its
    signature names a new relation or, being SQL, its body is checked against tables at creation."""
    new_relations = (set(plan.declared.tables) | set(_views_of(plan.declared))) - (
        set(plan.migrated.tables) | set(_views_of(plan.migrated)))
    signature = f"{function.returns} {' '.join(function.arg_types)}"
    if function.language == "sql" or any(_mentions(signature, r) for r in new_relations):
        return FUNCTION
    return FUNCTION_EARLY


_HANDLERS = {
    "schema": _schema,
    "extension": _extension,
    "enum": _enum,
    "table": _table,
    "view": _view,
    "materialized_view": _view,
    "function": _function,
}
