"""The ``functions:`` section: one overload per entry, identified by its argument types."""

from __future__ import annotations

from .fields import (
    FUNCTION_PRIVILEGES,
    Field,
    grants_of,
    one_of,
    qualify,
    read_arg_types,
    read_bool,
    read_fields,
    read_ignore_rules,
    read_lower_text,
    read_sql,
    read_text,
    spellings,
    split_signature,
)
from .model import FunctionExpectation
from .yamlnodes import Entry, Reader

VOLATILITIES = spellings("volatile", "stable", "immutable")

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
