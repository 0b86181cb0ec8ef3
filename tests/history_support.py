"""Helpers shared by the snapshot, rollback and baseline tests (tests is not a package).

Each test copies ``tests/examples/crm_small`` (3 migrations, a seed, supabase flavor) to a
temporary directory, changes what it needs, and runs either ``pytest --schemaguard`` through
pytester or the ``schemaguard`` command in-process, always on the suite's server (DSN mode).
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import re
import shutil
from pathlib import Path

import pytest

import pytest_schemaguard
from pytest_schemaguard.cli import main

EXAMPLES = Path(__file__).parent / "examples"
YAML = "schema_expectations.yml"
MIGRATIONS = "supabase/migrations"
QUIET = ("-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:benchmark")


def preload() -> None:
    """Import the plugin's modules once (pytester's in-process runs would re-import them each time)."""
    for module in pkgutil.walk_packages(pytest_schemaguard.__path__, "pytest_schemaguard."):
        with contextlib.suppress(Exception):
            importlib.import_module(module.name)
    from pytest_schemaguard.lazy import SQLGLOT_MODULES

    for name in SQLGLOT_MODULES:  # what the plugin imports on first use, not when it loads
        importlib.import_module(name)


def copy_crm(target: Path, *project_lines: str) -> Path:
    """crm_small in ``target`` with extra ``project:`` keys (e.g. ``snapshot: schema.sql``)."""
    shutil.copytree(EXAMPLES / "crm_small", target, dirs_exist_ok=True)
    if project_lines:
        yaml = target / YAML
        text = yaml.read_text(encoding="utf-8")
        extra = "".join(f"  {line}\n" for line in project_lines)
        yaml.write_text(text.replace("  naming: timestamp\n", "  naming: timestamp\n" + extra, 1), encoding="utf-8")
    return target


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_pytest(pytester: pytest.Pytester, admin_dsn: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", *QUIET, *args)


def run_cli(capsys: pytest.CaptureFixture[str], root: Path, admin_dsn: str, *args: str) -> tuple[int, str, str]:
    """``schemaguard <args> --file root/schema_expectations.yml --dsn ...``: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main([*args, "--file", str(root / YAML), "--dsn", admin_dsn])
    out, err = capsys.readouterr()
    return code, out, err


def esc(text: str) -> str:
    """``text`` as a literal fnmatch pattern (item ids contain brackets)."""
    return re.sub(r"[\[\]]", lambda m: f"[{m.group()}]", text)


def line_of(path: Path, needle: str) -> int:
    found = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(found) == 1, f"{needle!r} on lines {found}"
    return found[0]
