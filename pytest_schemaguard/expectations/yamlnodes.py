"""Read a YAML file as composed nodes, so every value keeps the line it was written on.

``yaml.safe_load`` throws positions away, but every expectation must remember the line that
declared it (a failing check points at it), and every input error must name file:line. So the
file is *composed* (``yaml.compose`` with the ``SafeLoader``) and the loader walks the node tree
through :class:`Reader`, whose typed accessors raise :class:`ExpectationsError` at the offending
node. Scalar tags come from the SafeLoader's resolver, so ``true``, ``1`` and ``null`` have their
YAML types; scalars are built with the SafeLoader's own constructors.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ExpectationsError

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
STR_TAG = "tag:yaml.org,2002:str"

# YAML 1.1 (PyYAML) reads these unquoted words as booleans, a classic trap for `rls: on`.
BOOLEAN_HINT = "YAML reads unquoted yes/no/on/off/true/false as booleans; quote it if you meant text"


def line_of(node: Node) -> int:
    """1-based line where ``node`` starts (PyYAML marks are 0-based)."""
    return node.start_mark.line + 1


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


def is_text(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == STR_TAG


def describe(node: Node) -> str:
    """What the user actually wrote, for "expected X, found Y" messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "nothing (null)"
    if node.tag == BOOL_TAG:
        return f"the boolean {node.value}"
    if node.tag in (INT_TAG, FLOAT_TAG):
        return f"the number {node.value}"
    if node.tag == STR_TAG:
        return f"the text {node.value!r}"
    return f"{node.value!r} (a YAML {node.tag.rsplit(':', 1)[-1]})"


def construct(node: Node, shown: str) -> object:
    """Plain Python value of ``node`` (recursively), built by the SafeLoader's constructors."""
    try:
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        raise ExpectationsError(shown, line_of(node), f"cannot read this value: {exc.problem}") from None


def compose_file(path: Path, shown: str) -> Node | None:
    """The document's root node, or ``None`` for an empty file; syntax errors name line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ExpectationsError(
            shown, None, f"is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:  # e.g. no read permission
        raise ExpectationsError(shown, None, f"cannot be read: {exc.strerror or exc}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(shown, exc) from None
    except yaml.reader.ReaderError as exc:  # e.g. a control character; has a position, not a mark
        line = text.count("\n", 0, exc.position) + 1
        raise ExpectationsError(shown, line, f"YAML syntax error at line {line}: {exc.reason}") from None
    if root is not None:
        _reject_duplicate_keys(root, shown, set())
    return root


def _syntax_error(shown: str, exc: yaml.MarkedYAMLError) -> ExpectationsError:
    """Parser problem as one readable line: where, what, and what it was in the middle of."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if mark is None:
        return ExpectationsError(shown, None, f"YAML syntax error: {problem}")
    line, column = mark.line + 1, mark.column + 1
    message = f"YAML syntax error at line {line}, column {column}: {problem}"
    if exc.context and exc.problem and exc.context_mark is not None:
        message += f" ({exc.context} at line {exc.context_mark.line + 1})"
    if "'\\t'" in problem:
        message += "; indent with spaces, not tabs"
    return ExpectationsError(shown, line, message)


def _reject_duplicate_keys(node: Node, shown: str, visited: set[int]) -> None:
    """YAML silently keeps the last of two equal keys, which would hide a declaration: refuse it."""
    if id(node) in visited:  # aliases may share (or even contain) nodes
        return
    visited.add(id(node))
    if isinstance(node, MappingNode):
        first_line: dict[tuple[str, str], int] = {}
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                ident = (key.tag, key.value)
                if ident in first_line:
                    raise ExpectationsError(
                        shown,
                        line_of(key),
                        f"duplicate key '{key.value}' (first written at line {first_line[ident]}); "
                        "YAML would silently keep only the last one, so merge them",
                    )
                first_line[ident] = line_of(key)
            _reject_duplicate_keys(key, shown, visited)
            _reject_duplicate_keys(value, shown, visited)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item, shown, visited)


def unknown_key_message(key: str, owner: str, allowed: Collection[str]) -> str:
    message = f"unknown key '{key}' in {owner}; allowed keys: {', '.join(sorted(allowed))}"
    close = difflib.get_close_matches(key, list(allowed), n=1)
    if close:
        message += f"; did you mean '{close[0]}'?"
    return message


@dataclass(frozen=True)
class Entry:
    """One ``key: value`` pair of a mapping, with the key as text."""

    key: str
    key_node: Node
    node: Node

    @property
    def line(self) -> int:
        return line_of(self.key_node)


class Reader:
    """Typed access to nodes of one file; every accessor fails at the node it was given.

    ``label`` arguments name the value being read (``'nullable' in column id of table
    public.organizations``) so that messages say which key was wrong.
    """

    def __init__(self, shown: str) -> None:
        self.shown = shown  # the file name as shown in messages

    def fail(self, node: Node | None, message: str) -> NoReturn:
        raise ExpectationsError(self.shown, line_of(node) if node is not None else None, message)

    def fail_at(self, line: int | None, message: str) -> NoReturn:
        raise ExpectationsError(self.shown, line, message)

    def expected(self, node: Node, label: str, expected: str) -> NoReturn:
        found = describe(node)
        if isinstance(node, ScalarNode) and node.tag == BOOL_TAG and "text" in expected:
            found += f" ({BOOLEAN_HINT})"
        self.fail(node, f"{label}: expected {expected}, found {found}")

    # -- containers ------------------------------------------------------------------------

    def entries(self, node: Node, label: str, expected: str = "a mapping") -> list[Entry]:
        """The pairs of a mapping (null counts as empty); keys must be plain scalars."""
        if is_null(node):
            return []
        if not isinstance(node, MappingNode):
            self.expected(node, label, expected)
        result = []
        for key_node, value in node.value:
            if not isinstance(key_node, ScalarNode) or is_null(key_node) or not key_node.value:
                self.fail(key_node, f"{label}: keys must be plain names, found {describe(key_node)}")
            result.append(Entry(key_node.value, key_node, value))
        return result

    def fields(self, node: Node, label: str, owner: str, allowed: Collection[str]) -> dict[str, Entry]:
        """The pairs of a settings mapping, refusing any key not in ``allowed``."""
        found = {}
        for entry in self.entries(node, label):
            if entry.key not in allowed:
                self.fail(entry.key_node, unknown_key_message(entry.key, owner, allowed))
            found[entry.key] = entry
        return found

    def items(self, node: Node, label: str, expected: str = "a list") -> list[Node]:
        """The items of a sequence (null counts as empty)."""
        if is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self.expected(node, label, expected)
        return list(node.value)

    # -- scalars ---------------------------------------------------------------------------

    def text(self, node: Node, label: str) -> str:
        """A YAML string (quoted or plain); numbers and booleans are refused."""
        if not is_text(node):
            self.expected(node, label, "text")
        return str(node.value)

    def raw_text(self, node: Node, label: str) -> str:
        """Any non-null scalar exactly as written: SQL such as ``default: 0`` or ``with_check: true``."""
        if not isinstance(node, ScalarNode) or is_null(node):
            self.expected(node, label, "text")
        return str(node.value)

    def boolean(self, node: Node, label: str) -> bool:
        if not (isinstance(node, ScalarNode) and node.tag == BOOL_TAG):
            self.expected(node, label, "a boolean (true or false)")
        return bool(construct(node, self.shown))

    def integer(self, node: Node, label: str) -> int:
        if not (isinstance(node, ScalarNode) and node.tag == INT_TAG):
            self.expected(node, label, "an integer")
        value = construct(node, self.shown)
        assert isinstance(value, int)
        return value

    def choice(self, node: Node, label: str, allowed: Mapping[str, str]) -> str:
        """One of an enumerated set, case-insensitively; ``allowed`` maps spellings to the canonical value.

        The raw text is matched, not the YAML type, so `level: off` (a YAML boolean) still means "off".
        """
        values = ", ".join(dict.fromkeys(allowed.values()))
        if not isinstance(node, ScalarNode) or is_null(node):
            self.expected(node, label, f"one of {values}")
        written = " ".join(str(node.value).lower().split())
        if written in allowed:
            return allowed[written]
        message = f"{label}: expected one of {values}, found {describe(node)}"
        if node.tag == BOOL_TAG:
            message += f" ({BOOLEAN_HINT})"
        # A higher cutoff than for keys: values are short, and a wrong guess misleads.
        close = difflib.get_close_matches(written, list(allowed), n=1, cutoff=0.75)
        if close:
            message += f"; did you mean '{allowed[close[0]]}'?"
        self.fail(node, message)
