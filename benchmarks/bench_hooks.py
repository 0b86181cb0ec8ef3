"""Benchmark: the pre-commit hooks' commands on a generated 100-file migration history.

Run from the repo root: ``python benchmarks/bench_hooks.py [--repeat 5]``. Each hook's command
is run as its own process (as pre-commit runs it), so interpreter start and imports count.
Prints wall and CPU (user+sys of the child) time per hook, median of the repeats.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "examples" / "crm_small"
FILES = 100


def make_history(root: Path) -> list[Path]:
    shutil.copytree(EXAMPLE, root)
    yaml = root / "schema_expectations.yml"
    yaml.write_text(yaml.read_text().replace("  naming: timestamp\n", "  naming: timestamp\n  lock: "
                                             "supabase/migrations/schemaguard.lock\n", 1))
    migrations = root / "supabase" / "migrations"
    existing = len(list(migrations.glob("*.sql")))
    for n in range(FILES - existing):
        (migrations / f"2025020{1 + n // 50}{n % 50:06d}_step_{n}.sql").write_text(
            f"set lock_timeout = '5s';\nalter table public.deals add column c{n} text;\n"
            f"create index concurrently deals_c{n}_idx on public.deals (c{n});\n-- schemaguard: no-transaction\n")
    subprocess.run([sys.executable, "-m", "pytest_schemaguard.cli", "lock"], cwd=root, check=True, capture_output=True)
    return sorted(migrations.glob("*.sql"))


def run_timed(command: list[str], cwd: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    code = subprocess.run(command, cwd=cwd, capture_output=True).returncode
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "pytest_schemaguard.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        files = make_history(root)
        hooks = {
            "schemaguard-naming": [*cli, "check-naming"],
            "schemaguard-lock": [*cli, "lock", "--check"],
            "schemaguard-lint-syntax (all 100 files)": [*cli, "lint", "--syntax-only", *map(str, files)],
            "schemaguard-lint-syntax (1 staged file)": [*cli, "lint", "--syntax-only", str(files[-1])],
            "python -c pass (interpreter start)": [sys.executable, "-c", "pass"],
        }
        print(f"{len(files)} migration files; median of {args.repeat} runs; {os.cpu_count()} CPU(s)")
        for name, command in hooks.items():
            runs = [run_timed(command, root) for _ in range(args.repeat)]
            codes = {code for _, _, code in runs}
            print(f"  {name:<42} wall {statistics.median(w for w, _, _ in runs):.3f} s   "
                  f"cpu {statistics.median(c for _, c, _ in runs):.3f} s   exit {sorted(codes)}")


if __name__ == "__main__":
    main()
