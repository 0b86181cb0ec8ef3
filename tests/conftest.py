"""Shared fixtures for the test suite: a real PostgreSQL the suite starts, throwaway databases.

The suite starts one private server for the whole session (with the plugin's own server code,
so that path is exercised on every run) unless SCHEMAGUARD_TEST_ADMIN_DSN names a server to use.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator

import psycopg
import pytest

# pytester's in-process runs drop every module a run imported when it ends. The plugin imports its
# heavy modules lazily, so each run would import yaml again while libyaml's C parser (an extension
# module, never unloaded) still makes events of the first import's classes. Import everything once,
# here, so the in-process runs share one copy (as a real pytest process does).
from history_support import preload
from psycopg import sql

from pytest_schemaguard.database.server import ConnectionInfo, PrivateServer, find_bindir, parse_dsn

preload()
# The build cache is off for the suite, so that every run builds what its test asserts about; the
# cache tests turn it on with a cache directory of their own. Set at import, so in-process
# (pytester) and child runs alike inherit it; never the user's ~/.cache either way.
os.environ["SCHEMAGUARD_NO_CACHE"] = "1"
# pytest prints whole failure messages in the short summary when it sees a CI variable; the runs
# the tests make (pytester, child processes) must print the same in CI as on a developer's machine.
for _ci_variable in ("CI", "BUILD_NUMBER"):
    os.environ.pop(_ci_variable, None)
os.environ["SCHEMAGUARD_CACHE_DIR"] = tempfile.mkdtemp(prefix="sg_test_cache_")


@pytest.fixture(scope="session", autouse=True)
def _suite_cache_dir() -> Iterator[None]:
    yield
    shutil.rmtree(os.environ["SCHEMAGUARD_CACHE_DIR"], ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[ConnectionInfo]:
    """Superuser connection info of a server the tests may create databases on."""
    dsn = os.environ.get("SCHEMAGUARD_TEST_ADMIN_DSN")
    if dsn:
        yield parse_dsn(dsn)
        return
    server = PrivateServer(find_bindir(os.environ.get("SCHEMAGUARD_PG_BIN"))).start()
    try:
        yield server.admin_info()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def admin_dsn(pg_admin: ConnectionInfo) -> str:
    """A DSN for --schemaguard-dsn: the plugin makes its own throwaway database there."""
    return pg_admin.conninfo()


@pytest.fixture
def scratch_conn(admin_dsn: str) -> Iterator[psycopg.Connection]:
    """A connection to a fresh, empty database that is dropped afterwards."""
    name = f"sg_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with psycopg.connect(psycopg.conninfo.make_conninfo(admin_dsn, dbname=name)) as conn:
            yield conn
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(autouse=True)
def quiet_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's build progress on stderr is tested in test_progress.py; elsewhere stderr holds
    only what a test asserts (SCHEMAGUARD_QUIET is the documented -q, also for subprocesses)."""
    monkeypatch.setenv("SCHEMAGUARD_QUIET", "1")
