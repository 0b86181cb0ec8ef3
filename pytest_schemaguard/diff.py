"""Structural diff of two catalog snapshots: the one module drift, snapshot, rollback, baseline
and semantic lint all use.

``diff_snapshots(a, b)`` returns plain change records in a deterministic order (kind, name,
field); formatting (a report grouped by object, JSON) happens in ``render_changes`` /
``changes_as_json`` only. Every object kind the snapshot holds is compared, field by field, so a
change is named precisely ("policy x: using differs") rather than as "definition differs".

Deliberately not compared: object owners (they depend on the role that ran the migrations; the
owner's own privileges are compared under the grantee name ``owner``), column ``attnum`` gaps
left by dropped columns (only the relative order of the columns both sides have), and the server
version.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from .catalog.model import (
    Column,
    Constraint,
    Enum,
    Extension,
    Function,
    Index,
    Privileges,
    Schema,
    Table,
    Trigger,
    View,
)

ONLY_IN_A = "only_in_a"
ONLY_IN_B = "only_in_b"
DIFFERS = "differs"
OWNER_GRANTEE = "owner"
"""The grantee name the object owner's own privileges are compared under (owners may differ)."""

_T = TypeVar("_T")


@dataclass(frozen=True)
class Change:
    """One difference between snapshot A and snapshot B.

    ``kind``: table | column | constraint | index | trigger | policy | rls | grant | comment |
    view | materialized_view | enum | function | extension | schema. ``name``: qualified, e.g.
    ``public.organizations``, ``public.organizations.legacy_code`` (column),
    ``public.organizations.organizations_name_key`` (constraint/index/trigger/policy of a table),
    ``public.f(bigint)`` (function). ``change``: ``only_in_a`` | ``only_in_b`` | ``differs``
    (then ``field``, ``a``, ``b`` say how; for ``grant`` the field is the grantee and the values
    are the privilege sets, empty when that side grants nothing).

    ``object`` is the top-level object the change belongs to, as (kind, name), e.g.
    ``("table", "public.organizations")`` for one of its columns: what the report groups by. It
    follows from kind and name, so it takes no part in equality.
    """

    kind: str
    name: str
    change: str
    field: str | None = None
    a: Any = None
    b: Any = None
    object: tuple[str, str] | None = dataclasses.field(default=None, compare=False)

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.name, self.field or "", self.change)


# --------------------------------------------------------------------------- diff


def diff_snapshots(a: Schema, b: Schema) -> list[Change]:
    """Every structural difference between ``a`` and ``b``, sorted by kind, name and field."""
    changes: list[Change] = []
    changes += _diff_keyed(a.tables, b.tables, lambda n, x, y: _diff_table(x, y), "table")
    changes += _diff_keyed(a.views, b.views, lambda n, x, y: _diff_view(x, y, "view"), "view")
    changes += _diff_keyed(a.materialized_views, b.materialized_views,
                           lambda n, x, y: _diff_view(x, y, "materialized_view"), "materialized_view")
    changes += _diff_keyed(a.enums, b.enums, lambda n, x, y: _diff_enum(x, y), "enum")
    changes += _diff_keyed(a.functions, b.functions, _diff_function, "function")
    changes += _diff_keyed(a.extensions, b.extensions, _diff_extension, "extension")
    changes += _diff_schemas(a.schemas, b.schemas)
    return sorted(changes, key=Change.sort_key)


def _diff_keyed(
    a: Mapping[str, _T],
    b: Mapping[str, _T],
    compare: Callable[[str, _T, _T], list[Change]],
    kind: str,
    owner: tuple[str, str] | None = None,
    prefix: str = "",
) -> list[Change]:
    """Objects only on one side, then ``compare`` on those both sides have."""
    changes: list[Change] = []
    for key in sorted(set(a) | set(b)):
        name = f"{prefix}{key}"
        where = owner or (kind, name)
        if key not in b:
            changes.append(Change(kind, name, ONLY_IN_A, object=where))
        elif key not in a:
            changes.append(Change(kind, name, ONLY_IN_B, object=where))
        elif a[key] is not b[key]:  # lint's snapshots share every object a migration left alone
            changes += compare(name, a[key], b[key])
    return changes


def _diff_fields(kind: str, name: str, a: object, b: object, names: Iterable[str],
                 owner: tuple[str, str]) -> list[Change]:
    """One ``differs`` change per attribute in ``names`` whose values differ."""
    return [
        Change(kind, name, DIFFERS, attr, getattr(a, attr), getattr(b, attr), object=owner)
        for attr in names
        if getattr(a, attr) != getattr(b, attr)
    ]


def _diff_precise(kind: str, name: str, a: object, b: object, names: Sequence[str],
                  owner: tuple[str, str]) -> list[Change]:
    """The structured fields first; ``definition`` only when it differs and nothing else does.

    The definition text repeats the structured fields, so naming both would say one thing twice.
    """
    found = _diff_fields(kind, name, a, b, names, owner)
    return found or _diff_fields(kind, name, a, b, ("definition",), owner)


_CONSTRAINT_FIELDS = tuple(f.name for f in fields(Constraint) if f.name not in ("name", "definition"))
_INDEX_FIELDS = ("using", "columns", "unique", "primary", "predicate", "constraint")
_TRIGGER_FIELDS = ("timing", "events", "level", "function", "enabled")
_POLICY_FIELDS = ("command", "roles", "permissive", "using", "with_check")
_COLUMN_FIELDS = ("type", "nullable", "default", "identity", "generated")
_FUNCTION_FIELDS = ("identity_arguments", "returns", "language", "security_definer", "volatility", "kind", "body")


def _diff_table(a: Table, b: Table) -> list[Change]:
    name = a.qualified_name
    owner = ("table", name)
    prefix = f"{name}."
    changes = _diff_fields("table", name, a, b, ("partitioned",), owner)
    changes += _diff_columns(name, a.columns, b.columns, owner)
    changes += _diff_keyed(a.constraints, b.constraints,
                           lambda n, x, y: _diff_precise("constraint", n, x, y, _CONSTRAINT_FIELDS, owner),
                           "constraint", owner, prefix)
    changes += _diff_indexes(a.indexes, b.indexes, a.constraints, b.constraints, owner, prefix)
    changes += _diff_triggers(a.triggers, b.triggers, owner, prefix)
    changes += _diff_keyed(a.policies, b.policies,
                           lambda n, x, y: _diff_fields("policy", n, x, y, _POLICY_FIELDS, owner),
                           "policy", owner, prefix)
    changes += [
        Change("rls", name, DIFFERS, flag, getattr(a, f"rls_{flag}"), getattr(b, f"rls_{flag}"), object=owner)
        for flag in ("enabled", "forced")
        if getattr(a, f"rls_{flag}") != getattr(b, f"rls_{flag}")
    ]
    changes += _diff_grants(name, a.privileges, b.privileges, a.owner, b.owner, owner)
    for column in sorted(set(a.column_privileges) | set(b.column_privileges)):
        if column in a.columns and column in b.columns:
            changes += _diff_grants(f"{prefix}{column}", a.column_privileges.get(column, {}),
                                    b.column_privileges.get(column, {}), a.owner, b.owner, owner)
    changes += _diff_comment(name, a.comment, b.comment, owner)
    return changes


def _diff_columns(name: str, a: Mapping[str, Column], b: Mapping[str, Column], owner: tuple[str, str]) -> list[Change]:
    """Columns one side lacks, attribute changes, comments, and the order of the common ones."""

    def compare(qualified: str, x: Column, y: Column) -> list[Change]:
        return _diff_fields("column", qualified, x, y, _COLUMN_FIELDS, owner) + _diff_comment(
            qualified, x.comment, y.comment, owner
        )

    changes = _diff_keyed(a, b, compare, "column", owner, f"{name}.")
    order_a = tuple(c for c in _by_position(a) if c in b)
    order_b = tuple(c for c in _by_position(b) if c in a)
    if order_a != order_b:
        changes.append(Change(owner[0], name, DIFFERS, "column order", order_a, order_b, object=owner))
    return changes


def _by_position(columns: Mapping[str, Column]) -> list[str]:
    return [c.name for c in sorted(columns.values(), key=lambda c: c.position)]


def _diff_indexes(a: Mapping[str, Index], b: Mapping[str, Index], a_constraints: Mapping[str, Constraint],
                  b_constraints: Mapping[str, Constraint], owner: tuple[str, str], prefix: str) -> list[Change]:
    """Indexes, except those backing a constraint: the constraint's own change already names them."""
    changes = _diff_keyed(a, b, lambda n, x, y: _diff_precise("index", n, x, y, _INDEX_FIELDS, owner),
                          "index", owner, prefix)

    def backs_constraint(change: Change) -> bool:
        key = change.name[len(prefix):]
        if change.change == ONLY_IN_A:
            return a[key].constraint is not None and a[key].constraint not in b_constraints
        if change.change == ONLY_IN_B:
            return b[key].constraint is not None and b[key].constraint not in a_constraints
        backed = a[key].constraint
        both = backed in a_constraints and backed in b_constraints
        return backed is not None and backed == b[key].constraint and both

    return [c for c in changes if not backs_constraint(c)]


def _diff_triggers(a: Mapping[str, Trigger], b: Mapping[str, Trigger], owner: tuple[str, str],
                   prefix: str) -> list[Change]:
    return _diff_keyed(a, b, lambda n, x, y: _diff_precise("trigger", n, x, y, _TRIGGER_FIELDS, owner),
                       "trigger", owner, prefix)


def _diff_view(a: View, b: View, kind: str) -> list[Change]:
    name = a.qualified_name
    owner = (kind, name)
    prefix = f"{name}."
    changes = _diff_fields(kind, name, a, b, ("definition",), owner)
    changes += [
        Change(kind, name, DIFFERS, f"option {option}", a.options.get(option), b.options.get(option), object=owner)
        for option in sorted(set(a.options) | set(b.options))
        if a.options.get(option) != b.options.get(option)
    ]
    changes += _diff_columns(name, a.columns, b.columns, owner)
    changes += _diff_indexes(a.indexes, b.indexes, {}, {}, owner, prefix)
    changes += _diff_triggers(a.triggers, b.triggers, owner, prefix)
    changes += _diff_grants(name, a.privileges, b.privileges, a.owner, b.owner, owner)
    changes += _diff_comment(name, a.comment, b.comment, owner)
    return changes


def _diff_enum(a: Enum, b: Enum) -> list[Change]:
    owner = ("enum", a.qualified_name)
    return _diff_fields("enum", a.qualified_name, a, b, ("labels",), owner) + _diff_comment(
        a.qualified_name, a.comment, b.comment, owner
    )


def _diff_function(signature: str, a: Function, b: Function) -> list[Change]:
    owner = ("function", signature)
    changes = _diff_fields("function", signature, a, b, _FUNCTION_FIELDS, owner)
    for setting in sorted(set(a.config) | set(b.config)):
        if a.config.get(setting) != b.config.get(setting):
            label = setting if setting == "search_path" else f"config {setting}"
            changes.append(Change("function", signature, DIFFERS, label, a.config.get(setting),
                                  b.config.get(setting), object=owner))
    changes += _diff_grants(signature, a.privileges, b.privileges, a.owner, b.owner, owner)
    changes += _diff_comment(signature, a.comment, b.comment, owner)
    return changes


def _diff_extension(name: str, a: Extension, b: Extension) -> list[Change]:
    return _diff_fields("extension", name, a, b, ("version", "schema"), ("extension", name))


def _diff_schemas(a: Sequence[str], b: Sequence[str]) -> list[Change]:
    return [Change("schema", s, ONLY_IN_A, object=("schema", s)) for s in sorted(set(a) - set(b))] + [
        Change("schema", s, ONLY_IN_B, object=("schema", s)) for s in sorted(set(b) - set(a))
    ]


def _diff_grants(name: str, a: Privileges, b: Privileges, a_owner: str, b_owner: str,
                 owner: tuple[str, str]) -> list[Change]:
    """Per grantee; each side's owner is compared as ``owner`` since owners may legitimately differ."""
    a_by = _owner_renamed(a, a_owner)
    b_by = _owner_renamed(b, b_owner)
    empty: frozenset[str] = frozenset()
    return [
        Change("grant", name, DIFFERS, grantee, a_by.get(grantee, empty), b_by.get(grantee, empty), object=owner)
        for grantee in sorted(set(a_by) | set(b_by))
        if a_by.get(grantee, empty) != b_by.get(grantee, empty)
    ]


def _owner_renamed(privileges: Privileges, owner: str) -> dict[str, frozenset[str]]:
    return {(OWNER_GRANTEE if grantee == owner and owner else grantee): set_ for grantee, set_ in privileges.items()}


def _diff_comment(name: str, a: str | None, b: str | None, owner: tuple[str, str]) -> list[Change]:
    return [] if a == b else [Change("comment", name, DIFFERS, "comment", a, b, object=owner)]


# --------------------------------------------------------------------------- output


def render_changes(changes: list[Change], a_label: str = "A", b_label: str = "B") -> str:
    """A readable report grouped by object, e.g.::

        table public.organizations
          column legacy_code: only in live
          policy organizations_select_own: using differs: migrations (deleted_at IS NULL) / live true
    """
    if not changes:
        return f"no differences between {a_label} and {b_label}"
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        groups.setdefault(_object_of(change), []).append(change)
    lines: list[str] = []
    for (kind, name), members in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0])):
        lines.append(f"{kind.replace('_', ' ')} {name}")
        for change in sorted(members, key=_render_order):
            lines += _render_one(change, name, a_label, b_label)
    return "\n".join(lines)


def _object_of(change: Change) -> tuple[str, str]:
    return change.object or (change.kind, change.name)


_PART_ORDER = ("rls", "column", "constraint", "index", "trigger", "policy", "grant", "comment")
"""Order of the parts of an object in the report; the object's own fields come first."""


def _render_order(change: Change) -> tuple[int, str, str]:
    kind = _object_of(change)[0]
    rank = 0 if change.kind == kind else 1 + (_PART_ORDER.index(change.kind) if change.kind in _PART_ORDER else 0)
    return (rank, change.name, change.field or "")


def _subject(change: Change, object_name: str) -> str:
    """What inside the object changed: ``column legacy_code``, ``grant to anon``, ``rls``, ..."""
    inner = change.name[len(object_name) + 1:] if change.name.startswith(f"{object_name}.") else ""
    if change.kind == "grant":
        return f"column {inner}: grant to {change.field}" if inner else f"grant to {change.field}"
    if change.kind == "comment":
        return f"column {inner} comment" if inner else "comment"
    if change.kind == "rls":
        return f"rls {change.field}"
    if inner:
        subject = f"{change.kind} {inner}"
        return subject if change.change != DIFFERS else f"{subject}: {change.field}"
    if change.change != DIFFERS:
        return change.kind.replace("_", " ")
    return change.field or ""


def _render_one(change: Change, object_name: str, a_label: str, b_label: str) -> list[str]:
    subject = _subject(change, object_name)
    if change.change == ONLY_IN_A:
        return [f"  {subject}: only in {a_label}"]
    if change.change == ONLY_IN_B:
        return [f"  {subject}: only in {b_label}"]
    if change.kind == "grant":
        parts = [f"{', '.join(sorted(mine - other))} only in {label}"
                 for label, mine, other in ((a_label, change.a, change.b), (b_label, change.b, change.a))
                 if mine - other]
        return [f"  {subject}: {'; '.join(parts)}"]
    if change.kind == "enum" and change.field == "labels":
        return [f"  labels differ: {_label_difference(change.a, change.b, a_label, b_label)}"]
    unset = "(not set)" if (change.field or "").startswith(_SETTING_FIELDS) else "(none)"
    a_text, b_text = _show(change.a, unset), _show(change.b, unset)
    if "\n" in a_text or "\n" in b_text or len(a_text) + len(b_text) > 100:
        width = max(len(a_label), len(b_label)) + 1
        return [f"  {subject} differs:",
                *_block(f"{a_label}:".ljust(width), a_text), *_block(f"{b_label}:".ljust(width), b_text)]
    return [f"  {subject} differs: {a_label} {a_text} / {b_label} {b_text}"]


def _block(label: str, text: str) -> list[str]:
    rows = text.splitlines() or [""]
    pad = " " * (len(label) + 1)
    return [f"    {label} {rows[0]}", *(f"    {pad}{row}" for row in rows[1:])]


_SETTING_FIELDS = ("option ", "config ", "search_path")


def _label_difference(a: Sequence[str], b: Sequence[str], a_label: str, b_label: str) -> str:
    """Enum labels: which are missing where, and whether the shared ones are in another order."""
    parts = [f"only in {label}: {', '.join(x for x in mine if x not in other)}"
             for label, mine, other in ((a_label, a, b), (b_label, b, a)) if set(mine) - set(other)]
    if [x for x in a if x in b] != [x for x in b if x in a]:
        parts.append(f"order {a_label} ({', '.join(a)}) / {b_label} ({', '.join(b)})")
    return "; ".join(parts)


def _show(value: Any, unset: str = "(none)") -> str:
    """A value as the report prints it: ``unset`` for absent, ``''`` for an empty string."""
    if value is None:
        return unset
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (frozenset, set)):
        return ", ".join(sorted(value)) if value else "(none)"
    if isinstance(value, tuple):
        return "(" + ", ".join(str(v) for v in value) + ")"
    if value == "":
        return "''"
    return str(value)


def changes_as_json(changes: list[Change]) -> list[dict[str, Any]]:
    """JSON-serialisable dicts (tuples become lists, sets sorted lists), one per change."""
    return [
        {
            "kind": c.kind,
            "name": c.name,
            "change": c.change,
            "field": c.field,
            "a": _jsonable(c.a),
            "b": _jsonable(c.b),
            "object_kind": _object_of(c)[0],
            "object_name": _object_of(c)[1],
        }
        for c in changes
    ]


def _jsonable(value: Any) -> Any:
    if isinstance(value, (frozenset, set)):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in sorted(value.items())}
    return value
