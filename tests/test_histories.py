"""Real-world Supabase histories build unmodified on plain PostgreSQL 15 and pass ``pytest --schemaguard``.

Each ``tests/examples/history_<style>/`` is a project written the way teams really write them:
``history_remote_schema`` (``supabase db pull``/``db diff`` output: SET lines, owners, COMMENT ON,
GRANTs and default privileges, a database webhook), ``history_handwritten`` (storage buckets and
policies, a trigger on auth.users, seeds with auth.users/identities found through a glob),
``history_extensions`` (pg_net, pg_cron, Vault and friends, with ``project.stubs: true``) and
``history_pg17`` (``major_version = 17`` and the MAINTAIN privilege), and since issue 10
``history_vector_search``, ``history_queue``, ``history_dumped_seed`` and ``history_cron`` (jobs in
pg_cron: the stand-in here; tests/test_preload.py builds it with the real, preloaded pg_cron). Every run is in-process
through pytester against the suite's server (DSN mode).
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import re
import shutil
from pathlib import Path

import hypothesis
import psycopg
import pytest

import pytest_schemaguard
from pytest_schemaguard import cli
from pytest_schemaguard.errors import ConfigError
from pytest_schemaguard.project import read_supabase_config

EXAMPLES = Path(__file__).parent / "examples"
YAML = "schema_expectations.yml"
QUIET = ("-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:benchmark")

NOT_AVAILABLE = "extension {} is not available on this server; CREATE EXTENSION skipped"
STUB_WARNINGS = [
    "stub in use: net.http_get/http_post/http_delete stand in for pg_net (requests are queued in "
    "net.http_request_queue, never sent)",
    "stub in use: cron.schedule/unschedule stand in for pg_cron (jobs are stored in cron.job, never run)",
    "stub in use: vault.create_secret/update_secret, vault.secrets and vault.decrypted_secrets stand in for "
    "supabase_vault (secrets are stored unencrypted)",
    "stub in use: extensions.vector stands in for pgvector (distances are computed in SQL, slowly; "
    "hnsw/ivfflat indexes are skipped)",
    "stub in use: pgmq.create/send/send_batch/read/pop/archive/delete/metrics stand in for pgmq (queues are plain "
    "tables pgmq.q_<name> and pgmq.a_<name>)",
    "stub in use: extensions.http/http_get/http_post/... stand in for the http extension (requests are never sent; "
    "every call answers status 503)",
    "stub in use: extensions.sign/verify stand in for pgjwt (real HS256/HS384/HS512 tokens, through pgcrypto)",
]
STAND_IN = "; stand-in in use (project.stubs: true)"
# The suite's server is not started for pg_cron: which warning depends on whether its files are installed.
CRON_SKIPPED = "<pg_cron skipped>"
NOT_PRELOADED = ("extension pg_cron is installed on this server but not preloaded for this database "
                 "(shared_preload_libraries, cron.database_name = the database being built); CREATE EXTENSION skipped")
# Per corpus: (items that must pass, build warnings the summary must show).
CORPORA = {
    "history_remote_schema": (
        ["migration[20240105120000_remote_schema.sql]", "migration[20240212093000_remote_schema.sql]",
         "seed[seed.sql]", "table[public.teams]", "function[public.is_team_member(bigint)]", "exhaustive[public]"],
        [f"20240105120000_remote_schema.sql:{line}: " + NOT_AVAILABLE.format(ext)
         for line, ext in ((21, "pg_net"), (28, "pgsodium"), (45, "pg_graphql"), (66, "pgjwt"),
                           (73, "supabase_vault"))],
    ),
    "history_handwritten": (
        ["migration[20250302090000_avatars_bucket.sql]",
         "migration[20250320090000_fix_rls_policies_public_to_authenticated.sql]",
         "seed[00_users.sql]", "seed[05_avatars.sql]", "seed[10_notes.sql]", "table[public.profiles]",
         "function[public.handle_new_user]"],
        [],
    ),
    "history_extensions": (
        ["migration[20250402000000_orders_webhook.sql]", "migration[20250403000000_cron_jobs.sql]", "seed[seed.sql]",
         "extension[pg_trgm]", "table[public.orders]", "function[public.ping_status_page]"],
        [*STUB_WARNINGS,
         *(f"20250401000000_enable_extensions.sql:{line}: "
           + (CRON_SKIPPED if ext == "pg_cron" else NOT_AVAILABLE.format(ext)) + suffix
           for line, ext, suffix in ((2, "pg_net", STAND_IN), (3, "pg_cron", STAND_IN), (4, "http", STAND_IN),
                                     (5, "pgjwt", STAND_IN), (6, "supabase_vault", STAND_IN), (7, "pg_graphql", ""),
                                     (8, "hypopg", ""), (9, "index_advisor", ""))),
         "20250401000000_enable_extensions.sql:13: extension pg_net is not available on this server; "
         "COMMENT ON EXTENSION skipped" + STAND_IN],
    ),
    "history_vector_search": (
        ["migration[20250601000000_documents.sql]", "migration[20250602000000_match_documents.sql]", "seed[seed.sql]",
         "table[public.documents]", "function[public.match_documents]"],
        [*STUB_WARNINGS,
         "20250601000000_documents.sql:1: " + NOT_AVAILABLE.format("vector") + STAND_IN,
         "20250601000000_documents.sql:17: index documents_embedding_idx on public.documents uses access method hnsw "
         "of extension vector (pgvector), which this server lacks; CREATE INDEX skipped",
         "20250602000000_match_documents.sql:18: index documents_embedding_l2_idx on public.documents uses access "
         "method ivfflat of extension vector (pgvector), which this server lacks; CREATE INDEX skipped"],
    ),
    "history_dumped_seed": (
        ["migration[20250701000000_profiles.sql]", "seed[seed.sql]", "table[public.profiles]",
         "function[public.touch_last_seen]"],
        STUB_WARNINGS,
    ),
    "history_queue": (
        ["migration[20250801000000_queue.sql]", "migration[20250802000000_realtime.sql]", "seed[seed.sql]",
         "table[public.workflow_runs]", "function[public.enqueue_run]"],
        [*STUB_WARNINGS,
         "20250801000000_queue.sql:1: schema pgmq was made by the pgmq stand-in (project.stubs: true); CREATE SCHEMA "
         "skipped",
         "20250801000000_queue.sql:2: " + NOT_AVAILABLE.format("pgmq") + STAND_IN],
    ),
    "history_cron": (
        ["migration[20250901000000_enable_cron.sql]", "migration[20250902000000_daily_reports.sql]",
         "migration[20250903000000_retention.sql]", "seed[seed.sql]", "table[public.daily_reports]",
         "function[public.refresh_daily_reports]"],
        [*STUB_WARNINGS, f"20250901000000_enable_cron.sql:1: {CRON_SKIPPED}{STAND_IN}"],
    ),
    "history_pg17": (
        ["migration[20250501000000_events.sql]", "migration[20250502000000_remote_schema.sql]",
         "table[public.events]", "table[public.event_kinds]"],
        ["20250501000000_events.sql:15: MAINTAIN privilege needs PostgreSQL 17; skipped",
         "20250501000000_events.sql:16: MAINTAIN privilege needs PostgreSQL 17; removed from the privilege list, "
         "the rest ran",
         "20250501000000_events.sql:17: MAINTAIN privilege needs PostgreSQL 17; skipped",
         "20250502000000_remote_schema.sql:25: MAINTAIN privilege needs PostgreSQL 17; removed from the privilege "
         "list, the rest ran",
         "20250502000000_remote_schema.sql:28: MAINTAIN privilege needs PostgreSQL 17; skipped",
         "supabase/config.toml says [db] major_version = 17, but the server is PostgreSQL 15: version-specific "
         "behaviour may differ from production"],
    ),
}


def _preload() -> None:
    """Import hypothesis and every plugin module once, here: pytester's in-process runs restore
    ``sys.modules`` afterwards, so a module first imported inside a run is imported again by every
    run (see tests/test_plugin.py)."""
    assert hypothesis.__version__
    for module in pkgutil.walk_packages(pytest_schemaguard.__path__, "pytest_schemaguard."):
        with contextlib.suppress(Exception):  # a module another engineer is still writing
            importlib.import_module(module.name)


_preload()


def copy_example(pytester: pytest.Pytester, case: str) -> Path:
    shutil.copytree(EXAMPLES / case, pytester.path, dirs_exist_ok=True)
    return pytester.path


def run(pytester: pytest.Pytester, admin_dsn: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", *QUIET, "-v", *args)


def esc(text: str) -> str:
    """``text`` as a literal fnmatch pattern (item ids contain brackets)."""
    return re.sub(r"[\[\]*?]", lambda m: f"[{m.group()}]", text)


def assert_all_passed(result: pytest.RunResult, items: list[str], *, ordered: bool = True) -> None:
    outcomes = result.parseoutcomes()
    assert set(outcomes) <= {"passed", "skipped", "warning", "warnings"}, result.stdout.str()
    patterns = [f"*{esc(item)} PASSED*" for item in items]
    if ordered:  # in collection order: migrations, then seeds in the order they ran, then objects
        result.stdout.fnmatch_lines(patterns)
    else:
        result.stdout.fnmatch_lines_random(patterns)


def assert_warnings_shown(result: pytest.RunResult, warnings: list[str]) -> None:
    """In the terminal summary, in build order (the build is lazy: the header comes before it)."""
    lines = result.stdout.lines
    starts = [i for i, line in enumerate(lines) if "- schemaguard warnings -" in line]
    if not warnings:
        assert starts == []
        return
    (start,) = starts
    assert lines[start + 1:start + 1 + len(warnings)] == warnings


@pytest.mark.parametrize("case", sorted(CORPORA))
def test_history_builds_unmodified_and_passes(pytester: pytest.Pytester, admin_dsn: str, case: str) -> None:
    copy_example(pytester, case)
    items, warnings = CORPORA[case]
    with psycopg.connect(admin_dsn) as conn:
        cron = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_cron'").fetchone()
    skipped = NOT_PRELOADED if cron else NOT_AVAILABLE.format("pg_cron")
    warnings = [w.replace(CRON_SKIPPED, skipped) for w in warnings]
    result = run(pytester, admin_dsn)
    assert result.ret == 0, result.stdout.str()
    assert_all_passed(result, items)
    assert_warnings_shown(result, warnings)


def test_stub_calls_without_stubs_skip_or_fail_with_advice(pytester: pytest.Pytester, admin_dsn: str) -> None:
    copy_example(pytester, "history_extensions")
    yaml = pytester.path / YAML
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("stubs: true", "stubs: false"), encoding="utf-8")
    result = run(pytester, admin_dsn)
    assert result.ret == 1
    advice = "set project.stubs: true in the expectations file to run it against a stand-in"
    result.stdout.fnmatch_lines([
        "*migration[[]20250402000000_orders_webhook.sql[]] FAILED*",
        "*table[[]public.orders[]] SKIPPED*",
        "*- schemaguard warnings -*",
        f"20250401000000_enable_extensions.sql:16: extension pg_cron is not available on this "
        f"server; statement using schema cron skipped; {advice}",
    ])
    result.stdout.fnmatch_lines([
        "supabase/migrations/20250402000000_orders_webhook.sql:48: statement starting at line 42 failed",
        "*select net.http_get('https://status.example.invalid/ping');",
        'ERROR:  schema "net" does not exist (SQLSTATE 3F000)',
        "HINT:  schema net belongs to extension pg_net, which this server lacks (CREATE EXTENSION pg_net was "
        "skipped at 20250401000000_enable_extensions.sql:2): install it on the server (built from Supabase's pg_net "
        f"sources), or {advice}",
    ])
    failed_at = "supabase/migrations/20250402000000_orders_webhook.sql:48"
    result.stdout.fnmatch_lines([f'schemaguard: build failed at {failed_at}: schema "net" does not exist'])


def test_unreadable_config_toml_stops_the_run_naming_the_file_and_the_key(pytester: pytest.Pytester,
                                                                          admin_dsn: str) -> None:
    copy_example(pytester, "history_pg17")
    (pytester.path / "supabase" / "config.toml").write_text('[db]\nmajor_version = "17"\n', encoding="utf-8")
    result = run(pytester, admin_dsn)
    assert result.ret != 0
    result.stdout.fnmatch_lines([f"*{pytester.path / 'supabase' / 'config.toml'}: [[]db[]] major_version must be a "
                                 "whole number such as 15 or 17, found '17'*"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


@pytest.mark.parametrize(("config", "message"), [
    ("[db]\nmajor_version = 15.0\n", "[db] major_version must be a whole number such as 15 or 17, found 15.0"),
    ("db = 15\n", "[db] must be a table, found 15"),
    ("[db.seed]\nenabled = 'yes'\n", "[db.seed] enabled must be true or false, found 'yes'"),
    ('[db.seed]\nsql_paths = "./seed.sql"\n',
     "[db.seed] sql_paths must be a list of strings (paths or globs relative to supabase/, "
     "e.g. [\"./seed.sql\", \"./seeds/*.sql\"]), found './seed.sql'"),
    ('api = "public"\n', "[api] must be a table (section), found 'public'"),
    ('[api]\nschemas = "public"\n', "[api] schemas must be a list of schema names, "
     "e.g. schemas = [\"public\", \"graphql_public\"]; found 'public'"),
    ("[db\nmajor_version = 15\n", "is not valid TOML: Expected ']' at the end of a table declaration (at line 1, "
                                   "column 4)"),
])
def test_config_toml_errors_name_the_file_and_the_key(tmp_path: Path, config: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_supabase_config(path)
    assert str(caught.value) == f"{path}: {message}"


@pytest.mark.parametrize("case", sorted(CORPORA))
def test_init_round_trip(pytester: pytest.Pytester, admin_dsn: str, case: str,
                         capsys: pytest.CaptureFixture[str]) -> None:
    """``schemaguard init`` on the history, then ``pytest --schemaguard`` passes on what it wrote."""
    copy_example(pytester, case)
    yaml = pytester.path / YAML
    # init keeps the `project:` settings of the file it replaces (stubs: true for the extensions project).
    code = cli.main(["init", "--force", "--file", str(yaml), "--dsn", admin_dsn])
    assert code == 0, capsys.readouterr()
    assert f"schemaguard init: wrote {yaml}" in capsys.readouterr().out
    result = run(pytester, admin_dsn)
    assert result.ret == 0, result.stdout.str()
    # init names functions with their argument lists and adds its own items: compare what both have.
    assert_all_passed(result, [i for i in CORPORA[case][0] if i.startswith(("migration", "seed", "table"))],
                      ordered=False)


def test_config_toml_seed_paths_may_be_absolute_globs_and_skip_directories(tmp_path: Path) -> None:
    from pytest_schemaguard.expectations.model import ProjectSettings
    from pytest_schemaguard.project import load_project

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "nested.sql").mkdir(parents=True)  # a directory matching the glob is not a seed
    (elsewhere / "b.sql").write_text("select 1;\n", encoding="utf-8")
    (tmp_path / "supabase" / "migrations").mkdir(parents=True)
    (tmp_path / "supabase" / "migrations" / "20250101000000_a.sql").write_text("select 1;\n", encoding="utf-8")
    (tmp_path / "supabase" / "seed.sql").write_text("select 1;\n", encoding="utf-8")
    (tmp_path / "supabase" / "config.toml").write_text(
        f'[db.seed]\nsql_paths = ["{elsewhere}/*.sql", "./seed.sql", "./"]\n', encoding="utf-8")
    project = load_project(tmp_path / YAML, ProjectSettings())
    assert project.seeds == ((elsewhere / "b.sql").resolve(), (tmp_path / "supabase" / "seed.sql").resolve())
