"""Lint never crashes: odd SQL through the statement splitter, the ignore comments and the syntactic rules.

Every statement of a migration reaches lint only after PostgreSQL applied it, but the splitter and
the text rules also see files that fail, and PostgreSQL accepts far more than any parser here
knows (tablespaces, deep expressions, unicode identifiers). A statement the analysis cannot read
is an info finding (``statement_not_analysed``), never an exception.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_schemaguard.errors import SchemaguardError
from pytest_schemaguard.lint import lint_statements
from pytest_schemaguard.lint.statements import analyse
from pytest_schemaguard.lint.suppress import ignored_rules
from pytest_schemaguard.migrations import split_statements

KEYWORDS = (
    "create", "CREATE", "index", "INDEX", "index_x", "table", "TABLESPACE", "tablespace", "alter", "ALTER", "drop",
    "concurrently", "on", "only", "ONLY", "add", "column", "constraint", "check", "foreign", "key", "references",
    "default", "not", "valid", "null", "set", "update", "delete", "from", "where", "truncate", "vacuum", "full",
    "cluster", "reindex", "type", "value", "before", "after", "using", "select", "begin", "commit", "lock_timeout",
    "set_config", "if", "exists", "unique", "or", "replace", "trigger", "verbose", "random", "nextval", "serial",
    "identity", "generated", "always", "as", "function", "returns", "language", "sql", "plpgsql", "do", "policy",
)
PUNCTUATION = ("(", ")", ",", ";", ".", "*", "=", "'", '"', "$$", "$x$", "$1", "--", "/*", "*/", "E'", "\\", "::",
               "[", "]", "\n", "\t", "\x00", "-- schemaguard: ignore truncate", "-- schemaguard: no-transaction")
WORDS = st.one_of(
    st.sampled_from(KEYWORDS + PUNCTUATION),
    st.from_regex(r"[a-z_][a-z0-9_$]{0,8}", fullmatch=True),
    st.integers(-(10**20), 10**20).map(str),
    st.text(st.characters(categories=["L", "N", "P", "S", "Zs"], min_codepoint=0x80), min_size=1, max_size=4),
)
SOUP = st.lists(WORDS, max_size=40).flatmap(
    lambda words: st.lists(st.sampled_from([" ", "", "\n"]), min_size=len(words), max_size=len(words)).map(
        lambda gaps: "".join(w + g for w, g in zip(words, gaps, strict=True))))
HEADS = st.sampled_from([
    "alter table t add column a int default ", "alter table t add constraint c check ",
    "create table t (a int default ", "create index i on t ", "update t set a = ", "delete from t where ",
    "alter tablespace ts set ", "create index_x on t ", "select ", "alter table only t alter column a set default ",
])
NESTED = st.builds(lambda head, depth, core, tail: head + "(" * depth + core + ")" * depth + tail, HEADS,
                   st.integers(0, 400), st.sampled_from(["1", "random()", "a > 0", "'x'", "$$ y $$", ""]),
                   st.sampled_from(["", ";", " not valid;", ")", "((", "; truncate t;"]))
UNTERMINATED = st.builds(lambda head, opener, body: head + opener + body, HEADS,
                         st.sampled_from(["'", '"', "$$", "$tag$", "E'\\'", "/* ", "/* /* */", "U&'"]),
                         st.text(max_size=30))
SQL = st.one_of(SOUP, NESTED, UNTERMINATED, st.text(max_size=80))


def lint_text(text: str) -> None:
    try:
        statements = split_statements(text)
        for statement in statements:
            assert text[statement.offset:].startswith(statement.text)
            analyse(statement.text)
        lint_statements("001_x.sql", statements, no_transaction=False)
        ignored_rules(text)
    except SchemaguardError:
        pass  # our own, user-facing errors are allowed; anything else is a crash


@settings(derandomize=True, max_examples=600, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(SQL)
def test_odd_sql_never_crashes_lint(text: str) -> None:
    lint_text(text)


def test_statements_postgresql_accepts_are_read_not_crashed_on() -> None:
    deep = "alter table t add column a int default " + "(" * 300 + "random()" + ")" * 300
    check = "alter table t add constraint c check (" + "(" * 300 + "a > 0" + ")" * 300 + ")"
    text = f"alter tablespace ts set (seq_page_cost = 1.1);\n{deep};\n{check};\ncreate tablespace x location '/x';"
    found = lint_statements("001_x.sql", split_statements(text), no_transaction=False)
    # the deep ones are read from their tokens: their risks are still found, at their lines
    assert [(f.rule, f.line) for f in found] == [("volatile_default", 2), ("constraint_without_not_valid", 3),
                                                 ("missing_lock_timeout", 2)]
    assert found[0].message == "column a added to existing table public.t with volatile default random()"
    assert analyse("create index_x on t (a)").kind == "other"  # a syntax error for PostgreSQL, not an index
