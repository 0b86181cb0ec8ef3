"""Discovery, ordering, naming and statement splitting of migration files (no database needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_schemaguard.errors import ConfigError
from pytest_schemaguard.migrations import discover_migrations, naming_problems, split_statements


def write(directory: Path, name: str, text: str = "select 1;\n") -> None:
    (directory / name).write_text(text)


def test_versions_are_ordered_as_numbers_and_strays_are_kept_apart(tmp_path: Path) -> None:
    for name in ("10_b.sql", "9_a.sql", "100_c.sql", "notes.md", "add_stuff.sql"):
        write(tmp_path, name)
    found = discover_migrations(tmp_path)
    assert [m.name for m in found.migrations] == ["9_a.sql", "10_b.sql", "100_c.sql"]
    assert [m.version for m in found.migrations] == [9, 10, 100]
    assert sorted(p.name for p in found.strays) == ["add_stuff.sql", "notes.md"]


def test_statements_keep_their_original_text_and_first_line() -> None:
    sql = (
        "-- a comment; with a semicolon\n"
        "create table a (x int); /* block ; comment */\n"
        "create function f() returns trigger language plpgsql as $fn$\n"
        "begin\n"
        "  new.x := 1; -- inside the body\n"
        "  return new;\n"
        "end;\n"
        "$fn$;\n"
        "insert into a values ('it''s; fine');\n"
        "do $$ begin perform 1; end $$;\n"
        "select 1\n"
    )
    statements = split_statements(sql)
    assert [s.line for s in statements] == [2, 3, 9, 10, 11]
    assert statements[0].text == "create table a (x int)"
    assert statements[1].text.startswith("create function f()") and statements[1].text.endswith("$fn$")
    assert "new.x := 1; -- inside the body" in statements[1].text
    assert statements[2].text == "insert into a values ('it''s; fine')"
    assert statements[4].text == "select 1"


def test_error_position_maps_to_the_file_line() -> None:
    statement = split_statements("\n\nselect 1,\n  2,\n  oops(;\n")[0]
    position = statement.text.index("oops") + 1  # PostgreSQL positions are 1-based
    assert statement.line == 3
    assert statement.line_at(position) == 5


def test_untokenizable_text_is_left_to_postgresql() -> None:
    statements = split_statements("\n select 'unterminated\n")
    assert len(statements) == 1
    assert statements[0].line == 2 and statements[0].text == "select 'unterminated"


def test_comment_only_files_have_no_statements() -> None:
    assert split_statements("  \n -- nothing here\n/* nor here */\n") == ()


def test_transaction_control_is_recognised() -> None:
    statements = split_statements("BEGIN; create table t (); commit; END; start transaction; commit work;")
    assert [s.is_transaction_control() for s in statements] == [True, False, True, True, True, True]


def test_naming_rules_and_duplicate_versions(tmp_path: Path) -> None:
    for name in ("20250101000000_ok.sql", "20250101000000_twin.sql", "20250102000000_Bad-Name.sql", "7_short.sql"):
        write(tmp_path, name)
    problems = naming_problems(discover_migrations(tmp_path), "timestamp")
    assert "20250101000000_ok.sql" in problems  # duplicate version, named with its twin
    assert problems["20250101000000_ok.sql"] == ["version 20250101000000 is also used by 20250101000000_twin.sql"]
    assert problems["20250102000000_Bad-Name.sql"] == [
        "file name does not follow project.naming timestamp: expected YYYYMMDDHHMMSS_snake_case_name.sql"
    ]
    assert "expected YYYYMMDDHHMMSS" in problems["7_short.sql"][0]
    assert naming_problems(discover_migrations(tmp_path), "any").keys() == {
        "20250101000000_ok.sql",
        "20250101000000_twin.sql",
    }


def test_no_transaction_directive(tmp_path: Path) -> None:
    write(tmp_path, "1_a.sql", "-- schemaguard: no-transaction\ncreate index concurrently i on t (x);\n")
    write(tmp_path, "2_b.sql", "create index i2 on t (x);\n")
    first, second = discover_migrations(tmp_path).migrations
    assert first.no_transaction and not second.no_transaction


def test_a_migration_that_is_not_utf8_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "20250101000000_latin1.sql"
    path.write_bytes(b"-- caf\xc3\xa9 is fine\nselect 1;\ninsert into t values ('caf\xe9');\n")
    (migration,) = discover_migrations(tmp_path).migrations
    with pytest.raises(ConfigError) as raised:
        _ = migration.statements
    assert str(raised.value) == f"{path}:3: not UTF-8 text (byte 0xe9); save the migration as UTF-8"
