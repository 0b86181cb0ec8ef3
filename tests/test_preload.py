"""Extensions that need ``shared_preload_libraries`` (pg_cron): the private server is started with
them when the project creates them and the server's files have them; anywhere else (a
--schemaguard-dsn server, another database) they count as unavailable, so the build skips them
with a warning that says why and ``stubs: true`` stands in, never failing on the server's setup."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest
from rules_support import EXAMPLES, YAML, preload

from pytest_schemaguard.config import command_settings
from pytest_schemaguard.database.bridges import ServerFacts, plan_statement
from pytest_schemaguard.database.server import find_bindir
from pytest_schemaguard.database.standins import preload_libraries, server_libdir, usable_extensions
from pytest_schemaguard.session import command_session

preload()


def cron_library() -> Path | None:
    libdir = server_libdir(find_bindir(None))
    return libdir / "pg_cron.so" if libdir is not None and (libdir / "pg_cron.so").is_file() else None


NO_CRON = "pg_cron is not installed for this PostgreSQL (Debian: apt-get install postgresql-NN-cron; .ci/run does)"


def test_preload_options_only_for_what_the_project_creates_and_the_server_has(tmp_path: Path) -> None:
    (tmp_path / "pg_cron.so").write_bytes(b"")
    assert preload_libraries(frozenset({"pg_cron", "vector"}), tmp_path, "schemaguard") == [
        "shared_preload_libraries=pg_cron", "cron.database_name=schemaguard"]
    assert preload_libraries(frozenset({"vector"}), tmp_path, "schemaguard") == []  # not asked for
    assert preload_libraries(frozenset({"pg_cron", "pg_net"}), tmp_path / "nowhere", "x") == []  # not there
    assert preload_libraries(frozenset({"pg_cron"}), None, "x") == []


def test_a_server_not_started_for_pg_cron_counts_it_as_unavailable(scratch_conn: psycopg.Connection) -> None:
    """The suite's server has no preload: pg_cron's files alone do not make it usable."""
    scratch_conn.autocommit = True
    usable, unloaded = usable_extensions(scratch_conn)
    listed = {r[0] for r in scratch_conn.execute("SELECT name FROM pg_available_extensions").fetchall()}
    assert "pg_cron" not in usable and "pg_net" not in usable
    assert unloaded == {"pg_cron", "pg_net"} & listed
    assert usable == listed - unloaded
    facts = ServerFacts(version_num=150000, available_extensions=usable, schema_exists=lambda _: False,
                        stubs=True, standins=frozenset({"pg_cron"}), not_preloaded=frozenset({"pg_cron"}))
    plan = plan_statement("create extension if not exists pg_cron with schema pg_catalog", facts)
    assert plan.text is None
    assert plan.warning == ("extension pg_cron is installed on this server but not preloaded for this database "
                            "(shared_preload_libraries, cron.database_name = the database being built); CREATE "
                            "EXTENSION skipped; stand-in in use (project.stubs: true)")


@pytest.mark.skipif(cron_library() is None, reason=NO_CRON)
def test_the_private_server_preloads_pg_cron_for_a_project_that_creates_it(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "history_cron", tmp_path, dirs_exist_ok=True)
    with command_session(command_settings(tmp_path / YAML)) as session:
        build = session.ensure_built()
        assert build.ok, build.failed_step
        conn = session.conn
        assert conn is not None
        assert conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'").fetchone() is not None
        # the real cron.job, scheduled by the migrations: unschedule removed the first purge job
        assert conn.execute("SELECT jobname, schedule FROM cron.job ORDER BY jobid").fetchall() == [
            ("refresh-daily-reports", "0 2 * * *"), ("purge-old-reports", "30 3 * * 0")]
        assert not [w for w in session.build_warnings if "pg_cron" in w or "cron.schedule" in w]
        # the seed ran the function the job calls
        assert conn.execute("SELECT order_count, revenue_cents FROM public.daily_reports").fetchall() == [(2, 2000)]
