"""Odd migration text through the statement scanner and the build's checks: never an exception
(other than the SchemaguardError family), and every line it reports is a line of the file."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_schemaguard.database.build_checks import check_statements
from pytest_schemaguard.errors import SchemaguardError
from pytest_schemaguard.migrations import has_no_transaction_marker
from pytest_schemaguard.script import scan_script

FRAGMENTS = [
    "create table t (a int, b text)", "select 1", "insert into t values (1, 'it''s; ok')",
    "select e'\\'; still a string'", 'select "odd;""name"', "select $$ ; $$", "select $tag$ $$ ; $tag$",
    "select 'unterminated", "select $$ unterminated", "/* unterminated", "/* /* nested */ still ; */",
    "-- schemaguard: no-transaction", "-- add -- schemaguard: no-transaction", "\\copy t from 'x.csv'",
    "\\connect other", "\\set x 1", "\\i other.sql", "\\.", "COPY public.t (a, b) FROM stdin;\n1\tx\n\\N\t\\\\\n\\.",
    "COPY t FROM stdin;\n1\tit's\n", "COPY t FROM stdin; select 2\n1\n\\.", "copy t from '/tmp/f.csv'",
    "begin", "BEGIN ISOLATION LEVEL SERIALIZABLE", "commit", "commit and chain", "end work", "abort",
    "rollback", "rollback to savepoint s", "savepoint s", "release s", "prepare transaction 'x'",
    "commit prepared 'x'", "start transaction", "create function f() returns int language sql begin atomic "
    "select 1; end", "create rule r as on insert to t do (insert into u values (1); select 2)",
    "drop database x", "alter system set work_mem = 1", "alter database postgres set x = 1",
    "create role r", "select a$b$c from t", "select $1", "select 1 /* */ ; -- trailing",
]
SEPARATORS = [";", ";\n", "\n", "\r\n", ";\r\n", " ", "", "\0", "\ufeff", "\t", ";;", "\n\\.\n", "(", ")", "'", '"',
              "$$", "$a$", "--", "/*", "*/", "\\"]
pieces = st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(SEPARATORS),
                   st.text(alphabet="ab;'\"$-/*\\\n\r\t\0() .", max_size=12))


@settings(max_examples=600, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, max_size=14).map("".join), st.booleans(), st.booleans())
def test_odd_text_splits_without_crashing_and_lines_stay_inside_the_file(sql, transaction, shared):
    lines = sql.count("\n") + 1
    try:
        script = scan_script(sql)
        marked = has_no_transaction_marker(sql, script)
        refused = check_statements("m.sql", script.statements, transaction=transaction, shared_server=shared,
                                   dbname="db")
    except SchemaguardError:
        return
    assert isinstance(marked, bool)
    for statement in script.statements:
        assert 1 <= statement.line <= lines
        assert sql[statement.offset:statement.offset + len(statement.text)] == statement.text
        assert statement.text and statement.text == statement.text.rstrip()
        assert sql.count("\n", 0, statement.offset) + 1 == statement.line
        if statement.copy_data is not None:
            assert statement.line <= statement.data_line <= lines
        _ = statement.transaction_command
    if refused is not None:
        assert 1 <= refused.line <= lines and 1 <= (refused.error_line or refused.line) <= lines
        assert refused.message
