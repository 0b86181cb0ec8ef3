"""`schemaguard init`: the written file passes `pytest --schemaguard` at once (on crm_small and on
the repository's own example), a mutation migration then fails it, and an existing file is not
overwritten without --force."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rules_support import QUIET, copy_project, esc, preload

from pytest_schemaguard.cli import main
from pytest_schemaguard.init_yaml import one_line, scalar

preload()


def init(project: Path, admin_dsn: str, *extra: str) -> int:
    return main(["init", "--file", str(project / "schema_expectations.yml"), "--dsn", admin_dsn, *extra])


def run(pytester: pytest.Pytester, admin_dsn: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", *QUIET, *args)


def test_round_trip_on_crm_small_then_a_mutation_fails(
    pytester: pytest.Pytester, admin_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_project(pytester.path)
    (pytester.path / "schema_expectations.yml").unlink()
    (pytester.path / "supabase/migrations/20250104000000_links.sql").write_text(
        "create table public.org_links (id bigint primary key,"
        " organization_id bigint references public.organizations);\n"
        "alter table public.org_links enable row level security;\n"
        "create policy org_links_read on public.org_links for select to authenticated using (true);\n",
        encoding="utf-8",
    )  # an unindexed foreign key: a rule the database breaks today
    assert init(pytester.path, admin_dsn) == 0
    assert "schemaguard init: wrote " in capsys.readouterr().out
    written = (pytester.path / "schema_expectations.yml").read_text(encoding="utf-8")
    assert "  organizations:\n    rls: enabled\n    columns:\n" in written
    assert "      id: {type: bigint, nullable: false, identity: always}\n" in written
    assert "      owner_id: {type: uuid, nullable: false, default: auth.uid()}\n" in written
    assert "      - {columns: [organization_id], references: organizations(id), on_delete: cascade}\n" in written
    assert "    # grants: {anon: [all], authenticated: [all]}" in written
    # view columns as a table's (these exist, with these types), so the types are pinned too
    assert (
        "  organizations_summary: {security_invoker: true, columns: {id: bigint, name: text, nb_deals: bigint}}\n"
        in written
    )
    assert "  deal_stage: [lead, qualified, won, lost]\n" in written
    assert "  unindexed_foreign_keys:         warn   # broken today by public.org_links\n" in written

    result = run(pytester, admin_dsn)
    assert result.ret == 0, result.stdout.str()
    assert set(result.parseoutcomes()) == {"passed"}

    (pytester.path / "supabase/migrations/20250105000000_drop_amount.sql").write_text(
        "alter table public.deals drop column amount;\n", encoding="utf-8"
    )
    result = run(pytester, admin_dsn, "-k", "deals")
    assert result.ret == 1
    result.stdout.fnmatch_lines([
        f"FAILED schema_expectations.yml::{esc('table[public.deals]')}*",
    ])
    assert "column amount: missing" in result.stdout.str()


def test_round_trip_on_the_repository_example(pytester: pytest.Pytester, admin_dsn: str) -> None:
    copy_project(pytester.path, "root")
    assert init(pytester.path, admin_dsn, "--force") == 0
    written = (pytester.path / "schema_expectations.yml").read_text(encoding="utf-8")
    assert "project:\n  migrations: supabase/migrations\n  seed: supabase/seed.sql\n  flavor: supabase\n" in written
    assert '  handle_new_user:\n    args: []\n    returns: trigger\n' in written
    result = run(pytester, admin_dsn, "-v")
    assert result.ret == 0, result.stdout.str()
    assert set(result.parseoutcomes()) == {"passed"}
    result.stdout.fnmatch_lines([f"*{esc('rule[security_definer_view]')} PASSED*"])


def test_init_refuses_to_overwrite_an_existing_file(
    tmp_path: Path, admin_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_project(tmp_path)
    before = (tmp_path / "schema_expectations.yml").read_text(encoding="utf-8")
    assert init(tmp_path, admin_dsn) == 2
    err = capsys.readouterr().err
    assert err == (
        f"schemaguard init: {tmp_path / 'schema_expectations.yml'} already exists; not overwriting it. "
        "Use --force to replace it (hand-written grants, ignore_rules, behaviour, exhaustive and absent entries "
        "are kept), or --output PATH to write the new file elsewhere\n"
    )
    assert (tmp_path / "schema_expectations.yml").read_text(encoding="utf-8") == before


def test_init_refuses_a_directory_as_output(
    tmp_path: Path, admin_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert init(tmp_path, admin_dsn, "--output", str(tmp_path), "--force") == 2
    assert capsys.readouterr().err == (
        f"schemaguard init: {tmp_path} is a directory; give the path of the file to write, "
        f"e.g. --output {tmp_path / 'schema_expectations.yml'}\n"
    )


def test_init_reports_a_file_it_cannot_write(
    tmp_path: Path, admin_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_project(tmp_path)
    (tmp_path / "new.yml.tmp").mkdir()  # the temporary file it writes first cannot be created
    assert init(tmp_path, admin_dsn, "--output", str(tmp_path / "new.yml")) == 2
    assert capsys.readouterr().err == f"schemaguard init: cannot write {tmp_path / 'new.yml.tmp'}: Is a directory\n"
    assert not (tmp_path / "new.yml").exists()


def test_init_reports_a_broken_build(tmp_path: Path, admin_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    copy_project(tmp_path)
    (tmp_path / "supabase/migrations/20250104000000_broken.sql").write_text("create tabel x ();\n", encoding="utf-8")
    assert init(tmp_path, admin_dsn, "--output", str(tmp_path / "new.yml")) == 2
    err = capsys.readouterr().err
    assert err.startswith("schemaguard init: the database build failed at 20250104000000_broken.sql, so there is "
                          "nothing to describe yet; fix the migration first:\n")
    assert "syntax error" in err
    assert not (tmp_path / "new.yml").exists()


@pytest.mark.parametrize(
    "text",
    ["true", "null", "no", "off", "absent", "", " padded", "a: b", "x #y", "'q'", "numeric(12,2)", "0", "1e3",
     "-x", "[a]", "{a}", "line\nbreak", "lower(name) WITH =", "bigint[]", 'say "hi"', "ümlaut"],
)
def test_scalars_read_back_as_the_same_string(text: str) -> None:
    assert yaml.safe_load(f"key: {scalar(text)}") == {"key": text}
    assert yaml.safe_load(f"key: [{scalar(text)}]") == {"key": [text]}


def test_one_line_keeps_spacing_next_to_literals_and_inside_quotes() -> None:
    assert one_line("(role = 'admin'::user_role)") == "(role = 'admin'::user_role)"
    assert one_line("lower(\"a  b\")\n    ||  'x  y'") == "lower(\"a  b\") || 'x  y'"
    assert one_line("'it''s'  =  x") == "'it''s' = x"


def test_generated_columns_round_trip_and_compare_like_defaults(
    pytester: pytest.Pytester, admin_dsn: str
) -> None:
    migrations = pytester.path / "supabase/migrations"
    migrations.mkdir(parents=True)
    (migrations / "20250101000000_users.sql").write_text(
        "create type public.user_role as enum ('admin', 'member');\n"
        "create table public.users (id bigint primary key, role public.user_role not null,\n"
        "  \"Display  Name\" text,\n"
        "  is_admin boolean generated always as (role = 'admin'::public.user_role) stored,\n"
        "  label text generated always as (lower(\"Display  Name\") || ' x') stored);\n",
        encoding="utf-8",
    )
    assert init(pytester.path, admin_dsn) == 0
    written = (pytester.path / "schema_expectations.yml").read_text(encoding="utf-8")
    assert "is_admin: {type: boolean, nullable: true, generated: \"(role = 'admin'::user_role)\"}" in written
    assert "generated: \"(lower(\\\"Display  Name\\\") || ' x'::text)\"}" in written
    result = run(pytester, admin_dsn)
    assert result.ret == 0, result.stdout.str()

    # hand-written spellings are compiled by the server, like defaults: spacing and casts do not matter
    assert "generated: \"(role = 'admin'::user_role)\"" in written
    edited = written.replace("generated: \"(role = 'admin'::user_role)\"", "generated: \"role='admin'\"")
    (pytester.path / "schema_expectations.yml").write_text(edited, encoding="utf-8")
    assert run(pytester, admin_dsn).ret == 0
    edited = written.replace("generated: \"(role = 'admin'::user_role)\"", "generated: \"role = 'member'\"")
    (pytester.path / "schema_expectations.yml").write_text(edited, encoding="utf-8")
    result = run(pytester, admin_dsn)
    assert result.ret == 1
    result.stdout.fnmatch_lines([
        "*column is_admin: expected generated as (role = 'member'::user_role), "
        "found (role = 'admin'::user_role)*",
    ])


def test_init_refuses_stray_files_in_the_migrations_directory(
    tmp_path: Path, admin_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_project(tmp_path)
    (tmp_path / "schema_expectations.yml").unlink()
    (tmp_path / "supabase/migrations/seed.sql").write_text("select 1;\n", encoding="utf-8")
    (tmp_path / "supabase/migrations/local_dev.sql").write_text("select 1;\n", encoding="utf-8")
    assert init(tmp_path, admin_dsn) == 2
    err = capsys.readouterr().err
    assert err.startswith("schemaguard init: supabase/migrations holds files that would fail "
                          "`pytest --schemaguard` (migrations[naming]) whatever init writes")
    assert "nothing was written" in err
    assert ("  seed.sql: not a migration (no `<version>_` prefix), so it is never applied; rename it like "
            "20250101000000_seed.sql (`schemaguard new` picks the version) or to seed.sql.skip") in err
    assert "  local_dev.sql: not a migration" in err
    assert "then run `schemaguard init` again" in err
    assert not (tmp_path / "schema_expectations.yml").exists()

    (tmp_path / "supabase/migrations/seed.sql").rename(tmp_path / "supabase/seed_extra.sql")
    (tmp_path / "supabase/migrations/local_dev.sql").rename(tmp_path / "supabase/migrations/local_dev.sql.skip")
    assert init(tmp_path, admin_dsn) == 0  # the advice works: skipped files are listed, not failures


def test_init_leaves_the_shim_extensions_out_unless_a_migration_creates_them(
    tmp_path: Path, admin_dsn: str
) -> None:
    copy_project(tmp_path, "root")
    output = tmp_path / "schema_expectations.yml"
    assert init(tmp_path, admin_dsn, "--force") == 0
    written = output.read_text(encoding="utf-8")
    assert "pgcrypto" not in written and "uuid-ossp" not in written

    (tmp_path / "supabase/migrations/20990101000000_crypto.sql").write_text(
        "create extension if not exists pgcrypto with schema extensions;\n", encoding="utf-8")
    assert init(tmp_path, admin_dsn, "--force") == 0
    written = output.read_text(encoding="utf-8")
    assert "\nextensions: [" in written and "pgcrypto" in written and "uuid-ossp" not in written


HAND_WRITTEN = """
absent:
  - table: legacy_accounts

behaviour:
  - rls_isolation: {table: organizations, owner_column: owner_id}
"""


def test_init_force_keeps_hand_written_entries(
    pytester: pytest.Pytester, admin_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_project(pytester.path)
    yml = pytester.path / "schema_expectations.yml"
    assert init(pytester.path, admin_dsn, "--force") == 0
    text = yml.read_text(encoding="utf-8")
    text = text.replace("  organizations:\n    rls: enabled\n",
                        "  organizations:\n    rls: enabled\n    grants: {anon: [all]}\n"
                        "    ignore_rules: {unindexed_foreign_keys: \"tiny table\"}\n")
    text = text.replace("\ntables:\n", "\ntables:\n  gone_table:\n    grants: {anon: []}\n", 1)
    text = text.replace("\nrules:", HAND_WRITTEN + "\nrules:", 1)
    yml.write_text(text, encoding="utf-8")
    capsys.readouterr()

    assert init(pytester.path, admin_dsn, "--force") == 0
    out, err = capsys.readouterr()
    written = yml.read_text(encoding="utf-8")
    assert "    grants: {anon: [all]}\n" in written
    assert "    ignore_rules: {unindexed_foreign_keys: tiny table}\n" in written
    assert "\nbehaviour:\n  - {rls_isolation: {table: organizations, owner_column: owner_id}}\n" in written
    assert "\nabsent:\n  - {table: legacy_accounts}\n" in written
    assert "gone_table" not in written
    assert "schemaguard init: kept from the replaced file: behaviour (top level)\n" in out
    assert "schemaguard init: kept from the replaced file: tables.organizations: grants, ignore_rules" in out
    assert ("schemaguard init: not kept: tables.gone_table: grants (the object is no longer in the database)\n"
            in err)
    result = run(pytester, admin_dsn, "-v")
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(["*behaviour*rls_isolation*organizations*PASSED*"])


def test_init_output_elsewhere_reads_the_project_from_the_current_directory(
    tmp_path: Path, admin_dsn: str, monkeypatch: pytest.MonkeyPatch, pytester: pytest.Pytester
) -> None:
    project = copy_project(pytester.path, "root")
    monkeypatch.chdir(project)
    assert main(["init", "--dsn", admin_dsn, "--output", "checks/expectations.yml"]) == 0
    written = (project / "checks/expectations.yml").read_text(encoding="utf-8")
    assert ('project:\n  migrations: "../supabase/migrations"\n  seed: "../supabase/seed.sql"\n  flavor: supabase\n'
            '  naming: timestamp\n  snapshot: "../schema.sql"\n  lock: "../supabase/migrations/schemaguard.lock"\n'
            '  types: "../src/types/database.generated.ts"\n') in written  # the project's own file's settings
    result = pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}",
                                "--schemaguard-file=checks/expectations.yml", *QUIET)
    assert result.ret == 0, result.stdout.str()

    # --migrations is relative to the project too, not to the output file
    (project / "supabase/migrations").rename(project / "db")
    assert main(["init", "--dsn", admin_dsn, "--output", "checks/other.yml", "--migrations", "db"]) == 0
    assert 'project:\n  migrations: "../db"\n' in (project / "checks/other.yml").read_text(encoding="utf-8")
