"""Syntactic lint rules: every rule positive and negative, read from statement text only (no database).

"Existing table" means not created earlier in the same file (and, when a ``Before`` snapshot is
given, present in it); tables created in the migration itself never trigger those rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_schemaguard.lint import RULES, Before, lint_file, lint_statements
from pytest_schemaguard.lint.statements import analyse
from pytest_schemaguard.migrations import NO_TRANSACTION, Migration, split_statements

LOCK = "set lock_timeout = '5s';\n"


def findings(sql: str, *, before: Before | None = None) -> list:
    """The findings of ``sql`` as file ``001_x.sql`` (no-transaction when the text has the marker)."""
    no_transaction = bool(NO_TRANSACTION.search(sql))
    return lint_statements("001_x.sql", split_statements(sql), no_transaction=no_transaction, before=before)


def rules(sql: str, **kwargs) -> list[str]:
    return sorted(f.rule for f in findings(sql, **kwargs))


def migration(tmp_path: Path, text: str, name: str = "001_x.sql") -> Migration:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return Migration(path=path, version=1, name=name)


# ----------------------------------------------------------------------------- positive / negative per rule

CASES = [
    # (rule, risky SQL, safe SQL)
    ("index_without_concurrently", LOCK + "create index t_a_idx on t (a);",
     "-- schemaguard: no-transaction\n" + LOCK + "create index concurrently t_a_idx on t (a);"),
    ("index_without_concurrently", LOCK + "drop index t_a_idx;",
     "-- schemaguard: no-transaction\n" + LOCK + "drop index concurrently if exists t_a_idx;"),
    ("concurrently_in_transaction", "create index concurrently t_a_idx on t (a);",
     "-- schemaguard: no-transaction\ncreate index concurrently t_a_idx on t (a);"),
    ("constraint_without_not_valid", LOCK + "alter table t add constraint t_a_pos check (a > 0);",
     LOCK + "alter table t add constraint t_a_pos check (a > 0) not valid;"),
    ("constraint_without_not_valid", LOCK + "alter table t add constraint t_u_fk foreign key (u) references u (id);",
     LOCK + "alter table t add constraint t_u_fk foreign key (u) references u (id) not valid;"),
    ("volatile_default", LOCK + "alter table t add column k uuid default gen_random_uuid();",
     LOCK + "alter table t add column k timestamptz not null default now();"),
    ("volatile_default", LOCK + "alter table t add column r float8 default random();",
     LOCK + "alter table t add column r float8 default 0.5;"),
    ("volatile_default", LOCK + "alter table t add column c timestamptz default clock_timestamp();",
     LOCK + "alter table t add column c timestamptz default current_timestamp;"),
    ("set_not_null", LOCK + "alter table t alter column a set not null;",
     LOCK + "alter table t alter column a drop not null;"),
    ("missing_lock_timeout", "alter table t add column b int;", LOCK + "alter table t add column b int;"),
    ("update_without_where", LOCK + "update t set a = 1;", "update t set a = 1 where id < 1000;"),
    ("delete_without_where", "delete from t;", "delete from t where a is null;"),
    ("truncate", "truncate t;", "delete from t where a = 1;"),
    ("vacuum_full", "vacuum full t;", "vacuum t;"),
    ("cluster", "cluster t using t_pkey;", "analyze t;"),
    ("enum_value_without_position", "alter type mood add value 'meh';",
     "alter type mood add value if not exists 'meh' before 'happy';"),
]


@pytest.mark.parametrize(("rule", "risky", "safe"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_positive_and_negative(rule: str, risky: str, safe: str) -> None:
    assert rule in rules(risky)
    assert rule not in rules(safe)


def test_every_syntactic_rule_has_a_case() -> None:
    syntactic = {r.id for r in RULES.values() if r.kind == "syntactic"}
    assert syntactic == {c[0] for c in CASES}


# ----------------------------------------------------------------------------- table created in the same migration

def test_table_created_in_the_same_migration_triggers_no_existing_table_rule() -> None:
    sql = """
        create table public.t (id bigint primary key, a int, u bigint);
        create index t_a_idx on t (a);
        alter table t add constraint t_a_pos check (a > 0);
        alter table t add constraint t_u_fk foreign key (u) references t (id);
        alter table t add column k uuid default gen_random_uuid();
        alter table t alter column a set not null;
        update t set a = 1;
        delete from t;
        truncate t;
        drop index t_a_idx;
    """
    assert rules(sql) == []


def test_the_same_statements_on_an_existing_table_are_all_found() -> None:
    sql = """
        create index t_a_idx2 on t (a);
        alter table t add constraint t_a_pos check (a > 0), alter column a set not null;
        alter table t add column k uuid default gen_random_uuid();
        update t set a = 1;
        delete from t;
        truncate t;
    """
    assert rules(sql) == ["constraint_without_not_valid", "delete_without_where", "index_without_concurrently",
                          "missing_lock_timeout", "set_not_null", "truncate", "update_without_where",
                          "volatile_default"]


def test_before_snapshot_decides_what_existed() -> None:
    before = Before(tables=frozenset({"public.old"}), index_tables={"public.old_a_idx": "public.old"})
    sql = LOCK + "create index n_idx on public.new_by_do_block (a);\ncreate index o_idx on old (a);\n" \
                 "drop index if exists public.never_existed;\ndrop index old_a_idx;"
    found = findings(sql, before=before)
    assert [(f.rule, f.line, f.message) for f in found] == [
        ("index_without_concurrently", 3, "CREATE INDEX on existing table public.old without CONCURRENTLY"),
        ("index_without_concurrently", 5, "DROP INDEX public.old_a_idx on existing table public.old without "
                                          "CONCURRENTLY"),
    ]


# ----------------------------------------------------------------------------- details and messages

def test_finding_has_rule_file_line_statement_why_and_fix() -> None:
    [finding] = findings(LOCK + "\n\nalter table public.orders\n  add constraint orders_total_pos check (total > 0);")
    assert (finding.rule, finding.file, finding.line, finding.level) == \
        ("constraint_without_not_valid", "001_x.sql", 4, "warn")
    assert finding.message == "CHECK constraint orders_total_pos added to existing table public.orders without " \
                              "NOT VALID"
    text = finding.render()
    assert text.splitlines()[0] == ("001_x.sql:4: warn [constraint_without_not_valid] CHECK constraint "
                                    "orders_total_pos added to existing table public.orders without NOT VALID")
    assert "    alter table public.orders add constraint orders_total_pos check (total > 0)" in text
    assert "  why: adding a CHECK or FOREIGN KEY constraint validates every existing row" in text
    assert "  instead: ADD CONSTRAINT ... NOT VALID; then, in a later statement or migration, " \
           "ALTER TABLE ... VALIDATE CONSTRAINT" in text


def test_missing_lock_timeout_is_reported_once_at_the_first_locking_statement() -> None:
    [finding] = findings("create table n (id int);\nalter table a add column x int;\nalter table b add column y int;")
    assert (finding.rule, finding.line) == ("missing_lock_timeout", 2)
    assert finding.message == ("ALTER TABLE public.a without a lock_timeout set earlier in the file "
                               "(and 1 more locking statement(s) after it)")


def test_lock_timeout_after_the_statement_does_not_count() -> None:
    assert rules("alter table t add column b int;\n" + LOCK) == ["missing_lock_timeout"]
    assert rules("set local lock_timeout to '2s';\nalter table t add column b int;") == []
    assert rules("select set_config('lock_timeout', '2s', true);\nalter table t add column b int;") == []


def test_concurrently_in_a_transaction_message() -> None:
    [finding] = findings("drop index concurrently t_a_idx;")
    assert finding.level == "error"
    assert finding.message == ("DROP INDEX CONCURRENTLY in a file that runs in a transaction "
                               "(no `-- schemaguard: no-transaction` marker)")


def test_volatile_defaults_of_serial_and_identity_columns() -> None:
    found = findings(LOCK + "alter table t add column n bigserial, add column m int generated always as identity;")
    assert [f.message for f in found] == [
        "column n added to existing table public.t with volatile default bigserial",
        "column m added to existing table public.t with volatile default identity/serial",
    ]


def test_statements_sqlglot_returns_command_for_are_classified_by_tokens() -> None:
    # sqlglot falls back to exp.Command for these; the keyword path must still see them.
    facts = analyse("ALTER TABLE ONLY public.t ADD CHECK (a > 0), ADD CONSTRAINT c CHECK (b > 0) NOT VALID, "
                    "ALTER COLUMN x SET NOT NULL, ENABLE ROW LEVEL SECURITY")
    assert facts.parsed_by == "tokens"
    assert (facts.unvalidated_constraints, facts.set_not_null) == (["CHECK constraint"], ["x"])
    assert analyse("drop index t_a_idx").parsed_by == "sqlglot"
    assert analyse("create index t_a_idx on t (a)").parsed_by == "tokens"  # always: see the module docstring
    assert analyse("cluster verbose public.t").tables == ("public.t",)  # sqlglot parses this as an alias
    assert analyse("vacuum (full, analyze) s.t").tables == ("s.t",)
    assert analyse('create unique index "Idx" on only "S"."T" (a)').tables == ("S.T",)


def test_index_names_with_dots_keep_their_table_schema() -> None:
    # Was my.i.x / my.x: the schema was the table key cut at its first dot, the name the index key's last part.
    for text in ('CREATE INDEX "i.x" ON "my.app"."Order.Items" (id)',
                 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "i.x" ON ONLY "my.app"."Order.Items" (id)'):
        facts = analyse(text)
        assert (facts.tables, facts.indexes) == (("my.app.Order.Items",), ("my.app.i.x",)), facts.parsed_by


def test_delete_with_where_inside_a_subquery_only_is_still_without_where() -> None:
    assert rules("delete from t using (select 1 where true) s;") == ["delete_without_where"]


# ----------------------------------------------------------------------------- suppression comments

def test_ignore_comment_suppresses_one_rule_for_the_whole_file(tmp_path: Path) -> None:
    text = "-- schemaguard: ignore missing_lock_timeout\nalter table t add column a int default random();\n" \
           "alter table u add column b int default random();"
    found = lint_file(migration(tmp_path, text), None)
    assert [(f.rule, f.line) for f in found] == [("volatile_default", 2), ("volatile_default", 3)]


def test_ignore_comment_with_several_rules(tmp_path: Path) -> None:
    text = "  -- schemaguard: ignore truncate, missing_lock_timeout -- staging only\ntruncate t;\ndelete from t;"
    found = lint_file(migration(tmp_path, text), None)
    assert [f.rule for f in found] == ["delete_without_where"]


QUOTED_IGNORES = {
    "after a statement": "truncate t; -- schemaguard: ignore truncate\n",
    "inside another comment": "-- note: -- schemaguard: ignore truncate\ntruncate t;\n",
    "inside a string": "select '\n-- schemaguard: ignore truncate\n';\ntruncate t;\n",
    "inside an E string": "select E'\\'\n-- schemaguard: ignore truncate\n';\ntruncate t;\n",
    "inside a function body": "create function f() returns void language sql as $body$\n"
                              "-- schemaguard: ignore truncate\nselect 1 $body$;\ntruncate t;\n",
    "inside a block comment": "/* an example:\n/* nested */\n-- schemaguard: ignore truncate\n*/\ntruncate t;\n",
    "inside a quoted identifier": 'create table "x\n-- schemaguard: ignore truncate\n" (a int);\ntruncate t;\n',
}


@pytest.mark.parametrize("text", QUOTED_IGNORES.values(), ids=QUOTED_IGNORES.keys())
def test_ignore_comment_counts_only_as_a_line_of_its_own(tmp_path: Path, text: str) -> None:
    found = lint_file(migration(tmp_path, "set lock_timeout = '1s';\n" + text), None)
    assert [f.rule for f in found] == ["truncate"]


def test_ignore_comment_after_a_dollar_quoted_body_still_counts(tmp_path: Path) -> None:
    text = "set lock_timeout = '1s';\ncreate function f() returns int language sql as $$ select 1 $$;\n" \
           "-- schemaguard: ignore truncate\ntruncate t;\n"
    assert lint_file(migration(tmp_path, text), None) == []


def test_ignore_comment_naming_no_rule_is_a_finding(tmp_path: Path) -> None:
    found = lint_file(migration(tmp_path, "select 1;\n-- schemaguard: ignore\n"), None)
    assert [(f.rule, f.line) for f in found] == [("unknown_ignored_rule", 2)]
    assert found[0].message.startswith("`-- schemaguard: ignore` names no rule (known: cluster, ")


def test_unknown_rule_in_ignore_comment_is_a_finding(tmp_path: Path) -> None:
    text = "select 1;\n-- schemaguard: ignore truncate_table\ntruncate t;"
    found = lint_file(migration(tmp_path, text), None)
    assert [(f.rule, f.line, f.level) for f in found] == [("unknown_ignored_rule", 2, "warn"),
                                                          ("truncate", 3, "error"),
                                                          ("missing_lock_timeout", 3, "warn")]
    assert found[0].message.startswith("`-- schemaguard: ignore truncate_table` names no lint rule (known: cluster, ")


def test_a_statement_the_analysis_fails_on_is_an_info_finding_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    # No known SQL reaches this any more (test_lint_fuzz looks for some); the fault is simulated
    # inside our own analysis to show how it is reported.
    from pytest_schemaguard.lint import statements

    def broken(text: str) -> list:
        raise IndexError("list index out of range")

    monkeypatch.setattr(statements, "_tokenize", broken)
    [finding] = findings("\n-- a remark\ncomment on table t is 'x';")
    assert (finding.rule, finding.line, finding.level) == ("statement_not_analysed", 3, "info")
    assert finding.message == ("lint could not analyse this statement (IndexError: list index out of range); "
                               "no syntactic rule checked it")


def test_statements_analysed_ahead_give_the_same_findings_each_handed_out_once() -> None:
    """The build analyses lint's statements on a background thread while the server works: the
    findings are those of the plain analysis, a statement written twice is analysed for each,
    and nothing analysed ahead is handed out after the block (a later build analyses afresh)."""
    from pytest_schemaguard.lint import statements

    sql = "".join(risky for _, risky, _ in CASES) + "create index t_a_idx on t (a);\n" * 2
    plain = findings(sql)
    texts = [s.text for s in split_statements(sql)]
    with statements.analysed_ahead(texts):
        ahead = statements._ahead
        assert ahead is not None
        first = statements.analyse(texts[0])
        assert findings(sql) == plain
        assert statements.analyse(texts[0]) == first and statements.analyse(texts[0]) is not first
    assert statements._ahead is None and ahead.cancelled and not ahead.ready
    assert findings(sql) == plain


def test_a_stuck_analysis_thread_does_not_hang_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen in a random-interrupt run: a Ctrl-C landed inside ``logging``'s lock release, the main
    thread kept that (reentrant) lock, and the background analysis, importing sqlglot (which
    asks ``logging`` for a logger), waited for it forever, and so did the build waiting for that
    statement. The same lock is held here; the build analyses the statement itself after
    ``AHEAD_PATIENCE`` and gets the same facts."""
    import logging
    import threading

    from pytest_schemaguard.lint import statements

    real = statements._analysed
    started = threading.Event()

    def needs_logging_lock(text: str) -> statements.Facts:
        if threading.current_thread().name == "schemaguard-lint-ahead":
            started.set()
            logging.getLogger("schemaguard-test-stuck-ahead")  # takes logging's module lock
        return real(text)

    monkeypatch.setattr(statements, "_analysed", needs_logging_lock)
    monkeypatch.setattr(statements, "AHEAD_PATIENCE", 0.2)
    text = "create index t_a_idx on t (a)"
    expected = real(text)
    lock = logging._lock  # type: ignore[attr-defined]
    lock.acquire()  # what the interrupted release left behind
    try:
        with statements.analysed_ahead([text]):
            assert started.wait(10), "the background analysis never started"
            assert statements.analyse(text) == expected
    finally:
        lock.release()


def test_a_quoted_name_is_never_read_as_the_keyword_it_spells() -> None:
    # ENABLE ROW LEVEL SECURITY makes sqlglot return a Command: these are read from the tokens.
    rls = ", ENABLE ROW LEVEL SECURITY"
    cases = {
        'ALTER TABLE t ADD "check" int': ([], [], []),
        'ALTER TABLE t ADD COLUMN b "serial"': ([], [("b", "serial")], []),  # "serial" is serial ...
        'ALTER TABLE t ADD COLUMN b "SERIAL"': ([], [], []),  # ... "SERIAL" a type of that name
        'ALTER TABLE t ADD COLUMN b int DEFAULT "random"()': ([], [("b", "random()")], []),
        'ALTER TABLE t ADD COLUMN b int DEFAULT "RANDOM"()': ([], [], []),
        'ALTER TABLE t ALTER COLUMN "set" SET NOT NULL': ([], [], ["set"]),
        'ALTER TABLE t ADD CONSTRAINT "not" CHECK (a > 0)': (["CHECK constraint not"], [], []),
    }
    for text, expected in cases.items():
        facts = analyse(text + rls)
        assert facts.parsed_by == "tokens", text
        assert (facts.unvalidated_constraints, facts.volatile_defaults, facts.set_not_null) == expected, text
    facts = analyse('CREATE INDEX "on" ON "UPPER".base (a)')
    assert (facts.tables, facts.indexes, facts.concurrently) == (("UPPER.base",), ("UPPER.on",), False)
    facts = analyse('CREATE INDEX "concurrently" ON "only".base (a)')
    assert (facts.tables, facts.indexes, facts.concurrently) == (("only.base",), ("only.concurrently",), False)


def test_unicode_escaped_names_are_read_decoded_by_every_reader() -> None:
    # The server stores U&"d\0061ta" as data; sqlglot's tokens give U, & and the undecoded text
    # (and its parser fails). A bad escape is left alone: the server refuses the statement.
    assert analyse(r'DROP TABLE U&"d\0061ta", app.U&"!0078" UESCAPE ' + "'!'").tables == ("public.data", "app.x")
    assert analyse(r'TRUNCATE U&"\+000061b"').tables == ("public.ab",)
    assert analyse(r'CREATE INDEX U&"\0069" ON U&"t\0020" (a)').tables == ("public.t ",)
    assert analyse(r'ALTER TABLE U&"\0074" ADD COLUMN b int DEFAULT random()').tables == ("public.t",)
    assert analyse(r'CREATE TABLE U&"\00zz" (a int)').tables == ("public.u",)  # the server: invalid escape
    for literal in ("'!'", "E'!'", "E'\\041'", "$$!$$", "$q$!$q$"):  # any plain string literal names the escape
        assert analyse(f'CREATE TABLE U&"d!0061ta" UESCAPE {literal} (a int)').tables == ("public.data",), literal
    # sqlglot would parse this one, with the function's name undecoded: the tokens read it.
    facts = analyse(r'ALTER TABLE t ADD COLUMN c float8 DEFAULT U&"r\0061ndom"()')
    assert facts.volatile_defaults == [("c", "random()")]


def test_a_volatile_default_is_found_however_its_function_is_spelled() -> None:
    for spelled in ("random()", "pg_catalog.random()", '"random"()', 'pg_catalog."random"()', "RANDOM ()",
                    "extensions.gen_random_uuid()", '"gen_random_uuid"()'):
        facts = analyse(f"ALTER TABLE t ADD COLUMN c float8 DEFAULT {spelled}")
        assert [v for _, v in facts.volatile_defaults] in (["random()"], ["gen_random_uuid()"]), spelled
    assert analyse('ALTER TABLE t ADD COLUMN c int DEFAULT "my_random"()').volatile_defaults == []


def test_a_name_no_utf8_file_can_hold_is_still_read() -> None:
    # A lone surrogate (text decoded leniently somewhere) made cutting a name to 63 bytes raise.
    assert analyse("DROP TABLE \ud800").kind == "drop_table"
