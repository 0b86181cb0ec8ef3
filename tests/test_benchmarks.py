"""The benchmark harness (benchmarks/, issue 11) in a tiny configuration: it runs end to end and
prints every row of the table. No timing is asserted; what is asserted is that the synthetic
projects pass their own expectations and that the pgTAP script passes, so the numbers measure
successful runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--tables", "3", "--migrations", "3", "--repeat", "1", "--baseline-files", "3", "--baseline-kb", "8",
        "--import-runs", "1", "--yaml-lines", "300", "--pgtap-tables", "2", "--history-files", "4",
        "--skip", "history,big,xdist"]


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import harness

    return harness


def test_generated_expectations_load_and_reach_the_requested_size(harness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from benchmarks.generate import ProjectSpec, expectations_yaml, write_project, yaml_tables_for_lines
    from pytest_schemaguard.expectations import load_expectations

    spec = ProjectSpec(tables=12, migrations=30, baseline_kb=4)
    expectations = load_expectations(write_project(tmp_path, spec))
    names = [t.name for t in expectations.tables]
    assert names[:2] == ["public.t_0000", "public.t_0001"] and len(names) == 12
    migrations = sorted((tmp_path / "supabase" / "migrations").iterdir())
    assert len(migrations) == 30
    assert "COPY public.t_0000 (id, owner_id" in migrations[0].read_text()
    assert migrations[-1].read_text().startswith("-- schemaguard: no-transaction")
    lines = expectations_yaml(ProjectSpec(tables=yaml_tables_for_lines(5000), migrations=1)).count("\n")
    assert 5000 <= lines < 5100


def test_floor_sends_copy_rows_through_copy_and_the_rest_by_statement(harness) -> None:  # type: ignore[no-untyped-def]
    from benchmarks.floor import _pieces

    text = "SET x = 1;\nCOPY public.t (a, b) FROM stdin;\n1\tone\n2\t\\N\n\\.\n\nSELECT 1;\n"
    assert list(_pieces(text)) == [("SET x = 1", None), ("COPY public.t (a, b) FROM stdin", "1\tone\n2\t\\N\n"),
                                   ("SELECT 1", None)]


def test_tiny_run_prints_every_row(harness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    markdown = tmp_path / "table.md"
    out = subprocess.run([sys.executable, "-m", "benchmarks", *TINY, "--markdown", str(markdown)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = {line.split("  ")[0]: line for line in out.stdout.splitlines()}
    labels = harness.labels(harness.parse_args(TINY))
    assert list(labels) == list(harness.ROWS)
    for key, (measure, _goal) in labels.items():
        assert measure in rows, f"row {key} ({measure}) missing from:\n{out.stdout}"
    for key in ("history", "big", "xdist"):
        assert "skipped: --skip" in rows[labels[key][0]]
    # The synthetic project passes its own expectations; a failed run would be marked so.
    assert "(failed)" not in rows[labels["cold"][0]] and "(failed)" not in rows[labels["warm"][0]], out.stdout
    assert "(failed)" not in rows[labels["locked"][0]] and "×" in rows[labels["locked"][0]], out.stdout
    assert "×" in rows[labels["cold"][0]] and "(first run)" in rows[labels["warm"][0]]
    pgtap_row = rows[labels["pgtap"][0]]
    assert "(pgTAP)" in pgtap_row or "skipped: " in pgtap_row
    assert "FAILED" not in "".join(line for line in out.stdout.splitlines() if "pgTAP" in line)
    text = markdown.read_text()
    assert text.startswith(out.stdout.splitlines()[0]) and "| measure | value | floor | ratio | goal |" in text
    assert all(f"| {measure} |" in text for measure, _ in labels.values())


def test_readme_performance_commands_are_the_harness_own(harness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every ``python -m benchmarks`` line of the README parses; the generator line writes a project."""
    import shlex

    from docs_support import doc_section

    from benchmarks import generate

    section = doc_section("Performance")
    commands = [shlex.split(line.split("#", 1)[0]) for line in section.splitlines()
                if line.startswith("python -m benchmarks")]
    assert len(commands) == 3
    for command in commands:
        if command[2] == "benchmarks.generate":
            command[3] = str(tmp_path / "project")
            assert generate.main(command[3:]) == 0
            assert len(list((tmp_path / "project" / "supabase" / "migrations").glob("*.sql"))) == 23
        else:
            args = harness.parse_args(command[3:])
            assert args.repeat >= 1
