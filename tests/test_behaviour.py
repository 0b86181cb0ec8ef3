"""End-to-end tests of the ``behaviour[...]`` items (soft delete, full-text search, enums, RLS isolation).

Each test copies ``tests/examples/crm_small`` into pytester, adds what the check needs (a YAML
declaration, sometimes a migration that breaks it) and runs only the behaviour items.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import hypothesis
import pytest

import pytest_schemaguard.behaviour.enums
import pytest_schemaguard.behaviour.full_text_search
import pytest_schemaguard.behaviour.soft_delete
import pytest_schemaguard.providers.behaviour  # noqa: F401  (imported once, outside the inner runs)

EXAMPLE = Path(__file__).parent / "examples" / "crm_small"
YAML = "schema_expectations.yml"
QUIET = ("-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:benchmark")
assert hypothesis.__version__

SOFT_DELETE = """    soft_delete:
      column: deleted_at
      unique_while_active: [[name]]
"""
FTS_MIGRATION = """alter table public.organizations add column search_tsv tsvector;

create function public.organizations_search_tsv_update() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.search_tsv := to_tsvector('english'::regconfig, coalesce(new.name, ''));
  return new;
end;
$$;

create trigger organizations_search_tsv_trigger before insert or update on public.organizations
  for each row execute function public.organizations_search_tsv_update();
"""
FTS_YAML = """    full_text_search:
      column: search_tsv
      sources: [name]
"""


def setup(pytester: pytest.Pytester, organizations_extra: str = "", migrations: dict[str, str] | None = None) -> None:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    path = pytester.path / YAML
    text = path.read_text(encoding="utf-8")
    anchor = "    exhaustive: [columns, policies]\n\n  deals:"
    assert text.count(anchor) == 1
    text = text.replace(anchor, organizations_extra + anchor)
    if migrations and any("search_tsv" in t for t in migrations.values()):
        deleted = "      deleted_at: timestamptz\n"
        text = text.replace(deleted, deleted + "      search_tsv: tsvector\n", 1)
    path.write_text(text, encoding="utf-8")
    for name, sql_text in (migrations or {}).items():
        (pytester.path / "supabase" / "migrations" / name).write_text(sql_text, encoding="utf-8")


def run(pytester: pytest.Pytester, admin_dsn: str) -> pytest.RunResult:
    return pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", *QUIET,
                              "-m", "schemaguard_behaviour", "-v", "-rs")


def item(result: pytest.RunResult, name: str) -> str:
    """The outcome word of one item in the verbose run."""
    pattern = re.compile(re.escape(f"{YAML}::behaviour[{name}]") + r" (PASSED|FAILED|SKIPPED|ERROR)")
    found = pattern.search(result.stdout.str())
    assert found, f"no item behaviour[{name}] in:\n{result.stdout.str()}"
    return found.group(1)


def test_correct_schema_passes(pytester: pytest.Pytester, admin_dsn: str) -> None:
    setup(pytester, SOFT_DELETE + FTS_YAML, {"20250104000000_fts.sql": FTS_MIGRATION})
    result = run(pytester, admin_dsn)
    assert item(result, "soft_delete public.organizations") == "PASSED"
    assert item(result, "full_text_search public.organizations") == "PASSED"
    assert item(result, "enum public.deal_stage") == "PASSED"
    result.assert_outcomes(passed=3)


def test_dropped_exclusion_constraint_fails(pytester: pytest.Pytester, admin_dsn: str) -> None:
    drop = "alter table public.organizations drop constraint organizations_name_active_excl;\n"
    setup(pytester, SOFT_DELETE, {"20250104000000_drop_excl.sql": drop})
    result = run(pytester, admin_dsn)
    assert item(result, "soft_delete public.organizations") == "FAILED"
    out = result.stdout.str()
    assert "public.organizations (line " in out and "unique while active: [name]" in out
    # the fixed first example already falsifies it: shown as the offending rows
    assert "two ACTIVE rows with name='sgAlpha' (deleted_at = NULL) were both accepted" in out
    assert "uniqueness among active rows is not enforced" in out


def test_uniqueness_not_lifted_for_deleted_rows_fails(pytester: pytest.Pytester, admin_dsn: str) -> None:
    strict = ("alter table public.organizations drop constraint organizations_name_active_excl;\n"
              "create unique index organizations_name_key on public.organizations (lower(name));\n")
    setup(pytester, SOFT_DELETE, {"20250104000000_strict.sql": strict})
    result = run(pytester, admin_dsn)
    assert item(result, "soft_delete public.organizations") == "FAILED"
    out = result.stdout.str()
    assert "a DELETED row (deleted_at = now) and an active row with name='sgAlpha'" in out
    assert "uniqueness is not lifted for soft-deleted rows" in out
    assert "duplicate key value violates unique constraint" in out


def test_dropped_fts_trigger_fails(pytester: pytest.Pytester, admin_dsn: str) -> None:
    drop = "drop trigger organizations_search_tsv_trigger on public.organizations;\n"
    setup(pytester, FTS_YAML, {"20250104000000_fts.sql": FTS_MIGRATION, "20250105000000_drop.sql": drop})
    result = run(pytester, admin_dsn)
    assert item(result, "full_text_search public.organizations") == "FAILED"
    out = result.stdout.str()
    assert "full_text_search column search_tsv" in out
    assert "after INSERT of (name='olaqalpha'): search_tsv does not match name's word 'olaqalpha'" in out
    assert "search_tsv = NULL" in out


def test_fts_trigger_on_insert_only_fails_on_update(pytester: pytest.Pytester, admin_dsn: str) -> None:
    insert_only = FTS_MIGRATION.replace("before insert or update", "before insert")
    setup(pytester, FTS_YAML, {"20250104000000_fts.sql": insert_only})
    result = run(pytester, admin_dsn)
    assert item(result, "full_text_search public.organizations") == "FAILED"
    out = result.stdout.str()
    assert "after UPDATE SET name = 'nwaqbeta': search_tsv does not match the new word" in out
    assert "search_tsv = 'olaqalpha':1" in out


def test_missing_enum_label_fails(pytester: pytest.Pytester, admin_dsn: str) -> None:
    setup(pytester)
    text = (pytester.path / YAML).read_text(encoding="utf-8")
    (pytester.path / YAML).write_text(text.replace("deal_stage: [lead, qualified, won, lost]",
                                                   "deal_stage: [lead, qualified, won, lost, archived]"))
    result = run(pytester, admin_dsn)
    assert item(result, "enum public.deal_stage") == "FAILED"
    out = result.stdout.str()
    assert "public.deals.stage of enum public.deal_stage (line " in out
    assert "label 'archived' refused: invalid input value for enum deal_stage: \"archived\"" in out


def test_unbuildable_row_is_skipped_not_failed(pytester: pytest.Pytester, admin_dsn: str) -> None:
    # A CHECK our generated rows cannot satisfy: the item is skipped with the reason.
    check = "alter table public.organizations add constraint name_is_acme check (name like 'acme%');\n"
    setup(pytester, SOFT_DELETE, {"20250104000000_check.sql": check})
    result = run(pytester, admin_dsn)
    assert item(result, "soft_delete public.organizations") == "SKIPPED"
    assert "cannot build a valid row: inserting into public.organizations failed: new row for relation " \
           "\"organizations\" violates check constraint \"name_is_acme\"" in result.stdout.str()


def test_behaviour_entry_with_unknown_key_fails_at_its_line(pytester: pytest.Pytester, admin_dsn: str) -> None:
    setup(pytester)
    path = pytester.path / YAML
    path.write_text(path.read_text(encoding="utf-8")
                    + "\nbehaviour:\n  - rls_isolation: {table: organizations, owner: owner_id}\n")
    line = len(path.read_text(encoding="utf-8").splitlines())
    result = run(pytester, admin_dsn)
    assert item(result, "rls_isolation public.organizations") == "FAILED"
    assert (f"{YAML}:{line}: rls_isolation: unknown key(s) owner; allowed: table, owner_column, owner_from, "
            "commands, role, fill" in result.stdout.str())


RLS_ENTRY = "\nbehaviour:\n  - rls_isolation: {table: organizations, owner_column: owner_id}\n"


def test_rls_isolation_passes_when_each_user_sees_only_their_rows(pytester: pytest.Pytester, admin_dsn: str) -> None:
    setup(pytester)
    path = pytester.path / YAML
    path.write_text(path.read_text(encoding="utf-8") + RLS_ENTRY)
    result = run(pytester, admin_dsn)
    assert item(result, "rls_isolation public.organizations") == "PASSED"


def test_rls_isolation_fails_when_a_policy_shows_everyone_everything(pytester: pytest.Pytester,
                                                                    admin_dsn: str) -> None:
    setup(pytester, migrations={"20250104000000_open_up.sql": "alter policy organizations_select_own on "
                                "public.organizations using (true);\n"})
    path = pytester.path / YAML
    text = path.read_text(encoding="utf-8").replace('using: "owner_id = (select auth.uid())"', 'using: "true"')
    path.write_text(text + RLS_ENTRY)
    result = run(pytester, admin_dsn)
    assert item(result, "rls_isolation public.organizations") == "FAILED"
    result.stdout.fnmatch_lines([
        "public.organizations (line *) as role authenticated, user A=*, user B=*",
        "  select: user A sees user B's row: row level security does not isolate public.organizations by owner_id",
    ])


def test_rls_isolation_entry_values_are_checked(pytester: pytest.Pytester, admin_dsn: str) -> None:
    setup(pytester)
    path = pytester.path / YAML
    path.write_text(path.read_text(encoding="utf-8") + "\nbehaviour:\n  - rls_isolation: {table: organizations, "
                    "owner_column: owner_id, commands: [insert], owner_from: users}\n")
    result = run(pytester, admin_dsn)
    assert item(result, "rls_isolation public.organizations") == "FAILED"
    assert ("rls_isolation: owner_from names the table and the column that holds the auth user id, e.g. "
            "owner_from: sales.user_id; found 'users'") in result.stdout.str()


def test_rls_isolation_names_a_misspelt_column(pytester: pytest.Pytester, admin_dsn: str) -> None:
    setup(pytester)
    path = pytester.path / YAML
    path.write_text(path.read_text(encoding="utf-8")
                    + "\nbehaviour:\n  - rls_isolation: {table: organizations, owner_column: ownr_id}\n")
    line = len(path.read_text(encoding="utf-8").splitlines())
    result = run(pytester, admin_dsn)
    assert item(result, "rls_isolation public.organizations") == "FAILED"
    assert f"{YAML}:{line}: rls_isolation: table public.organizations has no column ownr_id" in result.stdout.str()


MIXED_CASE = """create schema "My Schema";
create type "My Schema"."teamRoles" as enum ('owner', 'member');
create type public."teamRoles" as enum ('lead', 'member');
create table "My Schema"."Teams" (id bigint generated always as identity primary key,
                                  created_at timestamptz not null default now());
create table "My Schema"."Order.Items" ("teamId" bigint not null references "My Schema"."Teams",
                                        "Role" "My Schema"."teamRoles" not null default 'member',
                                        "pubRole" public."teamRoles");
"""


def test_mixed_case_enums_are_checked_on_the_columns_that_use_them(pytester: pytest.Pytester, admin_dsn: str) -> None:
    # Was: "no table column uses enum" (format_type prints "teamRoles" quoted), so both were skipped;
    # the parent "Teams" has only defaults (was `INSERT ... () VALUES ()`, a syntax error).
    setup(pytester, migrations={"20250104000000_teams.sql": MIXED_CASE})
    path = pytester.path / YAML
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  deal_stage: [lead, qualified, won, lost]\n",
        "  deal_stage: [lead, qualified, won, lost]\n  My Schema.teamRoles: [owner, member]\n"
        "  teamRoles: [lead, member, boss]\n"))
    result = run(pytester, admin_dsn)
    assert item(result, "enum My Schema.teamRoles") == "PASSED"
    assert item(result, "enum public.teamRoles") == "FAILED"
    assert ("My Schema.Order.Items.pubRole of enum public.teamRoles (line 57)\n  label 'boss' refused: invalid input "
            'value for enum "teamRoles": "boss" (SQLSTATE 22P02)') in result.stdout.str()
