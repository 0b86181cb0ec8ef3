"""Server and database lifecycle: kept servers, interrupts at any moment, killed runs, secrets.

Every test runs real ``pytest --schemaguard`` child processes against real PostgreSQL, each with
its own TMPDIR, and then looks for what is left: server directories, PostgreSQL processes naming
them, and databases carrying the run's pid.
"""

from __future__ import annotations

import random
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from lifecycle_support import (
    EXPECTATIONS,
    databases_of,
    processes_naming,
    run_schemaguard,
    server_dirs_in,
    start_pytest,
    write_tiny_project,
)

from pytest_schemaguard.database import server
from pytest_schemaguard.database.owner import read_marker
from pytest_schemaguard.errors import ServerError

NO_HYPOTHESIS = ("-p", "no:hypothesispytest")  # its summary import costs seconds per child


@pytest.fixture
def tmp_path(tmp_path: Path) -> Iterator[Path]:
    """A TMPDIR per test that the server's account can enter (pytest's own is 0700, root's)."""
    path = Path(tempfile.mkdtemp(prefix="sgtest-", dir="/tmp"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> tuple[str, str]:
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"run did not end within {timeout}s:\n{out}\n{err}") from None


# --------------------------------------------------------------------------- --schemaguard-keep


def test_kept_private_server_outlives_pytest_and_cleanup_kept_removes_it(tmp_path: Path) -> None:
    project = write_tiny_project(tmp_path / "project")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    out, err = finish(start_pytest(project, tmpdir, "--schemaguard-keep", *NO_HYPOTHESIS))
    assert "passed" in out, out + err
    [kept] = server_dirs_in(tmpdir)
    assert f"stop the server and remove its files when done: schemaguard cleanup --kept {kept}" in out
    connect = next(line for line in out.splitlines() if "connect: psql" in line)
    _, _, host, _, port, _, user, _, dbname = connect.split(": ", 1)[1].split()
    # pytest has exited: the server it kept must still answer, at the printed address.
    with psycopg.connect(host=host, port=port, user=user, dbname=dbname) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    owner = read_marker(kept)
    assert owner is not None and owner.kept

    # A plain cleanup lists it and leaves it alone; --kept DIR stops it and removes its files.
    listed = run_schemaguard("cleanup", tmpdir=tmpdir)
    assert listed.returncode == 0, listed.stderr
    assert f"kept server {kept}" in listed.stdout and f"port {port}" in listed.stdout
    assert kept.exists() and processes_naming(kept)
    stopped = run_schemaguard("cleanup", "--kept", str(kept), tmpdir=tmpdir)
    assert stopped.returncode == 0, stopped.stderr
    assert f"stopped and removed {kept}" in stopped.stdout
    assert not kept.exists()
    assert processes_naming(kept) == []
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host=host, port=port, user=user, dbname=dbname, connect_timeout=3)


def test_kept_database_in_dsn_mode_is_listed_and_dropped_only_with_kept(tmp_path: Path, admin_dsn: str) -> None:
    project = write_tiny_project(tmp_path / "project")
    run = start_pytest(project, tmp_path, *NO_HYPOTHESIS, "--schemaguard-keep", f"--schemaguard-dsn={admin_dsn}")
    out, err = finish(run)
    [kept] = databases_of(admin_dsn, [run.pid])
    assert f"drop it when done: DROP DATABASE {kept};" in out, out + err
    assert "schemaguard cleanup --kept --dsn URL" in out

    listed = run_schemaguard("cleanup", "--list", "--dsn", admin_dsn, tmpdir=tmp_path)
    assert f"database {kept} on " in listed.stdout and "kept" in listed.stdout
    plain = run_schemaguard("cleanup", "--dsn", admin_dsn, tmpdir=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert f"kept database {kept}" in plain.stdout
    assert databases_of(admin_dsn, [run.pid]) == [kept]
    dropped = run_schemaguard("cleanup", "--kept", "--dsn", admin_dsn, tmpdir=tmp_path)
    assert dropped.returncode == 0, dropped.stderr
    assert f"dropped database {kept}" in dropped.stdout
    assert databases_of(admin_dsn, [run.pid]) == []


def test_cleanup_kept_without_a_directory_removes_every_kept_server(tmp_path: Path) -> None:
    project = write_tiny_project(tmp_path / "project")
    out, err = finish(start_pytest(project, tmp_path, *NO_HYPOTHESIS, "--schemaguard-keep"))
    assert "passed" in out, out + err
    [kept] = server_dirs_in(tmp_path)
    listed = run_schemaguard("cleanup", "--list", tmpdir=tmp_path)
    assert f"server {kept} (port " in listed.stdout and "kept" in listed.stdout
    result = run_schemaguard("cleanup", "--kept", tmpdir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"stopped and removed {kept}" in result.stdout
    assert server_dirs_in(tmp_path) == [] and processes_naming(kept) == []


def test_cleanup_never_touches_a_live_sessions_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    live = server.PrivateServer(server.find_bindir(None)).start()
    try:
        assert live.basedir is not None
        result = run_schemaguard("cleanup", "--kept", tmpdir=tmp_path)
        assert result.returncode == 0, result.stderr
        assert live.basedir.exists() and processes_naming(live.basedir)
        named = run_schemaguard("cleanup", "--kept", str(live.basedir), tmpdir=tmp_path)
        assert named.returncode == 2
        assert "belongs to a run that is still going" in named.stderr
        assert live.basedir.exists()
    finally:
        live.stop()


def test_cleanup_without_kept_refuses_named_directories(tmp_path: Path) -> None:
    result = run_schemaguard("cleanup", str(tmp_path), tmpdir=tmp_path)
    assert result.returncode == 2
    assert "naming server directories stops kept servers: add --kept" in result.stderr


# --------------------------------------------------------------------------- SCHEMAGUARD_PG_USER


def test_a_pg_user_that_does_not_exist_is_an_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEMAGUARD_PG_USER", "nosuchuser")
    with pytest.raises(ServerError) as error:
        server.PrivateServer(server.find_bindir(None))
    message = str(error.value)
    assert "SCHEMAGUARD_PG_USER is 'nosuchuser', but there is no such account" in message
    assert "useradd --system nosuchuser" in message and "unset it" in message


def test_a_pg_user_that_is_root_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEMAGUARD_PG_USER", "root")
    with pytest.raises(ServerError, match="SCHEMAGUARD_PG_USER is 'root', which is root"):
        server.PrivateServer(server.find_bindir(None))


# --------------------------------------------------------------------------- interrupts


# Where a private run is when it is interrupted: a file that appears at that step, then a short delay.
PRIVATE_PHASES = {
    "temp dir made": "",
    "initdb running": "data",
    "server starting": "postgresql.log",
    "server up": "data/postmaster.pid",
}


@dataclass
class Interruption:
    mode: str
    sig: signal.Signals
    phase: str
    delay: float
    delivered: bool = False
    output: str = ""
    pid: int = 0


def _wait_for(proc: subprocess.Popen[str], ready: object, limit: float = 90) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if ready():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


def _interrupt(case: Interruption, tmp: Path, project: Path, admin_dsn: str) -> Interruption:
    tmp.mkdir()
    tag = f"sgint_{tmp.name}"
    args = [*NO_HYPOTHESIS, *([f"--schemaguard-dsn={admin_dsn}"] if case.mode == "dsn" else [])]
    proc = start_pytest(project, tmp, *args, PGAPPNAME=tag)
    case.pid = proc.pid

    def private_ready() -> bool:
        dirs = server_dirs_in(tmp)
        return bool(dirs) and (dirs[0] / PRIVATE_PHASES[case.phase]).exists()

    def dsn_ready() -> bool:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            if case.phase == "connecting":
                query = "SELECT 1 FROM pg_stat_activity WHERE application_name = %s"
                return conn.execute(query, (tag,)).fetchone() is not None
            query = "SELECT 1 FROM pg_database WHERE datname LIKE %s"
            return conn.execute(query, (f"schemaguard%\\_{proc.pid}\\_%",)).fetchone() is not None

    if _wait_for(proc, private_ready if case.mode == "private" else dsn_ready):
        time.sleep(case.delay)
        if proc.poll() is None:
            proc.send_signal(case.sig)
            case.delivered = True
    out, err = finish(proc)
    case.output = out + err
    return case


# pytest's last line: "7 passed in 0.68s" with -q, "==== 7 passed in 0.68s ====" without it.
FINAL_SUMMARY = re.compile(r"^.*\b(?:passed|failed|errors?|skipped|deselected|no tests ran)\b.* in [\d.]+s\b.*$",
                           re.MULTILINE)


def traceback_of_ours(output: str) -> bool:
    """An INTERNALERROR or a traceback, except one case outside the plugin: a Ctrl-C that lands
    after pytest printed its final summary (our clean-up is done by then; the KeyboardInterrupt
    is raised inside pytest's own last clean-up, as it would be without the plugin). Leftovers
    are still checked for every run."""
    if "INTERNALERROR" in output:
        return True
    if "Traceback" not in output:
        return False
    summary = next(reversed(list(FINAL_SUMMARY.finditer(output))), None)
    if summary is None:
        return True
    before, after = output[:summary.end()], output[summary.end():]
    return "Traceback" in before or "KeyboardInterrupt" not in after or "pytest_schemaguard" in after


def test_interrupts_at_random_moments_leave_nothing(tmp_path: Path, admin_dsn: str) -> None:
    """SIGINT and SIGTERM, private and DSN mode, at every step of server start, build and close."""
    rng = random.Random(20261201)
    project = write_tiny_project(tmp_path / "project")
    cases = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        for phase in [*PRIVATE_PHASES, "initdb running"]:
            cases.append(Interruption("private", sig, phase, rng.uniform(0, 0.4)))
        cases += [Interruption("dsn", sig, "connecting", rng.uniform(0, 0.6)) for _ in range(3)]
        cases += [Interruption("dsn", sig, "database made", rng.uniform(0, 0.2)) for _ in range(3)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(lambda ic: _interrupt(ic[1], tmp_path / f"run{ic[0]}", project, admin_dsn),
                             enumerate(cases)))
    left = []
    for index, case in enumerate(done):
        tmp = tmp_path / f"run{index}"
        what = f"{case.mode} {case.sig.name} at '{case.phase}' +{case.delay:.2f}s"
        assert not traceback_of_ours(case.output), f"{what}:\n{case.output}"
        left += [f"{what}: directory {d}" for d in server_dirs_in(tmp)]
        left += [f"{what}: process {p}" for p in processes_naming(tmp)]
        left += [f"{what}: database {d}" for d in databases_of(admin_dsn, [case.pid])]
    delivered = sum(case.delivered for case in done)
    print(f"interrupts delivered: {delivered} of {len(done)} runs; leftovers: {len(left)}")
    assert left == []
    assert delivered >= 20, [(c.mode, c.phase, c.delivered) for c in done]


def test_a_killed_run_is_swept_by_the_next_run(tmp_path: Path, admin_dsn: str) -> None:
    """SIGKILL leaves a running server, its directory and a database: the next run removes them."""
    project = write_tiny_project(tmp_path / "project")
    # A slow second file keeps each run inside its build when it is killed (a tiny project could
    # otherwise finish, and drop its database, between "database made" and the kill).
    (project / "supabase" / "migrations" / "20250102000000_slow.sql").write_text("select pg_sleep(5);\n")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    private = start_pytest(project, tmpdir, *NO_HYPOTHESIS)
    def server_ready() -> bool:  # postmaster.pid's status line says "ready" once connections are accepted
        pidfiles = [d / "data" / "postmaster.pid" for d in server_dirs_in(tmpdir)]
        return any(p.exists() and "ready" in p.read_text() for p in pidfiles)

    assert _wait_for(private, server_ready)
    time.sleep(0.3)
    private.kill()
    finish(private)
    other_tmpdir = tmp_path / "other"  # or the DSN run would already sweep the first one's server
    other_tmpdir.mkdir()
    dsn = start_pytest(project, other_tmpdir, *NO_HYPOTHESIS, f"--schemaguard-dsn={admin_dsn}")
    # Killed once its database is marked with its owner: CREATE DATABASE and the COMMENT that marks
    # it are two statements (CREATE DATABASE runs in no transaction block), and a kill between the
    # two, a window of a millisecond or so, leaves a database no sweep can judge.
    assert _wait_for(dsn, lambda: bool(databases_of(admin_dsn, [dsn.pid], marked=True)))
    dsn.kill()
    finish(dsn)
    [orphan] = server_dirs_in(tmpdir)
    log = (orphan / "postgresql.log").read_text(errors="replace")
    assert processes_naming(orphan), f"the killed run's server should still be running (under PID 1):\n{log}"
    [database] = databases_of(admin_dsn, [dsn.pid])

    out, err = finish(start_pytest(project, tmpdir, *NO_HYPOTHESIS, "-rA", f"--schemaguard-dsn={admin_dsn}"))
    assert "passed" in out, out + err
    assert f"removed {orphan}, left by a run that was killed (pid {private.pid} on " in out
    assert f"dropped database {database}, left by a run that was killed (pid {dsn.pid} on " in out, out + err
    assert server_dirs_in(tmpdir) == []
    assert processes_naming(orphan) == []
    assert databases_of(admin_dsn, [private.pid, dsn.pid]) == []


# --------------------------------------------------------------------------- secrets

PASSWORD = "S3cretPW"
EXPECTATIONS_WITH_A_FAILURE = EXPECTATIONS.replace("body: {type: text", "body: {type: varchar")

USER_TEST = """\
from pytest_schemaguard.items import SESSION_KEY


def test_user_check(request, schemaguard_db):
    guard = request.config.stash[SESSION_KEY]
    settings = guard.settings
    conninfo = schemaguard_db.conninfo()
    assert schemaguard_db.dbname == "not the built one"
"""

INTERNAL_ERROR = """\
from pytest_schemaguard.items import SESSION_KEY


def pytest_collection_finish(session):
    guard = session.config.stash[SESSION_KEY]
    settings = guard.settings
    raise RuntimeError("a plugin bug after the database was built")
"""


def _password_dsn(admin_dsn: str) -> str:
    """The admin server's DSN with a password (the test servers trust, so any password works)."""
    info = server.parse_dsn(admin_dsn)
    return f"postgresql://{info.user}:{PASSWORD}@{info.host}:{info.port}/{info.dbname}"


def test_passwords_never_reach_output_locals_or_junit(tmp_path: Path, admin_dsn: str) -> None:
    dsn = _password_dsn(admin_dsn)
    wrong = EXPECTATIONS_WITH_A_FAILURE
    project = write_tiny_project(tmp_path / "project", wrong)
    (project / "test_user.py").write_text(USER_TEST)
    junit = tmp_path / "junit.xml"
    out, err = finish(start_pytest(project, tmp_path, *NO_HYPOTHESIS, "-vv", "-l", "--fulltrace",
                                   f"--junitxml={junit}", f"--schemaguard-dsn={dsn}", "test_user.py",
                                   "schema_expectations.yml"))
    assert "2 failed" in out, out + err  # the user's test and the wrong column type
    # The locals are shown (-l), masked.
    assert re.search(r"conninfo\s+= 'host=.* password=\*{8}'", out), out
    assert re.search(r"settings\s+= Settings\(", out)
    for text in (out, err, junit.read_text()):
        assert PASSWORD not in text

    internal = write_tiny_project(tmp_path / "internal")
    (internal / "conftest.py").write_text(INTERNAL_ERROR)
    out, err = finish(start_pytest(internal, tmp_path, *NO_HYPOTHESIS, "-vv", "-l", "--fulltrace",
                                   f"--junitxml={junit}", SCHEMAGUARD_DSN=dsn))
    assert "INTERNALERROR" in out + err and "a plugin bug after the database was built" in out + err
    assert re.search(r"guard\s+= SchemaguardSession\(", out + err)  # the session's repr was printed, masked
    for text in (out, err, junit.read_text()):
        assert PASSWORD not in text


SIGNAL_IN_SUMMARY = """\
import os, signal, time

def pytest_terminal_summary(terminalreporter):
    os.kill(os.getpid(), signal.{name})
    time.sleep(0.2)
    terminalreporter.write_line("summary went on")
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_signal_after_the_items_waits_for_the_clean_up_then_ends_the_process(tmp_path: Path, name: str) -> None:
    """pytest catches Ctrl-C only around the items: one in the terminal summary was a traceback,
    and whether our server stopped was luck. It is now noted, acted on after the clean-up, and the
    process still ends by that signal."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    tmpdir.chmod(0o755)
    project = write_tiny_project(tmp_path / "project")
    (project / "conftest.py").write_text(SIGNAL_IN_SUMMARY.format(name=name))
    child = start_pytest(project, tmpdir)
    out, err = child.communicate(timeout=120)
    assert child.returncode == -getattr(signal, name), out + err
    assert "summary went on" in out, out
    assert "Traceback" not in out + err and "KeyboardInterrupt" not in out + err, out + err
    assert "1 passed" in out or "passed" in out, out
    assert server_dirs_in(tmpdir) == []
    assert processes_naming(tmpdir) == []
