"""History against a live database built on the test server: Flyway-like states and the rollback window.

The "live" database is a throwaway one: shim + migrations applied with build_database, then rows
written into supabase_migrations.schema_migrations and public.migration_history as the Supabase
CLI and the project's phased migrations would.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import psycopg
import pytest
from integrity_support import session_for
from psycopg import sql

from pytest_schemaguard.cli import main
from pytest_schemaguard.commands.output import output_schema
from pytest_schemaguard.database.build import build_database
from pytest_schemaguard.migrations import discover_migrations
from pytest_schemaguard.providers import history as history_provider

FILES = {
    "20250101000000_base.sql": (
        "-- the baseline\ncreate table public.t (x int);\n"
        "create table public.migration_history (\n  id bigint generated always as identity primary key,\n"
        "  migration_name text not null, phase text not null, status text not null default 'pending',\n"
        "  completed_at timestamptz, rollback_sql text);\n"
    ),
    "20250102000000_two.sql": "alter table public.t add column y int;\n",
    "20250103000000_three.sql": "create index t_x_idx on public.t (x);\n",
    "20250104000000_four.sql": "create table public.u (id int);\n",
    "20250105000000_five.sql": "create table public.v (id int);\n",
}
YAML = "version: 1\nproject:\n  migrations: migrations\n  flavor: supabase\n  history: public.migration_history\n"


@pytest.fixture(scope="module")
def live(pg_admin, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """(project root, DSN of the live database)."""
    root = tmp_path_factory.mktemp("history")
    (root / "migrations").mkdir()
    for name, text in FILES.items():
        (root / "migrations" / name).write_text(text)
    (root / "schema_expectations.yml").write_text(YAML)
    name = f"sg_live_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin.conninfo(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = pg_admin.conninfo(dbname=name)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            result = build_database(conn, root=root, migrations=discover_migrations(root / "migrations").migrations)
            assert result.failed_migration is None
            conn.execute(
                "INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES "
                "('20240101000000', 'old_hotfix', NULL), "
                "('20250101000000', 'base', %s), "
                "('20250102000000', 'two', ARRAY['alter table public.t add column y bigint']), "
                "('20250104000000', 'four', NULL), "
                "('20991231000000', 'from_another_branch', NULL)",
                ([" create  table public.t (x int)", FILES["20250101000000_base.sql"].split(";\n", 1)[1]],),
            )
            conn.execute(
                "INSERT INTO public.migration_history (migration_name, phase, status, completed_at, rollback_sql) "
                "VALUES ('20250102000000_two', 'phase_1', 'completed', now() - interval '5 hours', "
                "'alter table public.t drop column y'), "
                "('20250104000000_four', 'phase_2', 'completed', now() - interval '1 hour', null), "
                "('20250101000000_base', 'phase_0', 'completed', now() - interval '100 hours', 'drop table t'), "
                "('20250105000000_five', 'phase_3', 'running', null, null)"
            )
        yield root, dsn
    finally:
        with psycopg.connect(pg_admin.conninfo(), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def status(root: Path, dsn: str, capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["status", "--file", str(root / "schema_expectations.yml"), "--live-dsn", dsn, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_status_lists_every_state_and_the_rollback_window(live, capsys) -> None:
    root, dsn = live
    code, out, err = status(root, dsn, capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("schemaguard status: postgresql://") and lines[0].endswith(" (read-only)")
    assert lines[1:10] == [
        "  version          state         file",
        "  20240101000000   missing       -  applied on the live database as 'old_hotfix', but no "
        "20240101000000_*.sql file here",
        "  20250101000000   applied       20250101000000_base.sql",
        "  20250102000000   edited        20250102000000_two.sql  statement 1 (line 1) differs from the one recorded "
        "when it was applied: file `alter table public.t add column y int`, live `alter table public.t add column "
        "y bigint`",
        "  20250103000000   out of order  20250103000000_three.sql  not applied, but older than the newest applied "
        "version 20991231000000; `supabase db push` refuses it without --include-all",
        "  20250104000000   applied       20250104000000_four.sql",
        "  20250105000000   out of order  20250105000000_five.sql  not applied, but older than the newest applied "
        "version 20991231000000; `supabase db push` refuses it without --include-all",
        "  20991231000000   future        -  applied on the live database as 'from_another_branch', but no "
        "20991231000000_*.sql file here",
        "2 applied, 1 edited, 2 out of order, 1 missing, 1 future",
    ]
    assert lines[10:] == [
        "",
        "rollback window (public.migration_history, last 48 h):",
        lines[12],
        lines[13],
    ]
    assert lines[12].startswith("  20250102000000_two [phase_1]: completed ")
    assert lines[12].endswith(" UTC (5 h ago, 43 h left); rollback SQL: yes")
    assert lines[13].startswith("  20250104000000_four [phase_2]: completed ")
    assert lines[13].endswith(" UTC (1 h ago, 47 h left); rollback SQL: none (irreversible)")
    assert err.startswith("schemaguard status: 5 problem(s): 20240101000000 (no local file): missing: applied")
    assert "password" not in out + err


def test_status_json_matches_its_schema_and_the_text_report(live, capsys) -> None:
    root, dsn = live
    code, out, err = status(root, dsn, capsys, "--format", "json")
    assert (code, err) == (1, "")
    data = json.loads(out)
    jsonschema.validate(data, output_schema("status"))
    assert (data["schemaguard_format"], data["command"], data["read_only"]) == (1, "status", True)
    assert [(m["version"], m["state"], m["failing"]) for m in data["migrations"]] == [
        (20240101000000, "missing", True), (20250101000000, "applied", False), (20250102000000, "edited", True),
        (20250103000000, "out of order", True), (20250104000000, "applied", False),
        (20250105000000, "out of order", True), (20991231000000, "future", True)]
    assert data["summary"] == "2 applied, 1 edited, 2 out of order, 1 missing, 1 future" and data["problems"] == 5
    window = data["rollback_window"]
    assert (window["table"], window["hours"]) == ("public.migration_history", 48)
    assert [(e["name"], e["phase"], e["has_rollback"]) for e in window["entries"]] == [
        ("20250102000000_two", "phase_1", True), ("20250104000000_four", "phase_2", False)]
    assert 4.9 < window["entries"][0]["hours_ago"] < 5.1
    assert "password" not in out


def test_window_is_configurable(live, capsys) -> None:
    root, dsn = live
    out = status(root, dsn, capsys, "--window", "200")[1]
    assert "rollback window (public.migration_history, last 200 h):" in out
    assert "  20250101000000_base [phase_0]: completed " in out and "(100 h ago, 100 h left); rollback SQL: yes" in out
    assert status(root, dsn, capsys, "--window", "0.5")[1].endswith("  nothing completed in the last 0.5 h\n")


def test_history_table_and_column_errors(live, capsys, tmp_path: Path) -> None:
    root, dsn = live
    code, _, err = status(root, dsn, capsys, "--history-columns", "name")
    assert code == 2
    assert err == ("schemaguard status: --history-columns: cannot read 'name': expected comma-separated role=column "
                   "pairs, roles name, status, completed_at, rollback, phase (e.g. "
                   "name=migration_name,rollback=rollback_sql)\n")
    code, _, err = status(root, dsn, capsys, "--history-columns", "rollback=undo_it")
    assert (code, err) == (2, "schemaguard status: --history-columns: public.migration_history has no column "
                              "'undo_it' (its columns: id, migration_name, phase, status, completed_at, "
                              "rollback_sql)\n")
    other = tmp_path / "other"
    other.mkdir()
    (other / "migrations").symlink_to(root / "migrations")
    (other / "schema_expectations.yml").write_text(YAML.replace("public.migration_history", "public.nope"))
    code, _, err = status(other, dsn, capsys)
    assert (code, err) == (2, "schemaguard status: project.history names public.nope, but the live database has no "
                              "such table: fix project.history in the expectations file (schema.table), or remove "
                              "it to skip the rollback window\n")


def test_history_item_fails_on_missing_edited_and_out_of_order(live) -> None:
    root, dsn = live
    session = session_for(root, live_dsn=dsn)
    (spec,) = history_provider.provide(session)
    assert (spec.name, spec.marker, spec.needs_database) == ("history[live]", "schemaguard_drift", False)
    text = spec.check(session)
    assert text is not None
    lines = text.splitlines()
    assert lines[0].startswith("migration history of the live database postgresql://")
    assert lines[0].endswith(" does not match the files:")
    assert lines[1:4] == [
        "  20240101000000 (no local file): missing: applied on the live database as 'old_hotfix', but no "
        "20240101000000_*.sql file here",
        "  20250102000000_two.sql: edited: statement 1 (line 1) differs from the one recorded when it was applied: "
        "file `alter table public.t add column y int`, live `alter table public.t add column y bigint`",
        "  20250103000000_three.sql: out of order: not applied, but older than the newest applied version "
        "20991231000000; `supabase db push` refuses it without --include-all",
    ]
    assert lines[-1] == "(2 applied, 1 edited, 2 out of order, 1 missing, 1 future)"
    assert list(history_provider.provide(session_for(root))) == []


def test_unreachable_live_database_is_a_clear_error_without_the_password(live, capsys) -> None:
    root, _ = live
    code, _, err = status(root, "postgresql://someone:s3cret@127.0.0.1:1/nowhere", capsys)
    assert code == 2
    assert err.startswith("schemaguard status: Could not connect to the live database "
                          "postgresql://someone@127.0.0.1:1/nowhere (--live-dsn):")
    assert "s3cret" not in err
    session = session_for(root, live_dsn="postgresql://someone:s3cret@127.0.0.1:1/nowhere")
    (spec,) = history_provider.provide(session)
    text = spec.check(session)
    assert text is not None and text.startswith("Could not connect to the live database") and "s3cret" not in text


def test_database_without_a_migration_table(pg_admin, live, capsys) -> None:
    root, _ = live
    code, _, err = status(root, pg_admin.conninfo(), capsys)
    assert code == 2
    assert "has no table supabase_migrations.schema_migrations (with a version column): the Supabase CLI creates " \
           "it when it first applies migrations" in err


def test_drift_and_history_items_share_one_live_connection(live, admin_dsn, monkeypatch) -> None:
    """drift[live] reads the applied versions while it is connected; history[live] (and a second
    unreachable-server timeout) needs no connection of its own."""
    from pytest_schemaguard.config import command_settings
    from pytest_schemaguard.drift import live_session as live_module
    from pytest_schemaguard.errors import SchemaguardError
    from pytest_schemaguard.providers import drift as drift_provider
    from pytest_schemaguard.session import command_session

    root, dsn = live
    opened: list[str] = []
    real = live_module.connect_live
    monkeypatch.setattr(live_module, "connect_live", lambda d, **kw: opened.append(d) or real(d, **kw))
    unreachable = "postgresql://someone:s3cret@127.0.0.1:1/nowhere"
    for live_dsn in (dsn, unreachable):
        settings = command_settings(root / "schema_expectations.yml", dsn=admin_dsn, live_dsn=live_dsn)
        with command_session(settings) as session:
            session.load()
            (drift,) = drift_provider.provide(session)
            (history,) = history_provider.provide(session)
            if live_dsn == dsn:
                assert drift.check(session) is None  # same schema: only the recorded history differs
                text = history.check(session)
                assert text is not None and text.startswith("migration history of the live database postgresql://")
            else:
                with pytest.raises(SchemaguardError, match="Could not connect to the live database") as raised:
                    drift.check(session)
                assert history.check(session) == str(raised.value)
    assert opened == [dsn, unreachable]
