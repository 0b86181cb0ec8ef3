"""Read the :class:`~.model.TypedDatabase` of some schemas from the catalog, in five queries."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from importlib import resources
from typing import Any

import psycopg
from psycopg.rows import dict_row

from .model import Argument, Column, Function, Relation, Relationship, TypedDatabase, TypeRef, UserType


@functools.cache
def _query(name: str) -> str:
    return resources.files("pytest_schemaguard.typegen").joinpath(f"queries/{name}.sql").read_text(encoding="utf-8")


def _rows(conn: psycopg.Connection, name: str, schemas: Sequence[str]) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(_query(name), {"schemas": list(schemas)})
        return list(cur.fetchall())


def read_typed_database(conn: psycopg.Connection, schemas: Sequence[str]) -> TypedDatabase:
    """The relations, functions and user types the generators need, for ``schemas``."""
    existing = {row[0] for row in conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname = ANY (%s::text[])", [list(schemas)]
    ).fetchall()}
    columns: dict[int, list[Column]] = defaultdict(list)
    for row in _rows(conn, "columns", schemas):
        columns[row["relid"]].append(Column(
            name=row["name"], type=TypeRef(row["udt"], row["udt_schema"]), nullable=row["nullable"],
            has_default=row["has_default"], is_identity=row["is_identity"],
            identity_always=row["identity_always"], is_generated=row["is_generated"],
            is_updatable=row["is_updatable"],
        ))
    relationships: dict[tuple[str, str], list[Relationship]] = defaultdict(list)
    for row in _rows(conn, "relationships", schemas):
        relationships[(row["schema"], row["relation"])].append(Relationship(
            foreign_key_name=row["foreign_key_name"], columns=tuple(row["columns"]),
            is_one_to_one=row["is_one_to_one"], referenced_schema=row["referenced_schema"],
            referenced_relation=row["referenced_relation"], referenced_columns=tuple(row["referenced_columns"]),
        ))
    relations = tuple(
        Relation(oid=row["oid"], schema=row["schema"], name=row["name"], kind=row["kind"],
                 columns=tuple(columns.get(row["oid"], ())),
                 relationships=tuple(relationships.get((row["schema"], row["name"]), ())),
                 is_updatable=row["is_updatable"])
        for row in _rows(conn, "relations", schemas)
    )
    return TypedDatabase(
        schemas=tuple(sorted(existing)),
        relations=relations,
        functions=tuple(_function(row) for row in _rows(conn, "functions", schemas)),
        types=tuple(_user_type(row) for row in _rows(conn, "types", schemas)),
    )


def _function(row: dict[str, Any]) -> Function:
    modes: list[str] = row["arg_modes"]
    names: list[str] = row["arg_names"] + [""] * (len(modes) - len(row["arg_names"]))
    input_positions = [i for i, mode in enumerate(modes) if mode in ("i", "b", "v")]
    with_default = set(input_positions[len(input_positions) - row["defaults"]:]) if row["defaults"] else set()
    arguments = tuple(
        Argument(name=names[i], mode=modes[i], type=TypeRef(row["arg_types"][i], row["arg_type_schemas"][i]),
                 has_default=i in with_default)
        for i in range(len(modes))
    )
    return Function(oid=row["oid"], schema=row["schema"], name=row["name"], arguments=arguments,
                    return_type=TypeRef(row["return_type"], row["return_type_schema"]),
                    return_relation=row["return_relid"], returns_set=row["returns_set"])


def _user_type(row: dict[str, Any]) -> UserType:
    return UserType(
        schema=row["schema"], name=row["name"], kind=row["kind"], labels=tuple(row["labels"]),
        attributes=tuple((name, TypeRef(udt, "")) for name, udt in
                         zip(row["attribute_names"], row["attribute_types"], strict=True)),
    )
