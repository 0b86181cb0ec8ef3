"""Load ``schema_expectations.yml`` into the typed model, refusing anything it does not understand.

The file is a contract: a misspelt key that was silently ignored would be a check that silently
never runs. So every level of the file is described by a table of allowed keys (``*_FIELDS``:
key -> :class:`Field`, i.e. how to read the value and where to store it), and one generic
function (:func:`read_fields`) applies a table to a mapping node: unknown keys, wrong value types
and values outside an enumerated set all fail with the file, the line and what is allowed.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ExpectationsError
from .model import (
    SCHEMA_EXHAUSTIVE_ASPECTS,
    TABLE_EXHAUSTIVE_ASPECTS,
    AbsentExpectation,
    CheckExpectation,
    ColumnExpectation,
    EnumExpectation,
    ExclusionExpectation,
    Expectations,
    ExtensionExpectation,
    ForeignKeyExpectation,
    FullTextSearchExpectation,
    FunctionExpectation,
    GrantExpectation,
    IndexExpectation,
    PolicyExpectation,
    ProjectSettings,
    RuleOptOut,
    SchemaExhaustiveExpectation,
    SoftDeleteExpectation,
    TableExpectation,
    TriggerExpectation,
    ViewExpectation,
    function_id,
)
from .yamlnodes import (
    Entry,
    Reader,
    compose_file,
    construct,
    describe,
    is_null,
    is_text,
    line_of,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Where:
    """The key being read and the object holding it, for messages and for the key's line."""

    key: str
    owner: str  # e.g. "table public.organizations"
    line: int  # line of the key

    @property
    def label(self) -> str:
        return f"'{self.key}' in {self.owner}"


ValueReader = Callable[[Reader, Node, Where], object]


@dataclass(frozen=True)
class Field:
    """How one allowed key is read and stored on the model object."""

    read: ValueReader
    line_attr: str | None = None  # also store the key's line here (e.g. rls -> rls_line)
    nullable: bool = False  # `key: null` is meaningful and stored as None
    required: bool = False


def read_fields(
    reader: Reader,
    node: Node,
    owner: str,
    table: Mapping[str, Field],
    expected: str = "a mapping of settings",
) -> dict[str, Any]:
    """Apply a key table to a mapping node: the model attributes of the keys present, read and typed."""
    if not is_null(node) and not isinstance(node, MappingNode):
        reader.expected(node, owner, expected)
    entries = reader.fields(node, owner, owner, table.keys())
    for key, spec in table.items():
        if spec.required and key not in entries:
            reader.fail(node, f"{owner} is missing the required key '{key}'")
    values: dict[str, Any] = {}
    for key, entry in entries.items():
        spec = table[key]
        where = Where(key, owner, entry.line)
        if spec.nullable and is_null(entry.node):
            values[key] = None
        else:
            values[key] = spec.read(reader, entry.node, where)
        if spec.line_attr:
            values[spec.line_attr] = entry.line
    return values


# -- enumerated values -------------------------------------------------------------------------


def spellings(*values: str) -> dict[str, str]:
    """Accepted spelling -> canonical value; `set_null` and `set null`, `by default` and `by_default`."""
    accepted: dict[str, str] = {}
    for value in values:
        for spelling in (value, value.replace(" ", "_"), value.replace("_", " ")):
            accepted.setdefault(spelling, value)
    return accepted


RLS_STATES = spellings("enabled", "forced", "disabled")
IDENTITIES = spellings("always", "by_default", "none")
FK_ACTIONS = spellings("no action", "restrict", "cascade", "set null", "set default")
POLICY_COMMANDS = spellings("all", "select", "insert", "update", "delete")
TRIGGER_TIMINGS = spellings("before", "after", "instead of")
TRIGGER_EVENTS = spellings("insert", "update", "delete", "truncate")
TRIGGER_LEVELS = spellings("row", "statement")
VOLATILITIES = spellings("volatile", "stable", "immutable")
NAMINGS = spellings("timestamp", "sequential", "any")
FLAVORS = spellings("supabase", "postgres")
RULE_LEVELS = spellings("error", "warn", "off")
TABLE_ASPECTS = spellings(*TABLE_EXHAUSTIVE_ASPECTS)
SCHEMA_ASPECTS = spellings(*SCHEMA_EXHAUSTIVE_ASPECTS)
TABLE_PRIVILEGES = ("select", "insert", "update", "delete", "truncate", "references", "trigger")
FUNCTION_PRIVILEGES = ("execute",)


# -- names -------------------------------------------------------------------------------------


def qualify(name: str) -> str:
    """Unqualified names live in ``public`` (SPEC §3)."""
    name = name.strip()
    return name if "." in name else f"public.{name}"


def split_args(inner: str) -> tuple[str, ...]:
    """Split an argument list at top-level commas (``numeric(10, 2)`` stays one argument)."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(inner):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(inner[start:index])
            start = index + 1
    parts.append(inner[start:])
    args = tuple(" ".join(part.split()) for part in parts)
    if args == ("",):
        return ()
    if "" in args:
        raise ValueError(f"empty argument type in ({inner})")
    return args


def split_signature(text: str) -> tuple[str, tuple[str, ...] | None]:
    """``old_helper(bigint, text)`` -> (``old_helper``, (``bigint``, ``text``)); no parentheses -> None."""
    head, paren, rest = text.partition("(")
    if not paren:
        return text.strip(), None
    rest = rest.rstrip()
    if not rest.endswith(")") or not head.strip():
        raise ValueError(f"expected name(argtype, ...), found {text!r}")
    return head.strip(), split_args(rest[:-1])


def qualify_signature(text: str) -> str:
    """Qualified function name, keeping its argument list (normalised as in item ids)."""
    name, args = split_signature(text)
    return qualify(name) + (f"({','.join(args)})" if args is not None else "")


def qualify_column(text: str) -> str:
    parts = text.strip().split(".")
    if len(parts) == 2:
        return f"public.{text.strip()}"
    if len(parts) == 3:
        return text.strip()
    raise ValueError(f"expected table.column or schema.table.column, found {text!r}")


def read_qualified(reader: Reader, node: Node, where: Where) -> str:
    return qualify(reader.text(node, where.label))


def read_trigger_function(reader: Reader, node: Node, where: Where) -> str:
    # Trigger functions take no arguments, so `f()` and `f` are the same function.
    return qualify(reader.text(node, where.label).strip().removesuffix("()"))


# -- generic value readers ---------------------------------------------------------------------


def read_text(reader: Reader, node: Node, where: Where) -> str:
    return reader.text(node, where.label)


def read_lower_text(reader: Reader, node: Node, where: Where) -> str:
    return reader.text(node, where.label).strip().lower()


def read_sql(reader: Reader, node: Node, where: Where) -> str:
    """SQL as written; non-string scalars (``default: 0``, ``with_check: true``) keep their text."""
    return reader.raw_text(node, where.label)


def read_bool(reader: Reader, node: Node, where: Where) -> bool:
    return reader.boolean(node, where.label)


def read_names(reader: Reader, node: Node, where: Where) -> tuple[str, ...]:
    items = reader.items(node, where.label, "a list of names")
    return tuple(reader.text(item, f"{where.label}, item {n}") for n, item in enumerate(items, 1))


def read_arg_types(reader: Reader, node: Node, where: Where) -> tuple[str, ...]:
    return tuple(" ".join(arg.split()) for arg in read_names(reader, node, where))


def one_of(allowed: Mapping[str, str]) -> ValueReader:
    def read(reader: Reader, node: Node, where: Where) -> str:
        return reader.choice(node, where.label, allowed)

    return read


def some_of(allowed: Mapping[str, str]) -> ValueReader:
    """A list of enumerated values (order kept, repeats dropped)."""

    def read(reader: Reader, node: Node, where: Where) -> tuple[str, ...]:
        items = reader.items(node, where.label, f"a list of {', '.join(dict.fromkeys(allowed.values()))}")
        return tuple(dict.fromkeys(reader.choice(item, where.label, allowed) for item in items))

    return read


def named(build: Callable[[Reader, Entry, str], T], expected: str) -> ValueReader:
    """A mapping of name -> settings, each built into one model object."""

    def read(reader: Reader, node: Node, where: Where) -> tuple[T, ...]:
        return tuple(
            build(reader, entry, where.owner) for entry in reader.entries(node, where.label, expected)
        )

    return read


def listed(build: Callable[[Reader, Node, str], T], expected: str) -> ValueReader:
    """A list of mappings, each built into one model object."""

    def read(reader: Reader, node: Node, where: Where) -> tuple[T, ...]:
        return tuple(build(reader, item, where.owner) for item in reader.items(node, where.label, expected))

    return read


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


def grants_of(privileges: tuple[str, ...]) -> ValueReader:
    """role -> list of privileges; ``all`` expands to every privilege of the object kind."""
    allowed = spellings(*privileges, "all")

    def read(reader: Reader, node: Node, where: Where) -> tuple[GrantExpectation, ...]:
        grants = []
        for entry in reader.entries(node, where.label, "a mapping of role to a list of privileges"):
            label = f"grants to {entry.key} in {where.owner}"
            items = reader.items(entry.node, label, "a list of privileges ([] for none)")
            names = [reader.choice(item, label, allowed) for item in items]
            expanded = frozenset(p for name in names for p in (privileges if name == "all" else (name,)))
            grants.append(GrantExpectation(entry.key, expanded, entry.line))
        return tuple(grants)

    return read


# -- rules and per-object opt-outs -------------------------------------------------------------


def rule_names() -> tuple[str, ...]:
    """The built-in rules, imported late: the rules package imports the checks, which import this model."""
    from ..rules import RULES

    return tuple(RULES)


def read_rule_name(reader: Reader, entry: Entry, label: str) -> str:
    names = rule_names()
    if entry.key not in names:
        message = f"unknown rule '{entry.key}' in {label}; known rules: {', '.join(sorted(names))}"
        close = difflib.get_close_matches(entry.key, names, n=1)
        reader.fail(entry.key_node, message + (f"; did you mean '{close[0]}'?" if close else ""))
    return entry.key


def read_ignore_rules(reader: Reader, node: Node, where: Where) -> tuple[RuleOptOut, ...]:
    """``{rule_name: "why this object is an exception"}``: the reason is required."""
    opt_outs = []
    for entry in reader.entries(node, where.label, 'a mapping of rule name to the reason, e.g. {rule: "why"}'):
        rule = read_rule_name(reader, entry, where.label)
        label = f"the reason for ignoring rule '{rule}' in {where.owner}"
        if is_null(entry.node) or (is_text(entry.node) and not str(entry.node.value).strip()):
            reader.fail(
                entry.node if not is_null(entry.node) else entry.key_node,
                f"{label} is missing: write why this object is an exception, e.g. "
                f'{rule}: "public lookup table, read-only"',
            )
        opt_outs.append(RuleOptOut(rule, reader.text(entry.node, label).strip(), entry.line))
    return tuple(opt_outs)


# -- tables ------------------------------------------------------------------------------------

COLUMN_FIELDS = {
    "type": Field(read_text),
    "nullable": Field(read_bool),
    "default": Field(read_sql, nullable=True),  # null: "must have no default"
    "identity": Field(one_of(IDENTITIES)),
    "generated": Field(read_sql),
    "comment": Field(read_text, nullable=True),
}


def build_column(reader: Reader, entry: Entry, owner: str) -> ColumnExpectation:
    """Shorthand ``col: type`` / ``col: absent``, or the full settings mapping."""
    node, where = entry.node, f"column {entry.key} of {owner}"
    if is_text(node):
        if node.value.strip() == "absent":
            return ColumnExpectation(entry.key, entry.line, absent=True)
        return ColumnExpectation(entry.key, entry.line, type=node.value)
    if isinstance(node, ScalarNode) and not is_null(node):
        reader.expected(node, where, "a type name, 'absent' or a mapping of column settings")
    values = read_fields(reader, node, where, COLUMN_FIELDS, "a type name, 'absent' or a mapping of settings")
    return ColumnExpectation(entry.key, entry.line, has_default="default" in values, **values)


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


# -- views, enums, functions, extensions -------------------------------------------------------

MATERIALIZED_VIEW_FIELDS = {
    "columns": Field(read_names),
    "grants": Field(grants_of(TABLE_PRIVILEGES)),
    "comment": Field(read_text, nullable=True),
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


def build_enum(reader: Reader, entry: Entry, owner: str) -> EnumExpectation:
    """Labels are any scalars as written, so `[yes, no]` means the labels 'yes' and 'no'."""
    name = qualify(entry.key)
    label = f"enum {name}"
    if is_null(entry.node):
        reader.expected(entry.node, label, "a list of labels")
    items = reader.items(entry.node, label, "a list of labels")
    labels = tuple(reader.raw_text(item, f"{label}, label {n}") for n, item in enumerate(items, 1))
    return EnumExpectation(name, labels, entry.line)


FUNCTION_FIELDS = {
    "args": Field(read_arg_types),
    "returns": Field(read_text, line_attr="returns_line"),
    "language": Field(read_lower_text, line_attr="language_line"),
    "security_definer": Field(read_bool, line_attr="security_definer_line"),
    # "" is SET search_path = ''; null: none set
    "search_path": Field(read_sql, nullable=True, line_attr="search_path_line"),
    "volatility": Field(one_of(VOLATILITIES), line_attr="volatility_line"),
    "grants": Field(grants_of(FUNCTION_PRIVILEGES)),
    "ignore_rules": Field(read_ignore_rules),
}


def build_function(reader: Reader, entry: Entry, owner: str) -> FunctionExpectation:
    """The key may carry the argument types (``old_helper(bigint)``) instead of ``args:``."""
    try:
        base, key_args = split_signature(entry.key)
    except ValueError as exc:
        reader.fail(entry.key_node, f"function name: {exc}")
    name = qualify(base)
    values = read_fields(reader, entry.node, f"function {qualify(entry.key)}", FUNCTION_FIELDS)
    if key_args is not None:
        if "args" in values:
            reader.fail(
                entry.key_node,
                f"function {name}: argument types are given both in the name and in 'args'; keep one of them",
            )
        values["args"] = key_args
    return FunctionExpectation(name, entry.line, has_search_path="search_path" in values, **values)


EXTENSION_FIELDS = {
    "schema": Field(read_text),
    "ignore_rules": Field(read_ignore_rules),
}


def read_extensions(reader: Reader, node: Node, where: Where) -> tuple[ExtensionExpectation, ...]:
    """``[btree_gist, pg_trgm]`` or ``{pg_trgm: {schema: extensions}}``."""
    if isinstance(node, MappingNode):
        return tuple(
            ExtensionExpectation(
                e.key, e.line, **read_fields(reader, e.node, f"extension {e.key}", EXTENSION_FIELDS)
            )
            for e in reader.entries(node, where.label)
        )
    items = reader.items(node, where.label, "a list of extension names or a mapping of name to settings")
    return tuple(ExtensionExpectation(reader.text(item, where.label), line_of(item)) for item in items)


# -- absent, exhaustive, rules, behaviour, project, version ------------------------------------

ABSENT_KINDS: dict[str, Callable[[str], str]] = {
    "table": qualify,
    "view": qualify,
    "materialized_view": qualify,
    "enum": qualify,
    "function": qualify_signature,
    "extension": str.strip,
    "column": qualify_column,
}


def build_absent(reader: Reader, node: Node, owner: str) -> AbsentExpectation:
    if not isinstance(node, MappingNode):
        reader.expected(node, "each 'absent' entry", "one `kind: name` mapping such as `- table: deals`")
    entries = reader.fields(node, "'absent' entry", "an 'absent' entry", ABSENT_KINDS.keys())
    if len(entries) != 1:
        reader.fail(
            node,
            f"each 'absent' entry names exactly one object, such as `- table: deals`; "
            f"found {len(entries)} keys ({', '.join(entries)})",
        )
    ((kind, entry),) = entries.items()
    text = reader.text(entry.node, f"'{kind}' in 'absent'")
    try:
        name = ABSENT_KINDS[kind](text)
    except ValueError as exc:
        reader.fail(entry.node, f"'{kind}' in 'absent': {exc}")
    return AbsentExpectation(kind, name, entry.line)


def read_schema_exhaustive(
    reader: Reader, node: Node, where: Where
) -> tuple[SchemaExhaustiveExpectation, ...]:
    read_aspects = some_of(SCHEMA_ASPECTS)
    return tuple(
        SchemaExhaustiveExpectation(
            e.key, cast(tuple[str, ...], read_aspects(reader, e.node, Where(e.key, "'exhaustive'", e.line))), e.line
        )
        for e in reader.entries(node, where.label, "a mapping of schema to a list of aspects")
    )


def read_rules(reader: Reader, node: Node, where: Where) -> dict[str, tuple[str, int]]:
    """``rule: error | warn | off``; an unknown rule name fails at its line, listing the known rules."""
    return {
        read_rule_name(reader, e, "'rules'"): (reader.choice(e.node, f"rule '{e.key}'", RULE_LEVELS), e.line)
        for e in reader.entries(node, where.label, "a mapping of rule name to error, warn or off")
    }


def read_behaviour(reader: Reader, node: Node, where: Where) -> tuple[tuple[dict[str, object], int], ...]:
    """Kept as plain data (with lines) for the behaviour module, which owns their keys."""
    result: list[tuple[dict[str, object], int]] = []
    for item in reader.items(node, where.label, "a list of behaviour checks"):
        if not isinstance(item, MappingNode):
            reader.expected(
                item, "each 'behaviour' entry", "a mapping such as `rls_isolation: {table: tasks}`"
            )
        result.append((cast(dict[str, object], construct(item, reader.shown)), line_of(item)))
    return tuple(result)


def read_seed(reader: Reader, node: Node, where: Where) -> tuple[str, ...]:
    if isinstance(node, SequenceNode):
        return read_names(reader, node, where)
    return (reader.text(node, where.label),)


PROJECT_FIELDS = {
    "migrations": Field(read_text),
    "seed": Field(read_seed, nullable=True),
    "flavor": Field(one_of(FLAVORS), nullable=True),
    "naming": Field(one_of(NAMINGS)),
    "snapshot": Field(read_text, nullable=True),
    "lock": Field(read_text, nullable=True),
    "rollbacks": Field(read_text, nullable=True),
    "archive": Field(read_text, nullable=True),
    "history": Field(read_qualified, nullable=True),
    "stubs": Field(read_bool),
    "types": Field(read_text, nullable=True),
    "declarative": Field(read_seed, nullable=True),  # one path/glob or a list, like seed
}


def read_project(reader: Reader, node: Node, where: Where) -> ProjectSettings:
    return ProjectSettings(line=where.line, **read_fields(reader, node, "'project'", PROJECT_FIELDS))


SUPPORTED_VERSION = 1


def read_version(reader: Reader, node: Node, where: Where) -> int:
    version = reader.integer(node, where.label)
    if version != SUPPORTED_VERSION:
        reader.fail(
            node,
            f"'version' is {version}, but this pytest-schemaguard understands version "
            f"{SUPPORTED_VERSION} only; write `version: {SUPPORTED_VERSION}`",
        )
    return version


TOP_LEVEL_FIELDS = {
    "version": Field(read_version),
    "project": Field(read_project),
    "extensions": Field(read_extensions),
    "tables": Field(named(build_table, "a mapping of table name to settings")),
    "views": Field(named(view_builder(False), "a mapping of view name to settings")),
    "materialized_views": Field(named(view_builder(True), "a mapping of materialized view name to settings")),
    "enums": Field(named(build_enum, "a mapping of enum name to its list of labels")),
    "functions": Field(named(build_function, "a mapping of function name to settings")),
    "absent": Field(listed(build_absent, "a list such as `- table: deals`")),
    "exhaustive": Field(read_schema_exhaustive),
    "rules": Field(read_rules),
    "behaviour": Field(read_behaviour),
}


# -- the file ----------------------------------------------------------------------------------


def missing_file_error(path: Path) -> ExpectationsError:
    return ExpectationsError(
        str(path),
        None,
        f"no expectations file: looked for {path.resolve()}. Create it by hand following the README "
        "(start with `version: 1` and a `tables:` section naming what your migrations must build), "
        "or run `schemaguard init` to write a starting file from the database your migrations build; "
        "to use a file elsewhere, pass --schemaguard-file PATH to pytest or --file PATH to the schemaguard command.",
    )


def reject_redeclared(reader: Reader, kind: str, declared: list[tuple[str, int]]) -> None:
    """`organizations` and `public.organizations` are the same table: two declarations would conflict."""
    first: dict[str, int] = {}
    for ident, line in declared:
        if ident in first:
            reader.fail_at(
                line, f"{kind} {ident} is declared twice (first at line {first[ident]}); merge them"
            )
        first[ident] = line


def assemble(reader: Reader, path: Path, values: dict[str, Any]) -> Expectations:
    """Model from the top-level values: merge the two view sections, split behaviour from its lines."""
    views = values.pop("views", ()) + values.pop("materialized_views", ())
    behaviour = values.pop("behaviour", ())
    expectations = Expectations(
        path=path,
        views=views,
        behaviour=tuple(entry for entry, _ in behaviour),
        behaviour_lines=tuple(line for _, line in behaviour),
        **values,
    )
    reject_redeclared(reader, "table", [(t.name, t.line) for t in expectations.tables])
    reject_redeclared(reader, "view", [(v.name, v.line) for v in expectations.views])
    reject_redeclared(reader, "enum", [(e.name, e.line) for e in expectations.enums])
    reject_redeclared(reader, "function", [(function_id(f.name, f.args), f.line) for f in expectations.functions])
    return expectations


def load_expectations(path: Path) -> Expectations:
    """Read and validate an expectations file; any problem raises :class:`ExpectationsError` at file:line."""
    path = Path(path)
    if not path.is_file():
        raise missing_file_error(path)
    reader = Reader(str(path))
    root = compose_file(path, reader.shown)
    if root is None or is_null(root):  # nothing, only comments, or a bare `---`
        reader.fail_at(
            None,
            "is empty; an expectations file starts with `version: 1` followed by sections "
            "such as `tables:` (see the README)",
        )
    if not isinstance(root, MappingNode):
        reader.expected(root, "the top level", "a mapping of sections (version, tables, views, ...)")
    values = read_fields(reader, root, "the top level", TOP_LEVEL_FIELDS)
    return assemble(reader, path, values)
