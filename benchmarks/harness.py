"""Measure issue 11's table: the tool against the floor, interleaved, medians of ``--repeat`` runs.

``python -m benchmarks`` from the repository root (docs/performance.md). Every
project is generated afresh under a temporary directory (``benchmarks/generate.py``); each build
row alternates one floor run (``benchmarks/floor.py``) with one ``pytest --schemaguard`` run
(``benchmarks/runs.py``) so that load from other work on the machine falls on both sides alike.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from . import pgtap, runs
from .floor import describe, project_files, read_project, run_floor
from .generate import ProjectSpec, expectations_yaml, write_project, yaml_tables_for_lines
from .table import Row, render_markdown, render_text

ROWS = ("baseline", "cold", "edited", "warm", "history", "locked", "big", "yaml", "import", "xdist", "pgtap")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per side of each row; medians (default 5)")
    parser.add_argument("--tables", type=int, default=50, help="tables of the cold/warm project (default 50)")
    parser.add_argument("--migrations", type=int, default=23, help="files of the cold/warm project (default 23)")
    parser.add_argument("--baseline-files", type=int, default=21, help="files of the baseline project (default 21)")
    parser.add_argument("--baseline-kb", type=int, default=426, help="size of its pg_dump-style baseline (default 426)")
    parser.add_argument("--history-files", type=int, default=300, help="files of the long history (default 300)")
    parser.add_argument("--big-tables", type=int, default=2000, help="tables of the big project (default 2000)")
    parser.add_argument("--yaml-lines", type=int, default=38000, help="lines of the big expectations file")
    parser.add_argument("--import-runs", type=int, default=15, help="runs per side of the plugin-import row")
    parser.add_argument("--pgtap-tables", type=int, default=14,
                        help="tables of the pgTAP project (default 14: 509 assertions)")
    parser.add_argument("--skip", default="", help=f"comma-separated rows to leave out: {', '.join(ROWS)}")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    args = parser.parse_args(argv)
    args.skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    unknown = args.skip - set(ROWS)
    if unknown:
        parser.error(f"--skip: unknown row(s) {', '.join(sorted(unknown))}; rows are {', '.join(ROWS)}")
    if args.repeat < 1 or args.import_runs < 1:
        parser.error("--repeat and --import-runs must be at least 1")
    return args


def labels(args: argparse.Namespace) -> dict[str, tuple[str, str]]:
    """Row key -> (measure, goal), in table order; the goals are issue 11's."""
    return {
        "baseline": (f"cold run / floor, {args.baseline_files}-file history with a {args.baseline_kb} kB "
                     "pg_dump-style baseline (COPY data)", "≤ 1.3×"),
        "cold": (f"cold run / floor, {args.migrations}-file history ({args.tables} tables)", "≤ 1.3×"),
        "edited": (f"run after one migration changed / floor, {args.migrations}-file history (cache on: a miss)",
                   "≤ 1.3×"),
        "warm": ("second unchanged run / first", "≤ 0.25"),
        "history": (f"{args.history_files}-file history / floor ({args.tables} tables)", "≤ 1.5×, linear"),
        "locked": (f"{args.history_files}-file history with every file in the lock file (lint: new files only) / "
                   "floor", "≤ 1.5×, linear"),
        "big": (f"{args.big_tables:,}-table project / floor", "≤ 1.5×"),
        "yaml": (f"loading a {args.yaml_lines:,}-line expectations file again, unchanged", "≤ 0.5 s"),
        "import": ("plain `pytest` with the plugin installed but `--schemaguard` not given, vs `-p no:schemaguard`",
                   "≤ 1.05×"),
        "xdist": (f"`pytest -n 2` (xdist) vs `-n 0`, {args.big_tables:,} tables",
                  "`-n 2` never slower than `-n 0`"),
        "pgtap": (f"our structural checks vs the same {len(pgtap.assertions(pgtap_spec(args.pgtap_tables)))} "
                  "assertions in pgTAP (one connection)", "≤ 0.3×"),
    }


def pgtap_spec(tables: int) -> ProjectSpec:
    return ProjectSpec(tables=tables, migrations=min(tables, 5))


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _record(row: Row, result: runs.RunResult) -> None:
    row.values.append(result.seconds)
    if not result.ok:
        row.failures.append(f"exit {result.returncode}: {result.why}")


def floor_vs_tool(row: Row, project: Path, repeat: int, tool: Callable[[], runs.RunResult]) -> None:
    files = project_files(read_project(project / "schema_expectations.yml"))
    row.note = f"floor sends {describe(files)}"
    for n in range(repeat):
        row.reference.append(run_floor(files))
        _record(row, tool())
        progress(f"{row.measure}: run {n + 1}/{repeat}: floor {row.reference[-1]:.2f} s, tool {row.values[-1]:.2f} s")


def measure_warm(row: Row, project: Path, repeat: int) -> None:
    row.reference_name = "first run"
    for n in range(repeat):
        first, second = runs.first_and_second_run(project)
        row.reference.append(first.seconds)
        _record(row, second)
        if not first.ok:
            row.failures.append(f"first run: exit {first.returncode}")
        progress(f"{row.measure}: run {n + 1}/{repeat}: first {first.seconds:.2f} s, second {second.seconds:.2f} s")


def measure_yaml(row: Row, workdir: Path, lines: int, repeat: int) -> None:
    """Value: a load the run pays once the same file was loaded before (the model's record,
    ``cache/model.py``); reference: the first load, which parses (and writes the record)."""
    from pytest_schemaguard.cache.model import load_with_cache

    path = workdir / "big_expectations.yml"
    path.write_text(expectations_yaml(ProjectSpec(tables=yaml_tables_for_lines(lines), migrations=1)), "utf-8")
    row.note = f"{sum(1 for _ in path.open()):,} lines, loaded in this process"
    row.reference_name = "first load (parsed)"
    for n in range(repeat):
        root = workdir / f"yaml-cache-{n}"
        gc.collect()
        started = time.perf_counter()
        load_with_cache(path, root=root)
        row.reference.append(time.perf_counter() - started)
        gc.collect()
        started = time.perf_counter()
        load_with_cache(path, root=root)
        row.values.append(time.perf_counter() - started)
    first = statistics.median(row.reference)
    progress(f"{row.measure}: {statistics.median(row.values):.2f} s (first load {first:.2f} s)")


def measure_import(row: Row, workdir: Path, count: int) -> None:
    row.reference_name = "-p no:schemaguard"
    directory = workdir / "trivial"
    directory.mkdir(exist_ok=True)
    for _ in range(count):
        _record(row, runs.trivial_run(directory, plugin=True))
        row.reference.append(runs.trivial_run(directory, plugin=False).seconds)
    progress(f"{row.measure}: {statistics.median(row.values):.2f} s vs {statistics.median(row.reference):.2f} s")


def measure_xdist(row: Row, project: Path, repeat: int) -> None:
    if not runs.xdist_installed():
        row.skipped = "pytest-xdist is not installed"
        return
    row.reference_name = "-n 0"
    for n in range(repeat):
        _record(row, runs.cold_run(project, ("-n", "2")))
        row.reference.append(runs.cold_run(project, ("-n", "0")).seconds)
        progress(f"{row.measure}: run {n + 1}/{repeat}: -n 2 {row.values[-1]:.2f} s, -n 0 {row.reference[-1]:.2f} s")


def measure_pgtap(row: Row, workdir: Path, tables: int, repeat: int) -> None:
    reason = pgtap.unavailable_reason()
    if reason:
        row.skipped = reason
        return
    spec = pgtap_spec(tables)
    project = workdir / "pgtap"
    write_project(project, spec)
    result = pgtap.compare(project, spec, repeat)
    if result.problem and result.problem.startswith("the pgtap extension"):
        row.skipped = result.problem
        return
    row.values, row.reference, row.reference_name = [result.ours], [result.pgtap], "pgTAP"
    row.note = (f"{tables} tables; ours = catalog snapshot + normalise + check every declared object; "
                "pgTAP = one script of plan(N) + assertions; medians of in-process runs")
    if result.problem:
        row.failures.append(result.problem)
    progress(f"{row.measure}: ours {result.ours:.3f} s, pgTAP {result.pgtap:.3f} s")


def machine() -> str:
    """What the numbers were measured on, for the heading (load included: it matters here)."""
    cpuinfo = Path("/proc/cpuinfo")
    names = [line.split(":", 1)[1].strip() for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
             if line.startswith("model name")]
    model = names[0] if names else platform.processor() or platform.machine()
    try:
        postgres = subprocess.run([str(runs_bindir() / "postgres"), "--version"], capture_output=True, text=True,
                                  check=False).stdout.strip()
    except OSError:
        postgres = "PostgreSQL (version unknown)"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{os.cpu_count()} cores ({model}), load average {load}; {postgres}; Python {platform.python_version()}")


def runs_bindir() -> Path:
    from pytest_schemaguard.database.server import find_bindir

    return find_bindir(os.environ.get("SCHEMAGUARD_PG_BIN"))


def warm_up(workdir: Path) -> None:
    """Bytecode as an installed tool has it after its first use (see ``runs``): one unmeasured cold
    run of a tiny project and one plain ``pytest``, both writing under the harness's directory."""
    runs.bytecode_in(workdir / "bytecode")
    tiny = workdir / "warm-up"
    write_project(tiny, ProjectSpec(tables=2, migrations=2))
    runs.cold_run(tiny)
    (tiny / "trivial").mkdir()
    runs.trivial_run(tiny / "trivial", plugin=True)
    progress("warm-up: bytecode compiled once, kept for every run")


def measure_all(args: argparse.Namespace, workdir: Path,
                checkpoint: Callable[[list[Row]], None] = lambda rows: None) -> list[Row]:
    """Every row not skipped; ``checkpoint`` gets the table so far after each step (a long run
    that is cut short keeps what it measured)."""
    rows = {key: Row(measure, goal) for key, (measure, goal) in labels(args).items()}
    for key in args.skip:
        rows[key].skipped = "--skip"

    def project(name: str, spec: ProjectSpec) -> Path:
        root = workdir / name
        write_project(root, spec)
        progress(f"generated {name}: {spec}")
        return root

    warm_up(workdir)
    if "baseline" not in args.skip:
        spec = ProjectSpec(tables=args.tables, migrations=args.baseline_files, baseline_kb=args.baseline_kb)
        path = project("baseline", spec)
        floor_vs_tool(rows["baseline"], path, args.repeat, lambda: runs.cold_run(path))
        checkpoint(list(rows.values()))
    if not {"cold", "edited", "warm"} <= args.skip:
        default = project("default", ProjectSpec(tables=args.tables, migrations=args.migrations))
        if "cold" not in args.skip:
            floor_vs_tool(rows["cold"], default, args.repeat, lambda: runs.cold_run(default))
            checkpoint(list(rows.values()))
        if "edited" not in args.skip:
            floor_vs_tool(rows["edited"], default, args.repeat, lambda: runs.edited_run(default))
            checkpoint(list(rows.values()))
        if "warm" not in args.skip:
            measure_warm(rows["warm"], default, args.repeat)
            checkpoint(list(rows.values()))
    if "history" not in args.skip:
        history = project("history", ProjectSpec(tables=args.tables, migrations=args.history_files))
        floor_vs_tool(rows["history"], history, args.repeat, lambda: runs.cold_run(history))
        checkpoint(list(rows.values()))
    if "locked" not in args.skip:
        locked = project("locked", ProjectSpec(tables=args.tables, migrations=args.history_files, locked=True))
        floor_vs_tool(rows["locked"], locked, args.repeat, lambda: runs.cold_run(locked))
        checkpoint(list(rows.values()))
    if not {"big", "xdist"} <= args.skip:
        big = project("big", ProjectSpec(tables=args.big_tables, migrations=args.migrations))
        if "big" not in args.skip:
            floor_vs_tool(rows["big"], big, args.repeat, lambda: runs.cold_run(big))
            checkpoint(list(rows.values()))
        if "xdist" not in args.skip:
            measure_xdist(rows["xdist"], big, args.repeat)
            checkpoint(list(rows.values()))
    if "yaml" not in args.skip:
        measure_yaml(rows["yaml"], workdir, args.yaml_lines, args.repeat)
        checkpoint(list(rows.values()))
    if "import" not in args.skip:
        measure_import(rows["import"], workdir, args.import_runs)
        checkpoint(list(rows.values()))
    if "pgtap" not in args.skip:
        measure_pgtap(rows["pgtap"], workdir, args.pgtap_tables, args.repeat)
        checkpoint(list(rows.values()))
    return list(rows.values())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    heading = f"{datetime.date.today().isoformat()}, {machine()}"

    def checkpoint(rows: list[Row]) -> None:
        if args.markdown:
            args.markdown.write_text(render_markdown(rows, heading + " (partial: the run is not over)"), "utf-8")

    with tempfile.TemporaryDirectory(prefix="schemaguard-bench-") as workdir:
        rows = measure_all(args, Path(workdir), checkpoint)
    heading += f"; medians of {args.repeat}, took {time.perf_counter() - started:.0f} s"
    print(heading)
    print(render_text(rows))
    if args.markdown:
        args.markdown.write_text(render_markdown(rows, heading), encoding="utf-8")
    return 0
