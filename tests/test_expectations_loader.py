"""Unit tests for loading and validating ``schema_expectations.yml`` (no database needed).

Error tests assert on message content: users fix their file from these messages alone.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_schemaguard.errors import ExpectationsError
from pytest_schemaguard.expectations import load_expectations
from pytest_schemaguard.expectations.model import ColumnExpectation, Expectations

# SPEC §3's example, verbatim except the `...` placeholder in the behaviour entry.
SPEC_EXAMPLE = """\
version: 1

project:
  migrations: supabase/migrations        # default; files applied in version order
  seed: supabase/seed.sql                # optional; default from supabase/config.toml [db.seed] if present
  flavor: supabase                       # supabase | postgres (default: supabase if supabase/config.toml exists)
  naming: timestamp                      # timestamp (YYYYMMDDHHMMSS_snake_name.sql) | sequential (NNN_name.sql) | any
  snapshot: schema.sql                   # optional canonical schema file kept in git (§5)
  lock: supabase/migrations/schemaguard.lock   # optional checksum file (§6)
  rollbacks: supabase/rollbacks          # optional; <same filename>.sql undoes that migration (§5)
  archive: supabase/migrations/archive   # optional; squashed-away history, must equal the baseline (§5)
  history: public.migration_history      # optional; table recording applied phases and rollback SQL (§6 status)
  stubs: false                           # optional; stub pg_net/pg_cron/vault functions so code calling them runs (§7)

extensions: [btree_gist, pg_trgm]        # must be installed (any schema)

tables:
  organizations:
    rls: enabled                         # enabled | forced | disabled
    columns:
      id: {type: bigint, nullable: false, identity: always}   # identity: always | by_default | none
      name: {type: text, nullable: false}
      organization_type: {type: organization_type, default: "'unknown'"}
      deleted_at: timestamptz            # shorthand for {type: timestamptz}
      legacy_code: absent                # must not exist
    primary_key: [id]
    unique: [[name]]
    foreign_keys:
      - {columns: [parent_organization_id], references: organizations(id), on_delete: set null}
    checks:
      organizations_no_self_parent: "parent_organization_id IS DISTINCT FROM id"   # name -> expression (or null: any)
    exclusion_constraints:
      - name: organizations_name_active_excl     # optional
        using: gist
        elements: ["lower(name) WITH ="]
        where: "deleted_at IS NULL"
    indexes:
      organizations_search_tsv_idx: {using: gin, columns: [search_tsv], unique: false}
    triggers:
      organizations_search_tsv_trigger: {timing: before, events: [insert, update], level: row, function: organizations_search_tsv_update}
    policies:
      organizations_select_authenticated: {command: select, roles: [authenticated], using: "deleted_at IS NULL"}
      organizations_insert_authenticated: {command: insert, roles: [authenticated], with_check: "true"}
    full_text_search:                    # structural AND behavioural (§4)
      column: search_tsv
      sources: [name, website, city]
    soft_delete:                         # behavioural (§4)
      column: deleted_at
      unique_while_active: [[name]]
    grants:
      authenticated: [select, insert, update]
      anon: []                           # exactly none
    exhaustive: [columns, policies]      # nothing beyond what is listed, for these aspects

views:
  organizations_summary: {security_invoker: true, columns: [id, name, nb_contacts]}
materialized_views: {}

enums:
  opportunity_stage: [new_lead, initial_outreach, closed_won, closed_lost]   # exact labels, exact order

functions:
  set_primary_organization:
    args: [bigint, bigint]               # identifies the overload
    returns: void
    language: plpgsql
    security_definer: true
    search_path: ""                      # the pinned value: "" is SET search_path = '', "public, extensions" a list
    grants: {authenticated: [execute], anon: []}

absent:                                  # deprecated objects that must be gone
  - table: deals
  - view: deals_summary
  - function: old_helper(bigint)

exhaustive:                              # nothing in these schemas beyond what is listed
  public: [tables, views, enums]

rules:                                   # built-in database checks: error | warn | off
  rls_enabled_on_exposed_tables: error   # tables in public (Supabase flavor) without RLS
  rls_without_policies: warn
  security_definer_view: error           # view without security_invoker in an exposed schema
  function_search_path_mutable: error    # SECURITY DEFINER function without SET search_path
  unindexed_foreign_keys: warn
  duplicate_index: warn
  policy_uses_user_metadata: error       # policies reading auth.jwt()->'user_metadata'

behaviour:                               # §4; each list entry becomes one item
  - rls_isolation: {table: tasks, owner_column: sales_id}   # exact keys: the developers' design, documented in README
"""  # noqa: E501


FILE = "schema_expectations.yml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / FILE
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Expectations:
    return load_expectations(write(tmp_path, text))


def error(tmp_path: Path, text: str) -> ExpectationsError:
    with pytest.raises(ExpectationsError) as info:
        load(tmp_path, text)
    return info.value


def line_of(text: str, marker: str) -> int:
    """1-based line of the first line containing ``marker``, so tests don't hard-code numbers."""
    for number, line in enumerate(text.splitlines(), 1):
        if marker in line:
            return number
    raise AssertionError(marker)


# -- the SPEC example ------------------------------------------------------------------------


@pytest.fixture
def spec(tmp_path: Path) -> Expectations:
    return load_expectations(write(tmp_path, SPEC_EXAMPLE))


def test_spec_example_project(spec: Expectations) -> None:
    project = spec.project
    assert spec.version == 1
    assert project.migrations == "supabase/migrations"
    assert project.seed == ("supabase/seed.sql",)
    assert (project.flavor, project.naming, project.snapshot) == ("supabase", "timestamp", "schema.sql")
    assert project.lock == "supabase/migrations/schemaguard.lock"
    assert project.rollbacks == "supabase/rollbacks"
    assert project.archive == "supabase/migrations/archive"
    assert project.history == "public.migration_history"
    assert project.stubs is False
    assert project.line == line_of(SPEC_EXAMPLE, "project:")
    assert [(e.name, e.line) for e in spec.extensions] == [("btree_gist", 15), ("pg_trgm", 15)]


def test_spec_example_table(spec: Expectations) -> None:
    (table,) = spec.tables
    assert table.name == "public.organizations"
    assert table.line == line_of(SPEC_EXAMPLE, "  organizations:")
    assert (table.rls, table.rls_line) == ("enabled", line_of(SPEC_EXAMPLE, "rls: enabled"))
    columns = {c.name: c for c in table.columns}
    assert list(columns) == ["id", "name", "organization_type", "deleted_at", "legacy_code"]
    assert columns["id"].type == "bigint"
    assert columns["id"].nullable is False
    assert columns["id"].identity == "always"
    assert columns["id"].line == line_of(SPEC_EXAMPLE, "id: {type: bigint")
    assert columns["organization_type"].default == "'unknown'"
    assert columns["organization_type"].has_default is True
    assert columns["name"].has_default is False
    assert columns["deleted_at"].type == "timestamptz"
    assert columns["legacy_code"].absent is True
    assert (table.primary_key, table.primary_key_line) == (("id",), line_of(SPEC_EXAMPLE, "primary_key:"))
    assert table.unique == ((("name",), line_of(SPEC_EXAMPLE, "unique: [[name]]")),)
    (fk,) = table.foreign_keys
    assert fk.columns == ("parent_organization_id",)
    assert (fk.references, fk.ref_columns, fk.on_delete) == ("public.organizations", ("id",), "set null")
    assert fk.line == line_of(SPEC_EXAMPLE, "- {columns: [parent_organization_id]")
    (check,) = table.checks
    assert check.name == "organizations_no_self_parent"
    assert check.expression == "parent_organization_id IS DISTINCT FROM id"
    assert check.line == line_of(SPEC_EXAMPLE, "organizations_no_self_parent:")


def test_spec_example_table_objects(spec: Expectations) -> None:
    (table,) = spec.tables
    (excl,) = table.exclusion_constraints
    assert (excl.name, excl.using, excl.where) == (
        "organizations_name_active_excl",
        "gist",
        "deleted_at IS NULL",
    )
    assert excl.elements == ("lower(name) WITH =",)
    assert excl.line == line_of(SPEC_EXAMPLE, "- name: organizations_name_active_excl")
    (index,) = table.indexes
    assert (index.name, index.using, index.columns, index.unique) == (
        "organizations_search_tsv_idx",
        "gin",
        ("search_tsv",),
        False,
    )
    (trigger,) = table.triggers
    assert (trigger.timing, trigger.events, trigger.level) == ("before", ("insert", "update"), "row")
    assert trigger.function == "public.organizations_search_tsv_update"
    select, insert = table.policies
    assert (select.name, select.command, select.roles) == (
        "organizations_select_authenticated",
        "select",
        ("authenticated",),
    )
    assert select.using == "deleted_at IS NULL"
    assert select.line == line_of(SPEC_EXAMPLE, "organizations_select_authenticated:")
    assert (insert.with_check, insert.using) == ("true", None)
    assert table.full_text_search is not None
    assert table.full_text_search.sources == ("name", "website", "city")
    assert table.full_text_search.line == line_of(SPEC_EXAMPLE, "full_text_search:")
    assert table.soft_delete is not None
    assert (table.soft_delete.column, table.soft_delete.unique_while_active) == ("deleted_at", (("name",),))
    grants = {g.role: g.privileges for g in table.grants}
    assert grants == {"authenticated": {"select", "insert", "update"}, "anon": frozenset()}
    assert (table.exhaustive, table.exhaustive_line) == (
        ("columns", "policies"),
        line_of(SPEC_EXAMPLE, "exhaustive: [col"),
    )


def test_spec_example_other_sections(spec: Expectations) -> None:
    (view,) = spec.views
    assert (view.name, view.materialized, view.security_invoker) == (
        "public.organizations_summary",
        False,
        True,
    )
    assert [c.name for c in view.columns] == ["id", "name", "nb_contacts"]
    (enum,) = spec.enums
    assert enum.name == "public.opportunity_stage"
    assert enum.labels == ("new_lead", "initial_outreach", "closed_won", "closed_lost")
    (function,) = spec.functions
    assert function.name == "public.set_primary_organization"
    assert function.args == ("bigint", "bigint")
    assert (function.returns, function.language, function.security_definer) == ("void", "plpgsql", True)
    assert (function.search_path, function.has_search_path) == ("", True)
    assert {g.role: g.privileges for g in function.grants} == {"authenticated": {"execute"}, "anon": set()}
    assert [(a.kind, a.name) for a in spec.absent] == [
        ("table", "public.deals"),
        ("view", "public.deals_summary"),
        ("function", "public.old_helper(bigint)"),
    ]
    assert spec.absent[0].line == line_of(SPEC_EXAMPLE, "- table: deals")
    (exhaustive,) = spec.exhaustive
    assert (exhaustive.schema, exhaustive.aspects) == ("public", ("tables", "views", "enums"))
    assert spec.rules["rls_without_policies"] == ("warn", line_of(SPEC_EXAMPLE, "rls_without_policies:"))
    assert len(spec.rules) == 7
    assert spec.behaviour == ({"rls_isolation": {"table": "tasks", "owner_column": "sales_id"}},)
    assert spec.behaviour_lines == (line_of(SPEC_EXAMPLE, "- rls_isolation:"),)


# -- unknown keys ------------------------------------------------------------------------------

TABLE_WITH_TYPO = """\
version: 1
tables:
  organizations:
    rls: enabled
    colums:
      id: bigint
"""


def test_unknown_table_key_names_line_allowed_keys_and_suggestion(tmp_path: Path) -> None:
    exc = error(tmp_path, TABLE_WITH_TYPO)
    message = str(exc)
    assert f"{FILE}:5: unknown key 'colums' in table public.organizations" in message
    assert (
        "allowed keys: checks, columns, comment, exclusion_constraints, exhaustive, foreign_keys" in message
    )
    assert "did you mean 'columns'?" in message
    assert (exc.line, exc.path) == (5, str(tmp_path / FILE))


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("version: 1\ntabels: {}\n", [f"{FILE}:2:", "unknown key 'tabels' in the top level", "'tables'?"]),
        (
            "tables:\n  t:\n    columns:\n      id: {type: bigint, nulable: false}\n",
            [
                f"{FILE}:4:",
                "unknown key 'nulable' in column id of table public.t",
                "did you mean 'nullable'?",
                "allowed keys: comment, default, generated, identity, nullable, type",
            ],
        ),
        (
            "tables:\n  t:\n    policies:\n      p:\n        cmd: select\n",
            [f"{FILE}:5:", "unknown key 'cmd' in policy p of table public.t", "command, permissive, roles"],
        ),
        (
            "project:\n  migration: db\n",
            [f"{FILE}:2:", "unknown key 'migration' in 'project'", "'migrations'?"],
        ),
        (
            "tables:\n  t:\n    foreign_keys:\n      - {columns: [a], references: u, ondelete: cascade}\n",
            [f"{FILE}:4:", "unknown key 'ondelete' in a foreign key of table public.t", "'on_delete'?"],
        ),
        ("views:\n  v: {security_invoker: true, colums: [a]}\n", [f"{FILE}:2:", "in view public.v"]),
        (
            "functions:\n  f: {security_definr: true}\n",
            [f"{FILE}:2:", "function public.f", "'security_definer'?"],
        ),
        ("absent:\n  - tabel: deals\n", [f"{FILE}:2:", "unknown key 'tabel'", "'table'?"]),
    ],
)
def test_unknown_keys_at_every_level(tmp_path: Path, yaml_text: str, expected: list[str]) -> None:
    message = str(error(tmp_path, yaml_text))
    for fragment in expected:
        assert fragment in message


def test_unknown_key_far_from_any_allowed_key_has_no_suggestion(tmp_path: Path) -> None:
    message = str(error(tmp_path, "tables:\n  t:\n    zzzzzz: 1\n"))
    assert "unknown key 'zzzzzz'" in message
    assert "did you mean" not in message


def test_materialized_views_have_no_security_invoker(tmp_path: Path) -> None:
    message = str(error(tmp_path, "materialized_views:\n  mv: {security_invoker: true}\n"))
    assert f"{FILE}:2: unknown key 'security_invoker' in materialized view public.mv" in message


# -- value types and enumerated values ---------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            'tables:\n  t:\n    columns:\n      id:\n        nullable: "yes"\n',
            [
                f"{FILE}:5:",
                "'nullable' in column id of table public.t",
                "expected a boolean (true or false)",
                "found the text 'yes'",
            ],
        ),
        (
            "tables:\n  t:\n    rls: on\n",
            [
                f"{FILE}:3:",
                "'rls' in table public.t",
                "expected one of enabled, forced, disabled",
                "found the boolean on",
                "quote it",
            ],
        ),
        (
            "tables:\n  t:\n    columns: [a, b]\n",
            [
                f"{FILE}:3:",
                "'columns' in table public.t",
                "expected a mapping of column name",
                "found a list",
            ],
        ),
        (
            "tables:\n  t:\n    unique: [name]\n",
            [f"{FILE}:3:", "'unique' in table public.t", "expected a list of column lists", "[[name]]"],
        ),
        (
            "tables:\n  t:\n    primary_key: id\n",
            [f"{FILE}:3:", "'primary_key'", "a list of names", "the text 'id'"],
        ),
        ("tables:\n  - organizations\n", [f"{FILE}:2:", "'tables' in the top level", "found a list"]),
        (
            "tables:\n  t:\n    columns:\n      id: 5\n",
            [f"{FILE}:4:", "column id of table public.t", "the number 5"],
        ),
        ('version: "1"\n', [f"{FILE}:1:", "'version'", "expected an integer", "the text '1'"]),
        ("project:\n  stubs: maybe\n", [f"{FILE}:2:", "'stubs' in 'project'", "expected a boolean"]),
        ("functions:\n  f: {args: bigint}\n", [f"{FILE}:2:", "'args' in function public.f", "a list"]),
        ("enums:\n  e:\n", [f"{FILE}:2:", "enum public.e", "a list of labels"]),
        ("behaviour:\n  - just_text\n", [f"{FILE}:2:", "each 'behaviour' entry", "a mapping"]),
    ],
)
def test_wrong_value_types(tmp_path: Path, yaml_text: str, expected: list[str]) -> None:
    message = str(error(tmp_path, yaml_text))
    for fragment in expected:
        assert fragment in message


@pytest.mark.parametrize(
    ("yaml_text", "line", "allowed"),
    [
        (
            "tables:\n  t:\n    rls: enable\n",
            3,
            "enabled, forced, disabled, found the text 'enable'; did you mean",
        ),
        ("tables:\n  t:\n    columns:\n      id: {identity: auto}\n", 4, "always, by_default, none"),
        (
            "tables:\n  t:\n    foreign_keys:\n      - {columns: [a], references: u, on_delete: nullify}\n",
            4,
            "no action, restrict, cascade, set null, set default",
        ),
        (
            "tables:\n  t:\n    policies:\n      p: {command: upsert}\n",
            4,
            "all, select, insert, update, delete",
        ),
        ("tables:\n  t:\n    triggers:\n      tr: {timing: during}\n", 4, "before, after, instead of"),
        (
            "tables:\n  t:\n    triggers:\n      tr: {events: [insert, merge]}\n",
            4,
            "insert, update, delete, truncate",
        ),
        ("tables:\n  t:\n    triggers:\n      tr: {level: each}\n", 4, "row, statement"),
        ("project:\n  naming: dated\n", 2, "timestamp, sequential, any"),
        ("project:\n  flavor: neon\n", 2, "supabase, postgres"),
        ("rules:\n  duplicate_index: fatal\n", 2, "error, warn, off"),
        (
            "tables:\n  t:\n    exhaustive: [columns, rows]\n",
            3,
            "columns, policies, indexes, triggers, checks",
        ),
        (
            "exhaustive:\n  public: [tables, sequences]\n",
            2,
            "tables, views, materialized_views, enums, functions",
        ),
        (
            "tables:\n  t:\n    grants: {anon: [select, execute]}\n",
            3,
            "select, insert, update, delete, truncate",
        ),
        ("functions:\n  f:\n    grants: {anon: [select]}\n", 3, "execute, all"),
        ("functions:\n  f: {volatility: pure}\n", 2, "volatile, stable, immutable"),
    ],
)
def test_enumerated_values_list_what_is_allowed(
    tmp_path: Path, yaml_text: str, line: int, allowed: str
) -> None:
    message = str(error(tmp_path, yaml_text))
    assert f"{FILE}:{line}:" in message
    assert f"expected one of {allowed}" in message


def test_alternative_spellings_are_normalised(tmp_path: Path) -> None:
    spec = load(
        tmp_path,
        """\
        tables:
          t:
            rls: FORCED
            columns:
              id: {identity: by default}
            foreign_keys:
              - {columns: [a], references: u, on_delete: set_null, on_update: no_action}
              - {columns: [b], references: u, on_delete: SET DEFAULT}
            triggers:
              tr: {timing: instead_of, events: [UPDATE, insert, update], level: statement}
        """,
    )
    (table,) = spec.tables
    assert table.rls == "forced"
    assert table.columns[0].identity == "by_default"
    assert [(fk.on_delete, fk.on_update) for fk in table.foreign_keys] == [
        ("set null", "no action"),
        ("set default", None),
    ]
    assert table.triggers[0].timing == "instead of"
    assert table.triggers[0].events == ("update", "insert")


def test_rule_level_off_is_read_as_text_not_boolean(tmp_path: Path) -> None:
    spec = load(tmp_path, "rules:\n  duplicate_index: off\n  rls_without_policies: warn\n")
    assert spec.rules == {"duplicate_index": ("off", 2), "rls_without_policies": ("warn", 3)}


def test_grants_all_expands_per_object_kind(tmp_path: Path) -> None:
    spec = load(
        tmp_path,
        """\
        tables:
          t:
            grants: {service_role: [all], anon: []}
        functions:
          f:
            grants: {authenticated: [ALL]}
        """,
    )
    table_grants = {g.role: g.privileges for g in spec.tables[0].grants}
    assert table_grants["service_role"] == {
        "select",
        "insert",
        "update",
        "delete",
        "truncate",
        "references",
        "trigger",
    }
    assert table_grants["anon"] == frozenset()
    assert spec.functions[0].grants[0].privileges == {"execute"}


# -- names, shorthand and defaults -------------------------------------------------------------


def test_names_are_qualified_with_public_unless_given(tmp_path: Path) -> None:
    spec = load(
        tmp_path,
        """\
        tables:
          organizations:
            foreign_keys:
              - {columns: [owner_id], references: auth.users(id)}
              - {columns: [parent_id], references: organizations}
              - {columns: [a, b], references: "billing.accounts( x , y )"}
            triggers:
              tr: {function: "audit.log_change()"}
          auth.users: {}
        views:
          reporting.v: {}
        enums:
          status: [yes, no, "1"]
        absent:
          - function: old_helper(bigint,   text)
          - function: util.f
          - column: organizations.legacy_code
          - column: auth.users.legacy
          - extension: pg_net
          - materialized_view: mv
          - enum: old_status
        """,
    )
    assert [t.name for t in spec.tables] == ["public.organizations", "auth.users"]
    fks = spec.tables[0].foreign_keys
    assert [(fk.references, fk.ref_columns) for fk in fks] == [
        ("auth.users", ("id",)),
        ("public.organizations", ()),
        ("billing.accounts", ("x", "y")),
    ]
    assert spec.tables[0].triggers[0].function == "audit.log_change"
    assert spec.views[0].name == "reporting.v"
    assert spec.enums[0].labels == ("yes", "no", "1")
    assert [(a.kind, a.name) for a in spec.absent] == [
        ("function", "public.old_helper(bigint,text)"),
        ("function", "util.f"),
        ("column", "public.organizations.legacy_code"),
        ("column", "auth.users.legacy"),
        ("extension", "pg_net"),
        ("materialized_view", "public.mv"),
        ("enum", "public.old_status"),
    ]


def test_function_args_may_be_written_in_the_key(tmp_path: Path) -> None:
    spec = load(
        tmp_path,
        """\
        functions:
          old_helper(bigint, double   precision):
            returns: void
          private.g():
            language: SQL
          h:
            args: [int, "numeric(10, 2)"]
            search_path: null
          k: {}
        """,
    )
    f, g, h, k = spec.functions
    assert (f.name, f.args, f.returns) == ("public.old_helper", ("bigint", "double precision"), "void")
    assert (g.name, g.args, g.language) == ("private.g", (), "sql")
    assert (h.args, h.search_path, h.has_search_path) == (("int", "numeric(10, 2)"), None, True)
    assert (k.args, k.has_search_path) == (None, False)


def test_function_args_given_twice_is_an_error(tmp_path: Path) -> None:
    message = str(error(tmp_path, "functions:\n  f(int):\n    args: [int]\n"))
    assert f"{FILE}:2:" in message
    assert "both in the name and in 'args'" in message


def test_column_shorthand_and_defaults(tmp_path: Path) -> None:
    spec = load(
        tmp_path,
        """\
        tables:
          t:
            columns:
              deleted_at: timestamptz
              legacy_code: absent
              exists_only:
              counter: {default: 0}
              flag: {default: false, comment: null}
              no_default: {default: null}
              created_at: {type: timestamptz, default: now(), nullable: true}
        """,
    )
    columns = {c.name: c for c in spec.tables[0].columns}
    assert columns["deleted_at"].type == "timestamptz"
    assert not columns["deleted_at"].absent
    assert columns["legacy_code"].absent
    assert columns["legacy_code"].type is None
    assert columns["exists_only"] == ColumnExpectation("exists_only", 6)
    assert (columns["counter"].default, columns["counter"].has_default) == ("0", True)
    assert (columns["flag"].default, columns["flag"].has_default) == ("false", True)
    assert (columns["no_default"].default, columns["no_default"].has_default) == (None, True)
    assert (columns["created_at"].default, columns["created_at"].nullable) == ("now()", True)
    assert [c.line for c in spec.tables[0].columns] == [4, 5, 6, 7, 8, 9, 10]


def test_unique_requires_a_list_of_lists(tmp_path: Path) -> None:
    spec = load(tmp_path, "tables:\n  t:\n    unique:\n      - [a]\n      - [b, c]\n")
    assert spec.tables[0].unique == ((("a",), 4), (("b", "c"), 5))
    message = str(error(tmp_path, "tables:\n  t:\n    unique: [a, b]\n"))
    assert "for one column write [[a]]" in message


def test_bad_reference_is_explained(tmp_path: Path) -> None:
    message = str(
        error(tmp_path, 'tables:\n  t:\n    foreign_keys:\n      - {columns: [a], references: "u(id"}\n')
    )
    assert f"{FILE}:4:" in message
    assert "expected table(column, ...) or table, e.g. organizations(id)" in message


def test_missing_required_key(tmp_path: Path) -> None:
    message = str(error(tmp_path, "tables:\n  t:\n    foreign_keys:\n      - columns: [a]\n"))
    assert f"{FILE}:4:" in message
    assert "a foreign key of table public.t is missing the required key 'references'" in message


def test_absent_entry_must_name_one_object(tmp_path: Path) -> None:
    message = str(error(tmp_path, "absent:\n  - {table: a, view: b}\n"))
    assert f"{FILE}:2:" in message
    assert "names exactly one object" in message
    message = str(error(tmp_path, "absent:\n  - column: just_a_column\n"))
    assert "expected table.column or schema.table.column" in message


def test_extensions_as_mapping_with_schema(tmp_path: Path) -> None:
    spec = load(tmp_path, "extensions:\n  pg_trgm: {schema: extensions}\n  btree_gist:\n")
    assert [(e.name, e.schema, e.line) for e in spec.extensions] == [
        ("pg_trgm", "extensions", 2),
        ("btree_gist", None, 3),
    ]


def test_project_seed_list_and_defaults(tmp_path: Path) -> None:
    spec = load(tmp_path, "project:\n  seed: [a.sql, b.sql]\n  naming: any\n")
    assert spec.project.seed == ("a.sql", "b.sql")
    assert spec.project.migrations == "supabase/migrations"
    assert spec.project.naming == "any"
    assert spec.project.line == 1


def test_materialized_views_are_views_flagged_materialized(tmp_path: Path) -> None:
    spec = load(tmp_path, "views:\n  v: {}\nmaterialized_views:\n  mv: {columns: [a]}\n")
    assert [(v.name, v.materialized) for v in spec.views] == [("public.v", False), ("public.mv", True)]


def test_minimal_file_without_version_defaults_to_1(tmp_path: Path) -> None:
    spec = load(tmp_path, "tables:\n  t:\n")
    assert spec.version == 1
    assert spec.tables[0].name == "public.t"


# -- file-level problems -----------------------------------------------------------------------


def test_version_other_than_1(tmp_path: Path) -> None:
    exc = error(tmp_path, "version: 2\n")
    assert f"{FILE}:1:" in str(exc)
    assert "understands version 1 only" in str(exc)


def test_duplicate_keys(tmp_path: Path) -> None:
    message = str(error(tmp_path, "tables:\n  t:\n    rls: enabled\n    columns: {}\n    rls: forced\n"))
    assert f"{FILE}:5: duplicate key 'rls' (first written at line 3)" in message


def test_same_object_declared_twice_under_two_spellings(tmp_path: Path) -> None:
    message = str(error(tmp_path, "tables:\n  organizations: {}\n  public.organizations: {}\n"))
    assert f"{FILE}:3: table public.organizations is declared twice (first at line 2)" in message


def test_same_function_overload_declared_in_the_name_and_in_args(tmp_path: Path) -> None:
    message = str(error(tmp_path, "functions:\n  f(bigint): {}\n  public.f: {args: [bigint]}\n"))
    assert f"{FILE}:3: function public.f(bigint) is declared twice (first at line 2); merge them" in message


def test_unreadable_file_is_an_error_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "version: 1\n")

    def refuse(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", refuse)  # chmod 000 does not stop root, who runs CI here
    with pytest.raises(ExpectationsError) as info:
        load_expectations(path)
    assert str(info.value) == f"{path}: cannot be read: Permission denied"


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    exc = error(tmp_path, "tables:\n  t:\n    rls: [enabled\n    columns: {}\n")
    message = str(exc)
    assert "YAML syntax error at line" in message
    assert ", column " in message
    assert f"{FILE}:{exc.line}:" in message
    assert "Traceback" not in message
    exc = error(tmp_path, "tables:\n  t: {rls: enabled}\n  bad: : :\n")
    assert "line 3, column" in str(exc)


def test_tab_indentation_is_explained(tmp_path: Path) -> None:
    message = str(error(tmp_path, "tables:\n\tt: {}\n"))
    assert "line 2, column 1" in message
    assert "indent with spaces, not tabs" in message


def test_missing_file_says_where_it_looked_and_how_to_create_one(tmp_path: Path) -> None:
    path = tmp_path / FILE
    with pytest.raises(ExpectationsError) as info:
        load_expectations(path)
    message = str(info.value)
    assert f"looked for {path.resolve()}" in message
    assert "docs/expectations.md" in message and "README" in message
    assert "schemaguard init" in message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    message = str(error(tmp_path, text))
    assert "is empty" in message
    assert "version: 1" in message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    message = str(error(tmp_path, "- tables\n"))
    assert f"{FILE}:1: the top level: expected a mapping of sections" in message
