"""Where private servers live (database/location.py): the order of choices, the tmpfs test, the
error for a bad SCHEMAGUARD_SERVER_DIR, and the sweep finding leftovers wherever they are."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pytest_schemaguard.database.location import SERVER_DIR_ENV, SHM, candidates, roomy_tmpfs, server_base
from pytest_schemaguard.database.owner import Owner, current_owner, write_marker
from pytest_schemaguard.database.sweep import server_dirs, sweep_server_dirs
from pytest_schemaguard.errors import ServerError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_temp_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (SERVER_DIR_ENV, "TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir reads the environment again


def _mounted_as(path: Path) -> str | None:
    kinds = [line.split()[2] for line in Path("/proc/self/mounts").read_text().splitlines()
             if line.split()[1] == str(path.resolve())]
    return kinds[-1] if kinds else None


def test_the_user_s_directory_comes_first(no_temp_vars: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv(SERVER_DIR_ENV, str(tmp_path))
    assert server_base() == tmp_path
    assert candidates()[0] == tmp_path


def test_a_missing_server_dir_is_an_error_naming_the_variable(no_temp_vars: None, monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    monkeypatch.setenv(SERVER_DIR_ENV, str(tmp_path / "nope"))
    with pytest.raises(ServerError, match=f"{SERVER_DIR_ENV}=.*nope: not a directory"):
        server_base()
    assert tmp_path / "nope" not in candidates()  # the sweep still looks in the other places


def test_tmpdir_set_means_the_temp_directory(no_temp_vars: None, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert server_base() == tmp_path


def test_without_a_choice_dev_shm_when_it_is_a_roomy_tmpfs(no_temp_vars: None) -> None:
    roomy = (SHM.is_dir() and _mounted_as(SHM) == "tmpfs" and os.access(SHM, os.W_OK)
             and os.statvfs(SHM).f_bavail * os.statvfs(SHM).f_frsize >= 2 * 1024**3)
    assert roomy_tmpfs(SHM) is roomy
    assert server_base() == (SHM if roomy else Path(tempfile.gettempdir()))


def test_only_a_tmpfs_counts(tmp_path: Path) -> None:
    assert roomy_tmpfs(Path("/proc")) is False  # proc, not tmpfs
    assert roomy_tmpfs(tmp_path / "missing") is False
    if _mounted_as(tmp_path) != "tmpfs":
        assert roomy_tmpfs(tmp_path) is False  # a directory, not a mount point


def test_the_sweep_finds_a_dead_run_s_server_dir_in_the_chosen_place(
        no_temp_vars: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(SERVER_DIR_ENV, str(tmp_path))
    me = current_owner()
    dead = tmp_path / "schemaguard-dead"
    dead.mkdir()
    write_marker(dead, Owner(me.host, 2**22 + 7, me.started, me.boot))  # no such pid: gone
    alive = tmp_path / "schemaguard-alive"
    alive.mkdir()
    write_marker(alive, me)
    assert {d.path for d in server_dirs()} >= {dead, alive}
    removed = [d.path for d, error in sweep_server_dirs() if error is None]
    assert dead in removed and not dead.exists()
    assert alive.exists()  # a live run's directory is never touched


def test_a_bad_server_dir_stops_the_run_with_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "supabase" / "migrations").mkdir(parents=True)
    (project / "supabase" / "migrations" / "20250101000000_a.sql").write_text("CREATE TABLE public.a (id int);\n")
    (project / "schema_expectations.yml").write_text("tables:\n  public.a:\n    columns: {id: integer}\n")
    (project / "pytest.ini").write_text("[pytest]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCHEMAGUARD_", "PYTEST_"))}
    env.update({SERVER_DIR_ENV: str(tmp_path / "nope"), "SCHEMAGUARD_NO_CACHE": "1",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))})
    result = subprocess.run([sys.executable, "-m", "pytest", "--schemaguard", "-p", "no:cacheprovider", "-q"],
                            cwd=project, env=env, capture_output=True, text=True, timeout=120)
    out = result.stdout + result.stderr
    assert result.returncode == 4, out
    assert f"{SERVER_DIR_ENV}={tmp_path / 'nope'}: not a directory" in out
    assert "Traceback" not in out and "INTERNALERROR" not in out


def test_a_relative_server_dir_is_made_absolute(no_temp_vars: None, monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    (tmp_path / "servers").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(SERVER_DIR_ENV, "servers")
    assert server_base() == tmp_path / "servers"  # pg_ctl runs in another directory
