"""`schemaguard init`: the written file passes `pytest --schemaguard` at once (on crm_small and on
the repository's own example), a mutation migration then fails it, and an existing file is not
overwritten without --force."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rules_support import QUIET, copy_project, esc, preload

from pytest_schemaguard.cli import main
from pytest_schemaguard.init_yaml import scalar

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
        "Use --force to replace it, or --output PATH to write the new file elsewhere\n"
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
