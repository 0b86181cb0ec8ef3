"""Write a starting ``schema_expectations.yml`` from a catalog snapshot (``schemaguard init``).

The file must pass at once against the database it was read from, so every value is written
the way the catalog prints it (the checks compare server-normalised forms, so that is always
equal), and every rule the database breaks today is written at ``warn`` with the objects named.
It must also be pleasant to keep: sorted, one line per simple object (flow style), block style
only where a line would get too long, and comments where a team would tighten it.

The YAML is emitted by hand rather than by a YAML library because libraries cannot mix flow and
block styles per node or keep comments; every scalar goes through :func:`scalar`, which quotes
whatever YAML could misread.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .catalog.model import Column, Constraint, Function, Index, Policy, Schema, Table, Trigger, View
from .checks.grants import Memberships, effective_privileges, privilege_list
from .expectations.loader import TABLE_PRIVILEGES  # what `all` means in the grants the file may pin
from .expectations.model import ProjectSettings
from .init_keep import Kept, qualified_key
from .rules import RULES
from .rules.api_exposure import API_ROLES

WIDTH = 120  # a flow-style line longer than this is written in block style instead
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .()=<>+*/-]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", "absent"}

Value = str | bool | int | None | Sequence["Value"] | Mapping[str, "Value"]


@dataclass(frozen=True)
class RuleStatus:
    """A rule's default level and the objects that break it today (empty: none)."""

    name: str
    default: str
    violators: tuple[str, ...] = ()


@dataclass(frozen=True)
class InitInput:
    schema: Schema
    project: ProjectSettings  # as written under `project:` (paths relative to the file)
    flavor: str
    rules: tuple[RuleStatus, ...] = ()
    memberships: Memberships = field(default_factory=dict)
    migrations_label: str = "supabase/migrations"
    hidden_extensions: frozenset[str] = frozenset()  # the shim's, which no migration creates
    kept: Kept = field(default_factory=Kept)  # hand-written entries of the file being replaced


# -- scalars and flow collections ------------------------------------------------------------


def scalar(value: Value) -> str:
    """One YAML scalar: plain when unambiguous, else double-quoted (JSON strings are valid YAML)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    assert isinstance(value, str)
    text = value
    if (
        _PLAIN.match(text)
        and text.lower() not in _RESERVED
        and text == text.strip()
        and not re.match(r"^[-+.]?\d", text)
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(value: Value) -> str:
    """A value in flow style: ``{a: 1, b: [x, y]}``."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def wrapped_list(prefix: str, items: Sequence[Value], indent: int) -> list[str]:
    """``prefix[a, b, ...]`` wrapped at WIDTH, continuation lines indented under the key."""
    lines, current = [], prefix + "["
    for position, item in enumerate(items):
        piece = flow(item) + (", " if position < len(items) - 1 else "]")
        if len(current) + len(piece) > WIDTH and current.strip() != prefix.strip() + "[":
            lines.append(current.rstrip())
            current = " " * (indent + 2) + piece
        else:
            current += piece
    if not items:
        current += "]"
    lines.append(current)
    return lines


def entry(key: str, value: Value, indent: int, comment: str | None = None) -> list[str]:
    """``key: value`` in flow style if it fits, else a block mapping of flow-style values."""
    pad = " " * indent
    note = f"  # {comment}" if comment else ""
    one_line = f"{pad}{scalar(key)}: {flow(value)}"
    if len(one_line) <= WIDTH:
        return [one_line + note]
    if isinstance(value, Mapping):
        lines = [f"{pad}{scalar(key)}:{note}"]
        for child_key, child in value.items():
            lines += entry(child_key, child, indent + 2)
        return lines
    if isinstance(value, (list, tuple)):
        lines = wrapped_list(f"{pad}{scalar(key)}: ", value, indent)
        lines[0] += note
        return lines
    return [one_line + note]


def list_item(value: Mapping[str, Value], indent: int) -> list[str]:
    """``- {a: 1, b: 2}`` if it fits, else a block mapping after the dash."""
    pad = " " * indent
    if len(f"{pad}- {flow(value)}") <= WIDTH:
        return [f"{pad}- {flow(value)}"]
    lines = [line for key, child in value.items() for line in entry(key, child, indent + 2)]
    return [f"{pad}- {lines[0].lstrip()}", *lines[1:]]


# -- names -----------------------------------------------------------------------------------


def short(qualified: str) -> str:
    """``public.x`` -> ``x`` (unqualified means public in the YAML); other schemas stay qualified."""
    return qualified.removeprefix("public.")


# -- tables ----------------------------------------------------------------------------------


def column_value(column: Column) -> dict[str, Value]:
    value: dict[str, Value] = {"type": column.type, "nullable": column.nullable}
    if column.identity != "none":
        value["identity"] = column.identity
    if column.generated is not None:
        value["generated"] = one_line(column.generated)
    elif column.default is not None and column.identity == "none":
        value["default"] = one_line(column.default)
    if column.comment:
        value["comment"] = column.comment
    return value


def foreign_key_value(constraint: Constraint) -> dict[str, Value]:
    target = short(constraint.references or "")
    value: dict[str, Value] = {
        "columns": list(constraint.columns),
        "references": f"{target}({', '.join(constraint.ref_columns)})" if constraint.ref_columns else target,
        "on_delete": constraint.on_delete or "no action",
    }
    if constraint.on_update and constraint.on_update != "no action":
        value["on_update"] = constraint.on_update
    return value


def exclusion_value(constraint: Constraint) -> dict[str, Value]:
    value: dict[str, Value] = {"name": constraint.name, "using": constraint.using}
    value["elements"] = list(constraint.elements)
    if constraint.where:
        value["where"] = one_line(constraint.where)
    return value


def index_value(index: Index) -> dict[str, Value]:
    value: dict[str, Value] = {"using": index.using, "columns": list(index.columns), "unique": index.unique}
    if index.predicate:
        value["where"] = one_line(index.predicate)
    return value


def trigger_value(trigger: Trigger) -> dict[str, Value]:
    return {
        "timing": trigger.timing,
        "events": list(trigger.events),
        "level": trigger.level,
        "function": short(trigger.function),
    }


def policy_value(policy: Policy) -> dict[str, Value]:
    value: dict[str, Value] = {"command": policy.command, "roles": list(policy.roles)}
    if not policy.permissive:  # permissive is the default and the common case: pinned only when not
        value["permissive"] = False
    if policy.using is not None:
        value["using"] = one_line(policy.using)
    if policy.with_check is not None:
        value["with_check"] = one_line(policy.with_check)
    return value


_SQL_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\s+|[^'\"\s]+|['\"]")


def one_line(sql: str) -> str:
    """The server's SQL on one line: each whitespace run outside string literals and quoted
    identifiers becomes one space, and nothing else changes (the catalog's own single-line text
    is written verbatim, so even a check that compared text would pass)."""
    tokens = _SQL_TOKEN.findall(sql)
    return "".join(" " if token.isspace() else token for token in tokens).strip()


def grants_comment(privileges: Mapping[str, frozenset[str]], memberships: Memberships, every: Sequence[str]) -> str:
    """``grants: {anon: [], authenticated: [select]}`` as they are today, for a comment to uncomment."""
    parts = []
    for role in API_ROLES:
        held = effective_privileges(privileges, role, memberships)
        names = ["all"] if set(every) <= held else [p.strip() for p in privilege_list(held).split(",") if p.strip()]
        parts.append(f"{role}: [{', '.join(names)}]")
    return "grants: {" + ", ".join(parts) + "}   # today's grants; uncomment to pin them"


def table_lines(table: Table, memberships: Memberships, kept: Mapping[str, Value] | None = None) -> list[str]:
    lines = [f"  {scalar(short(table.qualified_name))}:", f"    rls: {table.rls}"]
    lines.append("    columns:")
    for column in table.columns.values():
        lines += entry(column.name, column_value(column), 6)
    if table.primary_key is not None:
        lines += entry("primary_key", list(table.primary_key.columns), 4)
    unique = [list(c.columns) for c in sorted(table.constraints_of("unique"), key=lambda c: c.name)]
    if unique:
        lines += entry("unique", unique, 4)
    foreign_keys = sorted(table.constraints_of("foreign_key"), key=lambda c: (c.columns, c.name))
    if foreign_keys:
        lines.append("    foreign_keys:")
        lines += [line for c in foreign_keys for line in list_item(foreign_key_value(c), 6)]
    checks = sorted(table.constraints_of("check"), key=lambda c: c.name)
    if checks:
        lines.append("    checks:")
        for check in checks:
            lines += entry(check.name, one_line(check.expression) if check.expression else None, 6)
    exclusions = sorted(table.constraints_of("exclusion"), key=lambda c: c.name)
    if exclusions:
        lines.append("    exclusion_constraints:")
        lines += [line for c in exclusions for line in list_item(exclusion_value(c), 6)]
    lines += named_section("indexes", {i.name: index_value(i) for i in table.indexes.values() if i.constraint is None})
    lines += named_section("triggers", {t.name: trigger_value(t) for t in table.triggers.values()})
    lines += named_section("policies", {p.name: policy_value(p) for p in table.policies.values()})
    kept = kept or {}
    for key, value in kept.items():
        lines += entry(key, value, 4)
    if "grants" not in kept:
        lines.append("    # " + grants_comment(table.privileges, memberships, TABLE_PRIVILEGES))
    return lines


def named_section(key: str, values: Mapping[str, Mapping[str, Value]], indent: int = 4) -> list[str]:
    if not values:
        return []
    lines = [" " * indent + f"{key}:"]
    for name in sorted(values):
        lines += entry(name, values[name], indent + 2)
    return lines


# -- views, enums, functions, extensions -----------------------------------------------------


def view_lines(view: View, kept: Mapping[str, Value] | None = None) -> list[str]:
    """Columns as under a table (``name: type``: these exist with this type), as init writes tables:
    without ``exhaustive``, which the header suggests where a team wants it."""
    value: dict[str, Value] = {}
    if not view.materialized:
        value["security_invoker"] = view.security_invoker
    # `absent` as a shorthand means "must not exist", so a type of that name is written out
    value["columns"] = {c.name: {"type": c.type} if c.type == "absent" else c.type for c in view.columns.values()}
    value.update(kept or {})
    return entry(short(view.qualified_name), value, 2)


def function_key_and_value(function: Function, overloaded: bool) -> tuple[str, dict[str, Value]]:
    value: dict[str, Value] = {}
    key = short(function.qualified_name)
    if overloaded:
        key += f"({', '.join(function.arg_types)})"
    else:
        value["args"] = list(function.arg_types)
    if function.returns:
        value["returns"] = function.returns
    value["language"] = function.language
    value["security_definer"] = function.security_definer
    value["search_path"] = function.search_path
    value["volatility"] = function.volatility
    return key, value


def function_entries(schema: Schema) -> list[tuple[str, dict[str, Value]]]:
    functions = [f for f in schema.functions.values() if f.kind in ("function", "procedure")]
    names = [f.qualified_name for f in functions]
    return [function_key_and_value(function, names.count(function.qualified_name) > 1)
            for function in sorted(functions, key=lambda f: f.signature)]


def function_lines(schema: Schema, kept: Kept) -> list[str]:
    lines = []
    for key, value in function_entries(schema):
        value.update(kept.objects.get(("functions", qualified_key(key)), {}))
        lines += entry(key, value, 2)
    return lines


def present_keys(schema: Schema) -> dict[str, set[str]]:
    """Section -> qualified keys the new file will have: where kept entries can go."""
    return {
        "tables": set(schema.tables),
        "views": set(schema.views),
        "materialized_views": set(schema.materialized_views),
        "functions": {qualified_key(key) for key, _ in function_entries(schema)},
    }


# -- rules, project, header ------------------------------------------------------------------


def rule_lines(statuses: Iterable[RuleStatus]) -> list[str]:
    statuses = list(statuses)
    width = max((len(s.name) for s in statuses), default=0) + 2
    lines = []
    for status in statuses:
        level, comment = status.default, RULES[status.name].summary
        if status.violators:
            shown = ", ".join(status.violators[:6]) + (f" and {len(status.violators) - 6} more"
                                                       if len(status.violators) > 6 else "")
            if status.default == "error":
                level = "warn"
                comment = f"error by default; broken today by {shown}: fix them, then set error"
            else:
                comment = f"broken today by {shown}"
        lines.append(f"  {(status.name + ':').ljust(width)} {level.ljust(5)}  # {comment}")
    return lines


def project_lines(project: ProjectSettings, flavor: str) -> list[str]:
    values: dict[str, Value] = {"migrations": project.migrations}
    if project.seed is not None:
        values["seed"] = list(project.seed) if len(project.seed) != 1 else project.seed[0]
    values["flavor"] = flavor
    values["naming"] = project.naming
    for key in ("snapshot", "lock", "rollbacks", "archive", "history", "types", "statement_timeout"):
        if getattr(project, key) is not None:
            values[key] = getattr(project, key)
    if project.declarative is not None:
        values["declarative"] = list(project.declarative)
    if project.stubs:
        values["stubs"] = True
    return ["project:"] + [line for key, value in values.items() for line in entry(key, value, 2)]


HEADER = """\
# What the database built from {migrations} must look like, checked by `pytest --schemaguard`.
# Written by `schemaguard init` from the built database: it passes as it is. Tighten it where it matters:
#   - grants: each table has its grants for anon/authenticated as of today in a comment; uncomment to pin
#     them (`anon: []` means anon can do nothing, through PUBLIC or role membership included).
#   - exhaustive: `exhaustive: [columns, policies, indexes, triggers, grants]` under a table (`[columns]` under
#     a view), or `exhaustive: {{public: [tables, views, enums, functions]}}` at the top: nothing beyond what is listed.
#   - behaviour: `behaviour:` checks that RLS really isolates users, that soft-delete uniqueness and
#     full-text search really work (see the README).
#   - rules: rules broken today are at warn with the objects named; fix them, then set them to error.
# Types and SQL expressions are compared as the server normalises them: rewrite them the way you like.
version: 1
"""


def render_expectations(data: InitInput) -> str:
    schema = data.schema
    lines = HEADER.format(migrations=data.migrations_label).splitlines()
    lines.append("")
    lines += project_lines(data.project, data.flavor)
    extensions = sorted(e for e in schema.extensions if e != "plpgsql" and e not in data.hidden_extensions)
    if extensions:
        lines += ["", *entry("extensions", extensions, 0)]
    kept = data.kept.objects
    sections: list[tuple[str, list[str]]] = [
        ("tables", [line for t in sorted(schema.tables)
                    for line in table_lines(schema.tables[t], data.memberships, kept.get(("tables", t)))]),
        ("views", [line for v in sorted(schema.views) for line in view_lines(schema.views[v], kept.get(("views", v)))]),
        ("materialized_views", [line for v in sorted(schema.materialized_views)
                                for line in view_lines(schema.materialized_views[v],
                                                       kept.get(("materialized_views", v)))]),
        ("enums", [line for e in sorted(schema.enums)
                   for line in entry(short(e), list(schema.enums[e].labels), 2)]),
        ("functions", function_lines(schema, data.kept)),
    ]
    for name, body in sections:
        if body:
            lines += ["", f"{name}:", *body]
    for key, value in data.kept.top_level.items():
        lines.append("")
        if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
            lines += [f"{key}:", *(line for item in value for line in list_item(item, 2))]
        else:  # `absent` is a reserved word only as a value; as a key it stays plain
            lines += [line.replace(f"{scalar(key)}:", f"{key}:", 1) for line in entry(key, value, 0)]
    if data.rules:
        lines += ["", "rules:  # error fails its rule[...] item, warn lists the objects in the summary, off skips it"]
        lines += rule_lines(data.rules)
    return "\n".join(lines) + "\n"
