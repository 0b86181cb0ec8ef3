"""``pgtap[<file>]`` items: the project's own pgTAP files run against the built database.

Each end-to-end test copies ``tests/examples/pgtap_small`` (crm_small with two passing pgTAP files
in ``supabase/tests/database``) into pytester, adds a file or a migration, and runs the items.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import psycopg
import pytest
from docs_support import doc_section

import pytest_schemaguard.pgtap.runner
import pytest_schemaguard.providers.pgtap  # noqa: F401  (imported once, outside the inner runs)
from pytest_schemaguard.config import command_settings
from pytest_schemaguard.pgtap.runner import PgtapServer, pgtap_server, unavailable_reason
from pytest_schemaguard.pgtap.tap import TapLine, parse_tap
from pytest_schemaguard.providers.pgtap import check_test_file, provide
from pytest_schemaguard.session import command_session

EXAMPLE = Path(__file__).parent / "examples" / "pgtap_small"
YAML = "schema_expectations.yml"
TESTS = "supabase/tests/database"
QUIET = ("-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:benchmark")


@pytest.fixture(scope="module")
def pgtap_dsn(admin_dsn: str) -> str:
    """The test server's DSN; these tests need pgTAP there (.ci/run installs it), and say so otherwise."""
    with psycopg.connect(admin_dsn) as conn:
        reason = unavailable_reason(pgtap_server(conn))
    if reason:
        pytest.skip(reason)
    return admin_dsn


def setup(pytester: pytest.Pytester, files: dict[str, str] | None = None,
          migrations: dict[str, str] | None = None) -> Path:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    for name, text in (files or {}).items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name, text in (migrations or {}).items():
        (pytester.path / "supabase" / "migrations" / name).write_text(text, encoding="utf-8")
    return pytester.path


def run(pytester: pytest.Pytester, admin_dsn: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", *QUIET, "-v", "-rs",
                              *(args or ("-m", "schemaguard_pgtap")))


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    """pgtap item name -> outcome word, from the verbose run."""
    found = re.findall(re.escape(YAML) + r"::pgtap\[(.+?)\] (PASSED|FAILED|SKIPPED|ERROR)", result.stdout.str())
    return dict(found)


def tap_file(*body: str, plan: int | None = None) -> str:
    """A test file as `supabase test new` shapes it: begin, plan, the body, finish, rollback."""
    count = plan if plan is not None else len(body)
    return "\n".join(["begin;", f"select plan({count});", *body, "select * from finish();", "rollback;", ""])


# --------------------------------------------------------------------------- end to end


def test_passing_suite_and_nothing_left_behind(pytester: pytest.Pytester, pgtap_dsn: str) -> None:
    """Each file runs on its own session in a transaction that is rolled back: a `commit;` in one
    file, its rows, its prepared statement and the pgTAP extension are gone for the next file and
    for the tests that run afterwards."""
    commits = ("begin;\nselect plan(1);\ninsert into public.deals (organization_id, amount) "
               "select id, 7 from public.organizations;\nprepare deal_count as select count(*)::int from "
               "public.deals;\nselect is((select count(*)::int from public.deals), 1, 'one deal here');\n"
               "commit;\nset search_path = nowhere;\n")
    sees_nothing = ("prepare deal_count as select count(*)::int from public.deals;\nbegin;\nselect plan(1);\n"
                    "select results_eq('execute deal_count', $$ values (0) $$, 'the other file left no deal');\n"
                    "select * from finish();\nrollback;\n")
    after = ("def test_database_is_untouched(schemaguard_conn):\n"
             "    one = lambda q: schemaguard_conn.execute(q).fetchone()[0]\n"
             "    assert one(\"select count(*) from pg_extension where extname = 'pgtap'\") == 0\n"
             "    assert one('select count(*) from public.deals') == 0\n"
             "    assert one('select count(*) from public.organizations') == 1  # the seed's\n")
    setup(pytester, {f"{TESTS}/a_commits.test.sql": commits, f"{TESTS}/b_sees_nothing.test.sql": sees_nothing,
                     "supabase/tests/rls/owner.pg": tap_file("select ok(true, 'a .pg file in a subdirectory');"),
                     "supabase/tests/notes.txt": "not a test file\n", "test_after.py": after})
    result = run(pytester, pgtap_dsn, "-k", "pgtap or test_database_is_untouched")
    assert outcomes(result) == {
        "database/a_commits.test.sql": "PASSED",
        "database/b_sees_nothing.test.sql": "PASSED",
        "database/deal_totals.test.sql": "PASSED",
        "database/structure.test.sql": "PASSED",
        "rls/owner.pg": "PASSED",
    }
    result.assert_outcomes(passed=6)


def test_changed_migration_fails_the_assertion_with_its_diagnostics(pytester: pytest.Pytester,
                                                                     pgtap_dsn: str) -> None:
    widen = "alter table public.deals alter column amount type numeric(14, 2);\n"
    setup(pytester, migrations={"20250104000000_widen_amount.sql": widen})
    result = run(pytester, pgtap_dsn)
    assert outcomes(result) == {"database/deal_totals.test.sql": "PASSED", "database/structure.test.sql": "FAILED"}
    result.stdout.fnmatch_lines([
        "supabase/tests/database/structure.test.sql: 1 of 6 test(s) failed",
        "supabase/tests/database/structure.test.sql:8: not ok 3 - deals.amount is numeric(12,2)",
        '    # Failed test 3: "deals.amount is numeric(12,2)"',
        "    #         have: numeric(14,2)",
        "    #         want: numeric(12,2)",
    ], consecutive=True)


def test_failing_test_after_a_mutation_todo_and_plan(pytester: pytest.Pytester, pgtap_dsn: str) -> None:
    mutated = tap_file(
        "update public.organizations set name = 'Renamed';",
        "select is((select name from public.organizations), 'Seeded Org', 'the seed keeps its name');",
        "select todo('not written yet', 1);",
        "select ok(false, 'a known gap');",
        "select ok(true, 'this one holds');",
        plan=3)
    short = tap_file("select pass('only one');", plan=3)
    no_tap = "select count(*) from public.deals;\n"
    setup(pytester, {f"{TESTS}/mutated.test.sql": mutated, f"{TESTS}/short.test.sql": short,
                     f"{TESTS}/no_tap.test.sql": no_tap})
    result = run(pytester, pgtap_dsn)
    assert outcomes(result)["database/mutated.test.sql"] == "FAILED"
    out = result.stdout.str()
    assert "supabase/tests/database/mutated.test.sql: 1 of 3 test(s) failed" in out
    result.stdout.fnmatch_lines([
        "supabase/tests/database/mutated.test.sql:4: not ok 1 - the seed keeps its name",
        '    # Failed test 1: "the seed keeps its name"',
        "    #         have: Renamed",
        "    #         want: Seeded Org",
    ], consecutive=True)
    assert "a known gap" not in out  # a TODO failure does not fail the file
    assert outcomes(result)["database/short.test.sql"] == "FAILED"
    assert "supabase/tests/database/short.test.sql:2: planned 3 test(s) but ran 1" in out
    assert outcomes(result)["database/no_tap.test.sql"] == "FAILED"
    assert ("supabase/tests/database/no_tap.test.sql:1: no TAP output: the file ran no pgTAP test; start it with "
            "`select plan(<number of tests>);`") in out


def test_sql_error_names_its_file_line(pytester: pytest.Pytester, pgtap_dsn: str) -> None:
    broken = tap_file("select ok(true, 'first');",
                      "select is(count(*), 0::bigint, 'no archived deals')\n  from public.archived_deals;",
                      "select ok(true, 'never reached');")
    setup(pytester, {f"{TESTS}/broken.test.sql": broken})
    result = run(pytester, pgtap_dsn)
    assert outcomes(result)["database/broken.test.sql"] == "FAILED"
    result.stdout.fnmatch_lines([
        "supabase/tests/database/broken.test.sql:5: statement starting at line 4 failed",
        "",
        "    select is(count(*), 0::bigint, 'no archived deals')",
        "      from public.archived_deals",
        "",
        'ERROR:  relation "public.archived_deals" does not exist (SQLSTATE 42P01)',
        "",
        "The file stopped there (as pg_prove stops at the first error), after 1 test(s).",
    ], consecutive=True)
    assert "planned 3" not in result.stdout.str()  # the error explains the short run


def test_psql_meta_commands(pytester: pytest.Pytester, pgtap_dsn: str) -> None:
    """pgTAP's documented psql header is skipped; an include cannot run without psql and is refused at its line."""
    header = ("\\set ECHO none\n\\set QUIET 1\n\\pset format unaligned\n\\pset tuples_only true\n"
              "\\set ON_ERROR_STOP true\n")
    setup(pytester, {f"{TESTS}/header.test.sql": header + tap_file("select pass('after the header');"),
                     f"{TESTS}/include.test.sql": "begin;\n\\i helpers.sql\n" + tap_file("select pass('x');")})
    result = run(pytester, pgtap_dsn)
    assert outcomes(result)["database/header.test.sql"] == "PASSED"
    assert outcomes(result)["database/include.test.sql"] == "FAILED"
    assert ("supabase/tests/database/include.test.sql:2: statement failed" in result.stdout.str())
    assert "schemaguard:  \\i is a psql meta-command: schemaguard sends the test file's SQL" in result.stdout.str()


def test_broken_build_skips_the_files(pytester: pytest.Pytester, pgtap_dsn: str) -> None:
    setup(pytester, migrations={"20250104000000_broken.sql": "alter table public.nope add column x int;\n"})
    result = run(pytester, pgtap_dsn, "-m", "schemaguard_pgtap or schemaguard_migration")
    assert outcomes(result) == {"database/deal_totals.test.sql": "SKIPPED", "database/structure.test.sql": "SKIPPED"}
    assert "database build failed at supabase/migrations/20250104000000_broken.sql:1" in result.stdout.str()


def test_without_pgtap_the_items_skip_with_the_install_hint(tmp_path: Path, pgtap_dsn: str) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    settings = command_settings(tmp_path / YAML, dsn=pgtap_dsn)
    with command_session(settings) as session:
        session.load()
        specs = list(provide(session))
        assert [s.name for s in specs] == ["pgtap[database/deal_totals.test.sql]", "pgtap[database/structure.test.sql]"]
        conn = session.require_database()
        assert pgtap_server(conn) == PgtapServer(available=True, major=conn.info.server_version // 10000)
        with pytest.raises(pytest.skip.Exception) as skipped:
            check_test_file(tmp_path / TESTS / "deal_totals.test.sql", session, PgtapServer(available=False, major=16))
    assert str(skipped.value) == (
        "pgTAP is not installed on the server (PostgreSQL 16): install it with `apt-get install postgresql-16-pgtap` "
        "(Debian/Ubuntu) or `brew install pgtap` (macOS), or build it from https://pgtap.org, then run again")
    assert unavailable_reason(PgtapServer(available=True, major=15)) is None


def test_no_tests_directory_no_items(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    shutil.rmtree(tmp_path / "supabase" / "tests")
    with command_session(command_settings(tmp_path / YAML)) as session:
        session.load()
        assert list(provide(session)) == []


# --------------------------------------------------------------------------- TAP


def lines(text: str) -> list[TapLine]:
    return [TapLine(row, number) for number, row in enumerate(text.splitlines(), start=1)]


def test_tap_todo_skip_escapes_and_subtests() -> None:
    run_ = parse_tap(lines(
        "1..4\n"
        "ok 1 - a \\# not a directive\n"
        "not ok 2 - later # TODO not written\n"
        "ok 3 # SKIP no network\n"
        "    # Subtest: public.test_user\n"
        "    not ok 1 - inner\n"
        "not ok 4 - public.test_user\n"
        "# Looks like you failed 1 test of 4\n"))
    assert run_.plan == 4 and run_.plan_problem() is None
    assert [(t.number, t.passed, t.directive) for t in run_.tests] == [
        (1, True, None), (2, False, "todo"), (3, True, "skip"), (4, False, None)]
    assert run_.tests[0].description == "a # not a directive"
    (failed,) = run_.failures
    assert failed.diagnostics == ("# Subtest: public.test_user", "not ok 1 - inner") and failed.line == 7


def test_tap_plan_problems_and_bail_out() -> None:
    assert parse_tap(lines("ok 1\nok 2\n")).plan_problem() == (
        "no plan: the file ran 2 test(s) without `select plan(<number of tests>);` (or `select * from no_plan();` "
        "with `select * from finish();` at the end)")
    late_plan = parse_tap(lines("ok 1\nok 2\n1..2\n"))  # no_plan() + finish()
    assert late_plan.plan_problem() is None
    skipped = parse_tap(lines("1..0 # Skipped: no auth schema\n"))
    assert skipped.skip_all == "no auth schema" and skipped.plan_problem() is None
    bailed = parse_tap(lines("1..3\nok 1\nBail out! database gone\n"))
    assert bailed.bail_out == "database gone" and bailed.bail_out_line == 3


# --------------------------------------------------------------------------- README


def test_readme_pgtap_section(pytester: pytest.Pytester, pgtap_dsn: str) -> None:
    """The section's example file is the corpus's, its command is the one the tests run, and its
    failure text is what the widened column prints."""
    section = doc_section("pgTAP tests (`pgtap[...]` items)")
    blocks = re.findall(r"```([\w ]*)\n(.*?)```", section, re.DOTALL)
    sql = [b for kind, b in blocks if kind.split()[:1] == ["sql"]]  # `sql fragment`: the project's file
    assert sql == [(EXAMPLE / TESTS / "structure.test.sql").read_text(encoding="utf-8")]
    commands = [b for kind, b in blocks if kind == "bash"]
    assert commands == ['pytest --schemaguard -m schemaguard_pgtap\npytest --schemaguard -m "not schemaguard_pgtap"\n']
    (failure,) = [b for kind, b in blocks if kind == "text"]
    setup(pytester, migrations={"20250104000000_widen.sql":
                                "alter table public.deals alter column amount type numeric(14, 2);\n"})
    result = run(pytester, pgtap_dsn, "-m", "schemaguard_pgtap")
    result.stdout.fnmatch_lines([re.sub(r"([\[\]*?])", r"[\1]", row) for row in failure.splitlines()],
                                consecutive=True)
    deselected = run(pytester, pgtap_dsn, "-m", "not schemaguard_pgtap", "-k", "pgtap")
    assert outcomes(deselected) == {}


def test_unreachable_database_is_a_message_without_the_password(tmp_path: Path) -> None:
    from pytest_schemaguard.database.server import ConnectionInfo
    from pytest_schemaguard.errors import SchemaguardError
    from pytest_schemaguard.pgtap.runner import run_test_file

    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    with command_session(command_settings(tmp_path / YAML)) as session:
        session.load()
        assert session.project is not None
        gone = ConnectionInfo(host="127.0.0.1", port=1, user="postgres", dbname="built", password="s3cret")
        with pytest.raises(SchemaguardError) as raised:
            run_test_file(gone, tmp_path / TESTS / "structure.test.sql", session.project)
    message = str(raised.value)
    assert message.startswith("supabase/tests/database/structure.test.sql: could not connect to the built database "
                              "postgresql://postgres@127.0.0.1:1/built: ")
    assert "s3cret" not in message
