"""``schemaguard lint`` (in-process, on the test server) and lint in the ``migration[<file>]`` items."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_schemaguard.cli import main

EXAMPLE = Path(__file__).parent / "examples" / "crm_small"
MIGRATIONS = "supabase/migrations"
QUIET = ("-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:benchmark")
RISKY = """create index deals_updated_at_idx on public.deals (updated_at);
create table public.notes (id bigint primary key, body text);
alter table public.notes enable row level security;
delete from public.notes;
alter table public.deals drop column amount;
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("SCHEMAGUARD_DSN", "SCHEMAGUARD_LIVE_DSN"):
        monkeypatch.delenv(var, raising=False)
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def add_migration(root: Path, name: str, text: str) -> None:
    (root / MIGRATIONS / name).write_text(text, encoding="utf-8")


def git_commit_all(root: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=root, check=True,
                       capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "base")


def lint(capsys: pytest.CaptureFixture[str], admin_dsn: str, *args: str) -> tuple[int, str, str]:
    code = main(["lint", "--dsn", admin_dsn, *args])
    out, err = capsys.readouterr()
    return code, out, err


def without_owner_index(project: Path) -> None:
    """crm_small indexes organizations.owner_id; without that index the old history has a finding."""
    path = project / "supabase/migrations/20250101000000_organizations.sql"
    text = path.read_text(encoding="utf-8")
    index = "create index organizations_owner_id_idx on public.organizations (owner_id);\n"
    assert index in text
    path.write_text(text.replace(index, ""), encoding="utf-8")


def test_lint_without_base_or_lock_lints_every_file(project: Path, admin_dsn: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    without_owner_index(project)
    add_migration(project, "20250104000000_risky.sql", RISKY)
    code, out, _ = lint(capsys, admin_dsn)
    assert code == 1
    assert out.startswith("schemaguard lint: all migrations (no --base and no lock file)\n")
    assert "\n20250101000000_organizations.sql: 1 warn\n" in out  # old history is linted too
    assert "\n20250104000000_risky.sql: 1 error, 2 warn\n" in out
    assert ("20250104000000_risky.sql:1: warn [index_without_concurrently] CREATE INDEX on existing table "
            "public.deals without CONCURRENTLY\n    create index deals_updated_at_idx on public.deals (updated_at)\n"
            "  why: CREATE/DROP INDEX without CONCURRENTLY blocks every write") in out
    assert "20250104000000_risky.sql:5: error [dropped_column] column public.deals.amount dropped\n" in out
    assert "  instead: stop reading/writing the column first (deploy), then drop it in a later migration" in out
    assert "notes" not in out.split("20250104000000_risky.sql:")[-1].split("\n")[0]  # created here: no delete rule
    assert "delete_without_where" not in out
    assert out.endswith("\n4 file(s) linted: 1 error, 3 warn\n")


def test_lint_warnings_only_exit_0(project: Path, admin_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    without_owner_index(project)
    code, out, _ = lint(capsys, admin_dsn)
    assert code == 0
    assert ("20250101000000_organizations.sql:5: warn [foreign_key_without_index] foreign key "
            "organizations_owner_id_fkey on public.organizations (owner_id) has no index starting with its columns"
            ) in out
    assert out.endswith("\n3 file(s) linted: 1 warn\n")


def test_lint_base_lints_only_files_added_since(project: Path, admin_dsn: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    git_commit_all(project)
    add_migration(project, "20250104000000_risky.sql", "-- schemaguard: ignore missing_lock_timeout\n" + RISKY)
    code, out, _ = lint(capsys, admin_dsn, "--base", "HEAD")
    assert code == 1
    assert out.startswith("schemaguard lint: 1 new migration(s)\n")
    assert "20250101000000_organizations.sql" not in out
    assert "missing_lock_timeout" not in out
    assert out.endswith("\n1 file(s) linted: 1 error, 1 warn\n")


def test_lint_unknown_base_is_an_input_error(project: Path, admin_dsn: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    git_commit_all(project)
    code, out, err = lint(capsys, admin_dsn, "--base", "no-such-branch")
    assert code == 2
    assert out == ""
    assert err == (f"schemaguard lint: --base no-such-branch: no such commit, branch or tag in {project.resolve()}. "
                   "Check the spelling, or fetch it first (CI checkouts are often shallow: `git fetch origin "
                   "no-such-branch` and use origin/no-such-branch).\n")  # the CLI's option, not pytest's


def test_lint_base_outside_a_git_repository_names_the_cli_option(project: Path, admin_dsn: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = lint(capsys, admin_dsn, "--base", "main")
    assert (code, out) == (2, "")
    assert "so --base cannot read the migrations at a ref. Run from a clone of the project, or leave out --base." \
        in err
    assert "schemaguard-base" not in err


@pytest.mark.parametrize("args", [["lint", "--rules"], ["--help"], ["lint", "--help"]])
def test_a_closed_pipe_ends_the_command_quietly(args: list[str]) -> None:
    # `schemaguard lint --rules | head -1`: the reader is gone before the command writes.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "pytest_schemaguard.cli", *args], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=60, check=False)
    finally:
        os.close(write_end)
    assert result.stderr == ""  # no BrokenPipeError traceback, no "Exception ignored" at exit
    # what a shell shows for a tool stopped by SIGPIPE; argparse's help swallows the error itself
    assert result.returncode == (0 if "--help" in args else 141)


def test_lint_rules_lists_every_rule_with_its_level(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--rules"]) == 0
    out = capsys.readouterr().out
    assert "dropped_column                        error  semantic   dropping a column deletes its data" in out
    assert "enum_value_without_position           info   syntactic" in out
    assert "statement_not_analysed                info   meta       lint could not read this statement" in out
    assert len(out.splitlines()) == 24


# ----------------------------------------------------------------------------- pytest --schemaguard items


def run_pytest(pytester: pytest.Pytester, admin_dsn: str, *args: str) -> pytest.RunResult:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    return pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", *QUIET, *args)


def test_items_without_base_only_warn(pytester: pytest.Pytester, admin_dsn: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCHEMAGUARD_DSN", raising=False)
    (pytester.path / MIGRATIONS).mkdir(parents=True)
    add_migration(pytester.path, "20250104000000_risky.sql", RISKY)
    result = run_pytest(pytester, admin_dsn, "-k", "risky", "-v")
    result.stdout.fnmatch_lines([
        "*::migration[[]20250104000000_risky.sql[]] PASSED*",
        "*schemaguard warnings*",
        "lint 20250104000000_risky.sql:5: error [[]dropped_column[]] column public.deals.amount dropped",
    ])
    assert result.ret == 0


def test_items_with_base_fail_on_errors_of_new_files(pytester: pytest.Pytester, admin_dsn: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCHEMAGUARD_DSN", raising=False)
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    git_commit_all(pytester.path)
    add_migration(pytester.path, "20250104000000_risky.sql", RISKY)
    result = run_pytest(pytester, admin_dsn, "--schemaguard-base=HEAD", "-k", "migration")
    result.stdout.fnmatch_lines([
        "*_ migration[[]20250104000000_risky.sql[]] _*",
        "lint: 1 error, 2 warn",
        "20250104000000_risky.sql:1: warn [[]index_without_concurrently[]] CREATE INDEX on existing table "
        "public.deals without CONCURRENTLY",
        "20250104000000_risky.sql:5: error [[]dropped_column[]] column public.deals.amount dropped",
        "    alter table public.deals drop column amount",
        "*1 failed*",
    ])
    assert result.parseoutcomes()["failed"] == 1  # the three files at the base are not linted


def test_lint_with_a_lock_file_lints_only_files_not_in_it(project: Path, admin_dsn: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from pytest_schemaguard.integrity.lockfile import write_lock
    from pytest_schemaguard.migrations import discover_migrations

    yaml = project / "schema_expectations.yml"
    text = yaml.read_text().replace("  naming: timestamp\n", "  naming: timestamp\n  lock: schemaguard.lock\n")
    yaml.write_text(text)
    write_lock(project / "schemaguard.lock", discover_migrations(project / MIGRATIONS).migrations)
    add_migration(project, "20250104000000_types.sql", "alter type public.deal_stage add value 'paused';")
    code, out, _ = lint(capsys, admin_dsn)
    assert code == 0
    assert out == (
        "schemaguard lint: 1 new migration(s)\n\n"
        "20250104000000_types.sql: 1 info\n"
        "20250104000000_types.sql:1: info [enum_value_without_position] ALTER TYPE ... ADD VALUE without BEFORE/AFTER\n"
        "    alter type public.deal_stage add value 'paused'\n"
        "  why: ALTER TYPE ... ADD VALUE without BEFORE/AFTER appends the label last, which decides how the enum sorts "
        "and compares; the new value cannot be used in the same transaction either\n"
        "  instead: ALTER TYPE ... ADD VALUE 'x' BEFORE 'y' (or AFTER 'y') to place it explicitly\n\n"
        "1 file(s) linted: 1 info\n"
    )


def test_lint_reads_statements_postgresql_accepts_that_no_parser_here_knows(
        project: Path, admin_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    deep = "(" * 200 + "random()" + ")" * 200
    add_migration(project, "20250104000000_odd.sql", f"""set lock_timeout = '5s';
alter tablespace pg_default set (seq_page_cost = 1.1);
alter tablespace pg_default reset (seq_page_cost);
alter table public.deals add column jitter float8 default {deep};
""")
    code, out, err = lint(capsys, admin_dsn)
    assert code == 0
    # the build's own warnings, as pytest's summary shows them: the tablespace is the shared server's
    assert err == "".join(f"schemaguard lint: warning: tablespace pg_default altered on the shared server "
                          f"(--schemaguard-dsn) by supabase/migrations/20250104000000_odd.sql:{line}; the change "
                          "outlives this run and holds for every database there\n" for line in (2, 3))
    assert ("20250104000000_odd.sql:4: warn [volatile_default] column jitter added to existing table public.deals "
            "with volatile default random()") in out


def test_lint_of_migrations_that_do_not_build_exits_2_with_the_failure(
        project: Path, admin_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    add_migration(project, "20250104000000_typo.sql",
                  "create index_x on public.deals (title);\ntruncate public.deals;\n")
    code, out, err = lint(capsys, admin_dsn)
    assert (code, err) == (2, "")
    assert "\n20250104000000_typo.sql: semantic rules not run: the build failed at 20250104000000_typo.sql\n" in out
    assert "20250104000000_typo.sql:2: error [truncate] TRUNCATE of existing table public.deals" in out
    assert "\nthe build stopped at 20250104000000_typo.sql:\n" in out
    assert 'syntax error at or near "index_x"' in out


def test_pytest_mode_snapshots_nothing_when_no_file_is_new(project: Path) -> None:
    from pytest_schemaguard.config import command_settings
    from pytest_schemaguard.lint import LintObserver
    from pytest_schemaguard.providers.lint import prepare
    from pytest_schemaguard.session import SchemaguardSession

    def observers() -> list[LintObserver]:
        session = SchemaguardSession(command_settings(project / "schema_expectations.yml", base="HEAD"))
        prepare(session)
        return [o for o in session.observers if isinstance(o, LintObserver)]

    git_commit_all(project)
    assert observers() == []  # every file is at the base: nothing is linted, no catalog is read
    add_migration(project, "20250104000000_new.sql", "select 1;")
    [observer] = observers()
    assert observer.targets == {"20250104000000_new.sql"}
