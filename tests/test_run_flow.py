"""How a run goes: one failure for a broken build, a lazy build, --schemaguard-update that refuses
after failures, Ctrl-C, the expectations file chosen over testpaths, and a light plugin import.

Runs go through pytester against the suite's PostgreSQL (``--schemaguard-dsn``), or in a
subprocess with a private server where the observable is a process or a temporary directory.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_schemaguard.cli import main

EXAMPLE = Path(__file__).parent / "examples" / "crm_small"
YAML = "schema_expectations.yml"
MIGRATIONS = "supabase/migrations"
QUIET = ("-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:benchmark")
ALL_ITEMS = 24  # crm_small: 12 migration/seed/object items, 11 rules, 1 behaviour
BROKEN = f"{MIGRATIONS}/20250104000000_broken.sql"


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("SCHEMAGUARD_DSN", "SCHEMAGUARD_LIVE_DSN"):
        monkeypatch.delenv(var, raising=False)
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    return pytester.path


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


def run(pytester: pytest.Pytester, admin_dsn: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", *QUIET, *args)


def leftovers(tmpdir: Path) -> list[str]:
    """Private-server directories under ``tmpdir``, and postgres processes running from there."""
    dirs = [p.name for p in tmpdir.glob("schemaguard-*")]
    procs = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if "postgres" in cmd and str(tmpdir) in cmd:
                procs.append(cmd)
    return dirs + procs


@pytest.fixture
def tmpdir_for_servers() -> Iterator[Path]:
    """A TMPDIR the private server's account can enter (pytest's tmp_path is private to us)."""
    path = Path(tempfile.mkdtemp(prefix="sg_test_tmpdir_"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def subprocess_env(tmpdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SCHEMAGUARD_DSN", "SCHEMAGUARD_LIVE_DSN")}
    env.update(TMPDIR=str(tmpdir), PYTHONUNBUFFERED="1")
    return env


# --------------------------------------------------------------------------- a failed build


def test_failed_build_is_one_failure_and_every_database_item_skips(pytester, project, admin_dsn):
    write(project, BROKEN, "select 1;\n\nselect 1/0;\n")
    write(project, f"{MIGRATIONS}/20250105000000_later.sql", "select 1;\n")
    result = run(pytester, admin_dsn, "-rs")
    # 3 migrations pass; the broken one fails; the later migration, the seed and every item that
    # needs the database (objects, rules, behaviour) skip.
    result.assert_outcomes(passed=3, failed=1, skipped=ALL_ITEMS - 3 + 1, errors=0)
    where = f"{BROKEN}:3"
    result.stdout.fnmatch_lines([
        "*_ migration[[]20250104000000_broken.sql[]] _*",
        f"{where}: statement failed",
        "",
        "    select 1/0",
        "",
        "ERROR:  division by zero (SQLSTATE 22012)",
    ])
    out = result.stdout.str()
    skipped = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert f"SKIPPED [1] {MIGRATIONS}/20250105000000_later.sql:1: not applied: database build failed at {where}" \
        in skipped
    assert f"SKIPPED [1] supabase/seed.sql:1: not applied: database build failed at {where}" in skipped
    assert f"SKIPPED [1] {YAML}:31: database build failed at {where}" in skipped  # table[public.deals]
    assert all(line.endswith(f"database build failed at {where}") for line in skipped)
    assert sum(int(line.split("[")[1].split("]")[0]) for line in skipped) == ALL_ITEMS - 2
    # the summary names the failure once, in the schemaguard section
    result.stdout.fnmatch_lines(["*- schemaguard -*", "*", f"schemaguard: build failed at {where}: division by zero"])
    assert out.count("division by zero") == 2  # the failure itself and that summary line
    assert "During handling" not in out and "Traceback" not in out and "ERROR at setup" not in out


def test_failed_build_outside_the_selection_fails_the_first_item_that_needs_it(pytester, project, admin_dsn):
    write(project, BROKEN, "select 1/0;\n")
    result = run(pytester, admin_dsn, "-m", "schemaguard_structure", "-k", "table and not absent", "-rs")
    # migration[...broken] is deselected: the first table item reports the error, the other skips.
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines([
        f"database build failed at {BROKEN}:1 (migration[[]20250104000000_broken.sql[]] is not in this run):",
        "",
        f"{BROKEN}:1: statement failed",
    ])
    assert "During handling" not in result.stdout.str()


# --------------------------------------------------------------------------- the build is lazy


@pytest.mark.parametrize("selection", [("-m", "bogus"), ("-k", "nothing_is_called_this")])
def test_a_selection_without_schemaguard_items_starts_no_server(pytester, project, tmpdir_for_servers, selection):
    tmpdir = tmpdir_for_servers
    # A private server would live under TMPDIR; a pg-bin that does not exist would be a usage
    # error the moment anything tried to start one.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--schemaguard", *QUIET, *selection],
        cwd=project, env=subprocess_env(tmpdir), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, result.stdout + result.stderr
    assert "schemaguard: no database built (no selected item needed it)" in result.stdout
    assert not leftovers(tmpdir)
    assert list(tmpdir.iterdir()) == []
    bad_bin = subprocess.run(
        [sys.executable, "-m", "pytest", "--schemaguard", "--schemaguard-pg-bin", "/nonexistent", *QUIET, *selection],
        cwd=project, env=subprocess_env(tmpdir), capture_output=True, text=True, timeout=120,
    )
    assert bad_bin.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, bad_bin.stdout + bad_bin.stderr


def test_k_selecting_one_structure_item_builds_and_passes(pytester, project, admin_dsn):
    result = run(pytester, admin_dsn, "-k", "organizations_summary", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"{YAML}::view[[]public.organizations_summary[]] PASSED*"])
    result.stdout.fnmatch_lines(["schemaguard: supabase | 3 of 3 migration(s) applied, built in *"])


def test_bad_dsn_met_by_the_lazy_build_is_one_usage_error(pytester, project):
    result = run(pytester, "postgresql://postgres:secretpw@127.0.0.1:1/postgres", "-k", "table and deals")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert err.count("ERROR: schemaguard: Could not connect to --schemaguard-dsn "
                     "postgresql://postgres@127.0.0.1:1/postgres:") == 1
    assert "secretpw" not in result.stdout.str() + err
    assert "Traceback" not in result.stdout.str() + err
    assert "no database built" not in result.stdout.str()  # the error is the report, not a "nothing to do"


# --------------------------------------------------------------------------- --schemaguard-update

LOCK = f"{MIGRATIONS}/schemaguard.lock"


@pytest.fixture
def locked(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    yaml = project / YAML
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("  naming: timestamp\n",
                                                             f"  naming: timestamp\n  lock: {LOCK}\n", 1))
    monkeypatch.chdir(project)
    assert main(["lock"]) == 0
    return project


def test_update_refuses_to_lock_a_migration_that_failed_lint(pytester, locked, admin_dsn):
    lock_before = (locked / LOCK).read_bytes()
    write(locked, f"{MIGRATIONS}/20250104000000_drop_amount.sql", "alter table public.deals drop column amount;\n")
    result = run(pytester, admin_dsn, "--schemaguard-update", "-m", "schemaguard_migration")
    result.assert_outcomes(passed=5, failed=1)  # 3 migrations, seed, lock pass; the new migration fails lint
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*dropped_column*column public.deals.amount dropped*"])
    result.stdout.fnmatch_lines([
        "--schemaguard-update refused: 1 item(s) failed: migration[[]20250104000000_drop_amount.sql[]]; "
        f"fix them first (nothing rewritten: {LOCK})"
    ])
    assert (locked / LOCK).read_bytes() == lock_before
    # ... so the next run still fails on the lock, not only on lint
    again = run(pytester, admin_dsn, "-m", "schemaguard_migration", "-k", "lock")
    again.assert_outcomes(failed=1)
    again.stdout.fnmatch_lines(["*20250104000000_drop_amount.sql: added (not in the lock yet)"])


def test_update_rewrites_the_lock_after_a_clean_run(pytester, locked, admin_dsn):
    write(locked, f"{MIGRATIONS}/20250104000000_note.sql", "alter table public.deals add column note text;\n")
    result = run(pytester, admin_dsn, "--schemaguard-update", "-m", "schemaguard_migration")
    result.assert_outcomes(passed=6)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*- schemaguard warnings -*", f"{LOCK} rewritten (--schemaguard-update): "
                                 "review and commit it"])
    assert "20250104000000_note.sql" in (locked / LOCK).read_text(encoding="utf-8")
    run(pytester, admin_dsn, "-m", "schemaguard_migration", "-k", "lock").assert_outcomes(passed=1)


# --------------------------------------------------------------------------- Ctrl-C

SLOW_TRIGGER = """create function public.slow_insert() returns trigger language plpgsql set search_path = '' as $$
begin perform pg_sleep(0.2); return new; end; $$;
create trigger deals_slow_insert before insert on public.deals for each row execute function public.slow_insert();
"""


def interrupt(project: Path, tmpdir: Path, ready: str) -> tuple[int, str]:
    """Run the behaviour items in a subprocess; SIGINT its process group (what Ctrl-C does) once
    ``ready`` shows (text in the output, or the private server's directory under ``tmpdir``)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "--schemaguard", *QUIET, "-m", "schemaguard_behaviour", "-v"],
        cwd=project, env=subprocess_env(tmpdir), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert process.stdout is not None
    fd = process.stdout.fileno()
    out, deadline = "", time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        if select.select([fd], [], [], 0.02)[0]:
            out += os.read(fd, 65536).decode(errors="replace")
        # The server's directory exists from the start of the session when initdb runs while
        # pytest collects (database/headstart.py); "collected" makes the Ctrl-C land where the
        # server starts, after collection, as this test means.
        if (ready == "server directory" and any(tmpdir.glob("schemaguard-*")) and "collected" in out) or (
                ready != "server directory" and ready in out):
            break
    assert process.poll() is None, f"the run ended before {ready!r}:\n{out}"
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    return process.returncode, out + rest.decode(errors="replace")


@pytest.mark.parametrize("ready", ["behaviour[enum public.deal_stage]", "server directory"])
def test_ctrl_c_exits_like_pytest_and_leaves_no_server(project, tmpdir_for_servers, ready):
    write(project, f"{MIGRATIONS}/20250104000000_slow.sql", SLOW_TRIGGER)
    tmpdir = tmpdir_for_servers
    code, out = interrupt(project, tmpdir, ready)
    assert code == pytest.ExitCode.INTERRUPTED, out
    if ready == "server directory":
        # Meant to land while the server starts; a start from the cached empty cluster takes
        # ~0.1 s, so on a busy machine it may land in the build's first files instead, and pytest's
        # line then names where (as in test_progress). Either is pytest's own line, nothing more; a
        # line longer than the terminal gets a single "!" on each side (pytest's write_sep).
        assert re.search(r"!+ KeyboardInterrupt(: interrupted while applying [^\n]*)? !+", out), out
    else:
        assert "!!! KeyboardInterrupt !!!" in out
    assert "Traceback" not in out and "During handling" not in out
    assert "no selected item needed it" not in out
    assert not leftovers(tmpdir), out


# --------------------------------------------------------------------------- which file is collected


def test_schemaguard_file_wins_over_the_default_named_in_testpaths(pytester, project, admin_dsn):
    shutil.copy(project / YAML, project / "other.yml")
    pytester.makeini("[pytest]\ntestpaths = tests schema_expectations.yml\n")
    result = run(pytester, admin_dsn, "--schemaguard-file", "other.yml", "-m", "schemaguard_structure", "-v")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines(["other.yml::table[[]public.deals[]] PASSED*"])
    assert f"{YAML}::" not in result.stdout.str()
    # the plugin switched off: testpaths naming the file is no "not found" either
    plain = pytester.runpytest(*QUIET)
    assert plain.ret == pytest.ExitCode.NO_TESTS_COLLECTED, plain.stdout.str() + plain.stderr.str()


# --------------------------------------------------------------------------- cost of a plain run


def test_importing_the_plugin_imports_nothing_heavy():
    code = ("import sys, pytest_schemaguard.plugin\n"
            "print(sorted(m for m in ('psycopg', 'sqlglot', 'yaml', 'hypothesis', 'pytest_schemaguard.session',"
            " 'pytest_schemaguard.expectations.model') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_sqlglot_is_imported_only_when_sql_is_read():
    """Collection imports the session, the items and every provider, not sqlglot (~0.3 s): the
    first statement lint or a bridge reads imports it, in a cold build on the thread that runs
    while initdb does."""
    code = ("import sys\n"
            "import pytest_schemaguard.session, pytest_schemaguard.items\n"
            "from pytest_schemaguard.providers import discover_preparers\n"
            "discover_preparers()\n"
            "print('sqlglot' in sys.modules)\n"
            "from pytest_schemaguard.lint.statements import analyse\n"
            "print(analyse('create index i on t (a)').kind, 'sqlglot' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == ["False", "create_index True"]
