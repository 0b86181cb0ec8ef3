"""Helpers for the generated-types tests: render a schema made of SQL, find node tools."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

from pytest_schemaguard.typegen.python import render_python
from pytest_schemaguard.typegen.reader import read_typed_database
from pytest_schemaguard.typegen.typescript import render_typescript


def render(conn: psycopg.Connection, sql: str, schemas: tuple[str, ...] = ("public",), lang: str = "typescript") -> str:
    conn.execute(sql)  # type: ignore[call-overload]
    conn.commit()
    database = read_typed_database(conn, schemas)
    return render_typescript(database) if lang == "typescript" else render_python(database)


def node_tool(name: str) -> Path:
    """A node tool (tsc, prettier) from SCHEMAGUARD_NODE_TOOLS/node_modules/.bin (`.ci/run` installs
    them there), or skip saying how to get it."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the generated files cannot be compiled here")
    base = Path(os.environ.get("SCHEMAGUARD_NODE_TOOLS", Path.home() / ".cache" / "schemaguard-node-tools"))
    tool = base / "node_modules" / ".bin" / name
    if not tool.exists():
        pytest.skip(f"{tool} not found: run `npm install --prefix {base} typescript@5 prettier@3.3.3` "
                    "(as .ci/run does) or set SCHEMAGUARD_NODE_TOOLS")
    return tool


def run_tool(tool: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(tool), *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
