"""Pre-merge mode: files at a git ref are applied; new files must sort after them; old ones must not change."""

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

from pytest_schemaguard.errors import SchemaguardError
from pytest_schemaguard.integrity.premerge import files_at_ref, new_files
from pytest_schemaguard.providers import premerge


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """crm_small committed on main, checked out on a feature branch."""
    root = make_project(tmp_path / "repo", project_yaml="  naming: timestamp\n  lock: supabase/migrations/x.lock\n")
    init_repo(root)
    git(root, "checkout", "-q", "-b", "feature")
    return root


def failure(root: Path, ref: str = "main") -> str | None:
    session = session_for(root, base=ref)
    (spec,) = premerge.provide(session)
    assert (spec.name, spec.needs_database) == (f"premerge[{ref}]", False)
    return spec.check(session)


def test_files_at_ref_come_from_git_not_the_working_tree(repo: Path) -> None:
    original = (migrations_dir(repo) / FIRST).read_bytes()
    (migrations_dir(repo) / FIRST).write_text("-- edited in the working tree\n")
    write_migration(repo, "notes.txt")
    found = files_at_ref(repo / "supabase", "main", migrations_dir(repo))
    assert sorted(found) == [FIRST, SECOND, THIRD]
    assert found[FIRST] == original


def test_appending_after_the_base_passes_and_is_the_only_new_file(repo: Path) -> None:
    write_migration(repo, "20250104000000_next.sql")
    assert failure(repo) is None
    assert new_files(session_for(repo, base="main")) == {"20250104000000_next.sql"}


def test_out_of_order_new_file_names_both_versions(repo: Path) -> None:
    write_migration(repo, "20250102120000_late_branch.sql")
    assert failure(repo) == (
        "pre-merge check against main (3 migration(s) at main count as applied, 1 new):\n"
        f"  20250102120000_late_branch.sql: out of order: it is new relative to main, but main already has {THIRD} "
        "(version 20250102120000 <= 20250103000000), so databases that applied main would run it out of order. "
        "Give it a version after 20250103000000 (`schemaguard new NAME` picks one)"
    )


def test_rewritten_base_history_is_named(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    write_migration(repo, "20250104000000_on_main.sql")
    commit(repo, "main moves on")
    git(repo, "checkout", "-q", "feature")
    edited = migrations_dir(repo) / FIRST
    edited.write_text(edited.read_text() + "-- a fix\n")
    (migrations_dir(repo) / SECOND).rename(migrations_dir(repo) / "20250102000001_deals_renamed.sql")
    (migrations_dir(repo) / THIRD).unlink()
    text = failure(repo)
    assert text is not None
    lines = text.splitlines()
    assert lines[0] == "pre-merge check against main (4 migration(s) at main count as applied, 1 new):"
    assert lines[1].startswith(f"  {FIRST}: edited since main (sha256 at main ")
    assert lines[1].endswith("a migration that may already be applied must not change; put the change in a new "
                             "migration")
    assert lines[2] == (f"  {SECOND}: renamed to 20250102000001_deals_renamed.sql since main (same content): "
                        "databases record the version, so the renamed file would run again; keep the old name")
    assert lines[3] == (f"  {THIRD}: removed since main: it may already be applied; to undo it, add a new "
                        "migration instead of deleting the file")
    assert lines[4] == ("  20250104000000_on_main.sql: removed since main: it may already be applied; to undo it, "
                        "add a new migration instead of deleting the file")
    assert len(lines) == 5


def test_unknown_ref_and_not_a_git_repository(repo: Path, tmp_path: Path) -> None:
    assert failure(repo, "no-such-branch") == (
        f"--schemaguard-base no-such-branch: no such commit, branch or tag in {repo.resolve()}. Check the "
        "spelling, or fetch it first (CI checkouts are often shallow: `git fetch origin no-such-branch` and use "
        "origin/no-such-branch)."
    )
    plain = make_project(tmp_path / "plain")
    assert failure(plain) == (
        f"{plain} is not inside a git repository, so --schemaguard-base cannot read the migrations at a ref. "
        "Run from a clone of the project, or leave out --schemaguard-base."
    )
    with pytest.raises(SchemaguardError, match="no such commit"):
        new_files(session_for(repo, base="no-such-branch"))


def test_new_files_falls_back_to_the_lock_then_to_none(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_schemaguard.cli import main

    assert new_files(session_for(repo)) is None  # lock configured but not written yet
    monkeypatch.chdir(repo)
    assert main(["lock"]) == 0
    write_migration(repo, "20250104000000_next.sql")
    assert new_files(session_for(repo)) == {"20250104000000_next.sql"}
    assert list(premerge.provide(session_for(repo))) == []  # no base: no item


def test_plugin_run_shows_the_integrity_items(pytester: pytest.Pytester, admin_dsn: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """One real `pytest --schemaguard` run: premerge, lock and naming items next to the usual ones."""
    for var in ("SCHEMAGUARD_DSN", "SCHEMAGUARD_LIVE_DSN"):
        monkeypatch.delenv(var, raising=False)
    root = make_project(pytester.path, project_yaml="  naming: timestamp\n  lock: supabase/migrations/x.lock\n")
    init_repo(root)
    write_migration(root, "20250102120000_late.sql")
    write_migration(root, "add_stuff.sql")
    result = pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", "--schemaguard-base=main",
                                "-p", "no:cacheprovider", "-v", "-k", "naming or lock or premerge")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines([
        "*::lock FAILED*",
        "*::migrations[[]naming[]] FAILED*",
        "*::premerge[[]main[]] FAILED*",
    ])
    result.stdout.fnmatch_lines([
        "supabase/migrations/x.lock does not exist: create it with `schemaguard lock`*",
        "*files that will not run as migrations:",
        "  add_stuff.sql: not a migration (no `<version>_` prefix)*",
        "pre-merge check against main (3 migration(s) at main count as applied, 1 new):",
        "  20250102120000_late.sql: out of order: it is new relative to main, but main already has "
        "20250103000000_summary.sql*",
    ])
    assert "Traceback" not in result.stdout.str()


def test_git_is_read_once_per_session_even_when_the_ref_is_bad(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The premerge item and every migration item's lint share one read of the base (or its error)."""
    from pytest_schemaguard.integrity import premerge as premerge_module

    calls: list[tuple[str, ...]] = []
    real = premerge_module._git
    monkeypatch.setattr(premerge_module, "_git", lambda cwd, *args, **kw: calls.append(args) or real(cwd, *args, **kw))
    write_migration(repo, "20250104000000_next.sql")
    session = session_for(repo, base="main")
    (spec,) = premerge.provide(session)
    assert new_files(session) == new_files(session) == {"20250104000000_next.sql"}
    assert spec.check(session) is None
    assert [args[0] for args in calls] == ["rev-parse", "rev-parse", "ls-tree", "cat-file"]
    calls.clear()
    session = session_for(repo, base="no-such-branch")
    (spec,) = premerge.provide(session)
    for _ in range(3):
        with pytest.raises(SchemaguardError, match="no such commit"):
            new_files(session)
    assert spec.check(session) == failure(repo, "no-such-branch")
    assert [args[0] for args in calls] == ["rev-parse", "rev-parse"] * 2  # this session, then failure()'s own
