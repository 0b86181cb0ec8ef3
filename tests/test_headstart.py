"""initdb while pytest collects (database/headstart.py): used when the run builds, gone without a
trace when no item needs the database or the run is interrupted, never used across a mismatch.

Real initdb and real servers under a TMPDIR of the test's own."""

from __future__ import annotations

import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from lifecycle_support import processes_naming, server_dirs_in, start_pytest, write_tiny_project

from pytest_schemaguard.database.headstart import HeadStart
from pytest_schemaguard.database.server import find_bindir


@pytest.fixture
def tmpdir_for_servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="sg_test_tmpdir_"))
    path.chmod(0o755)  # the server's account (when root) must enter it
    monkeypatch.setenv("TMPDIR", str(path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # mkdtemp reads TMPDIR again
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


def test_a_taken_head_start_is_a_server_that_starts(tmpdir_for_servers: Path) -> None:
    bindir = find_bindir(None)
    head = HeadStart(bindir, frozenset()).begin()
    assert len(server_dirs_in(tmpdir_for_servers)) == 1  # made at once, marked with its owner
    server = head.take(bindir, frozenset())
    assert server is not None and server.initialised_ahead
    try:
        server.start()
        with psycopg.connect(server.admin_info().conninfo()) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    finally:
        server.stop()
    head.discard()  # taken: nothing left to discard
    assert server_dirs_in(tmpdir_for_servers) == []


def test_a_mismatch_is_not_used_and_leaves_nothing(tmpdir_for_servers: Path) -> None:
    bindir = find_bindir(None)
    head = HeadStart(bindir, frozenset()).begin()
    assert head.take(bindir, frozenset({"pg_cron"})) is None  # another server was asked for
    assert server_dirs_in(tmpdir_for_servers) == []


@pytest.mark.parametrize("after", [0.0, 0.1, 0.3])
def test_discarding_while_initdb_runs_leaves_nothing(tmpdir_for_servers: Path, after: float) -> None:
    head = HeadStart(find_bindir(None), frozenset()).begin()
    time.sleep(after)
    head.discard()
    head.discard()  # twice is harmless
    assert server_dirs_in(tmpdir_for_servers) == []
    assert processes_naming(tmpdir_for_servers) == []


def test_a_cold_run_uses_it_a_warm_one_does_not(tmp_path: Path, tmpdir_for_servers: Path) -> None:
    project = write_tiny_project(tmp_path / "project")
    cache = tmp_path / "cache"
    outputs = []
    for _ in range(2):
        child = start_pytest(project, tmpdir_for_servers, "-vv", SCHEMAGUARD_NO_CACHE="",  # -q is given: -vv is -v
                             SCHEMAGUARD_CACHE_DIR=str(cache))
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, out + err
        outputs.append(out)
    assert "schemaguard: time: server start" in outputs[0], outputs[0]
    assert "(initdb ran during collection)" in outputs[0], outputs[0]
    assert "cache hit" in outputs[1] and "initdb ran during collection" not in outputs[1], outputs[1]
    assert server_dirs_in(tmpdir_for_servers) == []


def test_sigint_during_collection_leaves_nothing(tmp_path: Path, tmpdir_for_servers: Path) -> None:
    """A conftest that sleeps while pytest collects: the head start's initdb runs meanwhile."""
    project = write_tiny_project(tmp_path / "project")
    (project / "test_slow_collect.py").write_text("import time\ntime.sleep(30)\n")
    child = start_pytest(project, tmpdir_for_servers)
    deadline = time.monotonic() + 60
    while not server_dirs_in(tmpdir_for_servers) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server_dirs_in(tmpdir_for_servers), "no head start began"
    time.sleep(0.2)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert "INTERNALERROR" not in out + err, out + err
    assert server_dirs_in(tmpdir_for_servers) == [], out + err
    assert processes_naming(tmpdir_for_servers) == []
