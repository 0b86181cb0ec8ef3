"""End-to-end tests of the pytest plugin, run through ``pytester`` against a real PostgreSQL.

Every test copies the small Supabase project ``tests/examples/crm_small`` into the pytester
directory, changes ONE thing (an extra migration or a YAML edit) and runs
``pytest --schemaguard`` in-process. Most runs use ``--schemaguard-dsn`` on the suite's server
(the plugin creates and drops its own database there, which is fast); two tests cover the
private-server default.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pkgutil
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import psycopg
import pytest
from psycopg import sql

import pytest_schemaguard

EXAMPLES = Path(__file__).parent / "examples"
MIGRATIONS = "supabase/migrations"
YAML = "schema_expectations.yml"

CLEAN_ITEMS = [
    "migration[20250101000000_organizations.sql]",
    "migration[20250102000000_deals.sql]",
    "migration[20250103000000_summary.sql]",
    "seed[seed.sql]",
    "extension[btree_gist]",
    "table[public.organizations]",
    "table[public.deals]",
    "view[public.organizations_summary]",
    "enum[public.deal_stage]",
    "function[public.organization_deal_total(bigint)]",
    "absent[table public.legacy_deals]",
    "exhaustive[public]",
]
DB_ITEMS = CLEAN_ITEMS[4:]  # the items that need the built database
# Plugins the inner runs do not need; unraisableexception's forced gc.collect() calls alone cost
# ~0.3 s per in-process run in a big outer process.
QUIET = ("-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:benchmark")


def _preload() -> None:
    """Import hypothesis and every plugin module once, here.

    pytester's in-process runs restore ``sys.modules`` afterwards, so a module first imported
    inside a run (hypothesis by its pytest plugin, the plugin's lazily imported checks) is
    imported again, with assertion rewriting, by every run: ~2 s each instead of ~0.5 s.
    """
    assert hypothesis.__version__
    for module in pkgutil.walk_packages(pytest_schemaguard.__path__, "pytest_schemaguard."):
        with contextlib.suppress(Exception):  # a module another engineer is still writing
            importlib.import_module(module.name)


_preload()


# --------------------------------------------------------------------------- helpers


def copy_example(pytester: pytest.Pytester, case: str = "crm_small") -> Path:
    """Copy ``tests/examples/<case>`` into the pytester directory (pyproject may not be edited)."""
    shutil.copytree(EXAMPLES / case, pytester.path, dirs_exist_ok=True)
    return pytester.path


def add_migration(pytester: pytest.Pytester, name: str, text: str) -> Path:
    path = pytester.path / MIGRATIONS / name
    path.write_text(text, encoding="utf-8")
    return path


def edit_yaml(pytester: pytest.Pytester, old: str, new: str) -> str:
    path = pytester.path / YAML
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {YAML}"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


def yaml_line(pytester: pytest.Pytester, needle: str) -> int:
    """1-based line of the only YAML line containing ``needle``."""
    lines = (pytester.path / YAML).read_text(encoding="utf-8").splitlines()
    found = [i for i, line in enumerate(lines, 1) if needle in line]
    assert len(found) == 1, f"{needle!r} on lines {found}"
    return found[0]


# These tests are about the structural items; rule and behaviour items have their own tests.
NOT_RULES_OR_BEHAVIOUR = "not schemaguard_rule and not schemaguard_behaviour"
EXTRA_ITEMS = 11 + 1  # crm_small: the supabase-flavor rule[...] items and behaviour[enum public.deal_stage]


def run(pytester: pytest.Pytester, admin_dsn: str | None, *args: str, **kwargs: Any) -> pytest.RunResult:
    """``pytest --schemaguard`` in-process; DSN mode unless ``admin_dsn`` is None."""
    dsn = [f"--schemaguard-dsn={admin_dsn}"] if admin_dsn else []
    return pytester.runpytest("--schemaguard", *dsn, *QUIET, *only_structure(args), **kwargs)


def only_structure(args: tuple[str, ...]) -> list[str]:
    """Add the rule/behaviour deselection to the run's own ``-m`` expression, or as one of its own."""
    args_list = list(args)
    if "-m" in args_list:
        at = args_list.index("-m") + 1
        args_list[at] = f"({args_list[at]}) and {NOT_RULES_OR_BEHAVIOUR}"
        return args_list
    return ["-m", NOT_RULES_OR_BEHAVIOUR, *args_list]


def esc(text: str) -> str:
    """``text`` as a literal fnmatch pattern (item ids contain brackets)."""
    return re.sub(r"[\[\]]", lambda m: f"[{m.group()}]", text)


def no_traceback(result: pytest.RunResult) -> None:
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out
    assert "pytest_schemaguard/" not in out  # no frames of the plugin's own code


def schemaguard_databases(admin_dsn: str) -> set[str]:
    """The plugin's throwaway databases made by THIS process (in-process runs share our pid).

    Their names carry the pid (``schemaguard_<worker>_<pid>_<random>``), so other sessions using
    the same server (SCHEMAGUARD_TEST_ADMIN_DSN) are neither counted nor dropped.
    """
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'schemaguard%'").fetchall()
    return {r[0] for r in rows if f"_{os.getpid()}_" in r[0]}


def drop_database(admin_dsn: str, name: str) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class PrivateServerRecorder:
    """In-process plugin noting where the run's private server lives, while it still runs.

    Other test sessions on the same machine may start their own /tmp/schemaguard-* servers at
    any time, so "nothing left behind" is checked for this run's directory and port only.
    """

    def __init__(self) -> None:
        self.basedir: Path | None = None
        self.port: int | None = None

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        from pytest_schemaguard.items import SESSION_KEY

        server = session.config.stash[SESSION_KEY].server
        if server is not None and server.private is not None:
            self.basedir, self.port = server.private.basedir, server.private.port

    def check_gone(self) -> None:
        assert self.basedir is not None and self.port, "the run did not start a private server"
        from pytest_schemaguard.database.location import server_base

        assert server_base() in self.basedir.parents
        assert self.basedir.name.startswith("schemaguard-")
        assert not self.basedir.exists(), f"{self.basedir} was left behind"
        still = [cmd for cmd in process_cmdlines() if "postgres" in cmd and str(self.basedir) in cmd]
        assert not still, f"private postgres still running: {still}"


class DatabaseRecorder:
    """In-process plugin listing the schemaguard databases while the run is still going."""

    def __init__(self, admin_dsn: str) -> None:
        self.admin_dsn = admin_dsn
        self.during: set[str] | None = None

    def pytest_sessionfinish(self) -> None:
        self.during = schemaguard_databases(self.admin_dsn)


def process_cmdlines() -> list[str]:
    cmdlines = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdlines.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            except OSError:
                continue
    return cmdlines


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The inner runs must not pick up a server named in the developer's or CI's environment.
    for var in ("SCHEMAGUARD_DSN", "SCHEMAGUARD_LIVE_DSN"):
        monkeypatch.delenv(var, raising=False)
    return copy_example(pytester)


@pytest.fixture
def no_leftover_databases(admin_dsn: str) -> Iterator[None]:
    """DSN mode must drop its throwaway database: no new schemaguard_% database after the run."""
    before = schemaguard_databases(admin_dsn)
    yield
    left = schemaguard_databases(admin_dsn) - before
    for name in left:
        drop_database(admin_dsn, name)
    assert not left, f"databases left behind: {sorted(left)}"


# --------------------------------------------------------------------------- the clean project


def test_clean_project_passes_in_dsn_mode(pytester, project, admin_dsn, no_leftover_databases):
    result = run(pytester, admin_dsn, "-v")
    result.assert_outcomes(passed=12)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            *[f"{YAML}::{esc(name)} PASSED*" for name in CLEAN_ITEMS],  # ids, in this order
            "*- schemaguard -*",
            "schemaguard: supabase | 3 of 3 migration(s) applied, built in *s | "
            "server from --schemaguard-dsn postgresql://postgres@*/schemaguard_* (started in *s)",
        ]
    )
    assert "schemaguard warning" not in result.stdout.str()  # config.toml says 15, server is 15


def test_clean_project_passes_on_private_server_and_leaves_nothing(pytester, project):
    recorder = PrivateServerRecorder()
    result = run(pytester, None, plugins=[recorder])
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(
        [
            "schemaguard: supabase | 3 of 3 migration(s) applied, built in *s | "
            "private server postgresql://postgres@127.0.0.1:*/schemaguard (started in *s)"
        ]
    )
    assert f":{recorder.port}/schemaguard" in result.stdout.str()
    recorder.check_gone()


def test_private_server_cleans_up_after_a_failing_build(pytester, project):
    add_migration(pytester, "20250104000000_broken.sql", "select * from public.no_such_table;\n")
    recorder = PrivateServerRecorder()
    result = run(pytester, None, plugins=[recorder])
    result.assert_outcomes(passed=3, failed=1, skipped=1 + len(DB_ITEMS), errors=0)
    result.stdout.fnmatch_lines(['*ERROR:  relation "public.no_such_table" does not exist*'])
    recorder.check_gone()


def test_dsn_mode_leaves_no_database_behind_after_failures(pytester, project, admin_dsn, no_leftover_databases):
    add_migration(
        pytester, "20250104000000_rls_off.sql", "alter table public.organizations disable row level security;\n"
    )
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=1)  # the fixture checks pg_database afterwards


# --------------------------------------------------------------------------- one change each


def test_dropped_column_is_reported_with_yaml_lines(pytester, project, admin_dsn):
    add_migration(pytester, "20250104000000_drop_amount.sql", "alter table public.deals drop column amount;\n")
    table_line = yaml_line(pytester, "  deals:")
    column_line = yaml_line(pytester, "amount: {type:")
    check_line = yaml_line(pytester, "deals_amount_nonnegative:")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ table[[]public.deals[]] _*",
            f"public.deals ({YAML}:{table_line})",
            f"  column amount: missing*(line {column_line})",
            f"  check deals_amount_nonnegative: missing*(line {check_line})",
            f"FAILED {YAML}::table[[]public.deals[]]*",
        ]
    )


def test_disabled_rls_is_reported(pytester, project, admin_dsn):
    add_migration(
        pytester, "20250104000000_rls_off.sql", "alter table public.organizations disable row level security;\n"
    )
    table_line = yaml_line(pytester, "  organizations:")
    rls_line = table_line + 1
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"public.organizations ({YAML}:{table_line})",
            f"  rls: expected enabled, found disabled*(line {rls_line})",
        ]
    )
    result.stdout.no_fnmatch_line("*table[[]public.deals[]] FAILED*")


def test_changed_column_type_is_reported(pytester, project, admin_dsn):
    add_migration(
        pytester, "20250104000000_amount_bigint.sql", "alter table public.deals alter column amount type bigint;\n"
    )
    column_line = yaml_line(pytester, "amount: {type:")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines([f"  column amount: expected type numeric(12,2), found bigint*(line {column_line})"])


def test_dropped_view_is_reported_missing(pytester, project, admin_dsn):
    add_migration(pytester, "20250104000000_drop_view.sql", "drop view public.organizations_summary;\n")
    view_line = yaml_line(pytester, "organizations_summary: {")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"public.organizations_summary ({YAML}:{view_line})",
            f"  view: missing*(line {view_line})",
            f"FAILED {YAML}::view[[]public.organizations_summary[]]*",
        ]
    )


def test_enum_order_differs_from_yaml(pytester, project, admin_dsn):
    edit_yaml(pytester, "deal_stage: [lead, qualified, won, lost]", "deal_stage: [lead, qualified, lost, won]")
    enum_line = yaml_line(pytester, "deal_stage: [")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=11, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"public.deal_stage ({YAML}:{enum_line})",
            "  labels: out of order: expected (lead, qualified, lost, won), found (lead, qualified, won, lost)"
            f"*(line {enum_line})",
            f"FAILED {YAML}::enum[[]public.deal_stage[]]*",
        ]
    )


def test_enum_recreated_in_another_order(pytester, project, admin_dsn):
    add_migration(
        pytester,
        "20250104000000_reorder_stage.sql",
        "alter type public.deal_stage rename to deal_stage_old;\n"
        "create type public.deal_stage as enum ('lead', 'won', 'qualified', 'lost');\n"
        "alter table public.deals alter column stage drop default;\n"
        "alter table public.deals alter column stage type public.deal_stage using stage::text::public.deal_stage;\n"
        "alter table public.deals alter column stage set default 'lead';\n"
        "drop type public.deal_stage_old;\n",
    )
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(
        [
            "  labels: out of order: expected (lead, qualified, won, lost), found (lead, won, qualified, lost)*",
            f"FAILED {YAML}::enum[[]public.deal_stage[]]*",
        ]
    )


def test_unknown_table_in_yaml_is_missing(pytester, project, admin_dsn):
    edit_yaml(pytester, "\nviews:\n", "\n  invoices:\n    rls: enabled\n  organisations: {}\n\nviews:\n")
    line = yaml_line(pytester, "  invoices:")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=2)
    result.stdout.fnmatch_lines(
        [
            f"public.invoices ({YAML}:{line})",
            f"  table: missing*(line {line})",
            f"public.organisations ({YAML}:{line + 2})",
            f"  table: missing*organizations*(line {line + 2})",  # a close match is suggested
            f"FAILED {YAML}::table[[]public.invoices[]]*",
        ]
    )


SYNTAX_ERROR_SQL = """\
-- A new table, with a typo on line 5.

create table public.notes (
  id bigint generated always as identity primary key,
  body text not nul
);

create table public.never_reached (id bigint);
"""


def test_migration_syntax_error_names_file_line_statement_and_message(pytester, project, admin_dsn):
    add_migration(pytester, "20250104000000_notes.sql", SYNTAX_ERROR_SQL)
    result = run(pytester, admin_dsn)
    # 3 good migrations pass, the broken one fails, the seed is not applied, every database item
    # is skipped: one failure in the report, not a cascade.
    result.assert_outcomes(passed=3, failed=1, skipped=1 + len(DB_ITEMS), errors=0)
    result.stdout.fnmatch_lines(
        [
            "*_ migration[[]20250104000000_notes.sql[]] _*",
            f"{MIGRATIONS}/20250104000000_notes.sql:5: statement starting at line 3 failed",
            "",
            "    create table public.notes (",
            "      id bigint generated always as identity primary key,",
            "      body text not nul",
            "    )",
            "",
            'ERROR:  syntax error at or near "nul" (SQLSTATE 42601)',
        ]
    )
    out = result.stdout.str()
    assert "never_reached" not in out  # only the failing statement is shown
    assert out.count('syntax error at or near "nul"') == 2  # the failure, and its line in the summary
    result.stdout.fnmatch_lines(
        ["*- schemaguard -*", "*", f'schemaguard: build failed at {MIGRATIONS}/20250104000000_notes.sql:5: '
         'syntax error at or near "nul"']
    )
    result.stdout.fnmatch_lines([f"FAILED {YAML}::migration[[]20250104000000_notes.sql[]]*"])
    no_traceback(result)


def test_migration_error_shows_postgres_detail(pytester, project, admin_dsn):
    add_migration(pytester, "20250104000000_bad_fk.sql", "\ninsert into public.deals (organization_id) values (999);\n")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=3, failed=1, skipped=1 + len(DB_ITEMS), errors=0)
    result.stdout.fnmatch_lines(
        [
            f"{MIGRATIONS}/20250104000000_bad_fk.sql:2: statement failed",
            "*insert into public.deals (organization_id) values (999)*",
            '*ERROR:  insert or update on table "deals" violates foreign key constraint '
            '"deals_organization_id_fkey" (SQLSTATE 23503)',
            'DETAIL:  Key (organization_id)=(999) is not present in table "organizations".',
        ]
    )


def test_misspelt_yaml_key_is_a_clear_collection_error(pytester, project, admin_dsn):
    edit_yaml(
        pytester,
        "    rls: enabled\n    columns:\n      id: {type: bigint",
        "    rls: enabled\n    colums:\n      id: {type: bigint",
    )
    line = yaml_line(pytester, "colums:")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(errors=1)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [f"*{YAML}:{line}: unknown key 'colums' in table public.organizations; allowed keys: *columns*"]
    )
    out = result.stdout.str()
    assert "allowed keys" in out
    assert "did you mean 'columns'" in out
    no_traceback(result)


def test_changed_policy_is_reported(pytester, project, admin_dsn):
    add_migration(
        pytester,
        "20250104000000_policy.sql",
        "drop policy organizations_select_own on public.organizations;\n"
        "create policy organizations_select_own on public.organizations for select to anon using (true);\n",
    )
    line = yaml_line(pytester, "organizations_select_own: {")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"  policy organizations_select_own: expected roles authenticated, found anon*(line {line})",
            "  policy organizations_select_own: expected using (owner_id = ( SELECT auth.uid() AS uid)), "
            f"found true*(line {line})",
        ]
    )


def test_changed_function_lists_every_mismatch(pytester, project, admin_dsn):
    add_migration(
        pytester,
        "20250104000000_function.sql",
        "alter function public.organization_deal_total(bigint) security invoker reset search_path;\n"
        "grant execute on function public.organization_deal_total(bigint) to anon;\n",
    )
    function_line = yaml_line(pytester, "  organization_deal_total:")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"public.organization_deal_total(bigint) ({YAML}:{function_line})",
            f"  security_definer: expected true, found false*(line {yaml_line(pytester, 'security_definer:')})",
            f"  search_path: expected '' (empty), found not pinned*(line {yaml_line(pytester, 'search_path:')})",
            f"  grants anon: expected no privileges, found execute*(line {yaml_line(pytester, 'grants: {')})",
            f"FAILED {YAML}::function[[]public.organization_deal_total(bigint)[]]*",
        ]
    )


def test_view_without_security_invoker_is_reported(pytester, project, admin_dsn):
    add_migration(
        pytester, "20250104000000_view.sql", "alter view public.organizations_summary reset (security_invoker);\n"
    )
    line = yaml_line(pytester, "organizations_summary: {")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines([f"  security_invoker: expected true, found false*(line {line})"])


def test_dropped_exclusion_constraint_and_trigger_are_reported(pytester, project, admin_dsn):
    add_migration(
        pytester,
        "20250104000000_drops.sql",
        "alter table public.organizations drop constraint organizations_name_active_excl;\n"
        "drop trigger deals_set_updated_at on public.deals;\n",
    )
    excl_line = yaml_line(pytester, "- name: organizations_name_active_excl")
    trigger_line = yaml_line(pytester, "deals_set_updated_at: {")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=11, failed=2)
    result.stdout.fnmatch_lines(
        [
            f"  exclusion constraint organizations_name_active_excl: missing*(line {excl_line})",
            f"  trigger deals_set_updated_at: missing*(line {trigger_line})",
        ]
    )


def test_declared_extension_not_installed(pytester, project, admin_dsn):
    edit_yaml(pytester, "extensions: [btree_gist]", "extensions: [btree_gist, pg_trgm]")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines([f"pg_trgm ({YAML}:7)", "  extension: not installed*(line 7)"])


def test_absent_objects_that_still_exist(pytester, project, admin_dsn):
    edit_yaml(
        pytester,
        "  - table: legacy_deals",
        "  - table: deals\n  - view: organizations_summary\n  - function: organization_deal_total(bigint)",
    )
    line = yaml_line(pytester, "  - table: deals")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=11, failed=3)
    result.stdout.fnmatch_lines(
        [
            f"table public.deals ({YAML}:{line})",
            f"  table: expected absent, found table public.deals*(line {line})",
            f"FAILED {YAML}::absent[[]table public.deals[]]*",
            f"FAILED {YAML}::absent[[]view public.organizations_summary[]]*",
            f"FAILED {YAML}::absent[[]function public.organization_deal_total(bigint)[]]*",
        ]
    )


def test_exhaustive_reports_unexpected_objects(pytester, project, admin_dsn):
    add_migration(
        pytester,
        "20250104000000_extra.sql",
        "create table public.extra_table (id bigint);\n"
        "alter table public.extra_table enable row level security;\n"
        "create view public.extra_view with (security_invoker = true) as select 1 as x;\n",
    )
    line = yaml_line(pytester, "public: [tables, views, enums]")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"public ({YAML}:{line})",
            f"  tables: unexpected public.extra_table*(line {line})",
            f"  views: unexpected public.extra_view*(line {line})",
        ]
    )


def test_failing_seed_fails_only_the_seed_item(pytester, project, admin_dsn):
    (pytester.path / "supabase" / "seed.sql").write_text("insert into public.deals (organization_id) values (12345);\n")
    result = run(pytester, admin_dsn)
    # the schema is complete without the seed: every object item still runs
    result.assert_outcomes(passed=11, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ seed[[]seed.sql[]] _*",
            "supabase/seed.sql:1: statement failed",
            "*violates foreign key constraint*",
            "DETAIL:  Key (organization_id)=(12345) is not present in table *",
        ]
    )


def test_bad_yaml_value_and_yaml_syntax_error(pytester, project, admin_dsn):
    edit_yaml(
        pytester,
        "    rls: enabled\n    columns:\n      id: {type: bigint",
        "    rls: on\n    columns:\n      id: {type: bigint",
    )
    result = run(pytester, admin_dsn)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"*{YAML}:11: 'rls' in table public.organizations: expected one of enabled, forced, disabled, found*"]
    )
    edit_yaml(pytester, "enums:\n", "enums: [\n")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{YAML}:*YAML syntax error at line *"])
    no_traceback(result)


# --------------------------------------------------------------------------- selection, markers, reports


def test_k_selects_by_object_name(pytester, project, admin_dsn):
    result = run(pytester, admin_dsn, "-v", "-k", "organizations")
    result.assert_outcomes(passed=3, deselected=9 + EXTRA_ITEMS)
    result.stdout.fnmatch_lines(
        [
            f"{YAML}::migration[[]20250101000000_organizations.sql[]] PASSED*",
            f"{YAML}::table[[]public.organizations[]] PASSED*",
            f"{YAML}::view[[]public.organizations_summary[]] PASSED*",
        ]
    )


def test_marker_selects_only_migration_items(pytester, project, admin_dsn):
    result = run(pytester, admin_dsn, "-v", "-m", "schemaguard_migration")
    result.assert_outcomes(passed=4, deselected=8 + EXTRA_ITEMS)
    result.stdout.fnmatch_lines([f"{YAML}::{esc(name)} PASSED*" for name in CLEAN_ITEMS[:4]])


def test_marker_not_schemaguard_selects_none_of_ours(pytester, project, admin_dsn):
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = run(pytester, admin_dsn, "-v", "-m", "not schemaguard")
    result.assert_outcomes(passed=1, deselected=12 + EXTRA_ITEMS)
    result.stdout.fnmatch_lines(["test_plain.py::test_plain PASSED*"])


def test_markers_are_registered(pytester, project):
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.schemaguard:*",
            "@pytest.mark.schemaguard_migration:*",
            "@pytest.mark.schemaguard_structure:*",
            "@pytest.mark.schemaguard_behaviour:*",
            "@pytest.mark.schemaguard_drift:*",
            "@pytest.mark.schemaguard_pgtap:*",
        ],
        consecutive=False,
    )


def test_junitxml_carries_item_names(pytester, project, admin_dsn):
    add_migration(
        pytester, "20250104000000_rls_off.sql", "alter table public.organizations disable row level security;\n"
    )
    report = pytester.path / "report.xml"
    result = run(pytester, admin_dsn, f"--junitxml={report}")
    result.assert_outcomes(passed=12, failed=1)
    cases = {tc.get("name"): tc for tc in ET.parse(report).getroot().iter("testcase")}
    assert set(cases) == {*CLEAN_ITEMS, "migration[20250104000000_rls_off.sql]"}
    failure = cases["table[public.organizations]"].find("failure")
    assert failure is not None
    assert "rls: expected enabled, found disabled" in (failure.text or "") + failure.get("message", "")
    assert cases["table[public.deals]"].find("failure") is None


# --------------------------------------------------------------------------- enabling, options, errors


def test_plugin_is_inert_without_the_flag(pytester, project):
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest(*QUIET, "-v")
    result.assert_outcomes(passed=1)
    assert YAML not in result.stdout.str()
    assert "schemaguard:" not in result.stdout.str()  # no header line either
    collected = pytester.runpytest(*QUIET, "--collect-only", "-q", YAML)
    # no plugin collects the yml, so pytest reports the explicit path as "not found"
    assert collected.ret == pytest.ExitCode.USAGE_ERROR
    collected.stderr.fnmatch_lines([f"ERROR: not found: *{YAML}"])
    assert "::" not in collected.stdout.str()


def test_ini_key_enables_the_plugin(pytester, project, admin_dsn):
    pytester.makeini("[pytest]\nschemaguard = true\n")
    result = pytester.runpytest(f"--schemaguard-dsn={admin_dsn}", *QUIET, *only_structure(()))
    result.assert_outcomes(passed=12)


def test_ini_dsn_and_env_precedence(pytester, project, admin_dsn, monkeypatch):
    # ini names an unreachable server, the environment a working one: the environment wins.
    pytester.makeini("[pytest]\nschemaguard = true\nschemaguard_dsn = postgresql://nobody@127.0.0.1:1/postgres\n")
    monkeypatch.setenv("SCHEMAGUARD_DSN", admin_dsn)
    result = pytester.runpytest(*QUIET, *only_structure(()))
    result.assert_outcomes(passed=12)


def test_schemaguard_file_option(pytester, project, admin_dsn):
    (pytester.path / YAML).rename(pytester.path / "other_expectations.yml")
    result = run(pytester, admin_dsn, "--schemaguard-file", "other_expectations.yml", "-v")
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(["other_expectations.yml::table[[]public.deals[]] PASSED*"])


def test_missing_expectations_file_is_a_usage_error(pytester, project, admin_dsn):
    (pytester.path / YAML).unlink()
    result = run(pytester, admin_dsn)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: schemaguard: expectations file {pytester.path / YAML} not found.", "*--schemaguard-file PATH*"]
    )
    no_traceback(result)


def test_empty_migrations_directory_is_a_clear_error(pytester, project, admin_dsn):
    for path in (pytester.path / MIGRATIONS).iterdir():
        path.unlink()
    result = run(pytester, admin_dsn)
    assert result.ret != pytest.ExitCode.OK
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"no migrations in {pytester.path / MIGRATIONS}: expected files named like *.sql*"])
    no_traceback(result)


def test_unreachable_dsn_names_host_and_port_but_not_the_password(pytester, project):
    result = run(pytester, "postgresql://postgres:secretpw@127.0.0.1:1/postgres")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: schemaguard: Could not connect to --schemaguard-dsn postgresql://postgres@127.0.0.1:1/postgres:*"]
    )
    out = result.stdout.str() + result.stderr.str()
    assert "secretpw" not in out
    no_traceback(result)


def test_dsn_user_without_createdb_is_told_what_is_missing(pytester, project, admin_dsn):
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS sg_test_nocreatedb")
        conn.execute("CREATE ROLE sg_test_nocreatedb LOGIN NOCREATEDB")
    try:
        dsn = psycopg.conninfo.make_conninfo(admin_dsn, user="sg_test_nocreatedb")
        result = run(pytester, dsn)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines(
            [
                "ERROR: schemaguard: Could not create the throwaway database schemaguard_* on "
                "postgresql://sg_test_nocreatedb@*: permission denied to create database",
                "The user needs the CREATEDB privilege (or be a superuser).",
            ]
        )
        no_traceback(result)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute("DROP ROLE IF EXISTS sg_test_nocreatedb")


def test_collect_only_lists_ids_without_building(pytester, project, admin_dsn, no_leftover_databases):
    before = schemaguard_databases(admin_dsn)
    recorder = DatabaseRecorder(admin_dsn)
    result = run(pytester, admin_dsn, "--collect-only", "-q", plugins=[recorder])
    assert result.ret == pytest.ExitCode.OK
    collected = f"12/{12 + EXTRA_ITEMS} tests collected ({EXTRA_ITEMS} deselected)*"
    result.stdout.fnmatch_lines([f"{YAML}::{esc(name)}" for name in CLEAN_ITEMS] + [collected])
    assert "migration(s) applied" not in result.stdout.str()
    assert recorder.during == before  # no database was created, not even briefly


def test_bad_pg_bin_names_the_directory_and_the_fix(pytester, project):
    result = run(pytester, None, "--schemaguard-pg-bin", "/nonexistent")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: schemaguard: --schemaguard-pg-bin / SCHEMAGUARD_PG_BIN is /nonexistent, "
            "but it lacks initdb, pg_ctl, postgres.",
            "Point it at the directory that holds initdb, pg_ctl and postgres*",
        ]
    )
    no_traceback(result)


def test_keep_in_dsn_mode_keeps_the_database_and_says_how_to_connect(pytester, project, admin_dsn):
    before = schemaguard_databases(admin_dsn)
    try:
        result = run(pytester, admin_dsn, "--schemaguard-keep")
        result.assert_outcomes(passed=12)
        result.stdout.fnmatch_lines(
            [
                "*- schemaguard -*",
                "schemaguard: kept database postgresql://*/schemaguard_*",
                "  connect: psql -h * -p * -U * -d schemaguard_*",
                "  drop it when done: DROP DATABASE schemaguard_*;",
            ]
        )
        kept = schemaguard_databases(admin_dsn) - before
        assert len(kept) == 1
        (name,) = kept
        assert f"-d {name}" in result.stdout.str()
        with psycopg.connect(psycopg.conninfo.make_conninfo(admin_dsn, dbname=name)) as conn:
            assert conn.execute("SELECT count(*) FROM public.organizations").fetchone() == (1,)
    finally:
        for name in schemaguard_databases(admin_dsn) - before:
            drop_database(admin_dsn, name)


# --------------------------------------------------------------------------- build behaviour


def test_no_transaction_migration_with_create_index_concurrently(pytester, project, admin_dsn):
    add_migration(
        pytester,
        "20250104000000_deals_stage_idx.sql",
        "-- schemaguard: no-transaction\ncreate index concurrently deals_stage_idx on public.deals (stage);\n",
    )
    pytester.makepyfile(
        test_index="""
        def test_index_exists(schemaguard_schema):
            index = schemaguard_schema.table("deals").indexes["deals_stage_idx"]
            assert index.columns == ("stage",)
        """
    )
    result = run(pytester, admin_dsn, "-v")
    result.assert_outcomes(passed=14)
    result.stdout.fnmatch_lines([f"{YAML}::migration[[]20250104000000_deals_stage_idx.sql[]] PASSED*"])


def test_concurrently_without_no_transaction_marker_fails(pytester, project, admin_dsn):
    add_migration(
        pytester,
        "20250104000000_deals_stage_idx.sql",
        "create index concurrently deals_stage_idx on public.deals (stage);\n",
    )
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=3, failed=1, skipped=1 + len(DB_ITEMS), errors=0)
    result.stdout.fnmatch_lines(["*CREATE INDEX CONCURRENTLY cannot run inside a transaction block*"])


def test_unavailable_extension_is_skipped_and_reported(pytester, project, admin_dsn):
    add_migration(
        pytester,
        "20250104000000_pg_net.sql",
        "create extension if not exists pg_net;\ncreate table public.webhooks (id bigint);\n",
    )
    edit_yaml(pytester, "public: [tables, views, enums]", "public: [views, enums]")
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=13)
    result.stdout.fnmatch_lines(
        [
            "*- schemaguard warnings -*",
            "20250104000000_pg_net.sql:1: extension pg_net is not available on this server; CREATE EXTENSION skipped",
        ]
    )
    # in the terminal summary, once (the build is lazy: it has not happened when the header prints)
    out = result.stdout.str()
    assert out.count("extension pg_net is not available") == 1
    assert out.index("collected") < out.index("schemaguard warnings")


def test_major_version_mismatch_is_a_visible_warning(pytester, project, admin_dsn):
    config = pytester.path / "supabase" / "config.toml"
    config.write_text(config.read_text().replace("major_version = 15", "major_version = 99"))
    result = run(pytester, admin_dsn)
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(
        [
            "*- schemaguard warnings -*",
            "supabase/config.toml says [[]db[]] major_version = 99, but the server is *",
        ]
    )


def test_numeric_version_order_postgres_flavor(pytester, admin_dsn):
    pytester.makefile(
        ".yml",
        schema_expectations="""
        version: 1
        project: {migrations: db, flavor: postgres, naming: any}
        tables:
          parent: {columns: {id: integer}}
          child: {columns: {parent_id: integer}, foreign_keys: [{columns: [parent_id], references: parent(id)}]}
        """,
    )
    (pytester.path / "db").mkdir()
    (pytester.path / "db" / "9_a.sql").write_text("create table parent (id integer primary key);\n")
    (pytester.path / "db" / "10_b.sql").write_text("create table child (parent_id integer references parent (id));\n")
    result = run(pytester, admin_dsn, "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            f"{YAML}::migration[[]9_a.sql[]] PASSED*",
            f"{YAML}::migration[[]10_b.sql[]] PASSED*",
            f"{YAML}::table[[]public.parent[]] PASSED*",
            f"{YAML}::table[[]public.child[]] PASSED*",
            "schemaguard: postgres | 2 of 2 migration(s) applied*",
        ]
    )


# --------------------------------------------------------------------------- library fixtures (SPEC §9)

FIXTURE_TESTS = """
import psycopg
from pytest_schemaguard import inspect_schema

ONE = "00000000-0000-4000-8000-000000000001"   # owns 'Seeded Org' (supabase/seed.sql)
TWO = "00000000-0000-4000-8000-000000000002"


def names(conn):
    return [r[0] for r in conn.execute("select name from public.organizations order by name")]


def test_schema_fixture(schemaguard_schema):
    organizations = schemaguard_schema.table("organizations")
    assert organizations.rls_enabled
    assert list(organizations.columns) == ["id", "name", "owner_id", "deleted_at"]
    assert schemaguard_schema.view("organizations_summary").security_invoker
    assert schemaguard_schema.enum("deal_stage").labels == ("lead", "qualified", "won", "lost")
    assert "auth.users" not in schemaguard_schema.tables   # shim objects are not user schema


def test_conn_insert(schemaguard_conn):
    schemaguard_conn.execute(
        "insert into public.organizations (name, owner_id) values ('Temporary Org', %s)", (ONE,))
    assert names(schemaguard_conn) == ["Seeded Org", "Temporary Org"]


def test_conn_insert_was_rolled_back(schemaguard_conn):
    assert names(schemaguard_conn) == ["Seeded Org"]


def test_as_authenticated_rls_hides_other_users_rows(schemaguard_conn, schemaguard_as):
    schemaguard_conn.execute("insert into auth.users (id, email) values (%s, 'two@example.com')", (TWO,))
    schemaguard_conn.execute(
        "insert into public.organizations (name, owner_id) values ('Other Org', %s)", (TWO,))
    with schemaguard_as("authenticated", sub=ONE) as conn:
        assert conn.execute("select current_user, auth.uid()::text").fetchone() == ("authenticated", ONE)
        assert names(conn) == ["Seeded Org"]
    with schemaguard_as("authenticated", sub=TWO) as conn:
        assert names(conn) == ["Other Org"]
    # back to the owner role afterwards: RLS no longer applies
    assert names(schemaguard_conn) == ["Other Org", "Seeded Org"]


def test_db_fixture_and_inspect_schema(schemaguard_db):
    assert schemaguard_db.dbname.startswith("schemaguard_")
    with psycopg.connect(schemaguard_db.conninfo()) as conn:
        schema = inspect_schema(conn)
    assert schema.table("deals").rls_enabled
    assert "public.legacy_deals" not in schema.tables
"""


def test_library_fixtures(pytester, project, admin_dsn, no_leftover_databases):
    pytester.makepyfile(test_fixtures=FIXTURE_TESTS)
    result = run(pytester, admin_dsn, "-v", "-p", "no:randomly")
    result.assert_outcomes(passed=12 + 5)
    result.stdout.fnmatch_lines(
        [
            "test_fixtures.py::test_conn_insert PASSED*",
            "test_fixtures.py::test_conn_insert_was_rolled_back PASSED*",
            "test_fixtures.py::test_as_authenticated_rls_hides_other_users_rows PASSED*",
        ]
    )


def test_fixtures_fail_cleanly_when_the_build_failed(pytester, project, admin_dsn):
    add_migration(pytester, "20250104000000_broken.sql", "select 1/0;\n")
    pytester.makepyfile(test_fixtures="def test_it(schemaguard_conn):\n    pass\n")
    result = run(pytester, admin_dsn, "-rs")
    result.assert_outcomes(passed=3, failed=1, skipped=1 + len(DB_ITEMS) + 1, errors=0)
    # the migration item in the same run reports the error; the test that needs the database skips
    result.stdout.fnmatch_lines(
        [f"SKIPPED [[]1[]] *: database build failed at {MIGRATIONS}/20250104000000_broken.sql:1"]
    )
    assert "During handling" not in result.stdout.str()


def test_fixtures_alone_fail_with_the_build_error_when_its_item_is_not_in_the_run(pytester, project, admin_dsn):
    add_migration(pytester, "20250104000000_broken.sql", "select 1/0;\n")
    pytester.makepyfile(test_fixtures="def test_it(schemaguard_conn):\n    pass\n")
    result = run(pytester, admin_dsn, "test_fixtures.py")  # explicit path: the YAML file is not collected
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"*schemaguard: build failed at {MIGRATIONS}/20250104000000_broken.sql:1: division by zero*"]
    )
    assert "During handling" not in result.stdout.str()


# --------------------------------------------------------------------------- failed builds, naming


def test_header_after_failed_build_does_not_claim_it_applied(pytester, project, admin_dsn):
    add_migration(pytester, "20250104000000_broken.sql", "select 1/0;\n")
    result = run(pytester, admin_dsn, "-rs")
    result.assert_outcomes(passed=3, failed=1, skipped=1 + len(DB_ITEMS), errors=0)
    broken = f"{MIGRATIONS}/20250104000000_broken.sql:1"
    result.stdout.fnmatch_lines(
        [f"schemaguard: supabase | 3 of 4 migration(s) applied, build failed at {broken} | *"]
    )
    assert not re.search(r"(?<!of )\b4 migration\(s\) applied", result.stdout.str())
    # the skipped seed is reported at the seed file, not at the plugin's own source
    result.stdout.fnmatch_lines(
        [f"SKIPPED [[]1[]] supabase/seed.sql:1: not applied: database build failed at {broken}"]
    )
    assert "pytest_schemaguard/" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*ERROR:  division by zero (SQLSTATE 22012)*"])


def test_naming_rule_and_duplicate_versions(pytester, project, admin_dsn):
    add_migration(pytester, "5_not_a_timestamp.sql", "select 1;\n")
    add_migration(pytester, "20250104000000_first.sql", "select 1;\n")
    add_migration(pytester, "20250104000000_second.sql", "select 1;\n")
    result = run(pytester, admin_dsn, "-v")
    result.assert_outcomes(passed=12, failed=3)
    result.stdout.fnmatch_lines(  # numeric order: version 5 first
        [
            f"{YAML}::migration[[]5_not_a_timestamp.sql[]] FAILED*",
            f"{YAML}::migration[[]20250101000000_organizations.sql[]] PASSED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*_ migration[[]5_not_a_timestamp.sql[]] _*",
            "5_not_a_timestamp.sql: file name does not follow project.naming timestamp: "
            "expected YYYYMMDDHHMMSS_snake_case_name.sql",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "20250104000000_first.sql: version 20250104000000 is also used by 20250104000000_second.sql",
            "20250104000000_second.sql: version 20250104000000 is also used by 20250104000000_first.sql",
        ]
    )


# --------------------------------------------------------------------------- cost of failure reports


def test_failed_build_does_not_render_throwaway_tracebacks(pytester, project, admin_dsn):
    add_migration(pytester, "20250104000000_broken.sql", "select 1/0;\n")
    result = run(pytester, admin_dsn, "--tb=long")
    result.assert_outcomes(passed=3, failed=1, skipped=1 + len(DB_ITEMS), errors=0)
    # Even with --tb=long: no Python traceback (pytest would show source lines prefixed with ">"
    # and the plugin's file names), and no error chained to another.
    output = result.stdout.str()
    assert "During handling" not in output and "ERROR at setup" not in output
    assert "pytest_schemaguard" not in output
    assert "\n>" not in output


# --------------------------------------------------------------------------- item ids come from the YAML


def test_function_ids_follow_the_yaml_whatever_the_database_resolves(pytester, project, admin_dsn):
    # Without `args` the item is named after the function alone; with `int8` it keeps that
    # spelling. Both are checked against the one overload the database has (bigint).
    edit_yaml(pytester, "    args: [bigint]\n", "")
    add_migration(pytester, "20250104000000_helper.sql", "create function public.helper(x bigint) returns int "
                  "language sql immutable set search_path = '' as $$ select 1 $$;\n")
    edit_yaml(pytester, "functions:\n", "functions:\n  helper:\n    args: [int8]\n    returns: int4\n")
    result = run(pytester, admin_dsn, "-v")
    result.stdout.fnmatch_lines(
        [
            f"{YAML}::function[[]public.helper(int8)[]] PASSED*",
            f"{YAML}::function[[]public.organization_deal_total[]] PASSED*",
        ]
    )
    assert "internal" not in result.stdout.str()
