"""Helpers shared by the rules and init tests: in-process ``pytest --schemaguard`` runs on
copies of example projects (the same pattern as test_plugin.py), and rule contexts built on
throwaway databases."""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import re
import shutil
from pathlib import Path

import hypothesis
import psycopg
import pytest

import pytest_schemaguard
from pytest_schemaguard.catalog import inspect_schema
from pytest_schemaguard.rules import RuleContext

EXAMPLES = Path(__file__).parent / "examples"
REPO_ROOT = Path(__file__).parent.parent
YAML = "schema_expectations.yml"
QUIET = ("-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:benchmark")


def preload() -> None:
    """Import the plugin's modules (and hypothesis) once, so in-process runs do not re-import them."""
    assert hypothesis.__version__
    for module in pkgutil.walk_packages(pytest_schemaguard.__path__, "pytest_schemaguard."):
        with contextlib.suppress(Exception):  # a module another engineer is still writing
            importlib.import_module(module.name)


def copy_project(destination: Path, case: str = "crm_small") -> Path:
    """``tests/examples/<case>``, or the repository's own example for ``case="root"``."""
    if case == "root":
        shutil.copytree(REPO_ROOT / "supabase", destination / "supabase", dirs_exist_ok=True)
        shutil.copy(REPO_ROOT / YAML, destination / YAML)
        shutil.copy(REPO_ROOT / "schema.sql", destination / "schema.sql")  # the example's project.snapshot
        types = Path("src/types/database.generated.ts")  # the example's project.types
        (destination / types.parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / types, destination / types)
    else:
        shutil.copytree(EXAMPLES / case, destination, dirs_exist_ok=True)
    return destination


def run(pytester: pytest.Pytester, admin_dsn: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", *QUIET, *args)


def esc(text: str) -> str:
    """``text`` as a literal fnmatch pattern (item ids contain brackets)."""
    return re.sub(r"[\[\]]", lambda m: f"[{m.group()}]", text)


def context_for(conn: psycopg.Connection, exposed: tuple[str, ...] = ("public", "graphql_public")) -> RuleContext:
    return RuleContext(schema=inspect_schema(conn), exposed_schemas=exposed, conn=conn)
