"""Property: for any drawn schema, `schemaguard init` writes a file that `pytest --schemaguard`
passes at once, and one mutation migration then fails exactly the item of the object it changed.

Bounded for CI: derandomized, a dozen examples, each built on the test server through a DSN.
"""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_support import QUIET, preload
from sqlgen_support import Model, models, mutations

from pytest_schemaguard.cli import main

preload()
_counter = itertools.count()


def outcomes(pytester: pytest.Pytester, project: Path, admin_dsn: str) -> dict[str, tuple[str, str]]:
    """``{item name: (outcome, failure text)}`` of an in-process `pytest --schemaguard` run.

    The run happens on a thread of its own: Hypothesis keeps "inside a @given test" per thread, and
    the behaviour items the run contains use @given themselves.
    """
    with ThreadPoolExecutor(1) as pool:
        recorder = pool.submit(
            pytester.inline_run, str(project), "--schemaguard",
            f"--schemaguard-file={project / 'schema_expectations.yml'}", f"--schemaguard-dsn={admin_dsn}", *QUIET,
        ).result()
    seen = {}
    for report in recorder.getreports("pytest_runtest_logreport"):
        if report.when == "call" or report.outcome != "passed":
            name = report.nodeid.rsplit("::", 1)[-1]
            seen[name] = (report.outcome, str(report.longrepr or ""))
    return seen


@settings(max_examples=12, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_init_round_trips_and_a_mutation_fails_only_its_item(
    data: st.DataObject, pytester: pytest.Pytester, admin_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    model: Model = data.draw(models(), label="model")
    project = pytester.path / f"p{next(_counter)}"
    migrations = project / "supabase/migrations"
    migrations.mkdir(parents=True)
    (migrations / "20240101000000_schema.sql").write_text(model.sql(), encoding="utf-8")
    if model.flavor == "supabase":
        (project / "supabase/config.toml").write_text("[db]\nmajor_version = 15\n", encoding="utf-8")
    yml = project / "schema_expectations.yml"
    assert main(["init", "--file", str(yml), "--dsn", admin_dsn]) == 0, capsys.readouterr()

    before = outcomes(pytester, project, admin_dsn)
    failed = {name: text for name, (outcome, text) in before.items() if outcome == "failed"}
    assert not failed, f"{model.sql()}\n{yml.read_text(encoding='utf-8')}\n{failed}"

    mutation = data.draw(mutations(model), label="mutation")
    if not mutation.sql:
        return
    (migrations / "20240102000000_change.sql").write_text(mutation.sql + "\n", encoding="utf-8")
    after = outcomes(pytester, project, admin_dsn)
    failed = {name: text for name, (outcome, text) in after.items() if outcome == "failed"}
    assert set(failed) == {mutation.item}, f"{model.sql()}\n{mutation}\n{failed}"
