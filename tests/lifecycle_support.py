"""Real ``pytest --schemaguard`` runs in child processes, and what they may leave behind.

Shared by the keep, signal and secret tests: each run gets its own TMPDIR, so "nothing left" is
simply an empty directory and no PostgreSQL process naming it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent

MIGRATION = """\
create table public.notes (
  id bigint generated always as identity primary key,
  body text not null
);
"""
EXPECTATIONS = """\
version: 1
project:
  migrations: supabase/migrations
tables:
  notes:
    columns:
      id: {type: bigint, nullable: false}
      body: {type: text, nullable: false}
"""


def write_tiny_project(directory: Path, expectations: str = EXPECTATIONS) -> Path:
    """One migration, one table: the run's time goes to the server, not to the checks."""
    (directory / "supabase" / "migrations").mkdir(parents=True)
    (directory / "supabase" / "migrations" / "20250101000000_notes.sql").write_text(MIGRATION)
    (directory / "schema_expectations.yml").write_text(expectations)
    (directory / "pytest.ini").write_text("[pytest]\n")  # rootdir here, not the repository's ini
    return directory


def child_env(tmpdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SCHEMAGUARD_", "PYTEST_", "PG")) and k != "mirakuru_uuid"}
    env.update(TMPDIR=str(tmpdir), PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    env.update(SCHEMAGUARD_NO_CACHE="1")  # as in the suite (conftest); the cache tests pass ""
    env.update(extra)
    return env


def start_pytest(project: Path, tmpdir: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "--schemaguard", "-p", "no:cacheprovider", "-q", *args],
        cwd=project, env=child_env(tmpdir, **env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def run_schemaguard(*args: str, tmpdir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest_schemaguard.cli", *args], env=child_env(tmpdir, **env),
                          capture_output=True, text=True, timeout=120)


def server_dirs_in(tmpdir: Path) -> list[Path]:
    return sorted(tmpdir.glob("schemaguard-*"))


def processes_naming(path: Path) -> list[str]:
    """Command lines of live processes that mention ``path`` (a /proc scan: no psutil needed)."""
    wanted = str(path).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if wanted in cmdline and state != "Z":
            shown = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name}: {shown}")
    return found


def databases_of(admin_dsn: str, pids: list[int], *, marked: bool = False) -> list[str]:
    """Databases whose name carries one of these run pids (unique_dbname puts the pid in it); with
    ``marked``, only those already commented with their owner (what the sweep judges by)."""
    query = "SELECT datname FROM pg_database WHERE datname LIKE 'schemaguard%'"
    if marked:
        query += " AND shobj_description(oid, 'pg_database') LIKE 'schemaguard owner %'"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        names = [r[0] for r in conn.execute(query)]  # type: ignore[call-overload]  # our own literal
    return [n for n in names if any(f"_{pid}_" in n for pid in pids)]
