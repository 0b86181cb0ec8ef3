"""Finding the server binaries, DSN handling and the errors users see (no mocks of psycopg)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytest_schemaguard.database import server
from pytest_schemaguard.database.server import ConnectionInfo, check_reachable, find_bindir, parse_dsn, scrub
from pytest_schemaguard.errors import ServerError


def test_explicit_directory_without_binaries_names_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ServerError) as error:
        find_bindir(str(tmp_path))
    message = str(error.value)
    assert str(tmp_path) in message
    assert "initdb, pg_ctl, postgres" in message
    assert "/usr/lib/postgresql/15/bin" in message


def test_discovery_failure_lists_every_place_and_the_fixes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_config, no pg_ctl
    monkeypatch.setattr(server, "BINDIR_PATTERNS", (str(tmp_path / "pg-*" / "bin"),))
    (tmp_path / "pg-14" / "bin").mkdir(parents=True)  # exists, but holds no binaries
    with pytest.raises(ServerError) as error:
        find_bindir(None)
    message = str(error.value)
    assert "pg_config --bindir: pg_config not on PATH" in message
    assert "PATH: no pg_ctl on PATH" in message
    assert f"{tmp_path}/pg-14/bin (no initdb/pg_ctl/postgres there)" in message
    assert "apt-get install -y postgresql" in message
    assert "--schemaguard-pg-bin" in message and "--schemaguard-dsn" in message


def test_discovery_finds_a_real_installation() -> None:
    bindir = find_bindir(os.environ.get("SCHEMAGUARD_PG_BIN"))
    assert all((bindir / exe).exists() for exe in ("initdb", "pg_ctl", "postgres"))


def test_versioned_directories_are_tried_newest_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = find_bindir(None)
    for version in ("9.6", "14", "16"):
        (tmp_path / version).mkdir()
    (tmp_path / "16" / "bin").symlink_to(real)
    (tmp_path / "14" / "bin").symlink_to(real)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(server, "BINDIR_PATTERNS", (str(tmp_path / "*" / "bin"),))
    assert find_bindir(None) == tmp_path / "16" / "bin"


def test_dsn_parsing_keeps_the_password_out_of_display() -> None:
    info = parse_dsn("postgresql://app:s3cret@db.example:6543/postgres?sslmode=require")
    assert (info.host, info.port, info.user, info.dbname) == ("db.example", 6543, "app", "postgres")
    assert info.options == {"sslmode": "require"}
    assert "s3cret" not in info.display() and "s3cret" not in repr(info)
    assert "s3cret" in info.conninfo()  # it is still used to connect


def test_invalid_dsn_is_a_clear_error() -> None:
    with pytest.raises(ServerError, match="not a valid connection string"):
        parse_dsn("host=localhost port")
    with pytest.raises(ServerError, match="--schemaguard-dsn: port must be a number, found 'notaport'"):
        parse_dsn("postgresql://u:pw@db:notaport/postgres")


def test_scrub_removes_passwords() -> None:
    assert scrub("failed for password=hunter2 x", None) == "failed for password=******** x"
    assert "hunter2" not in scrub("user x:hunter2@host", "hunter2")


def test_unreachable_server_error_names_it_without_the_password() -> None:
    info = ConnectionInfo(host="127.0.0.1", port=1, user="postgres", dbname="postgres", password="topsecret")
    with pytest.raises(ServerError) as error:
        check_reachable(info)
    message = str(error.value)
    assert "postgresql://postgres@127.0.0.1:1/postgres" in message
    assert "Connection refused" in message or "connection" in message.lower()
    assert "topsecret" not in message


def test_private_server_runs_unprivileged_and_is_removed(pg_admin: ConnectionInfo) -> None:
    bindir = find_bindir(os.environ.get("SCHEMAGUARD_PG_BIN"))
    private = server.PrivateServer(bindir).start()
    basedir = private.basedir
    assert basedir is not None and basedir.exists()
    try:
        import psycopg

        with psycopg.connect(private.admin_info().conninfo()) as conn:
            pid = conn.execute("select pg_backend_pid()").fetchone()[0]
        owner = os.stat(f"/proc/{pid}").st_uid if Path(f"/proc/{pid}").exists() else None
        if os.geteuid() == 0 and owner is not None:
            assert owner != 0, "the server must not run as root"
    finally:
        private.stop()
    assert not basedir.exists()
