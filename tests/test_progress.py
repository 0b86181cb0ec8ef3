"""The build says where it is while it runs, names the statement a Ctrl-C stopped, and sends a
plain file in one round trip while failures keep their file:line.

Progress: pytest (``-v`` lines before the first result; nothing extra when not verbose on a pipe),
the command (``[n/N] file`` on stderr, none with ``-q``), and SIGINT during a slow migration in
real subprocesses (pytest exits 2, the command 130, no server left). Round trips: the observable
is ``current_query()``, which is the whole file when the file went as one message.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from history_support import MIGRATIONS, YAML, copy_crm, line_of, run_cli, run_pytest
from test_build import build, failure, tables
from test_run_flow import leftovers, subprocess_env, tmpdir_for_servers  # noqa: F401  (a fixture)

from pytest_schemaguard.progress import StreamProgress, reporting

CRM_FILES = ["20250101000000_organizations.sql", "20250102000000_deals.sql", "20250103000000_summary.sql", "seed.sql"]
SLOW = "20250104000000_slow.sql"
SLOW_SQL = ("create table public.slow_marker (id int);\nselect pg_sleep(30);\n"
            "create table public.after_sleep (id int);\n")


# --------------------------------------------------------------------------- pytest


def test_verbose_run_shows_each_file_in_order_before_the_first_result(pytester, admin_dsn):
    copy_crm(pytester.path)
    result = run_pytest(pytester, admin_dsn, "-v")
    lines = result.stdout.lines
    shown = [i for i, line in enumerate(lines) if line.startswith("schemaguard: applying ")]
    expected = [f"schemaguard: applying {name} ({n}/4) " for n, name in enumerate(CRM_FILES, 1)]
    assert [lines[i][: len(e)] for i, e in zip(shown, expected, strict=True)] == expected, lines
    assert all(lines[i].rstrip().endswith("s") for i in shown)  # each with its time
    first_result = next(i for i, line in enumerate(lines) if " PASSED" in line or " FAILED" in line)
    assert shown[-1] < first_result
    result.assert_outcomes(passed=result.parseoutcomes()["passed"])


def test_a_quiet_run_on_a_pipe_has_no_progress_noise(pytester, admin_dsn):
    copy_crm(pytester.path)
    result = run_pytest(pytester, admin_dsn)
    text = result.stdout.str()
    assert "applying" not in text and "[1/4]" not in text and "\r" not in text
    assert result.ret == 0, text


# --------------------------------------------------------------------------- the command


@pytest.mark.parametrize("command", ["lint", "snapshot"])
def test_the_command_reports_each_file_on_stderr_and_is_quiet_with_q(tmp_path, capsys, admin_dsn, command,
                                                                     monkeypatch):
    monkeypatch.delenv("SCHEMAGUARD_QUIET")
    root = copy_crm(tmp_path, "snapshot: schema.sql")
    code, out, err = run_cli(capsys, root, admin_dsn, command)
    assert code == 0, err
    shown = [line for line in err.splitlines() if line.startswith("[")]
    # snapshot then loads the file it wrote into another database: a build of its own, reported too
    assert shown[:4] == [f"[{n}/4] {name}" for n, name in enumerate(CRM_FILES, 1)], err
    assert "\x1b[" not in err and "\r" not in err  # not a terminal: plain lines
    assert "[1/" not in out  # stdout stays the command's result

    code, out, err = run_cli(capsys, root, admin_dsn, command, "-q")
    assert code == 0 and "[1/" not in err, err
    monkeypatch.setenv("SCHEMAGUARD_QUIET", "1")
    code, out, err = run_cli(capsys, root, admin_dsn, command)
    assert code == 0 and "[1/" not in err, err


class FakeTerminal:
    """A stream that says it is a terminal (the only stand-in here: for isatty, not for PostgreSQL)."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("no_color", ["", "1"])
def test_on_a_terminal_one_status_line_is_rewritten_and_no_color_is_honoured(scratch_conn, tmp_path, monkeypatch,
                                                                            no_color):
    monkeypatch.setenv("NO_COLOR", no_color)
    terminal = FakeTerminal()
    with reporting(StreamProgress(terminal)):  # type: ignore[arg-type]
        result = build(scratch_conn, tmp_path, "create table a (id int);", "create table b (id int);")
    assert result.ok
    assert "\r[1/2] 1_m1.sql" in terminal.text.replace("\x1b[36m", "") and "\n" not in terminal.text
    assert terminal.text.endswith("\r")  # the status line is cleared once the build is over
    assert ("\x1b[" in terminal.text) is (not no_color)


# --------------------------------------------------------------------------- Ctrl-C


def _wait_for(process: subprocess.Popen[bytes], text: str, stream_fd: int) -> str:
    out, deadline = "", time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None and text not in out:
        if select.select([stream_fd], [], [], 0.05)[0]:
            out += os.read(stream_fd, 65536).decode(errors="replace")
    assert text in out and process.poll() is None, out
    return out


def _slow_project(root: Path) -> str:
    copy_crm(root, "snapshot: schema.sql")
    (root / MIGRATIONS / SLOW).write_text(SLOW_SQL, encoding="utf-8")
    return f"interrupted while applying {MIGRATIONS}/{SLOW}:{line_of(root / MIGRATIONS / SLOW, 'pg_sleep')} " \
           "(select pg_sleep(30))"


def test_ctrl_c_in_pytest_names_the_file_and_statement(tmp_path, tmpdir_for_servers):  # noqa: F811
    where = _slow_project(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "--schemaguard", "-p", "no:cacheprovider", "-v"],
        cwd=tmp_path, env=subprocess_env(tmpdir_for_servers), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    assert process.stdout is not None
    out = _wait_for(process, f"schemaguard: applying {SLOW}", process.stdout.fileno())
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    out += rest.decode(errors="replace")
    assert process.returncode == pytest.ExitCode.INTERRUPTED, out
    assert f"KeyboardInterrupt: {where}" in out  # pytest's own !!! line
    assert f"schemaguard: the build was {where}" in out  # the summary
    assert "Traceback" not in out and "INTERNALERROR" not in out
    assert not leftovers(tmpdir_for_servers), out


# lint runs the files it analyses statement by statement; snapshot sends each file as one message
@pytest.mark.parametrize("command", ["lint", "snapshot"])
def test_ctrl_c_in_the_command_names_the_file_and_statement(tmp_path, tmpdir_for_servers, command,  # noqa: F811
                                                            monkeypatch):
    monkeypatch.delenv("SCHEMAGUARD_QUIET")
    where = _slow_project(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_schemaguard.cli", command, "--file", str(tmp_path / YAML)],
        cwd=tmp_path, env=subprocess_env(tmpdir_for_servers), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True)
    assert process.stderr is not None
    err = _wait_for(process, f"[4/5] {SLOW}", process.stderr.fileno())
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    err += rest.decode(errors="replace")
    assert process.returncode == 130, err
    assert f"schemaguard {command}: {where}" in err
    assert "Traceback" not in err
    assert not leftovers(tmpdir_for_servers), err


# --------------------------------------------------------------------------- one round trip per file


def test_a_plain_file_goes_to_the_server_as_one_message(scratch_conn, tmp_path):
    text = "create table a (id int);\ncreate table q as select current_query() as q;\n"
    result = build(scratch_conn, tmp_path, text)
    assert result.ok and result.migrations[0].statements == 2
    assert scratch_conn.execute("select q from q").fetchone() == (text,)


COPY_FILE = ("create table a (id int, b text);\n-- rows\nCOPY a (id, b) FROM stdin;\n1\tone\n2\ttwo\n\\.\n"
             "create table q as select current_query() as q;\n\n  select 1;\n")


def test_a_file_with_copy_goes_as_runs_between_the_copies(scratch_conn, tmp_path):
    """pg_dump baselines: the statements between two COPY blocks go in one message, each COPY
    with its rows in another, all in the file's one transaction."""
    result = build(scratch_conn, tmp_path, COPY_FILE)
    assert result.ok and result.migrations[0].statements == 4
    assert scratch_conn.execute("select q from q").fetchone() == ("create table q as select current_query() as q;\n\n"
                                                                   "  select 1",)
    assert scratch_conn.execute("select id, b from a order by id").fetchall() == [(1, "one"), (2, "two")]


@pytest.mark.parametrize(("tail", "line", "error_line", "message"), [
    ("select 1;\ncreate view v as\n  select nope from a;\n", 11, 12, 'column "nope" does not exist'),
    ("do $$ begin raise exception 'boom'; end $$;\n", 10, None, "boom"),  # no position: the file runs again
])
def test_a_failure_after_a_copy_is_located_in_the_file(scratch_conn, tmp_path, tail, line, error_line, message):
    found = failure(build(scratch_conn, tmp_path, COPY_FILE + tail))
    assert (found.line, found.error_line, found.message) == (line, error_line, message)
    assert tables(scratch_conn) == set()  # the whole file was rolled back


def test_a_bad_row_between_batches_is_located_at_its_line(scratch_conn, tmp_path):
    found = failure(build(scratch_conn, tmp_path, COPY_FILE.replace("2\ttwo", "x\ttwo")))
    assert (found.line, found.error_line, found.sqlstate) == (3, 5, "22P02")
    assert tables(scratch_conn) == set()


def test_a_file_with_a_bridge_or_a_wrapper_runs_statement_by_statement(scratch_conn, tmp_path):
    wrapped = "begin;\ncreate table q as select current_query() as q;\ncommit;\n"
    assert build(scratch_conn, tmp_path, wrapped).ok
    assert scratch_conn.execute("select q from q").fetchone() == ("create table q as select current_query() as q",)


def test_a_failure_in_the_batch_is_located_from_the_servers_position(scratch_conn, tmp_path):
    text = "create table a (id int);\n\n-- a comment\ncreate view v as\n  select id,\n    nope from a;\n"
    found = failure(build(scratch_conn, tmp_path, text))
    assert (found.line, found.error_line) == (4, 6)
    assert found.statement == "create view v as\n  select id,\n    nope from a"
    assert found.message == 'column "nope" does not exist'
    assert {r[0] for r in scratch_conn.execute("select tablename from pg_tables where schemaname='public'")} == set()


def test_a_failure_without_a_position_is_located_by_running_the_file_again(scratch_conn, tmp_path):
    text = ("create table a (id int primary key);\ninsert into a values (1);\n"
            "insert into a\n  values (1);\ncreate table b (id int);\n")
    found = failure(build(scratch_conn, tmp_path, text))
    assert found.line == 3 and found.statement == "insert into a\n  values (1)"
    assert found.sqlstate == "23505" and found.detail == "Key (id)=(1) already exists."


def test_a_timeout_in_the_batch_is_located_without_waiting_again(scratch_conn, tmp_path):
    text = "create table a (id int);\nselect 1;\nselect pg_sleep(5);\n"
    started = time.perf_counter()
    found = failure(build(scratch_conn, tmp_path, text, statement_timeout="300ms"))
    assert time.perf_counter() - started < 2.5
    assert found.line == 3 and found.sqlstate == "57014"
    assert isinstance(scratch_conn, psycopg.Connection)


# --------------------------------------------------------------------------- statements scanned once


def test_build_and_lint_share_one_scan_of_each_file(scratch_conn, tmp_path, monkeypatch):
    import pytest_schemaguard.lint.suppress as suppress
    import pytest_schemaguard.migrations as migrations_module
    from pytest_schemaguard.database.build import build_database
    from pytest_schemaguard.lint.run import lint_file
    from pytest_schemaguard.migrations import discover_migrations

    scanned: list[str] = []
    real = migrations_module.scan_script

    def counting(text: str):  # type: ignore[no-untyped-def]
        scanned.append(text)
        return real(text)

    monkeypatch.setattr(migrations_module, "scan_script", counting)
    monkeypatch.setattr(suppress, "scan_script", counting)
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "1_a.sql").write_text("create table a (id int);\n", encoding="utf-8")
    ignoring = "-- schemaguard: ignore truncate, missing_lock_timeout\ntruncate a;\n"
    (directory / "2_b.sql").write_text(ignoring, encoding="utf-8")
    found = discover_migrations(directory).migrations
    assert build_database(scratch_conn, root=tmp_path, migrations=found, flavor="postgres").ok
    assert [f.rule for m in found for f in lint_file(m, None)] == []  # the ignore comment was read
    assert len(scanned) == 2  # one scan per file, for the build and lint alike
