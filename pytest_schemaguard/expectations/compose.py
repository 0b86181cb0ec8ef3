"""Compose the expectations file into nodes, within bounds a hostile or broken file cannot escape.

PyYAML's own composer recurses once per nesting level (``[[[[...`` 480 deep is a RecursionError),
and lets aliases share nodes without limit, so a 558-byte "billion laughs" file expands into
billions of nodes for whatever walks the tree. So the events come from libyaml when it is
installed (the C parser is ~5x faster than PyYAML's pure-Python one, and both keep line marks)
and are composed here, with:

- nesting at most :data:`MAX_DEPTH` levels (an expectations file needs about six);
- aliases expanding to at most :data:`MAX_ALIAS_EXPANSION` values in total, counted exactly
  (each alias adds the expanded size of its target), so walking the tree stays linear in the
  file; an alias inside the value it names (a recursive structure) is refused;
- no NUL character or lone surrogate in any scalar: neither can reach PostgreSQL or a file path,
  and a surrogate cannot even be printed.

Every refusal is an :class:`ExpectationsError` at the offending line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ExpectationsError

MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 250_000  # about the values of a 38,000-line file: aliases may at most double the work

# libyaml when present; the pure-Python loader otherwise. Both produce the same events and marks.
EventSource: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


# The C and the Python loaders offer the same event API (check/peek/get_event, resolve) and their
# events and marks the same attributes, but the stubs type them apart: events are duck-typed here.
Events = Any
Event = Any


@dataclass
class _Composer:
    """Builds nodes from one document's events; returns each node with its expanded size."""

    events: Events
    shown: str
    problems: list[ExpectationsError] = field(default_factory=list)
    anchors: dict[str, tuple[Node, int]] = field(default_factory=dict)
    open_anchors: set[str] = field(default_factory=set)
    expansion: int = 0
    # Resolving a plain scalar's tag runs regexes (~10 µs); files repeat the same few words
    # (`bigint`, `nullable`, `false`) thousands of times, so each is resolved once.
    tags: dict[tuple[str, tuple[bool, bool]], str] = field(default_factory=dict)

    def fail(self, event: Event, message: str) -> ExpectationsError:
        return ExpectationsError(self.shown, event.start_mark.line + 1, message)

    def node(self, depth: int) -> tuple[Node, int]:
        if self.events.check_event(AliasEvent):
            return self.alias(self.events.get_event())
        event = self.events.peek_event()
        if depth > MAX_DEPTH:
            raise self.fail(
                event,
                f"values nested more than {MAX_DEPTH} levels deep; an expectations file needs about six "
                "(tables: name: columns: column: settings), so this is likely a mistake",
            )
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors or anchor in self.open_anchors:
                raise self.fail(event, f"anchor &{anchor} is defined twice; give each anchor its own name")
            self.open_anchors.add(anchor)
        if self.events.check_event(ScalarEvent):
            result = self.scalar(self.events.get_event())
        elif self.events.check_event(SequenceStartEvent):
            result = self.sequence(self.events.get_event(), depth)
        else:
            result = self.mapping(self.events.get_event(), depth)
        if anchor is not None:
            self.open_anchors.discard(anchor)
            self.anchors[anchor] = result
        return result

    def alias(self, event: Event) -> tuple[Node, int]:
        anchor = event.anchor
        if anchor in self.open_anchors:
            raise self.fail(event, f"alias *{anchor} is used inside the value it names (a recursive structure)")
        if anchor not in self.anchors:
            raise self.fail(event, f"alias *{anchor} names no anchor defined before it (write &{anchor} first)")
        node, size = self.anchors[anchor]
        self.expansion += size
        if self.expansion > MAX_ALIAS_EXPANSION:
            raise self.fail(
                event,
                f"aliases in this file expand to more than {MAX_ALIAS_EXPANSION:,} values (at *{anchor}); "
                "an alias copies its whole anchored value, and aliases of aliases multiply — write the "
                "values out, or use fewer aliases",
            )
        return node, size

    def scalar(self, event: Event) -> tuple[Node, int]:
        tag = event.tag
        if tag is None or tag == "!":
            key = (event.value, event.implicit)
            tag = self.tags.get(key)
            if tag is None:
                tag = self.tags[key] = self.events.resolve(ScalarNode, event.value, event.implicit)
        found = _FORBIDDEN.search(event.value)
        if found:
            what = "a NUL character (\\0)" if found.group() == "\x00" else "a lone surrogate (\\ud800-\\udfff)"
            self.problems.append(
                self.fail(
                    event,
                    f"this value contains {what} at character {found.start() + 1}; PostgreSQL text and file "
                    "paths cannot hold it — remove it",
                )
            )
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        return node, 1

    def sequence(self, start: Event, depth: int) -> tuple[Node, int]:
        tag = start.tag
        if tag is None or tag == "!":
            tag = self.events.resolve(SequenceNode, None, start.implicit)
        node = SequenceNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        size = 1
        while not self.events.check_event(SequenceEndEvent):
            item, item_size = self.node(depth + 1)
            node.value.append(item)
            size += item_size
        node.end_mark = self.events.get_event().end_mark
        return node, size

    def mapping(self, start: Event, depth: int) -> tuple[Node, int]:
        tag = start.tag
        if tag is None or tag == "!":
            tag = self.events.resolve(MappingNode, None, start.implicit)
        node = MappingNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        size = 1
        while not self.events.check_event(MappingEndEvent):
            key, key_size = self.node(depth + 1)
            value, value_size = self.node(depth + 1)
            node.value.append((key, value))
            size += key_size + value_size
        node.end_mark = self.events.get_event().end_mark
        return node, size


def compose_text(text: str, shown: str) -> tuple[Node | None, list[ExpectationsError]]:
    """The single document's root node (``None`` if there is none) and the problems found in its
    scalars; a structural problem (syntax, bounds, a second document) raises at once."""
    data: str | bytes = text.encode("utf-8") if EventSource is not yaml.SafeLoader else text
    events = EventSource(data)
    try:
        return _compose(events, shown)
    except yaml.MarkedYAMLError as exc:
        raise syntax_error(shown, exc, text) from None
    except yaml.reader.ReaderError as exc:  # e.g. a control character: a position, not a mark
        newline: str | bytes = b"\n" if isinstance(data, bytes) else "\n"
        line = data.count(newline, 0, exc.position) + 1  # type: ignore[arg-type]
        raise ExpectationsError(shown, line, f"YAML syntax error at line {line}: {exc.reason}") from None
    finally:
        events.dispose()


def _compose(events: Events, shown: str) -> tuple[Node | None, list[ExpectationsError]]:
    composer = _Composer(events, shown)
    events.get_event()  # stream start
    root = None
    if events.check_event(DocumentStartEvent):
        events.get_event()
        root, _ = composer.node(1)
        events.get_event()  # document end
    if not events.check_event(StreamEndEvent):
        second = events.get_event()
        raise composer.fail(
            second,
            "a second YAML document starts here (after `---`); an expectations file is one document, "
            "so merge them or remove the `---`",
        )
    return root, composer.problems


def syntax_error(shown: str, exc: yaml.MarkedYAMLError, text: str) -> ExpectationsError:
    """Parser problem as one readable line: where, what, and what it was in the middle of."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if mark is None:
        return ExpectationsError(shown, None, f"YAML syntax error: {problem}")
    line, column = mark.line + 1, mark.column + 1
    message = f"YAML syntax error at line {line}, column {column}: {problem}"
    if exc.context and exc.problem and exc.context_mark is not None:
        message += f" ({exc.context} at line {exc.context_mark.line + 1})"
    lines = text.splitlines()
    written = lines[mark.line] if mark.line < len(lines) else ""
    if "\t" in written[: len(written) - len(written.lstrip())] or written[mark.column : mark.column + 1] == "\t":
        message += "; indent with spaces, not tabs"
    return ExpectationsError(shown, line, message)
