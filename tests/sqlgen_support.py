"""A small schema model, its Hypothesis strategy and its SQL, for the `schemaguard init` round-trip
property test: whatever schema is drawn, `init` then `pytest --schemaguard` must pass, and one
mutation migration must fail exactly the item of the object it changed.

The SQL is generated here from the drawn model (no SQL parser, no example files), so the test
covers column features, types and names that no hand-written example happens to use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

# Labels YAML or SQL could misread: mixed case, quotes, commas, YAML keywords, leading digits.
ENUM_LABELS = ("lead", "Won", "Mixed Case", "it's", 'say "hi"', "a,b", "yes", "null", "1st", "#tag", "on")


def ident(name: str) -> str:
    """A SQL identifier, quoted when it is not a plain lower-case name."""
    if name.isidentifier() and name == name.lower():
        return name
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Column:
    name: str
    sql_type: str
    kind: str
    default: str | None = None
    not_null: bool = False
    generated: str | None = None
    collate: str | None = None
    identity: str | None = None  # "always" | "by default"
    alt_type: str | None = None  # a type change a mutation may apply (with USING)
    alt_default: str | None = None  # a default change a mutation may apply

    def sql(self) -> str:
        parts = [ident(self.name), self.sql_type]
        if self.collate:
            parts.append(f'collate "{self.collate}"')
        if self.identity:
            parts.append(f"generated {self.identity} as identity")
        if self.generated:
            parts.append(f"generated always as ({self.generated}) stored")
        if self.default is not None:
            parts.append(f"default {self.default}")
        if self.not_null:
            parts.append("not null")
        return " ".join(parts)


@dataclass
class Table:
    name: str
    columns: list[Column]
    primary_key: list[str]
    checks: list[tuple[str, str]] = field(default_factory=list)
    exclusion: str | None = None  # a constraint clause
    policies: list[str] = field(default_factory=list)  # full CREATE POLICY statements
    policy_names: list[str] = field(default_factory=list)
    indexes: list[tuple[str, str]] = field(default_factory=list)  # name, CREATE INDEX statement
    partitioned: bool = False
    parent: str | None = None  # INHERITS
    children: list[str] = field(default_factory=list)
    referenced: set[str] = field(default_factory=set)  # columns used by generated/views/policies/...

    def sql(self) -> list[str]:
        lines = [c.sql() for c in self.columns]
        if self.primary_key:
            lines.append(f"primary key ({', '.join(ident(c) for c in self.primary_key)})")
        lines += [f"constraint {ident(n)} check ({e})" for n, e in self.checks]
        if self.exclusion:
            lines.append(self.exclusion)
        tail = ""
        if self.parent:
            tail = f" inherits (public.{ident(self.parent)})"
        if self.partitioned:
            tail = f" partition by range ({ident(self.columns[1].name)})"
        statements = [f"create table public.{ident(self.name)} (\n  " + ",\n  ".join(lines) + f"\n){tail};"]
        if self.partitioned:
            statements.append(f"create table public.{ident(self.name + '_2024')} partition of public."
                              f"{ident(self.name)} for values from ('2024-01-01') to ('2025-01-01');")
        statements += [statement for _, statement in self.indexes]
        if self.policies:
            statements.append(f"alter table public.{ident(self.name)} enable row level security;")
            statements += self.policies
        return statements


@dataclass
class Model:
    enums: dict[str, list[str]]
    tables: list[Table]
    views: list[tuple[str, str, str]]  # name, table, statement
    functions: list[tuple[str, str, str]]  # item name, drop statement, create statement
    preamble: list[str]
    flavor: str = "postgres"  # supabase: the project has supabase/config.toml, the build runs the shim

    def sql(self) -> str:
        statements = list(self.preamble)
        for name, labels in self.enums.items():
            statements.append(f"create type public.{ident(name)} as enum ({', '.join(literal(v) for v in labels)});")
        for table in self.tables:
            statements += table.sql()
        statements += [v[2] for v in self.views]
        statements += [f[2] for f in self.functions]
        return "\n".join(statements) + "\n"


PREAMBLE = [
    "create domain public.posint as integer check (value > 0);",
    "create type public.pair as (a integer, b text);",
]


@st.composite
def columns_for(draw: st.DrawFn, enums: dict[str, list[str]], partitioned: bool, prefix: str) -> list[Column]:
    """A table's columns; ``prefix`` keeps an inheriting table's own columns apart from its parent's."""
    columns: list[Column] = []
    if partitioned:
        columns.append(Column("id", "bigint", "id", not_null=True))
        columns.append(Column("at", "date", "at", not_null=True))
    else:
        identity = draw(st.sampled_from([None, "always", "by default"]))
        columns.append(Column("id", "bigint", "id", identity=identity, not_null=True))
    kinds = draw(st.lists(st.sampled_from(
        ["int", "text", "numeric", "array", "timestamptz", "jsonb", "enum", "domain", "composite", "range",
         "quoted"]), min_size=1, max_size=6))
    for position, kind in enumerate(kinds):
        name = f"{prefix}{position}_{kind}"
        if kind == "int":
            columns.append(Column(name, "integer", kind, default=draw(st.sampled_from([None, "0", "42"])),
                                  not_null=draw(st.booleans()), alt_type="bigint", alt_default="7"))
        elif kind == "text":
            columns.append(Column(name, "text", kind, default=draw(st.sampled_from([None, "''", "'a  b'"])),
                                  collate=draw(st.sampled_from([None, "C"])), alt_type="character varying(50)",
                                  alt_default="'other'"))
        elif kind == "numeric":
            columns.append(Column(name, "numeric(10,2)", kind, default="1.50", alt_type="numeric(12,3)",
                                  alt_default="2.5"))
        elif kind == "array":
            columns.append(Column(name, "text[]", kind, default="'{}'::text[]", alt_default="array['x', 'y']"))
        elif kind == "timestamptz":
            columns.append(Column(name, "timestamp with time zone", kind, default="now()", not_null=True,
                                  alt_default="'2024-01-01 00:00:00+00'"))
        elif kind == "jsonb":
            columns.append(Column(name, "jsonb", kind, default="'{\"a\": 1}'::jsonb", alt_default="'[]'::jsonb"))
        elif kind == "enum" and enums:
            enum = draw(st.sampled_from(sorted(enums)))
            labels = enums[enum]
            columns.append(Column(name, f"public.{ident(enum)}", kind, default=f"{literal(labels[0])}",
                                  alt_default=literal(labels[-1])))
        elif kind == "domain":
            columns.append(Column(name, "public.posint", kind, default="1", alt_default="2"))
        elif kind == "composite":
            columns.append(Column(name, "public.pair", kind))
        elif kind == "range" and not partitioned:
            columns.append(Column(name, "tstzrange", kind))
        elif kind == "quoted":
            columns.append(Column(f"{prefix.upper()}ol {position}", "text", kind, default="'x'", alt_default="'y'"))
    return columns


def generated_for(columns: list[Column], enums: dict[str, list[str]], draw: st.DrawFn) -> Column | None:
    """A stored generated column over an earlier column, as a migration author would write it."""
    choices = []
    for column in columns:
        if column.kind == "int":
            choices.append((column, "integer", f"({ident(column.name)} * 2) + 1"))
        elif column.kind in ("text", "quoted") and column.collate is None:
            choices.append((column, "text", f"lower({ident(column.name)}) || ' x'"))
        elif column.kind == "enum":
            enum = column.sql_type.removeprefix("public.")
            label = enums[enum.strip('"').replace('""', '"')][-1]
            choices.append((column, "boolean", f"{ident(column.name)} = {literal(label)}::{column.sql_type}"))
    if not choices:
        return None
    source, sql_type, expression = draw(st.sampled_from(choices))
    return Column(f"g_{source.name.replace(' ', '_').lower()}", sql_type, "generated", generated=expression,
                  alt_type=None), source  # type: ignore[return-value]


@st.composite
def models(draw: st.DrawFn) -> Model:
    enum_count = draw(st.integers(0, 2))
    enums = {}
    for n in range(enum_count):
        name = ["status", "Mood Type"][n]
        enums[name] = draw(st.lists(st.sampled_from(ENUM_LABELS), min_size=1, max_size=4, unique=True))
    tables: list[Table] = []
    for n in range(draw(st.integers(1, 3))):
        shape = draw(st.sampled_from(["plain", "plain", "partitioned", "inherits"]))
        if shape == "inherits" and not any(t.parent is None and not t.partitioned for t in tables):
            shape = "plain"
        partitioned = shape == "partitioned"
        columns = draw(columns_for(enums, partitioned, "k" if shape == "inherits" else "c"))
        name = draw(st.sampled_from([f"t{n}", f"T{n} Mixed"]))
        table = Table(name, columns, ["id", "at"] if partitioned else ["id"], partitioned=partitioned)
        made = generated_for(columns, enums, draw) if draw(st.booleans()) else None
        if made is not None:
            generated, source = made  # type: ignore[misc]
            columns.append(generated)
            table.referenced.add(source.name)
        ints = [c for c in columns if c.kind == "int"]
        if ints and draw(st.booleans()):
            table.checks.append((f"{name}_positive", f"{ident(ints[0].name)} >= 0"))
            table.referenced.add(ints[0].name)
        ranges = [c for c in columns if c.kind == "range"]
        if ranges:
            where = f" where ({ident(ints[0].name)} > 0)" if ints and draw(st.booleans()) else ""
            table.exclusion = (f"constraint {ident(name + '_no_overlap')} exclude using gist "
                               f"({ident(ranges[0].name)} with &&){where}")
            table.referenced.add(ranges[0].name)
            if where:
                table.referenced.add(ints[0].name)
        texts = [c for c in columns if c.kind in ("text", "quoted")]
        if (ints or texts) and draw(st.booleans()):
            index = f"{name}_idx".replace(" ", "_").lower()
            if texts and (not ints or draw(st.booleans())):
                col = ident(texts[0].name)
                key, where = f"lower({col})", f" where ({col} <> 'a  b')"
                table.referenced.add(texts[0].name)
            else:
                key, where = f"{ident(ints[0].name)} desc nulls last", ""
                table.referenced.add(ints[0].name)
            table.indexes.append((index, f"create index {index} on public.{ident(name)} ({key}){where};"))
        if shape == "inherits":
            parent = draw(st.sampled_from([t for t in tables if t.parent is None and not t.partitioned]))
            table.parent = parent.name
            parent.children.append(name)
            table.primary_key = []
            columns[0] = Column("own_id", "bigint", "int", alt_type="integer", alt_default="3")
            table.columns = columns
        for p in range(draw(st.integers(0, 2))):
            policy = f"{name} read {p}" if p else f"{name}_read"
            command = draw(st.sampled_from(["select", "insert", "all"]))
            condition = f"({ident(ints[0].name)} > 0)" if ints else "true"
            if ints:
                table.referenced.add(ints[0].name)
            clause = f"with check ({condition})" if command == "insert" else f"using ({condition})"
            table.policies.append(f"create policy {ident(policy)} on public.{ident(name)} for {command} "
                                  f"to public {clause};")
            table.policy_names.append(policy)
        tables.append(table)
    views = []
    for n, table in enumerate(draw(st.lists(st.sampled_from(tables), max_size=2, unique_by=lambda t: t.name))):
        shown = [c.name for c in table.columns[:3]]
        table.referenced.update(shown)
        kind = draw(st.sampled_from(["view", "invoker", "materialized"]))
        options = " with (security_invoker = true)" if kind == "invoker" else ""
        what = "materialized view" if kind == "materialized" else "view"
        name = f"mv{n}" if kind == "materialized" else f"v{n}"
        statement = (f"create {what} public.{name}{options} as select {', '.join(ident(c) for c in shown)} "
                     f"from public.{ident(table.name)};")
        views.append((name, table.name, statement))
    functions = []
    if draw(st.booleans()):
        functions.append(("public.f_out(integer,text)", "drop function public.f_out(integer, text);",
                          "create function public.f_out(a integer, b text default 'x y', out total integer, "
                          "out label text) language sql stable as $$ select a + 1, b $$;"))
    if draw(st.booleans()):  # overloaded: init keys them by signature
        functions.append(("public.f_over(integer)", "drop function public.f_over(integer);",
                          "create function public.f_over(x integer) returns integer language sql immutable "
                          "as $$ select x $$;"))
        functions.append(("public.f_over(pair)", "drop function public.f_over(public.pair);",
                          "create function public.f_over(p public.pair) returns text language sql immutable "
                          "as $$ select p.b $$;"))
    if draw(st.booleans()):
        functions.append(("public.f_plpgsql(integer)", "drop function public.f_plpgsql(integer);",
                          "create function public.f_plpgsql(n integer default 1) returns integer language plpgsql "
                          "security definer set search_path = '' as $$ begin return n + 1; end $$;"))
    return Model(enums, tables, views, functions, list(PREAMBLE), draw(st.sampled_from(["postgres", "supabase"])))


@dataclass(frozen=True)
class Mutation:
    sql: str
    item: str  # the item id that must fail, e.g. "table[public.t0]"


def item_name(name: str) -> str:
    return f"public.{name}"


@st.composite
def mutations(draw: st.DrawFn, model: Model) -> Mutation:
    options: list[Mutation] = []
    for table in model.tables:
        if table.children or table.partitioned or table.parent:
            continue  # a change there shows in every related table, by design
        target = f"public.{ident(table.name)}"
        item = f"table[{item_name(table.name)}]"
        for column in table.columns[1:]:
            if column.name in table.referenced or column.kind == "generated":
                continue
            col = ident(column.name)
            options.append(Mutation(f"alter table {target} drop column {col};", item))
            if column.alt_type:
                options.append(Mutation(f"alter table {target} alter column {col} type {column.alt_type} "
                                        f"using {col}::{column.alt_type};", item))
            # a changed default; a column without one is written without `default:` (not pinned, by
            # design: the file stays one short line per column), so adding one is not a mutation here
            if column.alt_default and column.default not in (None, column.alt_default):
                options.append(Mutation(f"alter table {target} alter column {col} set default {column.alt_default};",
                                        item))
        for policy in table.policy_names:
            options.append(Mutation(f"drop policy {ident(policy)} on {target};", item))
        for index, _ in table.indexes:
            options.append(Mutation(f"drop index public.{index};", item))
    for name in model.enums:
        options.append(Mutation(f"alter type public.{ident(name)} add value 'zz new';", f"enum[{item_name(name)}]"))
    for name, _, statement in model.views:
        # A listed column goes missing (renamed): views' columns say "these exist", so an extra
        # column alone would rightly pass unless the file says `exhaustive: [columns]`.
        head, select = statement.split(" as select ", 1)
        first = select.split(" from public.")[0].split(", ")[0]
        tail = select[len(first):]
        renamed = first[:-1] + '_renamed"' if first.endswith('"') else f"{first}_renamed"
        changed = f"{head} as select {first} as {renamed}{tail}"
        kind = "materialized view" if statement.startswith("create materialized view") else "view"
        item = f"{'materialized_view' if kind != 'view' else 'view'}[{item_name(name)}]"
        options.append(Mutation(f"drop {kind} public.{name};\n{changed}", item))
    for name, drop, _ in model.functions:
        options.append(Mutation(drop, f"function[{name}]"))
    return draw(st.sampled_from(options)) if options else Mutation("", "")
