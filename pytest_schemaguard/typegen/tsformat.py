"""A tiny layout engine for the TypeScript the Supabase CLI commits: what prettier (print width 80,
no semicolons, trailing commas) makes of the generator's output, for the few shapes it produces.

Objects written expanded by the generator stay expanded (prettier keeps an object broken when
its source had a newline after ``{``); inline objects, unions and tuples stay on one line when it
fits in 80 columns and break the way prettier breaks them when it does not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

WIDTH = 80


@dataclass(frozen=True)
class Ref:
    """An atomic type (``string``, ``Database["public"]["Enums"]["role"]``, ``"admin"``)."""

    text: str


@dataclass(frozen=True)
class Union:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class ArrayOf:
    item: Node


@dataclass(frozen=True)
class Member:
    key: str  # already formatted (see ``key``)
    type: Node
    optional: bool = False


@dataclass(frozen=True)
class Obj:
    members: tuple[Member, ...]
    expanded: bool = True


@dataclass(frozen=True)
class Tuple:
    items: tuple[Node, ...]
    expanded: bool = False


Node = Ref | Union | ArrayOf | Obj | Tuple


def _is_identifier(name: str) -> bool:
    return bool(name) and (name[0].isalpha() or name[0] in "_$") and all(c.isalnum() or c in "_$" for c in name)


def string(text: str) -> str:
    """A string literal as prettier prints ``JSON.stringify(text)``: double quotes unless the text
    holds more double than single quotes."""
    encoded = json.dumps(text, ensure_ascii=False)
    if text.count('"') <= text.count("'"):
        return encoded
    inner = encoded[1:-1].replace('\\"', '"').replace("'", "\\'")
    return f"'{inner}'"


def key(name: str) -> str:
    """A property key, quoted only where JavaScript needs it (prettier's quoteProps: as-needed)."""
    return name if _is_identifier(name) else string(name)


def union(*items: Node) -> Node:
    return items[0] if len(items) == 1 else Union(tuple(items))


def flat(node: Node) -> str | None:
    """The one-line form, or None when the node must be printed over several lines."""
    if isinstance(node, Ref):
        return node.text
    if isinstance(node, Union):
        parts = [flat(i) for i in node.items]
        return None if None in parts else " | ".join(p for p in parts if p is not None)
    if isinstance(node, ArrayOf):
        inner = flat(node.item)
        if inner is None:
            return None
        return f"({inner})[]" if isinstance(node.item, Union) else f"{inner}[]"
    if isinstance(node, Obj):
        if not node.members:
            return "{}"
        if node.expanded:
            return None
        members = [_flat_member(m) for m in node.members]
        return None if None in members else "{ " + "; ".join(m for m in members if m is not None) + " }"
    parts = [flat(i) for i in node.items]
    if node.expanded or None in parts:
        return None
    return "[" + ", ".join(p for p in parts if p is not None) + "]"


def _flat_member(member: Member) -> str | None:
    value = flat(member.type)
    return None if value is None else f"{member.key}{'?' if member.optional else ''}: {value}"


def member_lines(member: Member, indent: int, suffix: str = "") -> list[str]:
    """``key?: type`` at ``indent``, broken over lines when it does not fit."""
    head = f"{member.key}{'?' if member.optional else ''}:"
    return value_lines(member.type, indent, head + " ", suffix)


def value_lines(node: Node, indent: int, prefix: str, suffix: str = "") -> list[str]:
    pad = " " * indent
    one_line = flat(node)
    if one_line is not None and indent + len(prefix) + len(one_line) + len(suffix) <= WIDTH:
        return [f"{pad}{prefix}{one_line}{suffix}"]
    if isinstance(node, Obj):
        return _object_lines(node, indent, prefix, "}" + suffix)
    if isinstance(node, ArrayOf) and isinstance(node.item, Obj):
        return _object_lines(node.item, indent, prefix, "}[]" + suffix)
    if isinstance(node, Tuple):
        lines = [f"{pad}{prefix}["]
        for item in node.items:
            lines += value_lines(item, indent + 2, "", ",")
        return [*lines, f"{pad}]{suffix}"]
    if isinstance(node, Union):
        lines = [f"{pad}{prefix.rstrip()}"]
        for item in node.items:
            lines += _union_item_lines(item, indent + 2)
        lines[-1] += suffix
        return lines
    return [f"{pad}{prefix}{one_line}{suffix}"]  # an atom longer than the line: prettier leaves it


def _object_lines(node: Obj, indent: int, prefix: str, closing: str) -> list[str]:
    pad = " " * indent
    if not node.members:
        return [f"{pad}{prefix}{{}}{closing[1:]}"]
    lines = [f"{pad}{prefix}{{"]
    for member in node.members:
        lines += member_lines(member, indent + 2)
    return [*lines, f"{pad}{closing}"]


def _union_item_lines(item: Node, indent: int) -> list[str]:
    pad = " " * indent
    one_line = flat(item)
    if one_line is not None and indent + 2 + len(one_line) <= WIDTH:
        return [f"{pad}| {one_line}"]
    if isinstance(item, Obj):
        lines = [f"{pad}| {{"]
        for member in item.members:
            lines += member_lines(member, indent + 4)
        return [*lines, f"{pad}  }}"]
    return [f"{pad}| {one_line}"]


def collation_key(name: str) -> tuple[tuple[tuple[int, str], ...], tuple[int, ...]]:
    """JavaScript's ``localeCompare`` order (ICU root collation) closely enough for identifiers:
    punctuation before digits before letters, letters case-blind first, lower case before upper
    case only to break a tie."""
    primary = tuple((2, c.lower()) if c.isalpha() else (1, c) if c.isdigit() else (0, c) for c in name)
    tertiary = tuple(0 if c.islower() or not c.isalpha() else 1 for c in name)
    return primary, tertiary
