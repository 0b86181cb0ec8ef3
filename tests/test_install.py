"""Install and first run as a newcomer meets them: the version, the licence metadata, and the
expectations file found from a sub-directory (``supabase/``) by the command and by the plugin."""

from __future__ import annotations

import shutil
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from integrity_support import EXAMPLE, make_project, migrations_dir

from pytest_schemaguard.cli import main
from pytest_schemaguard.locate import find_upward

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent


def test_version_flag_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"schemaguard {version('pytest-schemaguard')}\n"


def test_licence_is_mit_as_spdx_with_its_file_and_extras_are_split() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"  # PEP 639 string form: no setuptools warning
    assert project["project"]["license-files"] == ["LICENSE"]
    build = project["build-system"]["requires"]
    assert any(r.startswith("setuptools>=") and int(r.split(">=")[1].split(".")[0]) >= 77 for r in build)
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Copyright (c) 2026 the pytest-schemaguard developers" in text
    extras = project["project"]["optional-dependencies"]
    running = " ".join(project["project"]["dependencies"])
    assert not any(tool in running for tool in ("ruff", "mypy", "pre-commit"))
    assert {d.split(">")[0] for d in extras["dev"]} == {"ruff", "mypy", "types-PyYAML"}
    assert any(d.startswith("pre-commit") for d in extras["test"])


def test_find_upward_takes_the_nearest_file(tmp_path: Path) -> None:
    (tmp_path / "schema_expectations.yml").write_text("version: 1\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_upward(deep) == tmp_path / "schema_expectations.yml"
    (tmp_path / "a" / "schema_expectations.yml").write_text("version: 1\n")
    assert find_upward(deep) == tmp_path / "a" / "schema_expectations.yml"
    assert find_upward(tmp_path / "a" / "b", name="no_such_file.yml") is None


def test_command_run_from_supabase_reads_the_parent_projects_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path / "project", project_yaml="  naming: timestamp\n  lock: supabase/migrations/x.lock\n")
    monkeypatch.chdir(root / "supabase")
    assert main(["lock"]) == 0
    assert (migrations_dir(root) / "x.lock").is_file()  # project.lock of ../schema_expectations.yml
    assert main(["new", "add_tags"]) == 0
    created = capsys.readouterr().out.strip().splitlines()[-1]
    assert created.startswith("migrations/") and created.endswith("_add_tags.sql")


def test_a_file_found_above_is_named_relative_to_where_the_command_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root / "supabase")
    assert main(["lock"]) == 2
    assert capsys.readouterr().err.startswith("schemaguard lock: ../schema_expectations.yml: project.lock is not set")


def test_command_without_a_file_anywhere_names_the_file_it_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["lock", "--check"]) == 2
    assert "schema_expectations.yml" in capsys.readouterr().err


def test_plugin_run_from_supabase_finds_the_parent_projects_file(pytester: pytest.Pytester, admin_dsn: str) -> None:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    subdir = pytester.path / "supabase"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(subdir)
        result = pytester.runpytest_inprocess("--schemaguard", f"--schemaguard-dsn={admin_dsn}", "-p",
                                              "no:cacheprovider", "-m", "schemaguard_migration", "-v")
    out = result.stdout.str()
    assert result.ret == 0, out
    assert "migration[20250101000000_organizations.sql] PASSED" in out
    assert "schemaguard: schema_expectations.yml" in out
