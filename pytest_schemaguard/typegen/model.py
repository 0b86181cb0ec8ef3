"""What a typed client needs to know of a schema, independent of the language it is written in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeRef:
    """A PostgreSQL type as the generator names it: ``int4``, ``_text`` (an array), ``user_role``."""

    name: str
    schema: str


@dataclass(frozen=True)
class Column:
    name: str
    type: TypeRef
    nullable: bool
    has_default: bool  # a default or a generated expression: the client may leave it out
    is_identity: bool
    identity_always: bool  # GENERATED ALWAYS AS IDENTITY: the client must never write it
    is_generated: bool
    is_updatable: bool  # views: can this column be written through the view


@dataclass(frozen=True)
class Relationship:
    foreign_key_name: str
    columns: tuple[str, ...]
    is_one_to_one: bool
    referenced_schema: str
    referenced_relation: str
    referenced_columns: tuple[str, ...]


@dataclass(frozen=True)
class Relation:
    """A table (``kind`` r, p, f) or a view (v, m)."""

    oid: int
    schema: str
    name: str
    kind: str
    columns: tuple[Column, ...]  # in attnum order; renderers sort as their language's tools do
    relationships: tuple[Relationship, ...] = ()
    is_updatable: bool = False

    @property
    def is_table(self) -> bool:
        return self.kind in ("r", "p", "f")


@dataclass(frozen=True)
class Argument:
    name: str
    mode: str  # i, o, b (inout), v (variadic), t (a RETURNS TABLE column)
    type: TypeRef
    has_default: bool


@dataclass(frozen=True)
class Function:
    oid: int
    schema: str
    name: str
    arguments: tuple[Argument, ...]
    return_type: TypeRef
    return_relation: int | None  # oid of the table or view whose rows it returns
    returns_set: bool

    @property
    def inputs(self) -> tuple[Argument, ...]:
        return tuple(a for a in self.arguments if a.mode == "i")

    @property
    def table_columns(self) -> tuple[Argument, ...]:
        return tuple(a for a in self.arguments if a.mode == "t")


@dataclass(frozen=True)
class UserType:
    """An enum (labels) or a standalone composite type (attributes)."""

    schema: str
    name: str
    kind: str  # "e" | "c"
    labels: tuple[str, ...] = ()
    attributes: tuple[tuple[str, TypeRef], ...] = ()


@dataclass(frozen=True)
class TypedDatabase:
    schemas: tuple[str, ...]  # the generated schemas that exist, sorted
    relations: tuple[Relation, ...]
    functions: tuple[Function, ...]
    types: tuple[UserType, ...]  # every enum and composite of the database, for name lookups

    def relation(self, oid: int) -> Relation | None:
        return next((r for r in self.relations if r.oid == oid), None)
