"""Benchmark: how long the main job takes, and how that compares with psql-per-file.

Run from the repo root: ``python benchmarks/bench_build.py [--repeat 3]``. It measures
1. wall time of ``pytest --schemaguard`` on the example project (private server included),
2. applying the same shim + migration files with one ``psql`` process per file,
3. applying them with schemaguard's builder over one connection,
4. one catalog snapshot (``inspect_schema``) of the built database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import psycopg

from pytest_schemaguard.build import SUPABASE_SEARCH_PATH, build_database
from pytest_schemaguard.catalog import inspect_schema
from pytest_schemaguard.expectations import load_expectations
from pytest_schemaguard.project import load_project
from pytest_schemaguard.server import ConnectionInfo, PrivateServer, create_database, find_bindir

ROOT = Path(__file__).resolve().parent.parent


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def show(label: str, times: list[float]) -> None:
    print(f"{label:<55} median {statistics.median(times):7.3f}s  min {min(times):7.3f}s  (n={len(times)})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    expectations = load_expectations(ROOT / "schema_expectations.yml")
    project = load_project(ROOT / "schema_expectations.yml", expectations.project)
    files = [m.path for m in project.migrations.migrations]
    print(f"example project: {len(files)} migrations, {sum(len(m.statements) for m in project.migrations.migrations)}"
          " statements")

    show("pytest --schemaguard (whole job, private server)", timed(lambda: subprocess.run(
        [sys.executable, "-m", "pytest", "--schemaguard", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, check=True, capture_output=True), args.repeat))

    bindir = find_bindir(os.environ.get("SCHEMAGUARD_PG_BIN"))
    server = PrivateServer(bindir).start()
    try:
        admin = server.admin_info()
        counter = iter(range(1000))

        def fresh() -> ConnectionInfo:
            return create_database(admin, f"bench_{next(counter)}").info

        psql = shutil.which("psql") or str(bindir / "psql")
        shim = resources.files("pytest_schemaguard").joinpath("shim/supabase.sql")

        def psql_per_file() -> None:
            info = fresh()
            env = dict(os.environ, PGOPTIONS=f"-c search_path={SUPABASE_SEARCH_PATH.replace(' ', '')}")
            for path in [Path(str(shim)), *files]:
                subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                                "-h", info.host, "-p", str(info.port), "-U", info.user, "-d", info.dbname,
                                "-f", str(path)], check=True, capture_output=True, env=env)

        def builder() -> None:
            with psycopg.connect(fresh().conninfo()) as conn:
                result = build_database(conn, root=project.root, migrations=project.migrations.migrations,
                                        flavor=project.flavor)
                assert result.ok, result.failed_step

        show("psql, one process per file (shim + migrations)", timed(psql_per_file, args.repeat))
        show("schemaguard builder, one connection (shim + migrations)", timed(builder, args.repeat))
        with psycopg.connect(fresh().conninfo()) as conn:
            build_database(conn, root=project.root, migrations=project.migrations.migrations, flavor=project.flavor)
            show("catalog snapshot (inspect_schema)", timed(lambda: inspect_schema(conn), args.repeat * 3))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
