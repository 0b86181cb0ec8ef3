"""Naming and order: per-file rules, duplicate versions, stray and skipped files, mixed numbering."""

from __future__ import annotations

from pathlib import Path

from integrity_support import make_project, session_for, write_migration

from pytest_schemaguard.migrations import discover_migrations, mixed_numbering, naming_problems
from pytest_schemaguard.providers import naming


def write(directory: Path, name: str, text: str = "select 1;\n") -> None:
    (directory / name).write_text(text)


def test_skipped_files_are_apart_from_strays_and_repository_files_are_ignored(tmp_path: Path) -> None:
    for name in ("20250101000000_a.sql", "20250102000000_b.sql.skip", "add_stuff.sql", ".DS_Store", ".gitkeep"):
        write(tmp_path, name)
    found = discover_migrations(tmp_path)
    assert [m.name for m in found.migrations] == ["20250101000000_a.sql"]
    assert [p.name for p in found.skipped] == ["20250102000000_b.sql.skip"]
    assert sorted(p.name for p in found.strays) == [".DS_Store", "add_stuff.sql"]


def test_each_per_file_violation_is_named(tmp_path: Path) -> None:
    for name in ("20250101000000_ok.sql", "2025010100000_short.sql", "20250102000000_CamelCase.sql",
                 "20250103000000_has-dash.sql", "20250104000000_dup_a.sql", "20250104000000_dup_b.sql"):
        write(tmp_path, name)
    problems = naming_problems(discover_migrations(tmp_path), "timestamp")
    expected = "file name does not follow project.naming timestamp: expected YYYYMMDDHHMMSS_snake_case_name.sql"
    for bad in ("2025010100000_short.sql", "20250102000000_CamelCase.sql", "20250103000000_has-dash.sql"):
        assert problems[bad] == [expected]
    assert problems["20250104000000_dup_a.sql"] == ["version 20250104000000 is also used by 20250104000000_dup_b.sql"]
    assert "20250101000000_ok.sql" not in problems


def test_sequential_rule_and_numeric_order(tmp_path: Path) -> None:
    for name in ("001_init.sql", "002_users.sql", "10_late.sql", "0003_Bad.sql"):
        write(tmp_path, name)
    found = discover_migrations(tmp_path)
    assert [m.name for m in found.migrations] == ["001_init.sql", "002_users.sql", "0003_Bad.sql", "10_late.sql"]
    problems = naming_problems(found, "sequential")
    assert problems == {
        "0003_Bad.sql": ["file name does not follow project.naming sequential: "
                         "expected NNN_snake_case_name.sql (3 or more digits)"],
        "10_late.sql": ["file name does not follow project.naming sequential: "
                        "expected NNN_snake_case_name.sql (3 or more digits)"],
    }


def test_mixed_numbering_under_a_strict_rule_is_named_on_the_odd_files(tmp_path: Path) -> None:
    for name in ("001_init.sql", "002_users.sql", "20250101000000_a.sql", "20250102000000_b.sql",
                 "20250103000000_c.sql"):
        write(tmp_path, name)
    problems = naming_problems(discover_migrations(tmp_path), "timestamp")
    assert problems["001_init.sql"][1] == (
        "two numbering systems are mixed: 2 sequential file(s) (001_init.sql, 002_users.sql) and 3 timestamp "
        "file(s); versions compare as numbers, so every sequential file runs before every timestamp one. If the "
        "sequential files are old history, move them to project.archive (e.g. supabase/migrations/archive) and "
        "start from a baseline"
    )
    assert "20250101000000_a.sql" not in problems


def test_mixed_numbering_under_any_picks_the_minority_and_mistyped_timestamps_do_not_count(tmp_path: Path) -> None:
    for name in ("001_a.sql", "002_b.sql", "003_c.sql", "20250101000000_new.sql"):
        write(tmp_path, name)
    odd, others = mixed_numbering(discover_migrations(tmp_path), "any")  # type: ignore[misc]
    assert [m.name for m in odd] == ["20250101000000_new.sql"] and len(others) == 3
    assert naming_problems(discover_migrations(tmp_path), "any") == {}  # reported by the naming item instead
    other = tmp_path / "other"
    other.mkdir()
    for name in ("20250101_short_date.sql", "20250101000000_x.sql"):
        write(other, name)
    assert mixed_numbering(discover_migrations(other), "timestamp") is None


def test_naming_item_lists_strays_with_advice_and_skipped_files(tmp_path: Path) -> None:
    root = make_project(tmp_path, project_yaml="  naming: timestamp\n  lock: supabase/migrations/schemaguard.lock\n")
    write_migration(root, "add_stuff.sql")
    write_migration(root, ".DS_Store", "")
    write_migration(root, "20250104000000_later.sql.skip")
    write_migration(root, "schemaguard.lock", "")  # the configured lock file is not a stray
    session = session_for(root)
    specs = list(naming.provide(session))
    assert [(s.name, s.needs_database, s.marker) for s in specs] == [
        ("migrations[naming]", False, "schemaguard_migration")]
    failure = specs[0].check(session)
    assert failure == (
        f"{root / 'supabase/migrations'}: files that will not run as migrations:\n"
        "  .DS_Store: not a migration (only <version>_<name>.sql files are applied); move it out of the directory\n"
        "  add_stuff.sql: not a migration (no `<version>_` prefix), so it is never applied; rename it like "
        "20250101000000_add_stuff.sql (`schemaguard new` picks the version) or to add_stuff.sql.skip to keep it "
        "unapplied on purpose\n"
        "  20250104000000_later.sql.skip: skipped (.sql.skip files are never applied)"
    )


def test_skipped_files_alone_pass_with_a_warning_and_a_tidy_directory_adds_no_item(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert list(naming.provide(session_for(root))) == []
    write_migration(root, "20250104000000_later.sql.skip")
    session = session_for(root)
    (spec,) = naming.provide(session)
    assert spec.check(session) is None
    assert session.warnings == ["20250104000000_later.sql.skip: skipped (.sql.skip files are never applied)"]


def test_mixed_numbering_under_any_fails_the_naming_item(tmp_path: Path) -> None:
    root = make_project(tmp_path, project_yaml="  naming: any\n")
    write_migration(root, "001_old.sql")
    session = session_for(root)
    (spec,) = naming.provide(session)
    failure = spec.check(session)
    assert failure is not None
    assert "  two numbering systems are mixed: 1 sequential file(s) (001_old.sql) and 3 timestamp file(s)" in failure
    assert "move them to project.archive" in failure
