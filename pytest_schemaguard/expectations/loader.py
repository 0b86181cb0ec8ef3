"""Load ``schema_expectations.yml`` into the typed model, refusing anything it does not understand.

Each section has its reader (:mod:`.tables`, :mod:`.views`, :mod:`.functions`, :mod:`.project`;
the short ones are here), all built from the combinators of :mod:`.fields`. Reading does not stop
at the first problem: every problem of the file is raised at the end as one
:class:`ExpectationsError`, in file order, so a user fixes them all in one pass.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from yaml.nodes import MappingNode, Node

from ..errors import ExpectationsError
from .fields import (
    TABLE_PRIVILEGES,
    Field,
    Where,
    listed,
    named,
    qualify,
    qualify_column,
    qualify_signature,
    read_fields,
    read_ignore_rules,
    read_rule_name,
    read_text,
    some_of,
    spellings,
    split_signature,
)
from .functions import build_function
from .model import (
    SCHEMA_EXHAUSTIVE_ASPECTS,
    AbsentExpectation,
    EnumExpectation,
    Expectations,
    ExtensionExpectation,
    SchemaExhaustiveExpectation,
    function_id,
)
from .project import read_project
from .tables import build_table
from .views import view_builder
from .yamlnodes import Entry, Reader, Reported, combined_error, compose_file, construct, is_null, line_of

# Imported from here by the checks and `init`; they live in .fields now.
__all__ = ["TABLE_PRIVILEGES", "load_expectations", "split_signature"]

RULE_LEVELS = spellings("error", "warn", "off")
SCHEMA_ASPECTS = spellings(*SCHEMA_EXHAUSTIVE_ASPECTS)


# -- enums, extensions -------------------------------------------------------------------------


def build_enum(reader: Reader, entry: Entry, owner: str) -> EnumExpectation:
    """Labels are any scalars as written, so `[yes, no]` means the labels 'yes' and 'no'."""
    name = qualify(entry.key)
    label = f"enum {name}"
    if is_null(entry.node):
        reader.expected(entry.node, label, "a list of labels")
    items = reader.items(entry.node, label, "a list of labels")
    labels = tuple(reader.raw_text(item, f"{label}, label {n}") for n, item in enumerate(items, 1))
    return EnumExpectation(name, labels, entry.line)


EXTENSION_FIELDS = {
    "schema": Field(read_text),
    "ignore_rules": Field(read_ignore_rules),
}


def read_extensions(reader: Reader, node: Node, where: Where) -> tuple[ExtensionExpectation, ...]:
    """``[btree_gist, pg_trgm]`` or ``{pg_trgm: {schema: extensions}}``."""
    if isinstance(node, MappingNode):
        return tuple(
            reader.collect(
                reader.entries(node, where.label),
                lambda e: ExtensionExpectation(
                    e.key, e.line, **read_fields(reader, e.node, f"extension {e.key}", EXTENSION_FIELDS)
                ),
            )
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
    before = len(reader.problems)
    entries = reader.fields(node, "'absent' entry", "an 'absent' entry", ABSENT_KINDS.keys())
    if len(reader.problems) > before:
        raise Reported
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

    def build(e: Entry) -> SchemaExhaustiveExpectation:
        aspects = read_aspects(reader, e.node, Where(e.key, "'exhaustive'", e.line))
        return SchemaExhaustiveExpectation(e.key, cast(tuple[str, ...], aspects), e.line)

    return tuple(reader.collect(reader.entries(node, where.label, "a mapping of schema to a list of aspects"), build))


def read_rules(reader: Reader, node: Node, where: Where) -> dict[str, tuple[str, int]]:
    """``rule: error | warn | off``; an unknown rule name fails at its line, listing the known rules."""
    def rule(e: Entry) -> tuple[str, tuple[str, int]]:
        return read_rule_name(reader, e, "'rules'"), (reader.choice(e.node, f"rule '{e.key}'", RULE_LEVELS), e.line)

    return dict(reader.collect(reader.entries(node, where.label, "a mapping of rule name to error, warn or off"), rule))


def read_behaviour(reader: Reader, node: Node, where: Where) -> tuple[tuple[dict[str, object], int], ...]:
    """Kept as plain data (with lines) for the behaviour module, which owns their keys."""

    def entry(item: Node) -> tuple[dict[str, object], int]:
        if not isinstance(item, MappingNode):
            reader.expected(item, "each 'behaviour' entry", "a mapping such as `rls_isolation: {table: tasks}`")
        return cast(dict[str, object], construct(item, reader.shown)), line_of(item)

    return tuple(reader.collect(reader.items(node, where.label, "a list of behaviour checks"), entry))


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
        f"no expectations file: looked for {path.resolve()}. Create it by hand "
        "following docs/expectations.md (linked from the README; start with `version: 1` and a `tables:` section "
        "naming what your migrations must build), "
        "or run `schemaguard init` to write a starting file from the database your migrations build; "
        "to use a file elsewhere, pass --schemaguard-file PATH to pytest or --file PATH to the schemaguard command.",
    )


def reject_redeclared(reader: Reader, kind: str, declared: list[tuple[str, int]]) -> None:
    """`organizations` and `public.organizations` are the same table: two declarations would conflict."""
    first: dict[str, int] = {}
    for ident, line in declared:
        if ident in first:
            message = f"{kind} {ident} is declared twice (first at line {first[ident]}); merge them"
            reader.report(ExpectationsError(reader.shown, line, message))
        else:
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
    # A 38,000-line file makes ~1,000,000 objects that all live until the model is built, none of
    # them garbage: the cyclic collector would scan them again and again (a third of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(path)
    finally:
        if collecting:
            gc.enable()


def _load(path: Path) -> Expectations:
    reader = Reader(str(path))
    root, reader.problems = compose_file(path, reader.shown)
    try:
        if root is None or is_null(root):  # nothing, only comments, or a bare `---`
            reader.fail_at(
                None,
                "is empty; an expectations file starts with `version: 1` followed by sections "
                "such as `tables:` (see docs/expectations.md)",
            )
        if not isinstance(root, MappingNode):
            reader.expected(root, "the top level", "a mapping of sections (version, tables, views, ...)")
        expectations = assemble(reader, path, read_fields(reader, root, "the top level", TOP_LEVEL_FIELDS))
    except ExpectationsError as exc:
        reader.report(exc)
    except Reported:
        pass
    if reader.problems:
        raise combined_error(reader.shown, reader.problems)
    return expectations
