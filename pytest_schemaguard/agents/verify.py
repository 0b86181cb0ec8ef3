"""The ``verify`` tool: every check of ``pytest --schemaguard``, as structured findings.

pytest runs in a child process (as a user would run it) so its plugins, its output capture and
its exit cannot disturb the MCP server's own process and stdout; the results are read back from
JUnit XML. ``junit_family=xunit1`` keeps each item's ``file``/``line`` (the YAML line of an
object, the migration file of a migration item).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ..errors import SchemaguardError

OUTCOMES = ("passed", "failed", "error", "skipped")
TAIL_LINES = 30


def pytest_command(file: Path, junit: Path, dsn: str | None, pg_bin: str | None) -> list[str]:
    # The file as the only path: the project's own tests (testpaths) are not ours to run.
    command = [sys.executable, "-m", "pytest", str(file), "--schemaguard", f"--schemaguard-file={file}",
               "-p", "no:cacheprovider", f"--junitxml={junit}", "-o", "junit_family=xunit1", "-q", "--no-header"]
    if dsn:
        command.append(f"--schemaguard-dsn={dsn}")
    if pg_bin:
        command.append(f"--schemaguard-pg-bin={pg_bin}")
    return command


def run_verify(file: Path, dsn: str | None, pg_bin: str | None, timeout: float | None = None) -> dict[str, Any]:
    file = file.resolve()
    if not file.is_file():
        raise SchemaguardError(f"expectations file {file} not found: pass `file` (path to schema_expectations.yml)")
    with tempfile.TemporaryDirectory(prefix="schemaguard-verify-") as tmp:
        junit = Path(tmp) / "junit.xml"
        try:
            done = subprocess.run(pytest_command(file, junit, dsn, pg_bin), cwd=file.parent, capture_output=True,
                                  text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            raise SchemaguardError(f"pytest --schemaguard did not finish within {timeout:g} s") from None
        if not junit.is_file():
            raise SchemaguardError(f"pytest --schemaguard stopped before running the checks (exit {done.returncode}):"
                                   f"\n{tail(done.stderr or done.stdout)}")
        results = parse_junit(junit.read_text(encoding="utf-8"), file.parent)
    counts = {outcome: sum(1 for r in results if r["outcome"] == outcome) for outcome in OUTCOMES}
    return {
        "ok": done.returncode == 0,
        "exit_code": done.returncode,
        "file": str(file),
        "counts": counts,
        "results": results,
        "output_tail": tail(done.stdout) if done.returncode not in (0, 1) else "",
    }


def parse_junit(text: str, root: Path) -> list[dict[str, Any]]:
    """One dict per item: item id, outcome, message (the finding text, with its file:line lines)."""
    results = []
    for case in ET.fromstring(text).iter("testcase"):
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            found = case.find(tag)
            if found is not None:
                outcome = {"failure": "failed"}.get(tag, tag)
                message = (found.text or found.get("message") or "").strip()
                break
        line = case.get("line")
        results.append({
            "item": case.get("name", ""),
            "outcome": outcome,
            "message": message,
            "file": case.get("file"),
            "line": int(line) + 1 if line and line.isdigit() else None,  # JUnit's line is 0-based
        })
    return results


def tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
