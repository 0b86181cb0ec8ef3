"""What the build does with statements beyond plain DDL: transaction control, COPY data, NUL,
psql meta-commands, lost connections, the statement timeout and shared servers (real PostgreSQL)."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from history_support import MIGRATIONS, YAML, copy_crm, line_of, preload, run_cli, run_pytest

from pytest_schemaguard.database.build import BuildResult, build_database
from pytest_schemaguard.expectations import load_expectations
from pytest_schemaguard.failures import StatementFailure
from pytest_schemaguard.migrations import discover_migrations
from pytest_schemaguard.project import load_project

NO_TRANSACTION_FIX = ("mark the file `-- schemaguard: no-transaction` (a line of its own) to run its statements "
                      "as written")


def build(conn: psycopg.Connection, tmp_path: Path, *files: str | bytes, **options: object) -> BuildResult:
    """Build files ``1_m1.sql``, ``2_m2.sql``, ... (flavor postgres) into ``conn``'s database."""
    directory = tmp_path / "migrations"
    directory.mkdir(exist_ok=True)
    for number, text in enumerate(files, 1):
        path = directory / f"{number}_m{number}.sql"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")
    migrations = discover_migrations(directory).migrations
    return build_database(conn, root=tmp_path, migrations=migrations, flavor="postgres", **options)  # type: ignore[arg-type]


def failure(result: BuildResult) -> StatementFailure:
    step = result.failed_step
    assert step is not None and step.failure is not None, "the build was expected to fail"
    return step.failure


def tables(conn: psycopg.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


# --------------------------------------------------------------------------- the no-transaction marker


def test_a_comment_mentioning_the_marker_leaves_the_file_in_a_transaction(scratch_conn, tmp_path):
    text = ("-- If a statement cannot run in a transaction (CREATE INDEX CONCURRENTLY, ...), add the line: "
            "-- schemaguard: no-transaction\n"
            "create table first_one ();\n"
            "create table first_one ();\n")
    result = build(scratch_conn, tmp_path, text)
    assert failure(result).line == 3
    assert "first_one" not in tables(scratch_conn)  # rolled back with the failing 2nd statement


@pytest.mark.parametrize("text, marked", [
    ("-- schemaguard: no-transaction\nselect 1;", True),
    ("select 1;\n   --   Schemaguard:no-transaction  \r\n", True),
    ("select 1; -- schemaguard: no-transaction\n", False),
    ("-- add the line -- schemaguard: no-transaction\n", False),
    ("select '\n-- schemaguard: no-transaction\n';", False),
    ("do $$ begin\n-- schemaguard: no-transaction\nend $$;", False),
    ("/* a note:\n-- schemaguard: no-transaction\n*/ select 1;", False),
    ("-- schemaguard: no-transaction, please\n", False),
])
def test_the_marker_counts_only_as_a_comment_line_of_its_own(tmp_path, text, marked):
    (tmp_path / "1_a.sql").write_text(text, newline="")
    (migration,) = discover_migrations(tmp_path).migrations
    assert migration.no_transaction is marked


# --------------------------------------------------------------------------- text PostgreSQL would cut short


def test_a_nul_byte_is_refused_before_anything_runs(scratch_conn, tmp_path):
    result = build(scratch_conn, tmp_path, "create table t (a int);\n",
                   b"select 1;\nalter table t add column b int\x00, add column c int;\n")
    found = failure(result)
    assert (found.file, found.line, found.error_line) == ("migrations/2_m2.sql", 2, 2)
    assert found.message.startswith("NUL byte (\\x00) in the statement: PostgreSQL cannot take NUL in text, and "
                                    "everything after it would be cut off without an error; remove it")
    columns = {r[0] for r in scratch_conn.execute("SELECT attname FROM pg_attribute WHERE attrelid = 't'::regclass "
                                                  "AND attnum > 0")}
    assert columns == {"a"}  # neither b nor (silently) half the statement


# --------------------------------------------------------------------------- transaction control


@pytest.mark.parametrize("statement, message", [
    ("abort", "ABORT in a migration would undo every statement of the file before it without an error; "
              f"remove it, or {NO_TRANSACTION_FIX} if undoing is really meant"),
    ("rollback", "ROLLBACK in a migration would undo every statement"),
    ("rollback and chain", "ROLLBACK in a migration would undo every statement"),
    ("commit", "COMMIT before the end of the file: schemaguard runs the whole file in one transaction, so the "
               "statements before it would not be committed on their own as in production; split the file at "
               f"this line into two migrations, or {NO_TRANSACTION_FIX}"),
    ("end work", "END before the end of the file"),
    ("commit and chain", "COMMIT AND CHAIN before the end of the file"),
    ("begin", "BEGIN after the file's first statement"),
    ("start transaction", "START after the file's first statement"),
    ("prepare transaction 'x'", "PREPARE TRANSACTION (two-phase commit) cannot be part of a migration"),
    ("commit prepared 'x'", "COMMIT PREPARED (two-phase commit) cannot be part of a migration"),
])
def test_transaction_control_mid_file_is_refused_with_the_fix(scratch_conn, tmp_path, statement, message):
    result = build(scratch_conn, tmp_path, f"create table a ();\n{statement};\ncreate table b ();\n")
    found = failure(result)
    assert (found.file, found.line, found.statement) == ("migrations/1_m1.sql", 2, statement)
    assert found.message.startswith(message)
    assert tables(scratch_conn) == set()  # refused before anything of the file ran


def test_begin_with_modes_is_refused(scratch_conn, tmp_path):
    found = failure(build(scratch_conn, tmp_path, "begin isolation level serializable;\ncreate table a ();\n"))
    assert found.line == 1 and found.message.startswith("BEGIN with transaction modes")


def test_a_wrapping_begin_commit_and_savepoints_run_in_our_transaction(scratch_conn, tmp_path):
    result = build(scratch_conn, tmp_path,
                   "BEGIN;\ncreate table a ();\nsavepoint s;\ncreate table gone ();\nrollback to savepoint s;\n"
                   "release savepoint s;\nCOMMIT;\n",
                   "start transaction;\ncreate table b ();\nend;\n")
    assert result.ok, failure(result).render()
    assert tables(scratch_conn) == {"a", "b"}


def test_a_no_transaction_file_runs_its_own_transactions_as_written(scratch_conn, tmp_path):
    result = build(scratch_conn, tmp_path,
                   "-- schemaguard: no-transaction\nbegin;\ncreate table kept ();\ncommit;\n"
                   "begin;\ncreate table undone ();\nabort;\ncreate index concurrently i on kept ((1));\n")
    assert result.ok, failure(result).render()
    assert tables(scratch_conn) == {"kept"}


def test_a_no_transaction_file_left_inside_its_transaction_is_an_error(scratch_conn, tmp_path):
    result = build(scratch_conn, tmp_path, "-- schemaguard: no-transaction\nbegin;\ncreate table a ();\n",
                   "create table later ();\n")
    found = failure(result)
    assert found.line == 2 and found.message.startswith("the file ends inside the transaction this BEGIN opened")
    assert tables(scratch_conn) == set()
    assert scratch_conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


# --------------------------------------------------------------------------- COPY and psql meta-commands

DUMPED = (
    "create table t (a int, b text, c text);\n"
    "\n"
    "COPY public.t (a, b, c) FROM stdin;\n"
    "1\tit's; fine\t\\N\n"
    "2\ttab\\there\tback\\\\slash\n"
    "3\t$$ -- not a comment\t/* nor this\n"
    "\\.\n"
    "\n"
    "select 1/0;\n"
)


def test_pg_dump_copy_blocks_load_their_rows_and_lines_count_on_after_them(scratch_conn, tmp_path):
    found = failure(build(scratch_conn, tmp_path, DUMPED))
    assert found.line == 9 and found.statement == "select 1/0"  # the rows were data, not SQL
    result = build(scratch_conn, tmp_path, DUMPED.replace("select 1/0;\n", ""))
    assert result.ok, failure(result).render()
    rows = scratch_conn.execute("SELECT a, b, c FROM t ORDER BY a").fetchall()
    assert rows == [(1, "it's; fine", None), (2, "tab\there", "back\\slash"), (3, "$$ -- not a comment", "/* nor this")]


def test_pg_dumps_restrict_guard_is_skipped_with_a_warning(scratch_conn, tmp_path):
    result = build(scratch_conn, tmp_path, "\\restrict AbC123\n" + DUMPED.replace("select 1/0;\n", "")
                   + "\\unrestrict AbC123\n")
    assert result.ok, failure(result).render()
    assert result.warnings == [
        "1_m1.sql:1: psql meta-command \\restrict skipped (pg_dump writes it for psql; it means nothing to the server)",
        "1_m1.sql:10: psql meta-command \\unrestrict skipped (pg_dump writes it for psql; it means nothing to the "
        "server)",
    ]
    assert scratch_conn.execute("SELECT count(*) FROM t").fetchone() == (3,)


def test_a_bad_copy_row_is_reported_at_its_file_line(scratch_conn, tmp_path):
    text = "create table t (a int, b text);\nCOPY t (a, b) FROM stdin;\n1\tx\n2\ty\textra\n\\.\n"
    found = failure(build(scratch_conn, tmp_path, text))
    assert (found.line, found.error_line) == (2, 4)
    assert found.render().startswith("migrations/1_m1.sql:4: statement starting at line 2 failed")
    assert "extra data after last expected column" in found.message


@pytest.mark.parametrize("text, line, message", [
    ("COPY t FROM stdin;\n1\n", 1, "COPY ... FROM stdin data has no end: add a line holding only `\\.`"),
    ("select 1;\nCOPY t FROM '/tmp/rows.csv' WITH (FORMAT csv);\n", 2,
     "COPY ... FROM a file or program reads the database server's own disk"),
    ("select 1;\n\\copy t from 'rows.csv'\n", 2, "\\copy is a psql meta-command, not SQL: schemaguard (like "
     "Supabase's migration runner) sends the file to the server, which does not understand psql's backslash "
     "commands; write COPY ... FROM stdin;"),
    ("\\connect other\nselect 1;\n", 1, "\\connect is a psql meta-command, not SQL"),
    ("\\set ON_ERROR_STOP on\n", 1, "\\set is a psql meta-command, not SQL"),
    ("select 1;\n\n\\i other.sql\n", 3, "\\i is a psql meta-command, not SQL"),
])
def test_copy_sources_and_psql_meta_commands_are_refused_at_their_line(scratch_conn, tmp_path, text, line, message):
    found = failure(build(scratch_conn, tmp_path, "create table t (a int);\n", text))
    assert (found.file, found.line) == ("migrations/2_m2.sql", line)
    assert message in found.message


# --------------------------------------------------------------------------- lost connection and timeouts


@pytest.mark.parametrize("marker", ["", "-- schemaguard: no-transaction\n"])
def test_a_statement_that_ends_our_session_is_a_failure_not_a_crash(scratch_conn, tmp_path, marker):
    result = build(scratch_conn, tmp_path,
                   f"{marker}create table t ();\nselect pg_terminate_backend(pg_backend_pid());\n")
    found = failure(result)
    assert found.statement == "select pg_terminate_backend(pg_backend_pid())"
    assert found.message.startswith("the connection to the server was lost while this statement ran")
    assert "WHERE pid <> pg_backend_pid()" in found.message


def test_the_statement_timeout_stops_a_long_statement_and_says_which_setting_to_raise(scratch_conn, tmp_path):
    # The first file's own SET ends with it (RESET ALL): the second runs under the build's timeout again.
    result = build(scratch_conn, tmp_path, "set statement_timeout = 0;\n", "select 1;\n\nselect pg_sleep(5);\n",
                   statement_timeout="200ms")
    found = failure(result)
    assert (found.file, found.line, found.sqlstate) == ("migrations/2_m2.sql", 3, "57014")
    assert found.message == "canceling statement due to statement timeout"
    assert found.hint == ("schemaguard runs each statement with statement_timeout = 200ms; raise "
                          "project.statement_timeout in the expectations file, --schemaguard-statement-timeout or "
                          "`schemaguard --statement-timeout` (0 = no limit), unless the file sets statement_timeout "
                          "itself")


def test_a_full_disk_says_where_the_server_keeps_its_files_and_how_to_move_them(scratch_conn, tmp_path):
    # The server's own disk_full error, raised by the server as a full /dev/shm would raise it.
    result = build(scratch_conn, tmp_path, "create table t ();\n",
                   "do $$ begin raise exception 'could not extend file \"base/16384/16385\": No space left on "
                   "device' using errcode = 'disk_full'; end $$;\n")
    found = failure(result)
    assert (found.file, found.line, found.sqlstate) == ("migrations/2_m2.sql", 1, "53100")
    assert found.hint is not None and "SCHEMAGUARD_SERVER_DIR=/tmp" in found.hint and "/dev/shm" in found.hint


def test_timeout_zero_is_no_limit_and_the_session_is_reset_afterwards(scratch_conn, tmp_path):
    result = build(scratch_conn, tmp_path, "select pg_sleep(0.3);\n", statement_timeout="0")
    assert result.ok
    assert scratch_conn.execute("SHOW statement_timeout").fetchone() == ("0",)


# --------------------------------------------------------------------------- shared servers


@pytest.mark.parametrize("statement, what", [
    ("drop database if exists someone_elses_db", "DROP DATABASE"),
    ("CREATE DATABASE another", "CREATE DATABASE"),
    ("alter system set work_mem = '64MB'", "ALTER SYSTEM"),
    ("create tablespace ts location '/tmp'", "CREATE TABLESPACE"),
    ("alter database postgres set work_mem = '8MB'", "ALTER DATABASE postgres"),
])
def test_cluster_wide_statements_are_refused_on_a_shared_server(scratch_conn, tmp_path, statement, what):
    found = failure(build(scratch_conn, tmp_path, f"create table t ();\n/* why */ {statement};\n", shared_server=True))
    assert found.line == 2
    assert found.message == (f"{what} changes the whole server, not only the throwaway database, and this build "
                             "runs on a shared server (--schemaguard-dsn), so schemaguard refuses it there; run "
                             "without --schemaguard-dsn (the private server schemaguard starts is the place for it)")
    assert tables(scratch_conn) == set()


def test_own_database_settings_and_roles_run_on_a_shared_server_with_a_warning(scratch_conn, tmp_path):
    role = f"sg_role_{uuid.uuid4().hex[:8]}"
    dbname = scratch_conn.info.dbname
    try:
        result = build(scratch_conn, tmp_path, f'alter database "{dbname}" set work_mem = \'8MB\';\n'
                                               f"create role {role} nologin;\n"
                                               "alter tablespace pg_default reset (seq_page_cost);\n",
                       shared_server=True)
        assert result.ok, failure(result).render()
        assert result.warnings == [
            f"role {role} created on the shared server (--schemaguard-dsn) by migrations/1_m1.sql:2; "
            "it outlives this run",
            "tablespace pg_default altered on the shared server (--schemaguard-dsn) by migrations/1_m1.sql:3; "
            "the change outlives this run and holds for every database there",
        ]
    finally:
        scratch_conn.execute(f"DROP ROLE IF EXISTS {role}")


def test_private_servers_run_cluster_wide_statements_without_warnings(scratch_conn, tmp_path):
    role = f"sg_role_{uuid.uuid4().hex[:8]}"
    try:
        result = build(scratch_conn, tmp_path, f"create role {role};\ndrop role {role};\n")
        assert result.ok and result.warnings == []
    finally:
        scratch_conn.execute(f"DROP ROLE IF EXISTS {role}")


# --------------------------------------------------------------------------- through `pytest --schemaguard`

E2E_QUIET = ("-m", "not schemaguard_rule and not schemaguard_behaviour")


@pytest.fixture
def crm(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("SCHEMAGUARD_DSN", "SCHEMAGUARD_LIVE_DSN", "SCHEMAGUARD_STATEMENT_TIMEOUT"):
        monkeypatch.delenv(var, raising=False)
    preload()
    return copy_crm(pytester.path)


def no_traceback(result: pytest.RunResult) -> None:
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out and "INTERNALERROR" not in out


def test_e2e_nul_byte_fails_its_migration_item_with_file_line(pytester, crm, admin_dsn):
    (crm / MIGRATIONS / "20250104000000_more.sql").write_bytes(
        b"alter table public.deals\n  add column b int\x00, add column c int;\n")
    result = run_pytest(pytester, admin_dsn, *E2E_QUIET)
    result.stdout.fnmatch_lines([
        "*_ migration[[]20250104000000_more.sql[]] _*",
        f"{MIGRATIONS}/20250104000000_more.sql:2: statement starting at line 1 failed",
        "schemaguard:  NUL byte (\\x00) in the statement: PostgreSQL cannot take NUL in text*",
    ])
    no_traceback(result)


def test_e2e_copy_seed_loads_and_a_lost_connection_is_a_clear_failure(pytester, crm, admin_dsn):
    seed = crm / "supabase" / "seed.sql"
    seed.write_text(seed.read_text(encoding="utf-8")
                    + "COPY public.organizations (name, owner_id) FROM stdin;\n"
                      "Copy\\tCo\t00000000-0000-4000-8000-000000000001\n\\.\n"
                      "select pg_terminate_backend(pg_backend_pid());\n", encoding="utf-8")
    copy_line = line_of(seed, "pg_terminate_backend")
    result = run_pytest(pytester, admin_dsn, *E2E_QUIET)
    result.stdout.fnmatch_lines([
        f"supabase/seed.sql:{copy_line}: statement failed",
        "    select pg_terminate_backend(pg_backend_pid())",
        "schemaguard:  the connection to the server was lost while this statement ran*",
    ])
    no_traceback(result)


def test_e2e_statement_timeout_option_and_yaml_key(pytester, crm, admin_dsn):
    (crm / MIGRATIONS / "20250104000000_slow.sql").write_text("select 1;\nselect pg_sleep(5);\n")
    result = run_pytest(pytester, admin_dsn, "--schemaguard-statement-timeout=300ms", *E2E_QUIET)
    result.stdout.fnmatch_lines([
        f"{MIGRATIONS}/20250104000000_slow.sql:2: statement failed",
        "ERROR:  canceling statement due to statement timeout (SQLSTATE 57014)",
        "HINT:  schemaguard runs each statement with statement_timeout = 300ms; raise project.statement_timeout*",
    ])
    copy_crm(crm, "statement_timeout: 250ms")
    result = run_pytest(pytester, admin_dsn, *E2E_QUIET)
    result.stdout.fnmatch_lines(["HINT:  schemaguard runs each statement with statement_timeout = 250ms*"])
    copy_crm(crm, "statement_timeout: 5 minutes")
    result = run_pytest(pytester, admin_dsn, *E2E_QUIET)
    result.stdout.fnmatch_lines([
        f"*{YAML}:*: 'statement_timeout' in 'project' must be a PostgreSQL duration such as 30s, 5min or 1h*",
    ])
    no_traceback(result)
    result = run_pytest(pytester, admin_dsn, "--schemaguard-statement-timeout=forever")
    result.stderr.fnmatch_lines(["*--schemaguard-statement-timeout must be a PostgreSQL duration*'forever'*"])


def test_e2e_shared_server_refuses_alter_system_and_lists_created_roles(pytester, crm, admin_dsn):
    role = f"sg_role_{uuid.uuid4().hex[:8]}"
    (crm / MIGRATIONS / "20250104000000_role.sql").write_text(f"create role {role} nologin;\n")
    try:
        result = run_pytest(pytester, admin_dsn, *E2E_QUIET)
        result.stdout.fnmatch_lines([
            "*schemaguard warnings*",
            f"role {role} created on the shared server (--schemaguard-dsn) by "
            f"{MIGRATIONS}/20250104000000_role.sql:1; it outlives this run",
        ])
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {role}")
    (crm / MIGRATIONS / "20250104000000_role.sql").write_text("select 1;\nalter system set work_mem = '64MB';\n")
    result = run_pytest(pytester, admin_dsn, *E2E_QUIET)
    result.stdout.fnmatch_lines([
        f"{MIGRATIONS}/20250104000000_role.sql:2: statement failed",
        "schemaguard:  ALTER SYSTEM changes the whole server, not only the throwaway database*",
    ])
    no_traceback(result)


def test_cli_statement_timeout_reaches_the_build(tmp_path, capsys, admin_dsn, monkeypatch):
    monkeypatch.delenv("SCHEMAGUARD_STATEMENT_TIMEOUT", raising=False)
    root = copy_crm(tmp_path)
    (root / MIGRATIONS / "20250104000000_slow.sql").write_text("select pg_sleep(5);\n")
    code, out, err = run_cli(capsys, root, admin_dsn, "init", "--force", "--statement-timeout", "200ms")
    assert code == 2
    assert f"{MIGRATIONS}/20250104000000_slow.sql:1: statement failed" in out + err
    assert "HINT:  schemaguard runs each statement with statement_timeout = 200ms" in out + err


@pytest.mark.parametrize("value, expected", [("5min", "5min"), ("0", "0"), ("30 s", "30 s"), ("1.5h", "1.5h")])
def test_project_statement_timeout_reads_postgresql_durations(tmp_path, value, expected):
    path = tmp_path / YAML
    path.write_text(f"version: 1\nproject:\n  statement_timeout: {value}\n")
    assert load_expectations(path).project.statement_timeout == expected


def test_project_statement_timeout_default_is_five_minutes(tmp_path):
    path = tmp_path / YAML
    path.write_text("version: 1\nproject:\n  flavor: postgres\n")
    (tmp_path / "supabase" / "migrations").mkdir(parents=True)
    (tmp_path / "supabase" / "migrations" / "1_a.sql").write_text("select 1;\n")
    assert load_project(path, load_expectations(path).project).statement_timeout == "5min"
