"""schema.sql (SPEC §5): deterministic dump, stale header, structural reload check, update, errors."""

from __future__ import annotations

import pytest
from history_support import MIGRATIONS, YAML, copy_crm, line_of, preload, run_cli, run_pytest, write

from pytest_schemaguard.config import command_settings
from pytest_schemaguard.database.pg_dump import SnapshotError, find_pg_dump
from pytest_schemaguard.drift.snapshot_file import clean_dump
from pytest_schemaguard.errors import SchemaguardError
from pytest_schemaguard.providers.snapshot import provide
from pytest_schemaguard.session import SchemaguardSession

preload()

NEW_MIGRATION = ("20250104000000_deal_note.sql", "alter table public.deals add column note text;\n")


def test_snapshot_command_is_deterministic_and_detects_staleness(tmp_path, capsys, admin_dsn):
    root = copy_crm(tmp_path, "snapshot: schema.sql")
    code, out, _ = run_cli(capsys, root, admin_dsn, "snapshot")
    assert code == 0
    assert out.startswith("wrote schema.sql (")
    first = (root / "schema.sql").read_bytes()
    text = first.decode()
    assert text.startswith("-- schema.sql: the schema supabase/migrations builds (3 migrations, 1 seed file(s);")
    assert "-- schemaguard-inputs: sha256:" in text.splitlines()[3]
    for kept in ("CREATE TABLE public.deals (", "ADD CONSTRAINT organizations_name_active_excl EXCLUDE USING gist",
                 "CREATE VIEW public.organizations_summary WITH (security_invoker='true')",
                 "REVOKE ALL ON FUNCTION public.organization_deal_total(p_organization_id bigint) FROM PUBLIC;",
                 "GRANT ALL ON TABLE public.deals TO anon;",
                 "CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA extensions;"):
        assert kept in text
    # pg_dump's version lines and random keys, and the shim's own objects, are not in it.
    for gone in ("Dumped", "\\restrict", "CREATE TABLE auth.users", "uuid-ossp", "pgcrypto",
                 "CREATE PUBLICATION supabase_realtime", "FOR ROLE"):
        assert gone not in text

    # A second run builds everything again from scratch: byte-identical output.
    code, out, _ = run_cli(capsys, root, admin_dsn, "snapshot")
    assert (code, out.split("(")[0]) == (0, "unchanged: schema.sql ")
    assert (root / "schema.sql").read_bytes() == first
    code, out, _ = run_cli(capsys, root, admin_dsn, "snapshot", "--check")
    assert (code, out) == (0, "schema.sql is up to date with the migrations\n")

    write(root, f"{MIGRATIONS}/{NEW_MIGRATION[0]}", NEW_MIGRATION[1])
    code, out, err = run_cli(capsys, root, admin_dsn, "snapshot", "--check")
    assert code == 1
    assert err == ("schemaguard snapshot: schema.sql was built from other inputs (migrations, seeds or shim changed "
                   "since): run `pytest --schemaguard --schemaguard-update` or `schemaguard snapshot`\n")
    assert (root / "schema.sql").read_bytes() == first  # --check never writes


def test_snapshot_item_for_a_missing_file_needs_no_build(tmp_path):
    root = copy_crm(tmp_path, "snapshot: schema.sql")
    session = SchemaguardSession(command_settings(root / YAML))
    session.load()
    (spec,) = provide(session)
    assert (spec.name, spec.marker, spec.path) == ("snapshot", "schemaguard_drift", root / "schema.sql")
    assert spec.check(session) == ("schema.sql does not exist: run `schemaguard snapshot` or "
                                   "`pytest --schemaguard --schemaguard-update` to write it")
    assert session.server is None


def test_snapshot_item_updated_then_stale_then_edited(pytester, admin_dsn):
    root = copy_crm(pytester.path, "snapshot: schema.sql")
    result = run_pytest(pytester, admin_dsn, "-k", "snapshot", "--schemaguard-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*schemaguard warnings*",
                                 "schema.sql rewritten (--schemaguard-update): review and commit it"])
    written = (root / "schema.sql").read_text(encoding="utf-8")

    write(root, f"{MIGRATIONS}/{NEW_MIGRATION[0]}", NEW_MIGRATION[1])
    result = run_pytest(pytester, admin_dsn, "-k", "snapshot")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["schema.sql was built from other inputs (migrations, seeds or shim changed since): "
                                 "run `pytest --schemaguard --schemaguard-update` or `schemaguard snapshot`"])
    (root / MIGRATIONS / NEW_MIGRATION[0]).unlink()

    # Hash still fresh, but a column removed by hand: the reload differs structurally.
    column = "    updated_at timestamp with time zone DEFAULT now() NOT NULL,\n"
    assert written.count(column) == 1
    (root / "schema.sql").write_text(written.replace(column, ""), encoding="utf-8")
    result = run_pytest(pytester, admin_dsn, "-k", "snapshot")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "the schema loaded from schema.sql differs from the one the migrations build:",
        "table public.deals",
        "*column updated_at*only in migrations*",
    ])
    assert "Traceback" not in result.stdout.str()


def test_snapshot_that_no_longer_loads_names_its_line(tmp_path, capsys, admin_dsn):
    root = copy_crm(tmp_path, "snapshot: schema.sql")
    assert run_cli(capsys, root, admin_dsn, "snapshot")[0] == 0
    path = root / "schema.sql"
    text = path.read_text(encoding="utf-8")
    anchor = "CREATE TABLE public.deals ("
    path.write_text(text.replace(anchor, "CREATE TABLE public.broken (id no_such_type);\n\n" + anchor),
                    encoding="utf-8")
    line = line_of(path, "public.broken")
    code, _, err = run_cli(capsys, root, admin_dsn, "snapshot", "--check")
    assert code == 1
    assert f"schema.sql does not load into an empty database:\nschema.sql:{line}: statement failed" in err
    assert "    CREATE TABLE public.broken (id no_such_type)" in err
    assert 'ERROR:  type "no_such_type" does not exist (SQLSTATE 42704)' in err


def test_snapshot_command_without_project_snapshot_is_a_usage_error(tmp_path, capsys, admin_dsn):
    root = copy_crm(tmp_path)
    code, out, err = run_cli(capsys, root, admin_dsn, "snapshot")
    assert (code, out) == (2, "")
    assert err == (f"schemaguard snapshot: {root / 'schema_expectations.yml'}: project.snapshot is not set; "
                   "add `snapshot: schema.sql` under `project:`\n")


def test_missing_pg_dump_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SnapshotError) as raised:
        find_pg_dump(str(tmp_path))
    message = str(raised.value)
    assert message.startswith("pg_dump is needed to write and check the schema snapshot, but it was not found.\n"
                              "Looked in:\n")
    assert "  - PostgreSQL server bindir: not found" in message
    assert "  - PATH: no pg_dump" in message
    assert "--schemaguard-pg-bin DIR" in message


RAW_DUMP = """--
-- PostgreSQL database dump
--

\\restrict AbC123random

-- Dumped from database version 15.20
-- Dumped by pg_dump version 15.20

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);

--
-- Name: pgcrypto; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: t; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.t (
    id bigint
);


--
-- Name: supabase_realtime; Type: PUBLICATION; Schema: -; Owner: -
--

CREATE PUBLICATION supabase_realtime WITH (publish = 'insert, update, delete, truncate');


--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE bob IN SCHEMA public GRANT ALL ON TABLES  TO anon;


--
-- PostgreSQL database dump complete
--

\\unrestrict AbC123random
"""


def test_clean_dump_drops_version_noise_and_shim_entries():
    cleaned = clean_dump(RAW_DUMP, "supabase")
    assert "Dumped" not in cleaned and "restrict" not in cleaned and "statement_timeout" not in cleaned
    assert "default_table_access_method" not in cleaned and "dump complete" not in cleaned
    assert "pgcrypto" not in cleaned and "PUBLICATION" not in cleaned
    assert "CREATE TABLE public.t (\n    id bigint\n);" in cleaned
    assert "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon, authenticated, service_role;" \
        in cleaned
    assert cleaned.rstrip().endswith("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES  TO anon;")
    plain = clean_dump(RAW_DUMP, "postgres")  # no shim: its objects are the project's own
    assert "CREATE EXTENSION IF NOT EXISTS pgcrypto" in plain and "REVOKE" not in plain
    assert clean_dump(RAW_DUMP.replace("AbC123random", "other"), "supabase") == cleaned
    # a migration that creates pgcrypto itself makes it the project's: the snapshot shows it
    assert "CREATE EXTENSION IF NOT EXISTS pgcrypto" in clean_dump(RAW_DUMP, "supabase", frozenset({"pgcrypto"}))


def test_pg_dump_found_in_a_client_only_pg_bin(tmp_path):
    # postgresql-client alone: pg_dump without initdb/pg_ctl/postgres. --schemaguard-pg-bin must still count.
    pg_dump = tmp_path / "pg_dump"
    pg_dump.write_text("#!/bin/sh\n", encoding="utf-8")
    pg_dump.chmod(0o755)
    assert find_pg_dump(str(tmp_path)) == pg_dump


@pytest.mark.parametrize("damage", ["not utf-8", "a directory"])
def test_unreadable_snapshot_is_a_message_not_a_traceback(tmp_path, damage):
    root = copy_crm(tmp_path, "snapshot: schema.sql")
    if damage == "a directory":
        (root / "schema.sql").mkdir()
    else:
        (root / "schema.sql").write_bytes(b"-- schemaguard-inputs: \xff\n")
    session = SchemaguardSession(command_settings(root / YAML))
    session.load()
    (spec,) = provide(session)
    with pytest.raises(SchemaguardError) as raised:
        spec.check(session)
    assert str(raised.value).startswith(f"{root / 'schema.sql'}: cannot be read: ")
    assert session.server is None  # found before anything is built
