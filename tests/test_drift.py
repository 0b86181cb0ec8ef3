"""Live drift end to end: a "live" database built from tests/examples/crm_small on the test server,
hot-fixed by hand, compared by the ``drift[live]`` item and by ``schemaguard diff``.

Also the read-only promise: the live database's catalog and rows are unchanged by a drift run,
and a write through live.py's connection is refused by the server.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import jsonschema
import psycopg
import pytest
from psycopg import sql

import pytest_schemaguard.checks
import pytest_schemaguard.commands.diff
import pytest_schemaguard.providers.drift  # noqa: F401
from pytest_schemaguard.catalog import inspect_schema
from pytest_schemaguard.cli import main
from pytest_schemaguard.commands.output import output_schema
from pytest_schemaguard.config import command_settings
from pytest_schemaguard.database.build import build_database
from pytest_schemaguard.drift.live import connect_live
from pytest_schemaguard.errors import ServerError
from pytest_schemaguard.migrations import discover_migrations
from pytest_schemaguard.providers.drift import provide
from pytest_schemaguard.session import SchemaguardSession

EXAMPLE = Path(__file__).parent / "examples" / "crm_small"
QUIET = ("-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:benchmark")
HOT_FIX = """
alter table public.organizations add column legacy_code text;
drop policy deals_select_authenticated on public.deals;
alter view public.organizations_summary set (security_invoker = false);
create index deals_stage_idx on public.deals (stage);
revoke delete, truncate on public.deals from anon;
comment on table public.deals is 'hot-fixed';
"""
HOT_FIX_REPORT = [
    "table public.deals",
    "  index deals_stage_idx: only in live",
    "  policy deals_select_authenticated: only in migrations",
    "  grant to anon: delete, truncate only in migrations",
    "  comment differs: migrations (none) / live hot-fixed",
    "table public.organizations",
    "  column legacy_code: only in live",
    "view public.organizations_summary",
    "  option security_invoker differs: migrations true / live false",
]
SECRET = "s3cret-Pa55"


@pytest.fixture
def live_dsn(admin_dsn: str) -> Iterator[str]:
    """A database built from crm_small (shim, migrations, seed) standing in for production."""
    name = f"sg_live_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = psycopg.conninfo.make_conninfo(admin_dsn, dbname=name)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            migrations = discover_migrations(EXAMPLE / "supabase" / "migrations").migrations
            result = build_database(conn, root=EXAMPLE, migrations=migrations, seeds=[EXAMPLE / "supabase/seed.sql"])
            assert result.ok
        yield dsn
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("SCHEMAGUARD_DSN", "SCHEMAGUARD_LIVE_DSN"):
        monkeypatch.delenv(var, raising=False)
    shutil.copytree(EXAMPLE, tmp_path / "project")
    return tmp_path / "project"


def hot_fix(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(HOT_FIX)  # type: ignore[arg-type]


def state(dsn: str) -> tuple[object, int]:
    """What a read-only run must leave as it was: the catalog and the rows of a table."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM public.organizations").fetchone()
        assert row is not None
        return inspect_schema(conn), row[0]


def run_drift(pytester: pytest.Pytester, admin_dsn: str, live: str) -> pytest.RunResult:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    return pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", f"--schemaguard-live-dsn={live}",
                              "-k", "drift and not history", "-v", *QUIET)


# --------------------------------------------------------------------------- the item


def test_drift_item_passes_when_live_matches(pytester, monkeypatch, admin_dsn, live_dsn):
    monkeypatch.delenv("SCHEMAGUARD_LIVE_DSN", raising=False)
    result = run_drift(pytester, admin_dsn, live_dsn)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*schema_expectations.yml::drift[[]live[]] PASSED*"])


def test_drift_item_names_every_hot_fix_and_writes_nothing(pytester, monkeypatch, admin_dsn, live_dsn):
    monkeypatch.delenv("SCHEMAGUARD_LIVE_DSN", raising=False)
    hot_fix(live_dsn)
    before = state(live_dsn)
    result = run_drift(pytester, admin_dsn, live_dsn)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "drift between the migrations and the live database postgresql://postgres@" in out
    assert "(read-only connection: default_transaction_read_only=on, statement_timeout=30s)" in out
    assert "6 difference(s) in 3 object(s) between the migrations and the live database:" in out
    lines = out.splitlines()
    start = lines.index(HOT_FIX_REPORT[0])
    assert lines[start:start + len(HOT_FIX_REPORT)] == HOT_FIX_REPORT
    assert "Traceback" not in out
    assert state(live_dsn) == before


def test_drift_item_only_with_a_live_dsn(project):
    settings = command_settings(project / "schema_expectations.yml")
    assert list(provide(SchemaguardSession(settings))) == []
    specs = list(provide(SchemaguardSession(replace(settings, live_dsn="postgresql://x@localhost/db"))))
    assert [(s.name, s.marker, s.needs_database) for s in specs] == [("drift[live]", "schemaguard_drift", True)]


def test_unreachable_live_database_fails_the_item_without_the_password(pytester, monkeypatch, admin_dsn):
    monkeypatch.delenv("SCHEMAGUARD_LIVE_DSN", raising=False)
    result = run_drift(pytester, admin_dsn, f"postgresql://postgres:{SECRET}@127.0.0.1:1/postgres")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert ("Could not connect to the live database postgresql://postgres@127.0.0.1:1/postgres "
            "(--schemaguard-live-dsn):") in out
    assert "the password is not shown" in out
    assert SECRET not in out and "Traceback" not in out


# --------------------------------------------------------------------------- the connection


def test_live_connection_refuses_writes(live_dsn):
    live = connect_live(live_dsn)
    try:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction, match="read-only transaction"):
            live.conn.execute("CREATE TABLE public.written_by_drift (id int)")
        live.conn.rollback()
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction, match="read-only transaction"):
            live.conn.execute("DELETE FROM public.organizations")
        live.conn.rollback()
        timeout = live.conn.execute("SHOW statement_timeout").fetchone()
        assert timeout == ("30s",)
    finally:
        live.close()
    with psycopg.connect(live_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM public.organizations").fetchone() == (1,)


def test_invalid_live_dsn_names_the_option_and_hides_the_password():
    with pytest.raises(ServerError) as caught:
        connect_live(f"postgresql://postgres:{SECRET}@host:notaport/db", what="--live-dsn")
    message = str(caught.value)
    assert message.startswith("--live-dsn is not a valid connection string:")
    assert SECRET not in message


def test_missing_live_database_is_a_clear_error(admin_dsn):
    dsn = psycopg.conninfo.make_conninfo(admin_dsn, dbname="no_such_db_for_drift", password=SECRET)
    with pytest.raises(ServerError) as caught:
        connect_live(dsn)
    message = str(caught.value)
    assert "Could not connect to the live database postgresql://postgres@" in message
    assert 'database "no_such_db_for_drift" does not exist' in message
    assert SECRET not in message


# --------------------------------------------------------------------------- schemaguard diff


def diff_command(project: Path, admin_dsn: str, *args: str) -> list[str]:
    return ["diff", "--file", str(project / "schema_expectations.yml"), "--dsn", admin_dsn, *args]


def test_diff_command_without_drift(project, admin_dsn, live_dsn, capsys):
    assert main(diff_command(project, admin_dsn, "--live-dsn", live_dsn)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("schemaguard diff: migrations = ") and out[0].endswith("(3 file(s))")
    assert out[1].startswith("                  live = postgresql://postgres@")
    assert out[1].endswith("(read-only connection: default_transaction_read_only=on, statement_timeout=30s); "
                           "nothing is written there")
    assert out[2] == "no drift: the live database matches the migrations"


def test_diff_command_json_reports_drift(project, admin_dsn, live_dsn, capsys, monkeypatch):
    hot_fix(live_dsn)
    monkeypatch.setenv("SCHEMAGUARD_LIVE_DSN", live_dsn)  # the default for --live-dsn
    assert main(diff_command(project, admin_dsn, "--format", "json")) == 1
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, output_schema("diff"))
    assert set(data) == {"schemaguard_format", "command", "migrations", "live", "read_only", "drift", "changes",
                         "notes", "warnings"}
    assert (data["schemaguard_format"], data["command"]) == (1, "diff")
    assert data["read_only"] is True and data["drift"] is True
    assert "statement_timeout=30s" in data["live"]
    assert [(c["kind"], c["name"], c["change"], c["field"]) for c in data["changes"]] == [
        ("column", "public.organizations.legacy_code", "only_in_b", None),
        ("comment", "public.deals", "differs", "comment"),
        ("grant", "public.deals", "differs", "anon"),
        ("index", "public.deals.deals_stage_idx", "only_in_b", None),
        ("policy", "public.deals.deals_select_authenticated", "only_in_a", None),
        ("view", "public.organizations_summary", "differs", "option security_invoker"),
    ]
    grant = data["changes"][2]
    assert (grant["a"], grant["b"], grant["object_kind"], grant["object_name"]) == (
        ["delete", "insert", "references", "select", "trigger", "truncate", "update"],
        ["insert", "references", "select", "trigger", "update"], "table", "public.deals")


def test_diff_command_github_annotations_one_per_drifted_object(project, admin_dsn, live_dsn, capsys):
    hot_fix(live_dsn)
    assert main(diff_command(project, admin_dsn, "--live-dsn", live_dsn, "--format", "github")) == 1
    out = capsys.readouterr().out.splitlines()
    annotations = [line for line in out if line.startswith("::")]
    assert [a.split("::")[1] for a in annotations] == [
        "error title=schemaguard drift%3A table public.deals",
        "error title=schemaguard drift%3A table public.organizations",
        "error title=schemaguard drift%3A view public.organizations_summary",
    ]
    assert annotations[1].split("::", 2)[2].startswith(
        "table public.organizations%0A  column legacy_code: only in live%0A(live: postgresql://postgres@")
    assert out[-1] == "6 difference(s) in 3 object(s) between the migrations and the live database:"


def test_diff_command_input_errors_exit_2(project, admin_dsn, capsys):
    assert main(diff_command(project, admin_dsn)) == 2
    assert capsys.readouterr().err == (
        "schemaguard diff: no live database given: pass --live-dsn URL or set SCHEMAGUARD_LIVE_DSN\n"
    )
    bad = f"postgresql://postgres:{SECRET}@127.0.0.1:1/postgres"
    assert main(diff_command(project, admin_dsn, "--live-dsn", bad, "--format", "json")) == 2
    err = capsys.readouterr().err
    assert err.startswith("schemaguard diff: Could not connect to the live database "
                          "postgresql://postgres@127.0.0.1:1/postgres (--live-dsn):")
    assert SECRET not in err


def test_header_names_the_live_database_without_its_password(pytester: pytest.Pytester, admin_dsn: str) -> None:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    live = "postgresql://postgres:hunter2@127.0.0.1:1/live_db"
    result = pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", f"--schemaguard-live-dsn={live}",
                                "-p", "no:cacheprovider", "-k", "drift")
    result.stdout.fnmatch_lines(
        ["schemaguard: live database postgresql://postgres@127.0.0.1:1/live_db, opened read-only*"]
    )
    assert "hunter2" not in result.stdout.str()


def test_diff_leaves_out_extensions_only_the_shim_installs(project, admin_dsn, live_dsn, capsys):
    """A live database without pgcrypto/uuid-ossp is no drift when no migration creates them: the
    test build has them only because schemaguard's Supabase shim installs them."""
    with psycopg.connect(live_dsn, autocommit=True) as conn:
        conn.execute('drop extension pgcrypto; drop extension "uuid-ossp"')
    assert main(diff_command(project, admin_dsn, "--live-dsn", live_dsn)) == 0
    out = capsys.readouterr().out
    assert "no drift: the live database matches the migrations" in out
    assert ("note: not compared: extension(s) schemaguard's Supabase shim installs for the build and no migration "
            "creates: pgcrypto, uuid-ossp") in out

    (project / "supabase/migrations/20990101000000_crypto.sql").write_text(
        "create extension if not exists pgcrypto with schema extensions;\n", encoding="utf-8")
    assert main(diff_command(project, admin_dsn, "--live-dsn", live_dsn)) == 1  # now it is the project's own
    out = capsys.readouterr().out
    assert "extension pgcrypto\n  extension: only in migrations\n" in out, out
