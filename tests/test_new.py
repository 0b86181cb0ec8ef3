"""`schemaguard new NAME`: the next UTC timestamp, strictly after the newest file even when the clock is behind."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from integrity_support import make_project, migrations_dir, write_migration

from pytest_schemaguard.cli import main
from pytest_schemaguard.commands import new


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path)
    monkeypatch.chdir(root)
    return root


def set_clock(monkeypatch: pytest.MonkeyPatch, *when: int) -> None:
    monkeypatch.setattr(new, "utcnow", lambda: datetime(*when, tzinfo=timezone.utc))


def test_new_file_uses_the_utc_clock_and_a_short_template(root: Path, monkeypatch, capsys) -> None:
    set_clock(monkeypatch, 2025, 3, 4, 5, 6, 7)
    assert main(["new", "add_tags"]) == 0
    assert capsys.readouterr().out == "supabase/migrations/20250304050607_add_tags.sql\n"
    text = (migrations_dir(root) / "20250304050607_add_tags.sql").read_text()
    assert text.startswith("-- add_tags\n-- Created 2025-03-04 05:06:07 UTC by `schemaguard new`.")
    assert "`schemaguard: no-transaction`" in text and "set lock_timeout" in text


def test_clock_behind_the_newest_version_gives_the_next_second(root: Path, monkeypatch, capsys) -> None:
    set_clock(monkeypatch, 2024, 1, 1)  # older than every file in the project
    write_migration(root, "20250103235959_last.sql")
    assert main(["new", "fix"]) == 0
    assert capsys.readouterr().out == "supabase/migrations/20250104000000_fix.sql\n"  # 23:59:59 + 1 s
    assert main(["new", "again"]) == 0
    assert capsys.readouterr().out == "supabase/migrations/20250104000001_again.sql\n"


def test_skipped_files_count_as_taken_versions(root: Path, monkeypatch, capsys) -> None:
    set_clock(monkeypatch, 2024, 1, 1)
    write_migration(root, "20250201000000_parked.sql.skip")
    assert main(["new", "x"]) == 0
    assert capsys.readouterr().out == "supabase/migrations/20250201000001_x.sql\n"


def test_name_must_be_snake_case(root: Path, capsys) -> None:
    assert main(["new", "Add Tags-Now"]) == 2
    assert capsys.readouterr().err == (
        "schemaguard new: migration name 'Add Tags-Now' is not snake_case (lowercase letters, digits and single "
        "underscores): use add_tags_now\n")
    assert main(["new", "addTags"]) == 2
    assert "use add_tags" in capsys.readouterr().err
    assert main(["new", "add_tags.sql"]) == 0  # a trailing .sql is accepted


def test_sequential_projects_get_the_next_number(root: Path, capsys) -> None:
    yaml = root / "schema_expectations.yml"
    yaml.write_text(yaml.read_text().replace("naming: timestamp", "naming: sequential"))
    for path in migrations_dir(root).iterdir():
        path.unlink()
    write_migration(root, "009_a.sql")
    assert main(["new", "b"]) == 0
    assert capsys.readouterr().out == "supabase/migrations/010_b.sql\n"


def test_without_an_expectations_file_the_supabase_default_is_used(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    set_clock(monkeypatch, 2025, 1, 1)
    assert main(["new", "first"]) == 2
    assert "migrations directory" in capsys.readouterr().err
    (tmp_path / "supabase" / "migrations").mkdir(parents=True)
    assert main(["new", "first"]) == 0
    assert capsys.readouterr().out == "supabase/migrations/20250101000000_first.sql\n"


def test_the_template_switches_no_marker_on(root: Path, monkeypatch, capsys) -> None:
    # The template explains the no-transaction marker; explaining it must not turn it on, or a
    # CONCURRENTLY added to the new file would pass lint and then fail inside the transaction.
    from pytest_schemaguard.lint import lint_file
    from pytest_schemaguard.lint.suppress import ignored_rules
    from pytest_schemaguard.migrations import NO_TRANSACTION, Migration

    set_clock(monkeypatch, 2025, 3, 4, 5, 6, 7)
    assert main(["new", "add_index"]) == 0
    path = migrations_dir(root) / "20250304050607_add_index.sql"
    template = path.read_text()
    assert NO_TRANSACTION.search(template) is None
    assert ignored_rules(template) == []
    lines = template.count("\n")
    path.write_text(template + "create index concurrently notes_body_idx on public.notes (body);\n")
    migration = Migration(path=path, version=20250304050607, name=path.name)
    assert not migration.no_transaction
    found = [(f.rule, f.line, f.message) for f in lint_file(migration, None)]
    assert found == [("concurrently_in_transaction", lines + 1,
                      "CREATE INDEX CONCURRENTLY in a file that runs in a transaction "
                      "(no `-- schemaguard: no-transaction` marker)")]
