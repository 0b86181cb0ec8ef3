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
  and a surrogate cannot even be printed;
- no key written twice in one mapping (YAML would silently keep the last one).

Every refusal is an :class:`ExpectationsError` at the offending line.

A 38,000-line file is ~220,000 events, so the composer is written for the common case: one
``get_event`` per event, a plain scalar (no anchor) built inline in its collection's loop, tags
resolved once per distinct word, and the duplicate keys found while each mapping is built rather
than by a second walk over the tree.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ExpectationsError

MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 250_000  # about the values of a 38,000-line file: aliases may at most double the work

# libyaml when present; the pure-Python loader otherwise. Both produce the same events and marks.
EventSource: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A value as long as a paragraph is shown shortened: a pasted 40 kB string would otherwise fill the terminal.
SHOWN_CHARACTERS = 120

STR_TAG = "tag:yaml.org,2002:str"

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


# The C and the Python loaders offer the same event API (get_event, resolve) and their events and
# marks the same attributes, but the stubs type them apart: events are duck-typed here.
Events = Any
Event = Any


class _Composer:
    """Builds nodes from one document's events; each node comes with its expanded size (the
    values it stands for, counting what its aliases stand for), which bounds the aliases."""

    def __init__(self, events: Events, shown: str, text: str) -> None:
        self.get_event = events.get_event
        self.resolver = events.resolve
        self.shown = shown
        self.problems: list[ExpectationsError] = []  # NUL and surrogates, in file order
        self.duplicates: list[ExpectationsError] = []  # duplicate keys, in file order
        self.anchors: dict[str, tuple[Node, int]] = {}
        self.open_anchors: set[str] = set()
        self.expansion = 0
        # Resolving a plain scalar's tag runs regexes (~10 µs); files repeat the same few words
        # (`bigint`, `nullable`, `false`) thousands of times, so each is resolved once.
        self.tags: dict[tuple[Any, ...], str] = {}
        # Only an escape (`"\0"`, `"\ud800"`) of a double-quoted scalar can make a NUL or a surrogate
        # that the text itself does not hold; so when the text holds none, only those are searched.
        # (An ASCII text holds no surrogate, and `in` is a memchr: a regex over 1.5 MB takes 17 ms.)
        self.search_all = "\x00" in text or (not text.isascii() and _FORBIDDEN.search(text) is not None)

    def fail(self, event: Event, message: str) -> ExpectationsError:
        return ExpectationsError(self.shown, event.start_mark.line + 1, message)

    def resolve(self, kind: type[Node], value: str | None, implicit: Any) -> str:
        key = (value, implicit) if kind is ScalarNode else (None, kind.__name__, implicit)
        tag = self.tags.get(key)
        if tag is None:
            tag = self.tags[key] = self.resolver(kind, value, implicit)
        return tag

    def forbidden(self, event: Event, found: re.Match[str]) -> None:
        what = "a NUL character (\\0)" if found.group() == "\x00" else "a lone surrogate (\\ud800-\\udfff)"
        self.problems.append(
            self.fail(
                event,
                f"this value contains {what} at character {found.start() + 1}; PostgreSQL text and file "
                "paths cannot hold it — remove it",
            )
        )

    def node(self, event: Event, depth: int) -> tuple[Node, int]:
        """The node ``event`` starts, at nesting level ``depth``."""
        kind = event.__class__
        if kind is AliasEvent:
            return self.alias(event)
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
        result = self.scalar(event) if kind is ScalarEvent else self.collection(event, depth)
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
        value = event.value
        if tag is None or tag == "!":
            tag = self.resolve(ScalarNode, value, event.implicit)
        if self.search_all or event.style == '"':
            found = _FORBIDDEN.search(value)
            if found:
                self.forbidden(event, found)
        return ScalarNode(tag, value, event.start_mark, event.end_mark, event.style), 1

    # The two loops below build their plain scalars (no anchor) themselves, as `scalar` does:
    # a call per value is a tenth of the composing time.

    def collection(self, start: Event, depth: int) -> tuple[Node, int]:
        if start.__class__ is MappingStartEvent:
            return self.mapping(start, depth)
        tag = start.tag
        if tag is None or tag == "!":
            tag = self.resolve(SequenceNode, None, start.implicit)
        items: list[Node] = []
        node = SequenceNode(tag, items, start.start_mark, None, flow_style=start.flow_style)
        size = 1
        child_depth = depth + 1
        inline = child_depth <= MAX_DEPTH  # deeper, every child is refused (by self.node)
        get_event, tags, search_all = self.get_event, self.tags, self.search_all
        event = get_event()
        while event.__class__ is not SequenceEndEvent:
            is_scalar = event.__class__ is ScalarEvent  # (not narrowed: the event is duck-typed)
            if inline and is_scalar and event.anchor is None:
                value = event.value
                tag = event.tag
                if tag is None or tag == "!":
                    tag = tags.get((value, event.implicit)) or self.resolve(ScalarNode, value, event.implicit)
                style = event.style
                if search_all or style == '"':
                    found = _FORBIDDEN.search(value)
                    if found:
                        self.forbidden(event, found)
                items.append(ScalarNode(tag, value, event.start_mark, event.end_mark, style))
                size += 1
            else:
                item, item_size = self.node(event, child_depth)
                items.append(item)
                size += item_size
            event = get_event()
        node.end_mark = event.end_mark
        return node, size

    def mapping(self, start: Event, depth: int) -> tuple[Node, int]:
        """Also refuses a key written twice: YAML would silently keep the last one."""
        tag = start.tag
        if tag is None or tag == "!":
            tag = self.resolve(MappingNode, None, start.implicit)
        pairs: list[tuple[Node, Node]] = []
        node = MappingNode(tag, pairs, start.start_mark, None, flow_style=start.flow_style)
        size = 1
        child_depth = depth + 1
        inline = child_depth <= MAX_DEPTH  # deeper, every child is refused (by self.node)
        get_event, tags, search_all = self.get_event, self.tags, self.search_all
        # Keys as (tag, value), but a text key as its bare value: a str never equals a tuple.
        first_keys: dict[object, Node] = {}
        key: Node | None = None
        event = get_event()
        while event.__class__ is not MappingEndEvent:
            is_scalar = event.__class__ is ScalarEvent  # (not narrowed: the event is duck-typed)
            if inline and is_scalar and event.anchor is None:
                value = event.value
                tag = event.tag
                if tag is None or tag == "!":
                    tag = tags.get((value, event.implicit)) or self.resolve(ScalarNode, value, event.implicit)
                style = event.style
                if search_all or style == '"':
                    found = _FORBIDDEN.search(value)
                    if found:
                        self.forbidden(event, found)
                item: Node = ScalarNode(tag, value, event.start_mark, event.end_mark, style)
                size += 1
            else:
                item, item_size = self.node(event, child_depth)
                size += item_size
            if key is not None:
                pairs.append((key, item))
                key = None
            else:
                key = item
                if isinstance(item, ScalarNode):
                    ident = item.value if item.tag == STR_TAG else (item.tag, item.value)
                    first = first_keys.get(ident)
                    if first is None:
                        first_keys[ident] = item
                    else:
                        self.duplicate(first, item)
            event = get_event()
        node.end_mark = event.end_mark
        return node, size

    def duplicate(self, first: Node, key: Node) -> None:
        self.duplicates.append(
            ExpectationsError(
                self.shown,
                key.start_mark.line + 1,
                f"duplicate key '{shorten(key.value)}' (first written at line {first.start_mark.line + 1}); "
                "YAML would silently keep only the last one, so merge them",
            )
        )


def shorten(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def compose_text(text: str, shown: str) -> tuple[Node | None, list[ExpectationsError]]:
    """The single document's root node (``None`` if there is none) and the problems found in it that
    do not stop reading (a NUL in a value, then the duplicate keys); a structural problem (syntax,
    bounds, a second document) raises at once."""
    data: str | bytes = text.encode("utf-8") if EventSource is not yaml.SafeLoader else text
    events = None
    try:
        events = EventSource(data)  # the pure-Python reader checks the characters here
        return _compose(events, shown, text)
    except yaml.MarkedYAMLError as exc:
        raise syntax_error(shown, exc, text) from None
    except yaml.reader.ReaderError as exc:  # e.g. a control character: a position, not a mark
        newline: str | bytes = b"\n" if isinstance(data, bytes) else "\n"
        line = data.count(newline, 0, exc.position) + 1  # type: ignore[arg-type]
        raise ExpectationsError(shown, line, f"YAML syntax error at line {line}: {exc.reason}") from None
    finally:
        if events is not None:
            events.dispose()


def _compose(events: Events, shown: str, text: str) -> tuple[Node | None, list[ExpectationsError]]:
    composer = _Composer(events, shown, text)
    get_event = events.get_event
    get_event()  # stream start
    event = get_event()
    root = None
    if event.__class__ is DocumentStartEvent:
        root, _ = composer.node(get_event(), 1)
        get_event()  # document end
        event = get_event()
    if event.__class__ is not StreamEndEvent:
        raise composer.fail(
            event,
            "a second YAML document starts here (after `---`); an expectations file is one document, "
            "so merge them or remove the `---`",
        )
    return root, composer.problems + composer.duplicates


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
