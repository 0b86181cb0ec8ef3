"""Lock file: every outcome named (edited, removed, inserted-before, added), self-consistency, the
`lock` item with --schemaguard-update, `schemaguard lock [--check]`, and a two-branch git conflict."""

from __future__ import annotations

from pathlib import Path

import pytest
from integrity_support import (
    FIRST,
    SECOND,
    THIRD,
    commit,
    git,
    init_repo,
    make_project,
    migrations_dir,
    session_for,
    write_migration,
)

from pytest_schemaguard.cli import main
from pytest_schemaguard.integrity.lockfile import LockError, read_lock, render_lock
from pytest_schemaguard.migrations import discover_migrations
from pytest_schemaguard.providers import lock as lock_provider

LOCK = "supabase/migrations/schemaguard.lock"
WITH_LOCK = f"  naming: timestamp\n  lock: {LOCK}\n"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "project", project_yaml=WITH_LOCK)
    monkeypatch.chdir(root)
    assert main(["lock"]) == 0
    return root


def check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["lock", "--check"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_lock_is_readable_and_read_lock_returns_names_and_hashes(root: Path, capsys) -> None:
    text = (root / LOCK).read_text()
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines[0].startswith("total 3 ") and len(lines) == 4
    assert [line.split()[0] for line in lines[1:]] == [FIRST, SECOND, THIRD]
    migrations = discover_migrations(migrations_dir(root)).migrations
    assert read_lock(root / LOCK) == {m.name: m.sha256 for m in migrations}
    assert check(root, capsys) == (0, f"{LOCK} matches the 3 migration file(s)\n")
    assert main(["lock"]) == 0
    assert capsys.readouterr().out == f"unchanged: {LOCK} (3 migration file(s))\n"


def test_edited_removed_inserted_and_added_are_each_named(root: Path, capsys) -> None:
    before = read_lock(root / LOCK)
    edited = migrations_dir(root) / SECOND
    edited.write_text(edited.read_text() + "-- touched\n")
    (migrations_dir(root) / THIRD).unlink()
    write_migration(root, "20250101120000_sneaky.sql")
    write_migration(root, "20250104000000_next.sql")
    new_sha = discover_migrations(migrations_dir(root)).migrations[2].sha256
    code, out = check(root, capsys)
    assert code == 1
    assert out == (
        f"schemaguard lock: {LOCK} does not match the migration files:\n"
        f"  {SECOND}: edited (lock sha256 {before[SECOND][:12]}…, file {new_sha[:12]}…)\n"
        f"  {THIRD}: removed (locked at line 7 with sha256 {before[THIRD][:12]}…)\n"
        f"  20250101120000_sneaky.sql: inserted before {SECOND} (not in the lock, and it sorts before migrations "
        "that are: databases that applied those would run it out of order)\n"
        "  20250104000000_next.sql: added (not in the lock yet)\n"
        "If every change is intended (never for migrations already applied somewhere), regenerate it with "
        "`schemaguard lock` (or pytest --schemaguard --schemaguard-update).\n"
    )


def test_hand_edited_lock_is_caught_by_its_own_hashes(root: Path, capsys) -> None:
    path = root / LOCK
    lines = path.read_text().splitlines(keepends=True)
    lines[5], lines[6] = lines[6], lines[5]  # swap two file lines: names and hashes still match the files
    path.write_text("".join(lines))
    code, out = check(root, capsys)
    assert code == 1
    assert f"  schemaguard.lock:6: cumulative hash of {THIRD} does not cover the lines above it " \
           "(lines were edited, reordered or merged by hand)" in out


def test_unreadable_lock_line_names_file_and_line(root: Path, capsys) -> None:
    path = root / LOCK
    path.write_text(path.read_text().replace(f"{SECOND}  ", f"{SECOND}  zz", 1))
    with pytest.raises(LockError) as excinfo:
        read_lock(path)
    assert str(excinfo.value).startswith(f"{path}:6: unreadable lock line '{SECOND}  zz")
    assert "expected `<migration file> <sha256> <cumulative sha256>` (64 lowercase hex digits each)" in \
        str(excinfo.value)
    code, out = check(root, capsys)
    assert code == 2 and out.startswith(f"schemaguard lock: {path}:6: unreadable lock line")
    session = session_for(root)
    (spec,) = lock_provider.provide(session)
    assert spec.check(session).startswith(f"{path}:6: unreadable lock line")  # type: ignore[union-attr]


def test_lock_item_fails_then_update_rewrites_it(root: Path) -> None:
    write_migration(root, "20250104000000_next.sql")
    session = session_for(root)
    (spec,) = lock_provider.provide(session)
    assert (spec.name, spec.needs_database, spec.marker) == ("lock", False, "schemaguard_migration")
    assert spec.check(session) == (
        f"{LOCK} does not match the migration files:\n  20250104000000_next.sql: added (not in the lock yet)\n"
        "If every change is intended (never for migrations already applied somewhere), regenerate it with "
        "`schemaguard lock` (or pytest --schemaguard --schemaguard-update)."
    )
    updating = session_for(root, update=True)
    assert spec.check(updating) is None
    assert spec.check(session_for(root)) is not None  # queued only: written at the end of a clean run
    assert updating.apply_updates([], interrupted=False) is None
    assert updating.warnings == [f"{LOCK} rewritten (--schemaguard-update): review and commit it"]
    assert spec.check(session_for(root)) is None
    (root / LOCK).unlink()
    assert spec.check(session_for(root)) == (
        f"{LOCK} does not exist: create it with `schemaguard lock` (or pytest --schemaguard --schemaguard-update) "
        "and commit it")


def test_no_lock_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    root = make_project(tmp_path)
    monkeypatch.chdir(root)
    assert list(lock_provider.provide(session_for(root))) == []
    assert main(["lock"]) == 2
    assert capsys.readouterr().err == (
        "schemaguard lock: schema_expectations.yml: project.lock is not set; add "
        "`lock: supabase/migrations/schemaguard.lock` under `project:`\n")


def test_two_branches_adding_migrations_conflict_in_git(root: Path, capsys) -> None:
    init_repo(root)
    for branch, name in (("feature_a", "20250104000000_a.sql"), ("feature_b", "20250105000000_b.sql")):
        git(root, "checkout", "-q", "-b", branch, "main")
        write_migration(root, name)
        assert main(["lock"]) == 0
        commit(root, branch)
    git(root, "checkout", "-q", "feature_a")
    merge = git(root, "merge", "feature_b", check=False)
    assert merge.returncode != 0
    assert f"CONFLICT (content): Merge conflict in {LOCK}" in merge.stdout
    code, out = check(root, capsys)
    assert code == 2
    assert f"{root / LOCK}:4: git merge conflict marker: two branches changed the migrations." in out


def test_render_of_an_empty_history_is_stable() -> None:
    assert "total 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" in render_lock([])


def test_lock_path_that_cannot_be_written_or_decoded_is_a_clear_error(root: Path, capsys) -> None:
    (root / LOCK).write_bytes(b"\xff\xfe not text")  # not UTF-8: rewritten, not a UnicodeDecodeError
    capsys.readouterr()
    assert main(["lock"]) == 0
    assert capsys.readouterr().out == f"wrote {LOCK} (3 migration file(s))\n"
    (root / LOCK).unlink()
    (root / LOCK).mkdir()
    assert main(["lock"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"schemaguard lock: {(root / LOCK).resolve()}: cannot write the lock file: Is a directory; "
                            "fix project.lock or the file's permissions\n")
