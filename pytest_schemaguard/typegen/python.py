"""The same model as TypedDicts for supabase-py / psycopg users: ``Row``, ``Insert`` and ``Update``
per table and view, ``Literal`` aliases for enums. Optional keys follow the TypeScript rules
(``NotRequired`` where TypeScript writes ``?``); identity-always columns are left out of
``Insert``/``Update`` since Python's types have no ``never`` for a key.
"""

from __future__ import annotations

import keyword
import re

from .model import Column, Relation, TypedDatabase, TypeRef
from .tsformat import collation_key

NUMBER = {"int2": "int", "int4": "int", "int8": "int", "float4": "float", "float8": "float", "numeric": "float"}
STRING = {"bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz", "timestamp", "timestamptz",
          "uuid", "vector"}

PRELUDE = '''from __future__ import annotations

import sys
from typing import Any, Literal, TypedDict, Union

if sys.version_info >= (3, 11):
    from typing import NotRequired
else:  # pragma: no cover
    from typing_extensions import NotRequired

Json = Union[str, int, float, bool, None, dict[str, Any], list[Any]]
'''


def _pascal(*parts: str) -> str:
    words = [w for p in parts for w in re.split(r"[^0-9A-Za-z]+", p) if w]
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Unnamed"
    return f"_{name}" if name[0].isdigit() else name


class Python:
    def __init__(self, database: TypedDatabase) -> None:
        self.db = database
        self.schemas = set(database.schemas)
        self.used: set[str] = set()

    def py_type(self, ref: TypeRef) -> str:
        name = ref.name
        if name == "bool":
            return "bool"
        if name in NUMBER:
            return NUMBER[name]
        if name in STRING:
            return "str"
        if name in ("json", "jsonb"):
            return "Json"
        if name.startswith("_"):
            return f"list[{self.py_type(TypeRef(name[1:], ref.schema))}]"
        found = sorted((t for t in self.db.types if t.name == name and t.kind == "e"),
                       key=lambda t: t.schema != ref.schema)
        if found:
            enum = found[0]
            if enum.schema in self.schemas:
                return _pascal(enum.schema, enum.name)
            return "Literal[" + ", ".join(repr(label) for label in enum.labels) + "]"
        return "Any"

    def _field(self, column: Column, nullable: bool, optional: bool) -> str:
        kind = self.py_type(column.type)
        if nullable:
            kind = f"{kind} | None"
        if optional:
            kind = f"NotRequired[{kind}]"
        return kind

    def _typed_dict(self, name: str, fields: list[tuple[str, str]]) -> list[str]:
        if not fields or any(not f.isidentifier() or keyword.iskeyword(f) for f, _ in fields):
            body = ", ".join(f"{f!r}: {t}" for f, t in fields)
            return [f"{name} = TypedDict({name!r}, {{{body}}})", ""]
        return [f"class {name}(TypedDict):", *(f"    {f}: {t}" for f, t in fields), "", ""]

    def relation(self, relation: Relation) -> list[str]:
        base = _pascal(relation.schema, relation.name)
        columns = sorted(relation.columns, key=lambda c: collation_key(c.name))
        view = not relation.is_table
        lines = self._typed_dict(f"{base}Row", [(c.name, self._field(c, c.nullable or view, False)) for c in columns])
        if relation.is_table:
            insert = [(c.name, self._field(c, c.nullable, c.nullable or c.is_identity or c.has_default))
                      for c in columns if not c.identity_always]
            update = [(c.name, self._field(c, c.nullable, True)) for c in columns if not c.identity_always]
        elif relation.is_updatable:
            insert = update = [(c.name, self._field(c, True, True)) for c in columns if c.is_updatable]
        else:
            return lines
        return lines + self._typed_dict(f"{base}Insert", insert) + self._typed_dict(f"{base}Update", update)

    def render(self) -> str:
        lines = [PRELUDE]
        for schema in sorted(self.schemas, key=collation_key):
            for enum in sorted((t for t in self.db.types if t.schema == schema and t.kind == "e"),
                               key=lambda t: collation_key(t.name)):
                labels = ", ".join(repr(label) for label in enum.labels)
                lines += [f"{_pascal(schema, enum.name)} = Literal[{labels}]", ""]
            for relation in sorted((r for r in self.db.relations if r.schema == schema),
                                   key=lambda r: collation_key(r.name)):
                lines += self.relation(relation)
        return "\n".join(lines).rstrip() + "\n"


def render_python(database: TypedDatabase) -> str:
    return Python(database).render()
