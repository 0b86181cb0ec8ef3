"""The combinators every section reader is built from: key tables, value readers, names.

The file is a contract: a misspelt key that was silently ignored would be a check that silently
never runs. So every level of the file is described by a table of allowed keys (``*_FIELDS``:
key -> :class:`Field`, i.e. how to read the value and where to store it), and one generic
function (:func:`read_fields`) applies a table to a mapping node: unknown keys, wrong value types
and values outside an enumerated set all fail with the file, the line and what is allowed. Each
key is read on its own, so every problem of a mapping is reported, not only the first.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ExpectationsError
from .model import GrantExpectation, RuleOptOut
from .yamlnodes import BOOL_TAG, BOOL_VALUES, NULL_TAG, STR_TAG, Entry, Reader, Reported, is_null, is_text, line_of

T = TypeVar("T")


class Where:
    """The key being read and the object holding it, for messages and for the key's line.

    A plain class, not a frozen dataclass: one is made per key read (~60,000 in a large file),
    and a frozen dataclass's __init__ costs three object.__setattr__ calls."""

    __slots__ = ("key", "line", "owner")

    def __init__(self, key: str, owner: str, line: int) -> None:
        self.key = key
        self.owner = owner  # e.g. "table public.organizations"
        self.line = line  # line of the key

    def __repr__(self) -> str:
        return f"Where(key={self.key!r}, owner={self.owner!r}, line={self.line!r})"

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
    """Apply a key table to a mapping node: the model attributes of the keys present, read and typed.

    Every key is read even when another fails; if any did, the problems are on the reader and
    :class:`Reported` is raised, as the object cannot be built.
    """
    if not isinstance(node, MappingNode) and not is_null(node):
        reader.expected(node, owner, expected)
    problems = reader.problems
    before = len(problems)
    entries = reader.fields(node, owner, owner, table.keys())
    if len(problems) == before:  # a misspelt key already explains a missing one
        for key in _required(table):
            if key not in entries:
                message = f"{owner} is missing the required key '{key}'"
                reader.report(ExpectationsError(reader.shown, line_of(node), message))
    values: dict[str, Any] = {}
    for key, entry in entries.items():
        spec = table[key]
        try:
            value_node = entry.node
            if spec.nullable and value_node.tag == NULL_TAG and isinstance(value_node, ScalarNode):
                value = None
            else:
                value = spec.read(reader, value_node, Where(key, owner, entry.line))
        except ExpectationsError as exc:
            problems.append(exc)
            continue
        except Reported:
            continue
        values[key] = value
        if spec.line_attr:
            values[spec.line_attr] = entry.line
    if len(problems) > before:
        raise Reported
    return values


_REQUIRED: dict[int, tuple[Mapping[str, Field], tuple[str, ...]]] = {}


def _required(table: Mapping[str, Field]) -> tuple[str, ...]:
    """The required keys of a key table (the tables are module constants: kept, so ids stay theirs)."""
    known = _REQUIRED.get(id(table))
    if known is None or known[0] is not table:
        known = _REQUIRED[id(table)] = (table, tuple(key for key, spec in table.items() if spec.required))
    return known[1]


# -- enumerated values -------------------------------------------------------------------------


def spellings(*values: str) -> dict[str, str]:
    """Accepted spelling -> canonical value; `set_null` and `set null`, `by default` and `by_default`."""
    accepted: dict[str, str] = {}
    for value in values:
        for spelling in (value, value.replace(" ", "_"), value.replace("_", " ")):
            accepted.setdefault(spelling, value)
    return accepted



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


# -- generic value readers ---------------------------------------------------------------------


# Labels are built only for a message: a large file reads ~100,000 values, nearly all fine.


def read_text(reader: Reader, node: Node, where: Where) -> str:
    if node.tag == STR_TAG and isinstance(node, ScalarNode):
        return str(node.value)
    return reader.text(node, where.label)


def read_lower_text(reader: Reader, node: Node, where: Where) -> str:
    return read_text(reader, node, where).strip().lower()


def read_sql(reader: Reader, node: Node, where: Where) -> str:
    """SQL as written; non-string scalars (``default: 0``, ``with_check: true``) keep their text."""
    if node.tag == STR_TAG and isinstance(node, ScalarNode):
        return str(node.value)
    return reader.raw_text(node, where.label)


def read_bool(reader: Reader, node: Node, where: Where) -> bool:
    if node.tag == BOOL_TAG and isinstance(node, ScalarNode):
        value = BOOL_VALUES.get(node.value.lower())
        if value is not None:
            return value
    return reader.boolean(node, where.label)


def read_names(reader: Reader, node: Node, where: Where) -> tuple[str, ...]:
    if not isinstance(node, SequenceNode):
        reader.items(node, where.label, "a list of names")  # fails unless null, which is ()
        return ()
    names = []
    for n, item in enumerate(node.value, 1):
        if item.tag == STR_TAG and isinstance(item, ScalarNode):
            names.append(str(item.value))
        else:
            names.append(reader.text(item, f"{where.label}, item {n}"))
    return tuple(names)


def read_arg_types(reader: Reader, node: Node, where: Where) -> tuple[str, ...]:
    return tuple(" ".join(arg.split()) for arg in read_names(reader, node, where))


def one_of(allowed: Mapping[str, str]) -> ValueReader:
    # The spellings that Reader.choice's normalising (lower case, single spaces) leaves as they are:
    # a value written exactly so needs no normalising.
    exact = {spelling: value for spelling, value in allowed.items() if spelling == " ".join(spelling.lower().split())}

    def read(reader: Reader, node: Node, where: Where) -> str:
        if isinstance(node, ScalarNode) and node.tag != NULL_TAG:
            canonical = exact.get(node.value)
            if canonical is not None:
                return canonical
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
        entries = reader.entries(node, where.label, expected)
        return tuple(reader.collect(entries, lambda entry: build(reader, entry, where.owner)))

    return read


def listed(build: Callable[[Reader, Node, str], T], expected: str) -> ValueReader:
    """A list of mappings, each built into one model object."""

    def read(reader: Reader, node: Node, where: Where) -> tuple[T, ...]:
        items = reader.items(node, where.label, expected)
        return tuple(reader.collect(items, lambda item: build(reader, item, where.owner)))

    return read


def grants_of(privileges: tuple[str, ...]) -> ValueReader:
    """role -> list of privileges; ``all`` expands to every privilege of the object kind."""
    allowed = spellings(*privileges, "all")

    def read(reader: Reader, node: Node, where: Where) -> tuple[GrantExpectation, ...]:
        def grant(entry: Entry) -> GrantExpectation:
            label = f"grants to {entry.key} in {where.owner}"
            items = reader.items(entry.node, label, "a list of privileges ([] for none)")
            names = [reader.choice(item, label, allowed) for item in items]
            expanded = frozenset(p for name in names for p in (privileges if name == "all" else (name,)))
            return GrantExpectation(entry.key, expanded, entry.line)

        entries = reader.entries(node, where.label, "a mapping of role to a list of privileges")
        return tuple(reader.collect(entries, grant))

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

    def opt_out(entry: Entry) -> RuleOptOut:
        rule = read_rule_name(reader, entry, where.label)
        label = f"the reason for ignoring rule '{rule}' in {where.owner}"
        if is_null(entry.node) or (is_text(entry.node) and not str(entry.node.value).strip()):
            reader.fail(
                entry.node if not is_null(entry.node) else entry.key_node,
                f"{label} is missing: write why this object is an exception, e.g. "
                f'{rule}: "public lookup table, read-only"',
            )
        return RuleOptOut(rule, reader.text(entry.node, label).strip(), entry.line)

    entries = reader.entries(node, where.label, 'a mapping of rule name to the reason, e.g. {rule: "why"}')
    return tuple(reader.collect(entries, opt_out))


