"""Helpers for the migration-integrity tests: mini-projects and git repositories in tmp dirs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pytest_schemaguard.config import command_settings
from pytest_schemaguard.session import SchemaguardSession

EXAMPLE = Path(__file__).parent / "examples" / "crm_small"
MIGRATIONS = "supabase/migrations"
FIRST, SECOND, THIRD = "20250101000000_organizations.sql", "20250102000000_deals.sql", "20250103000000_summary.sql"


def make_project(root: Path, *, project_yaml: str = "") -> Path:
    """A copy of crm_small under ``root`` with extra ``project:`` keys (indented lines) added."""
    shutil.copytree(EXAMPLE, root, dirs_exist_ok=True)
    yaml = root / "schema_expectations.yml"
    text = yaml.read_text(encoding="utf-8")
    if project_yaml:
        text = text.replace("  naming: timestamp\n", project_yaml, 1)
    yaml.write_text(text, encoding="utf-8")
    return root


def migrations_dir(root: Path) -> Path:
    return root / MIGRATIONS


def write_migration(root: Path, name: str, text: str = "select 1;\n") -> Path:
    path = migrations_dir(root) / name
    path.write_text(text, encoding="utf-8")
    return path


def session_for(root: Path, **settings: object) -> SchemaguardSession:
    """A loaded session for provider checks that need no server."""
    session = SchemaguardSession(command_settings(root / "schema_expectations.yml", **settings))  # type: ignore[arg-type]
    session.load()
    assert session.load_error is None, session.load_error
    return session


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=check)


def init_repo(root: Path) -> None:
    """A repository on branch main with everything in ``root`` committed."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Schemaguard Tests")
    git(root, "config", "user.email", "tests@example.invalid")
    git(root, "config", "commit.gpgsign", "false")
    commit(root, "base")


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
