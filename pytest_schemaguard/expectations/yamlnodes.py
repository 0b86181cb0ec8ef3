"""Read a YAML file as composed nodes, so every value keeps the line it was written on.

``yaml.safe_load`` throws positions away, but every expectation must remember the line that
declared it (a failing check points at it), and every input error must name file:line. So the
file is *composed* (:mod:`.compose`, within bounds) and the loader walks the node tree through
:class:`Reader`, whose typed accessors raise :class:`ExpectationsError` at the offending node.
Scalar tags come from the SafeLoader's resolver, so ``true``, ``1`` and ``null`` have their YAML
types; scalars are built with the SafeLoader's own constructors.

A user with four typos should fix them in one pass, so the reader does not stop at the first
problem: :meth:`Reader.collect` reads each key or item on its own, keeps the problems, and the
loader raises them all at the end, in file order (:func:`combined_error`).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple, NoReturn, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ExpectationsError
from .compose import compose_text, shorten

T = TypeVar("T")
R = TypeVar("R")

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
STR_TAG = "tag:yaml.org,2002:str"
BOOL_VALUES: dict[str, bool] = yaml.constructor.SafeConstructor.bool_values

# YAML 1.1 (PyYAML) reads these unquoted words as booleans, a classic trap for `rls: on`.
BOOLEAN_HINT = "YAML reads unquoted yes/no/on/off/true/false as booleans; quote it if you meant text"


MAX_PROBLEMS_SHOWN = 50


class Reported(Exception):
    """A part of the file failed and its problems are already recorded on the :class:`Reader`;
    the enclosing value cannot be built, but reading goes on with its siblings."""


def combined_error(shown: str, problems: list[ExpectationsError]) -> ExpectationsError:
    """All problems of the file as one error, in file order; one problem keeps its own message."""
    unique = [_capped(p) for p in {(p.line or 0, p.detail): p for p in problems}.values()]
    ordered = sorted(unique, key=lambda p: p.line or 0)
    if len(ordered) == 1:
        return ordered[0]
    lines = [f"{len(ordered)} problems (in file order); fix them all before the next run:"]
    lines += [f"  {p}" for p in ordered[:MAX_PROBLEMS_SHOWN]]
    if len(ordered) > MAX_PROBLEMS_SHOWN:
        lines.append(f"  … and {len(ordered) - MAX_PROBLEMS_SHOWN} more problems")
    error = ExpectationsError(shown, None, "\n".join(lines))
    error.problems = tuple(ordered)
    return error


def _capped(problem: ExpectationsError, limit: int = 1_000) -> ExpectationsError:
    """Names made of user keys can still be long; no single problem may flood the terminal."""
    if len(problem.detail) <= limit:
        return problem
    return ExpectationsError(problem.path, problem.line, shorten(problem.detail, limit))


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
        return f"the number {shorten(node.value)}"
    if node.tag == STR_TAG:
        return f"the text {shorten(repr(node.value))}"
    return f"{shorten(repr(node.value))} (a YAML {shorten(node.tag.rsplit(':', 1)[-1], 40)})"


def construct(node: Node, shown: str) -> object:
    """Plain Python value of ``node`` (recursively), built by the SafeLoader's constructors."""
    try:
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else line_of(node)
        raise ExpectationsError(shown, line, f"cannot read this value: {shorten(str(problem))}") from None
    except (ValueError, TypeError, OverflowError) as exc:
        # e.g. `!!int abc`, a timestamp on day 32, a 5,000-digit number (past Python's limit)
        problem = "the number has too many digits" if "digits" in str(exc) else shorten(str(exc))
        raise ExpectationsError(shown, line_of(node), f"cannot read this value: {problem}") from None
    except KeyError as exc:  # `!!bool maybe`: the constructor looks the word up
        problem = f"{shorten(str(exc))} is not a value its tag allows"
        raise ExpectationsError(shown, line_of(node), f"cannot read this value: {problem}") from None


def compose_file(path: Path, shown: str) -> tuple[Node | None, list[ExpectationsError]]:
    """The document's root node (``None`` for an empty file) and the problems found while composing
    it that do not stop reading (a NUL in a value, a duplicate key); the others raise at once."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ExpectationsError(
            shown, None, f"is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:  # e.g. no read permission
        raise ExpectationsError(shown, None, f"cannot be read: {exc.strerror or exc}") from None
    return compose_text(text, shown)


def unknown_key_message(key: str, owner: str, allowed: Collection[str]) -> str:
    message = f"unknown key '{shorten(key)}' in {owner}; allowed keys: {', '.join(sorted(allowed))}"
    close = difflib.get_close_matches(key, list(allowed), n=1)
    if close:
        message += f"; did you mean '{close[0]}'?"
    return message


class Entry(NamedTuple):
    """One ``key: value`` pair of a mapping, with the key as text and its line (a tuple: files have
    100,000s, and most lines are stored on the model)."""

    key: str
    key_node: Node
    node: Node
    line: int


# Entry(...) runs a Python-level __new__; this is the same tuple built in C.
_new_entry: Callable[[tuple[str, Node, Node, int]], Entry] = functools.partial(tuple.__new__, Entry)


class Reader:
    """Typed access to nodes of one file; every accessor fails at the node it was given.

    ``label`` arguments name the value being read (``'nullable' in column id of table
    public.organizations``) so that messages say which key was wrong.
    """

    def __init__(self, shown: str) -> None:
        self.shown = shown  # the file name as shown in messages
        self.problems: list[ExpectationsError] = []

    def gather(self, parts: Iterable[T], read: Callable[[T], R]) -> list[R]:
        """``read`` each part on its own: a failing part is recorded and skipped, so the problems of
        its siblings are found in the same run."""
        results = []
        for part in parts:
            try:
                results.append(read(part))
            except ExpectationsError as exc:
                self.problems.append(exc)
            except Reported:
                pass
        return results

    def collect(self, parts: Iterable[T], read: Callable[[T], R]) -> list[R]:
        """:meth:`gather`, then :class:`Reported` if any part failed: the whole cannot be built."""
        before = len(self.problems)
        results = self.gather(parts, read)
        if len(self.problems) > before:
            raise Reported
        return results

    def report(self, error: ExpectationsError) -> None:
        self.problems.append(error)

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
        """The pairs of a mapping (null counts as empty); keys must be plain scalars (others are
        reported and skipped)."""
        if not isinstance(node, MappingNode):
            if is_null(node):
                return []
            self.expected(node, label, expected)
        entries = []
        for key_node, value in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != NULL_TAG and key_node.value:
                entries.append(_new_entry((key_node.value, key_node, value, key_node.start_mark.line + 1)))
            else:
                message = f"{label}: keys must be plain names, found {describe(key_node)}"
                self.problems.append(ExpectationsError(self.shown, line_of(key_node), message))
        return entries

    def fields(self, node: Node, label: str, owner: str, allowed: Collection[str]) -> dict[str, Entry]:
        """The pairs of a settings mapping; a key not in ``allowed`` is reported and skipped."""
        known = {}
        for entry in self.entries(node, label):
            if entry.key in allowed:
                known[entry.key] = entry
            else:
                message = unknown_key_message(entry.key, owner, allowed)
                self.problems.append(ExpectationsError(self.shown, line_of(entry.key_node), message))
        return known

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
        # What SafeConstructor.construct_yaml_bool does, without a constructor per value.
        value = BOOL_VALUES.get(node.value.lower())
        return value if value is not None else bool(construct(node, self.shown))

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
