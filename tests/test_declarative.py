"""Declarative schemas (SPEC §4 `declarative`): the item, `schemaguard diff --declarative`, and the proof.

Each mutation changes one side of tests/examples/declarative_app (the declared files or the
migration history); the item must fail naming the change, and the migration `diff --declarative
-f` writes must make it pass again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from docs_support import doc_section
from history_support import EXAMPLES, MIGRATIONS, YAML, esc, preload, run_cli, run_pytest, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_schemaguard.config import command_settings
from pytest_schemaguard.drift.declarative import declared_files
from pytest_schemaguard.errors import ConfigError
from pytest_schemaguard.expectations import load_expectations
from pytest_schemaguard.project import load_project
from pytest_schemaguard.providers.declarative import check_declarative
from pytest_schemaguard.session import SchemaguardSession

preload()

SCHEMAS = "supabase/schemas"


def copy_app(target: Path) -> Path:
    shutil.copytree(EXAMPLES / "declarative_app", target, dirs_exist_ok=True)
    return target


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def item_failure(root: Path, admin_dsn: str) -> str | None:
    """The `declarative` item's failure text (None: it passes), run in-process on the suite's server."""
    session = SchemaguardSession(command_settings(root / YAML, dsn=admin_dsn))
    try:
        session.load()
        assert session.project is not None
        declared = declared_files(session.project)
        assert declared is not None
        return check_declarative(session, declared)
    finally:
        session.close()


def migration_files(root: Path) -> set[str]:
    return {p.name for p in (root / MIGRATIONS).glob("*.sql")}


# --------------------------------------------------------------------------- mutations

def added_column(root: Path) -> None:
    edit(root, f"{SCHEMAS}/20_employees.sql", "  updated_at timestamptz not null default now()\n",
         "  updated_at timestamptz not null default now(),\n  age smallint not null default 0\n")


def changed_default(root: Path) -> None:
    edit(root, f"{SCHEMAS}/20_employees.sql", "default 'active'", "default 'on_leave'")


def new_policy(root: Path) -> None:
    with (root / SCHEMAS / "20_employees.sql").open("a", encoding="utf-8") as f:
        f.write("\ncreate policy employees_update_own on public.employees\n  for update to authenticated\n"
                "  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));\n")


def dropped_index(root: Path) -> None:  # the migrations' side: a later migration drops a declared index
    write(root, f"{MIGRATIONS}/20250304000000_drop_user_index.sql", "drop index public.employees_user_id_idx;\n")


def extra_column_migrated(root: Path) -> None:  # the migrations' side: a column nobody declared
    write(root, f"{MIGRATIONS}/20250305000000_nickname.sql", "alter table public.employees add column nickname text;\n")


def new_enum_value(root: Path) -> None:
    edit(root, f"{SCHEMAS}/00_types.sql", "'on_leave', 'left'", "'on_leave', 'contractor', 'left'")


def changed_view(root: Path) -> None:
    edit(root, f"{SCHEMAS}/40_views.sql", "select e.id, e.name, d.name as department",
         "select e.id, e.name, d.name as department, e.hired_on")


def changed_function_body(root: Path) -> None:
    edit(root, f"{SCHEMAS}/30_functions.sql", "and e.status <> 'left'", "and e.status = 'active'")


def new_table_with_foreign_keys(root: Path) -> None:
    write(root, f"{SCHEMAS}/25_assignments.sql", """\
create table public.assignments (
  id bigint generated always as identity primary key,
  employee_id bigint not null references public.employees (id) on delete cascade,
  department_id bigint not null references public.departments (id),
  role text not null check (length(role) > 0),
  starts_on date not null default current_date,
  unique (employee_id, department_id)
);

create index assignments_department_id_idx on public.assignments (department_id);
alter table public.assignments enable row level security;
""")


MUTATIONS: dict[str, tuple[Callable[[Path], None], list[str], list[str]]] = {
    # name: (mutation, lines the item failure must contain, statements the generated migration must contain)
    "added_column": (added_column,
                     ["  table public.employees",
                      "    declared, not migrated: column public.employees.age smallint not null default 0"],
                     ["alter table public.employees add column age smallint default 0 not null;"]),
    "changed_default": (changed_default,
                        ["    column public.employees.status: default differs: migrated 'active'::employee_status "
                         "/ declared 'on_leave'::employee_status"],
                        ["alter table public.employees alter column status set default 'on_leave'::employee_status;"]),
    "new_policy": (new_policy,
                   ["    declared, not migrated: policy public.employees.employees_update_own for update to "
                    "authenticated"],
                   ["create policy employees_update_own on public.employees for update to authenticated using "
                    "((user_id = ( SELECT auth.uid() AS uid))) with check ((user_id = ( SELECT auth.uid() AS uid)));"]),
    "dropped_index": (dropped_index,
                      ["    declared, not migrated: index public.employees.employees_user_id_idx: CREATE INDEX "
                       "employees_user_id_idx ON public.employees USING btree (user_id) WHERE (user_id IS NOT NULL)"],
                      ["CREATE INDEX employees_user_id_idx ON public.employees USING btree (user_id) "
                       "WHERE (user_id IS NOT NULL);"]),
    "extra_column_migrated": (extra_column_migrated,
                              ["    migrated, not declared: column public.employees.nickname text"],
                              ["alter table public.employees drop column nickname;"]),
    "new_enum_value": (new_enum_value,
                       ["  enum public.employee_status",
                        "    enum public.employee_status: labels differs: migrated (active, on_leave, left) / "
                        "declared (active, on_leave, contractor, left)"],
                       ["alter type public.employee_status add value 'contractor' after 'on_leave';"]),
    "changed_view": (changed_view,
                     ["  view public.active_employees", "    view public.active_employees: definition differs"],
                     ["drop view public.active_employees;",
                      "create view public.active_employees with (security_invoker = true) as"]),
    "changed_function_body": (changed_function_body,
                              ["  function public.department_headcount(bigint)",
                               "    function public.department_headcount(bigint): body differs"],
                              ["CREATE OR REPLACE FUNCTION public.department_headcount(p_department_id bigint)"]),
    "new_table_with_foreign_keys": (new_table_with_foreign_keys,
                                    ["  table public.assignments",
                                     "    declared, not migrated: table public.assignments"],
                                    ["create table public.assignments (",
                                     "alter table public.assignments add constraint assignments_employee_id_fkey "
                                     "FOREIGN KEY (employee_id) REFERENCES employees(id) ON DELETE CASCADE;",
                                     "CREATE INDEX assignments_department_id_idx ON public.assignments USING btree "
                                     "(department_id);",
                                     "alter table public.assignments enable row level security;"]),
}


def test_corpus_migrations_build_the_declared_schema(tmp_path, admin_dsn):
    root = copy_app(tmp_path)
    # The table comment is written only by a migration (db diff does not track comments): not drift.
    assert item_failure(root, admin_dsn) is None


@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_mutation_fails_the_item_and_the_generated_migration_closes_it(kind, tmp_path, capsys, admin_dsn):
    mutate, reported, generated = MUTATIONS[kind]
    root = copy_app(tmp_path)
    mutate(root)
    failure = item_failure(root, admin_dsn)
    assert failure is not None
    lines = failure.splitlines()
    counts = (len(migration_files(root)), len(list((root / SCHEMAS).glob("*.sql"))))
    assert lines[0] == (f"the migrations (supabase/migrations, {counts[0]} file(s)) do not build the schema declared "
                        f"in supabase/schemas/ ({counts[1]} file(s)):")
    for line in reported:
        assert line in lines, f"{line!r} not in:\n{failure}"
    assert lines[-1] == ("write the missing migration with `schemaguard diff --declarative -f <name>` "
                         "(it prints the SQL without -f)")

    before = migration_files(root)
    code, out, err = run_cli(capsys, root, admin_dsn, "diff", "--declarative", "-f", "sync_declared")
    assert code == 0, out + err
    for statement in generated:
        assert statement in out, f"{statement!r} not in:\n{out}"
    assert "-- proven: applied to a build of the migrations, the result equals the declared schema" in out
    (written,) = migration_files(root) - before
    assert written.endswith("_sync_declared.sql")
    assert f"wrote {MIGRATIONS}/{written}" in err or f"wrote {root / MIGRATIONS / written}" in err
    assert item_failure(root, admin_dsn) is None


OTHER_KINDS = """
alter table public.employees force row level security;
alter table public.employees alter column name type varchar(200);
alter table public.employees add constraint employees_no_overlap
  exclude using gist (department_id with =, name with =) where (status = 'active');
alter table public.employees alter column hired_on drop not null;
alter table public.employees alter column updated_at drop default;
create materialized view public.department_sizes as
  select department_id, count(*) as n from public.employees group by department_id;
create unique index department_sizes_department_id_idx on public.department_sizes (department_id);
revoke delete on public.employees from anon;
grant select (name) on public.departments to anon;
comment on column public.employees.salary is 'Yearly, in EUR';
create table public.badges (code serial primary key, label text generated always as ('b-' || code::text) stored,
  serial_no bigint generated by default as identity);
"""


def test_other_change_kinds_generate_proven_sql(tmp_path, capsys, admin_dsn):
    root = copy_app(tmp_path)
    with (root / SCHEMAS / "20_employees.sql").open("a", encoding="utf-8") as f:
        f.write(OTHER_KINDS)
    write(root, f"{SCHEMAS}/35_departments_trigger.sql",
          "alter table public.departments add column updated_at timestamptz not null default now();\n"
          "create trigger departments_touch before update on public.departments\n"
          "  for each row execute function public.touch_updated_at();\n")
    edit(root, f"{SCHEMAS}/30_functions.sql", "returns trigger\nlanguage plpgsql\nset search_path = ''",
         "returns trigger\nlanguage plpgsql\nsecurity definer\nset search_path = ''")
    failure = item_failure(root, admin_dsn)
    assert failure is not None
    for line in ("    column public.employees.name: type differs: migrated text / declared character varying(200)",
                 "    rls public.employees: forced differs: migrated false / declared true",
                 "    grant on public.employees to anon: migrated, not declared: delete",
                 "    grant on public.departments.name to anon: declared, not migrated: select",
                 "    declared, not migrated: materialized view public.department_sizes",
                 "    declared, not migrated: trigger public.departments.departments_touch",
                 "    function public.touch_updated_at(): security_definer differs: migrated false / declared true"):
        assert line in failure.splitlines(), f"{line!r} not in:\n{failure}"
    before = migration_files(root)
    code, out, err = run_cli(capsys, root, admin_dsn, "diff", "--declarative", "-f", "other_kinds")
    assert code == 0, out + err
    for statement in (
        "drop view public.active_employees;",  # reads employees.name, whose type changes
        "create sequence if not exists badges_code_seq as integer;",
        "alter table public.employees alter column name type character varying(200) "
        "using name::character varying(200);",
        "alter table public.employees alter column hired_on drop not null;",
        "alter table public.employees alter column updated_at drop default;",
        "  label text generated always as (('b-'::text || (code)::text)) stored,",
        "  serial_no bigint generated by default as identity not null",
        "alter sequence badges_code_seq owned by public.badges.code;",
        "alter table public.employees add constraint employees_no_overlap EXCLUDE USING gist (department_id WITH =, "
        "name WITH =) WHERE ((status = 'active'::employee_status));",
        "create materialized view public.department_sizes as",
        "CREATE UNIQUE INDEX department_sizes_department_id_idx ON public.department_sizes "
        "USING btree (department_id);",
        "CREATE TRIGGER departments_touch BEFORE UPDATE ON public.departments FOR EACH ROW EXECUTE FUNCTION "
        "touch_updated_at();",
        "alter table public.employees force row level security;",
        "grant select (name) on table public.departments to anon;",
        "revoke delete on table public.employees from anon;",
        "comment on column public.employees.salary is 'Yearly, in EUR';",
        " SECURITY DEFINER\n",
    ):
        assert statement in out, f"{statement!r} not in:\n{out}"
    assert len(migration_files(root) - before) == 1
    assert item_failure(root, admin_dsn) is None


def test_functions_go_where_their_dependencies_are(tmp_path, capsys, admin_dsn):
    """A new plpgsql function used by a new table's default comes before the table; a function whose
    result type changes is dropped first, and the view calling it is dropped and created again."""
    root = copy_app(tmp_path)
    view = ("create view public.department_sizes with (security_invoker = true) as\n"
            "  select d.id, public.department_headcount(d.id) as n from public.departments d;\n")
    write(root, f"{SCHEMAS}/45_sizes.sql", view)
    write(root, f"{MIGRATIONS}/20250304000000_sizes.sql", view)
    edit(root, f"{SCHEMAS}/30_functions.sql", "returns bigint", "returns integer")
    edit(root, f"{SCHEMAS}/30_functions.sql", "select count(*) from", "select count(*)::integer from")
    write(root, f"{SCHEMAS}/50_badges.sql", """\
create function public.next_badge_code() returns text language plpgsql as $$
begin
  return 'B-' || floor(random() * 1000)::text;
end;
$$;

create table public.badges (code text primary key default public.next_badge_code());
""")
    code, out, err = run_cli(capsys, root, admin_dsn, "diff", "--declarative", "-f", "badges")
    assert code == 0, out + err
    order = [out.index(s) for s in (
        "drop view public.department_sizes;",
        "drop function public.department_headcount(bigint);",
        "CREATE OR REPLACE FUNCTION public.next_badge_code()",
        "create table public.badges (",
        "CREATE OR REPLACE FUNCTION public.department_headcount(p_department_id bigint)\n RETURNS integer",
        "create view public.department_sizes with (security_invoker = true) as",
    )]
    assert order == sorted(order), out
    assert item_failure(root, admin_dsn) is None


def test_unwritable_change_is_a_todo_and_nothing_is_written(tmp_path, capsys, admin_dsn):
    root = copy_app(tmp_path)
    edit(root, f"{SCHEMAS}/00_types.sql", "'on_leave', 'left'", "'left'")  # a label removed
    edit(root, f"{SCHEMAS}/20_employees.sql", "  updated_at timestamptz not null default now()\n",
         "  updated_at timestamptz not null default now(),\n  note text\n")
    before = migration_files(root)
    code, out, err = run_cli(capsys, root, admin_dsn, "diff", "--declarative", "-f", "partial")
    assert code == 1
    assert ("-- TODO enum public.employee_status: labels removed, renamed or reordered (migrated: active, on_leave, "
            "left; declared: active, left); PostgreSQL cannot drop or move an enum value") in out
    assert "alter table public.employees add column note text;" in out
    assert "-- NOT complete: finish it by hand (TODO blocks / differences listed)" in out
    assert "labels differs: migrated (active, on_leave, left) / declared (active, left)" in err
    assert "nothing written: the migration is not complete" in err
    assert migration_files(root) == before

    code, out, err = run_cli(capsys, root, admin_dsn, "diff", "--declarative", "-f", "partial", "--allow-partial")
    assert code == 1
    (written,) = migration_files(root) - before
    text = (root / MIGRATIONS / written).read_text(encoding="utf-8")
    assert "alter table public.employees add column note text;" in text
    assert "-- TODO enum public.employee_status" in text


def test_new_enum_value_used_at_once_gets_its_own_file(tmp_path, capsys, admin_dsn):
    root = copy_app(tmp_path)
    new_enum_value(root)
    changed_default(root)
    edit(root, f"{SCHEMAS}/20_employees.sql", "default 'on_leave'", "default 'contractor'")
    before = migration_files(root)
    code, out, err = run_cli(capsys, root, admin_dsn, "diff", "--declarative", "-f", "contractors")
    assert code == 0, out + err
    assert "-- file *_enum_values.sql (enum values must be committed before anything uses them):" in out
    names = sorted(migration_files(root) - before)
    assert [n.split("_", 1)[1] for n in names] == ["contractors_enum_values.sql", "contractors.sql"]
    assert item_failure(root, admin_dsn) is None


def test_lint_findings_are_printed_with_the_sql(tmp_path, capsys, admin_dsn):
    root = copy_app(tmp_path)
    dropped_index(root)
    code, out, _ = run_cli(capsys, root, admin_dsn, "diff", "--declarative")
    assert code == 0
    assert ("-- lint: warn [index_without_concurrently] CREATE INDEX on existing table public.employees without "
            "CONCURRENTLY\n--   instead: CREATE INDEX CONCURRENTLY ... / DROP INDEX CONCURRENTLY ... in a file marked "
            "`-- schemaguard: no-transaction`") in out
    assert "-- lint: warn [missing_lock_timeout] CREATE INDEX on public.employees without a lock_timeout" in out


def test_nothing_to_do(tmp_path, capsys, admin_dsn):
    root = copy_app(tmp_path)
    code, out, _ = run_cli(capsys, root, admin_dsn, "diff", "--declarative")
    assert code == 0
    assert out.splitlines()[1] == "-- nothing to do: the migrations build the declared schema"


def test_declared_file_that_fails_is_reported_with_file_and_line(tmp_path, admin_dsn):
    root = copy_app(tmp_path)
    edit(root, f"{SCHEMAS}/40_views.sql", "e.status = 'active'", "e.status = 'gone'")
    failure = item_failure(root, admin_dsn)
    assert failure is not None
    assert failure.startswith("the declared schema does not build (supabase/schemas/):\n"
                              "supabase/schemas/40_views.sql:5: statement starting at line 1 failed")
    assert 'invalid input value for enum employee_status: "gone"' in failure


# --------------------------------------------------------------------------- finding the files

def _declared(root: Path) -> list[str]:
    file = root / YAML
    project = load_project(file, load_expectations(file).project)
    declared = declared_files(project)
    assert declared is not None
    return [str(p.relative_to(root.resolve())) for p in declared.files]


def test_schema_paths_in_order_globs_sorted_each_file_once(tmp_path):
    root = copy_app(tmp_path)
    write(root, f"{SCHEMAS}/nested/05_extra.sql", "select 1;\n")
    assert _declared(root)[:2] == [f"{SCHEMAS}/00_types.sql", f"{SCHEMAS}/10_departments.sql"]
    assert f"{SCHEMAS}/nested/05_extra.sql" == _declared(root)[-1]  # walked after 40_views.sql: lexical walk
    with (root / "supabase/config.toml").open("a", encoding="utf-8") as f:
        f.write('\n[db.migrations]\nschema_paths = ["./schemas/40_views.sql", "./schemas/*.sql", '
                '"./schemas/00_types.sql"]\n')
    assert _declared(root) == [f"{SCHEMAS}/40_views.sql", f"{SCHEMAS}/00_types.sql", f"{SCHEMAS}/10_departments.sql",
                               f"{SCHEMAS}/20_employees.sql", f"{SCHEMAS}/30_functions.sql"]


def test_project_declarative_wins_and_missing_paths_are_named(tmp_path):
    root = copy_app(tmp_path)
    edit(root, YAML, "  naming: timestamp\n", "  naming: timestamp\n  declarative: [supabase/schemas/1*.sql]\n")
    assert _declared(root) == [f"{SCHEMAS}/10_departments.sql"]
    edit(root, YAML, "supabase/schemas/1*.sql", "db/missing.sql")
    with pytest.raises(ConfigError, match=r"project.declarative: db/missing.sql does not exist"):
        _declared(root)


def test_item_in_pytest_run_has_the_drift_marker(pytester, admin_dsn):
    root = copy_app(pytester.path)
    changed_function_body(root)
    result = run_pytest(pytester, admin_dsn, "-m", "schemaguard_drift")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*{esc('declarative')}*", "*function public.department_headcount(bigint)",
                                 "*function public.department_headcount(bigint): body differs"])


def test_project_declarative_takes_one_path_or_a_list(tmp_path):
    root = copy_app(tmp_path)
    edit(root, YAML, "  naming: timestamp\n", "  naming: timestamp\n  declarative: supabase/schemas/00_types.sql\n")
    assert _declared(root) == [f"{SCHEMAS}/00_types.sql"]
    edit(root, YAML, "declarative: supabase/schemas/00_types.sql", "declarative: [supabase/schemas/*.sql]")  # README
    assert len(_declared(root)) == 5


def test_readme_declarative_workflow(pytester, capsys, admin_dsn):
    """The docs section's commands, in its order, and its failure example, verbatim."""
    root = copy_app(pytester.path)
    added_column(root)
    new_policy(root)
    section = doc_section("Declarative schemas without Docker")
    example = section.split("```\n", 2)[2].split("```", 1)[0]  # the second block: the failure text
    result = run_pytest(pytester, admin_dsn, "-k", "declarative")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([esc(line) for line in example.splitlines()], consecutive=True)

    code, out, _ = run_cli(capsys, root, admin_dsn, "diff", "--declarative")
    assert code == 0 and "alter table public.employees add column age smallint default 0 not null;" in out
    assert (pytester.path / MIGRATIONS).is_dir() and len(migration_files(root)) == 4  # printing writes nothing
    code, _, err = run_cli(capsys, root, admin_dsn, "diff", "--declarative", "-f", "add_employee_age")
    assert code == 0 and "_add_employee_age.sql" in err
    run_pytest(pytester, admin_dsn, "-k", "declarative").assert_outcomes(passed=1)


@settings(max_examples=3, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kinds=st.sets(st.sampled_from(sorted(MUTATIONS)), min_size=2, max_size=4))
def test_combined_mutations_are_closed_by_one_proven_migration(kinds, tmp_path_factory, capsys, admin_dsn):
    """Any few mutations at once: one generated migration (plus an enum file) closes all of them."""
    root = copy_app(tmp_path_factory.mktemp("combined"))
    for kind in sorted(kinds):
        MUTATIONS[kind][0](root)
    code, out, err = run_cli(capsys, root, admin_dsn, "diff", "--declarative", "-f", "combined")
    assert code == 0, f"{sorted(kinds)}:\n{out}{err}"
    assert "-- proven: applied to a build of the migrations, the result equals the declared schema" in out
    assert item_failure(root, admin_dsn) is None


def test_caveats_only_in_migrations_are_not_drift_but_declared_ones_are(tmp_path, admin_dsn):
    root = copy_app(tmp_path)
    # security_invoker and a view grant set only by migrations: the CLI's diff cannot carry them.
    edit(root, f"{SCHEMAS}/40_views.sql", " with (security_invoker = true)", "")
    write(root, f"{MIGRATIONS}/20250304000000_view_grants.sql",
          "grant select on public.active_employees to anon;\nalter table public.employees alter column name "
          "set statistics 100;\n")
    assert item_failure(root, admin_dsn) is None
    # A comment the declared files do state is compared.
    with (root / SCHEMAS / "20_employees.sql").open("a", encoding="utf-8") as f:
        f.write("\ncomment on table public.employees is 'Staff';\n")
    failure = item_failure(root, admin_dsn)
    assert failure is not None
    assert ("    comment public.employees: comment differs: migrated People on the payroll (comments live in "
            "migrations: db diff does not track them). / declared Staff") in failure.splitlines()


def test_wrong_schema_paths_fail_the_item_not_the_collection(tmp_path):
    from pytest_schemaguard.providers.declarative import provide

    root = copy_app(tmp_path)
    with (root / "supabase/config.toml").open("a", encoding="utf-8") as f:
        f.write('\n[db.migrations]\nschema_paths = "./schemas/*.sql"\n')
    session = SchemaguardSession(command_settings(root / YAML))
    session.load()
    (spec,) = provide(session)
    assert (spec.name, spec.marker, spec.needs_database) == ("declarative", "schemaguard_drift", False)
    assert spec.check(session) == ("supabase/config.toml: [db.migrations] schema_paths must be a list of paths or "
                                   "globs relative to supabase/, e.g. [\"./schemas/*.sql\"]; found './schemas/*.sql'")
    assert session.server is None


def test_declarative_options_need_declarative(tmp_path, capsys, admin_dsn):
    root = copy_app(tmp_path)
    code, _, err = run_cli(capsys, root, admin_dsn, "diff", "-f", "x")
    assert (code, err) == (2, "schemaguard diff: -f and --allow-partial go with --declarative\n")
    shutil.rmtree(root / SCHEMAS)
    code, _, err = run_cli(capsys, root, admin_dsn, "diff", "--declarative")
    assert code == 2
    assert err.startswith("schemaguard diff: no declared schema files: put them in supabase/schemas/")
