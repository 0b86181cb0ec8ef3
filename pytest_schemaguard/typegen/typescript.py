"""The ``Database`` type in the shape of the Supabase CLI's TypeScript generator
(``supabase gen types typescript``), so a generated file drops into a supabase-js project as is.

The rules follow the generator's documented behaviour: keys sorted the way JavaScript's
``localeCompare`` sorts them; ``| null`` for nullable columns; in ``Insert`` a column is optional
when it is nullable, has a default (generated columns included) or is an identity, and ``never``
when it is ``GENERATED ALWAYS AS IDENTITY``; every column optional in ``Update``; views' columns
nullable, with ``Insert``/``Update`` only for updatable views; functions whose inputs are all
named (or one unnamed input), overloads as a union of ``Args``, ``SETOF``/``RETURNS TABLE`` as
arrays; ``[_ in never]: never`` for an empty section.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Column, Function, Relation, Relationship, TypedDatabase, TypeRef
from .tsformat import ArrayOf, Member, Node, Obj, Ref, Tuple, collation_key, key, member_lines, string, union

NUMBER = {"int2", "int4", "int8", "float4", "float8", "numeric"}
STRING = {"bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz", "timestamp", "timestamptz",
          "uuid", "vector"}
NEVER_SECTION = Obj((Member("[_ in never]", Ref("never")),))

JSON_TYPE = """export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]
"""


class TypeScript:
    """One rendering of one database; the type lookups need the whole model."""

    def __init__(self, database: TypedDatabase) -> None:
        self.db = database
        self.schemas = set(database.schemas)

    # ------------------------------------------------------------------ types

    def ts_type(self, ref: TypeRef) -> Node:
        name = ref.name
        if name == "bool":
            return Ref("boolean")
        if name in NUMBER:
            return Ref("number")
        if name in STRING:
            return Ref("string")
        if name in ("json", "jsonb"):
            return Ref("Json")
        if name == "void":
            return Ref("undefined")
        if name == "record":
            return Ref("Record<string, unknown>")
        if name.startswith("_"):
            return ArrayOf(self.ts_type(TypeRef(name[1:], ref.schema)))
        return self._user_type(ref)

    def _user_type(self, ref: TypeRef) -> Node:
        candidates = [t for t in self.db.types if t.name == ref.name]
        candidates.sort(key=lambda t: t.schema != ref.schema)  # the same schema first, as the catalog resolves
        for kind, section in (("e", "Enums"), ("c", "CompositeTypes")):
            found = next((t for t in candidates if t.kind == kind), None)
            if found is None:
                continue
            if found.schema in self.schemas:
                return Ref(f"Database[{string(found.schema)}][{string(section)}][{string(found.name)}]")
            return union(*(Ref(string(label)) for label in found.labels)) if kind == "e" else Ref("unknown")
        for relation in sorted(self.db.relations, key=lambda r: r.schema != ref.schema):
            if relation.name == ref.name:
                section = "Tables" if relation.is_table else "Views"
                return Ref(f"Database[{string(relation.schema)}][{string(section)}][{string(relation.name)}][\"Row\"]")
        return Ref("unknown")

    def _nullable(self, column: Column, nullable: bool) -> Node:
        base = self.ts_type(column.type)
        return union(*_union_items(base), Ref("null")) if nullable else base

    # ------------------------------------------------------------------ sections

    def row(self, relation: Relation) -> Obj:
        nullable_all = not relation.is_table  # a view cannot promise NOT NULL
        return Obj(tuple(Member(key(c.name), self._nullable(c, c.nullable or nullable_all))
                         for c in _sorted_columns(relation.columns)))

    def insert(self, relation: Relation) -> Obj:
        members = []
        for c in _sorted_columns(relation.columns):
            if c.identity_always:
                members.append(Member(key(c.name), Ref("never"), optional=True))
                continue
            optional = c.nullable or c.is_identity or c.has_default
            members.append(Member(key(c.name), self._nullable(c, c.nullable), optional=optional))
        return Obj(tuple(members))

    def update(self, relation: Relation) -> Obj:
        return Obj(tuple(
            Member(key(c.name), Ref("never") if c.identity_always else self._nullable(c, c.nullable), optional=True)
            for c in _sorted_columns(relation.columns)
        ))

    def view_write(self, relation: Relation) -> Obj:
        return Obj(tuple(
            Member(key(c.name), self._nullable(c, True) if c.is_updatable else Ref("never"), optional=True)
            for c in _sorted_columns(relation.columns)
        ))

    def relationships(self, relation: Relation) -> Node:
        kept = [r for r in relation.relationships if r.referenced_schema == relation.schema]
        kept.sort(key=lambda r: (collation_key(r.foreign_key_name), collation_key(r.referenced_relation),
                                 collation_key(str(list(r.referenced_columns)))))
        return Tuple(tuple(_relationship(r) for r in kept), expanded=bool(kept))

    def relation_entry(self, relation: Relation) -> Member:
        members = [Member("Row", self.row(relation))]
        if relation.is_table:
            members += [Member("Insert", self.insert(relation)), Member("Update", self.update(relation))]
        elif relation.is_updatable:
            members += [Member("Insert", self.view_write(relation)), Member("Update", self.view_write(relation))]
        members.append(Member("Relationships", self.relationships(relation)))
        return Member(key(relation.name), Obj(tuple(members)))

    def function_entry(self, name: str, overloads: list[Function]) -> Member:
        args = [self._args(f) for f in overloads]
        return Member(key(name), Obj((Member("Args", union(*args)), Member("Returns", self._returns(overloads[0])))))

    def _args(self, function: Function) -> Node:
        inputs = sorted(function.inputs, key=lambda a: collation_key(a.name))
        if not inputs:
            return Ref("Record<PropertyKey, never>")
        return Obj(tuple(Member(key(a.name), self.ts_type(a.type), optional=a.has_default) for a in inputs),
                   expanded=False)

    def _returns(self, function: Function) -> Node:
        result: Node
        table_columns = function.table_columns
        relation = self.db.relation(function.return_relation) if function.return_relation else None
        if table_columns:
            result = Obj(tuple(Member(key(a.name), self.ts_type(a.type))
                               for a in sorted(table_columns, key=lambda a: collation_key(a.name))))
        elif relation is not None:
            result = self.row(relation)
        else:
            result = self.ts_type(function.return_type)
        return ArrayOf(result) if function.returns_set else result

    def schema_entry(self, schema: str) -> Member:
        relations = sorted((r for r in self.db.relations if r.schema == schema), key=lambda r: collation_key(r.name))
        tables = [self.relation_entry(r) for r in relations if r.is_table]
        views = [self.relation_entry(r) for r in relations if not r.is_table]
        grouped: dict[str, list[Function]] = {}
        for function in self.db.functions:
            if function.schema == schema and _callable(function):
                grouped.setdefault(function.name, []).append(function)
        functions = [self.function_entry(n, grouped[n]) for n in sorted(grouped, key=collation_key)]
        enums = [Member(key(t.name), union(*(Ref(string(label)) for label in t.labels)))
                 for t in self._user_types(schema, "e")]
        composites = [Member(key(t.name), Obj(tuple(Member(key(n), union(*_union_items(self.ts_type(ref)), Ref("null")))
                                                    for n, ref in t.attributes)))
                      for t in self._user_types(schema, "c")]
        sections = (("Tables", tables), ("Views", views), ("Functions", functions), ("Enums", enums),
                    ("CompositeTypes", composites))
        return Member(key(schema), Obj(tuple(Member(title, Obj(tuple(items)) if items else NEVER_SECTION)
                                             for title, items in sections)))

    def _user_types(self, schema: str, kind: str) -> list:  # type: ignore[type-arg]
        return sorted((t for t in self.db.types if t.schema == schema and t.kind == kind and (kind == "c" or t.labels)),
                      key=lambda t: collation_key(t.name))

    def constants(self) -> list[str]:
        lines = ["export const Constants = {"]
        for schema in sorted(self.schemas, key=collation_key):
            enums = self._user_types(schema, "e")
            lines.append(f"  {key(schema)}: {{")
            if not enums:
                lines.append("    Enums: {},")
            else:
                lines.append("    Enums: {")
                for t in enums:
                    labels = Tuple(tuple(Ref(string(label)) for label in t.labels))
                    lines += member_lines(Member(key(t.name), labels), 6, suffix=",")
                lines.append("    },")
            lines.append("  },")
        return [*lines, "} as const"]

    def render(self) -> str:
        database = Obj(tuple(self.schema_entry(s) for s in sorted(self.schemas, key=collation_key)))
        body = member_lines(Member("export type Database =", database), 0)
        body[0] = body[0].replace("export type Database =:", "export type Database =")
        return "\n".join([JSON_TYPE, *body, "", HELPERS, *self.constants()]) + "\n"


def _union_items(node: Node) -> Iterable[Node]:
    from .tsformat import Union

    return node.items if isinstance(node, Union) else (node,)


def _sorted_columns(columns: Iterable[Column]) -> list[Column]:
    return sorted(columns, key=lambda c: collation_key(c.name))


def _callable(function: Function) -> bool:
    """The generator's rule: every input named, or a single (possibly unnamed) input."""
    inputs = [a for a in function.arguments if a.mode in ("i", "b", "v")]
    return all(a.name for a in inputs) or len(inputs) == 1


def _relationship(r: Relationship) -> Obj:
    def names(values: tuple[str, ...]) -> Tuple:
        return Tuple(tuple(Ref(string(v)) for v in values))

    return Obj((
        Member("foreignKeyName", Ref(string(r.foreign_key_name))),
        Member("columns", names(r.columns)),
        Member("isOneToOne", Ref("true" if r.is_one_to_one else "false")),
        Member("referencedRelation", Ref(string(r.referenced_relation))),
        Member("referencedColumns", names(r.referenced_columns)),
    ))


def render_typescript(database: TypedDatabase) -> str:
    return TypeScript(database).render()


HELPERS = '''type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never
'''
