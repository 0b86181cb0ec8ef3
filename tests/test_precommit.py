"""The pre-commit hooks in ``.pre-commit-hooks.yaml``, run by pre-commit itself on a git repository.

The shipped manifest is validated with pre-commit's own schema (what `repo: <this repository>`
users get). The runs use a `repo: local` config made from the same manifest entries, with
`language: system` calling this interpreter's ``schemaguard``: the same commands, file patterns and
filename passing, without installing the package into a fresh environment from the network.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from docs_support import doc_section
from integrity_support import git, make_project, migrations_dir, write_migration

from pytest_schemaguard.commands import discover_commands

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / ".pre-commit-hooks.yaml"
LOCK = "supabase/migrations/schemaguard.lock"
HOOKS = ("schemaguard-naming", "schemaguard-lock", "schemaguard-lint-syntax", "schemaguard-types")
HAS_TYPES = "types" in discover_commands()


def manifest() -> list[dict[str, Any]]:
    from pre_commit.clientlib import load_manifest

    return list(load_manifest(str(MANIFEST)))  # raises InvalidManifestError on any schema violation


def test_manifest_is_valid_for_pre_commit_and_offers_the_four_hooks() -> None:
    hooks = {hook["id"]: hook for hook in manifest()}
    assert tuple(hooks) == HOOKS
    assert hooks["schemaguard-naming"]["entry"] == "schemaguard check-naming"
    assert hooks["schemaguard-lock"]["entry"] == "schemaguard lock --check"
    assert hooks["schemaguard-lint-syntax"]["entry"] == "schemaguard lint --syntax-only"
    assert hooks["schemaguard-types"]["entry"] == "schemaguard types --check --hash-only"
    for hook in hooks.values():
        assert hook["language"] == "python"  # pre-commit installs this package into the hook's environment
        assert hook["pass_filenames"] is (hook["id"] == "schemaguard-lint-syntax")


def local_config(hook_ids: tuple[str, ...]) -> str:
    """A `repo: local` config running the manifest's hooks with this interpreter."""
    command = f"{sys.executable} -m pytest_schemaguard.cli"
    hooks = []
    for hook in manifest():
        if hook["id"] in hook_ids:
            hooks.append({
                "id": hook["id"], "name": hook["name"], "language": "system",
                "entry": hook["entry"].replace("schemaguard", command, 1),
                "files": hook["files"], "pass_filenames": hook["pass_filenames"],
            })
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


def pre_commit(root: Path, *args: str, skip_types: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(root.parent / "pre-commit-home"), "PRE_COMMIT_COLOR": "never",
           "SKIP": "schemaguard-types" if skip_types or not HAS_TYPES else ""}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", *args], cwd=root, capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.fixture
def repo(tmp_path: Path, admin_dsn: str) -> Path:
    """crm_small with a lock file and generated types, committed in a git repository with the hooks configured."""
    root = make_project(tmp_path / "project",
                        project_yaml=f"  naming: timestamp\n  lock: {LOCK}\n  types: src/types/database.ts\n")
    subprocess.run([sys.executable, "-m", "pytest_schemaguard.cli", "lock"], cwd=root, check=True,
                   capture_output=True)
    if HAS_TYPES:
        subprocess.run([sys.executable, "-m", "pytest_schemaguard.cli", "types", "--dsn", admin_dsn], cwd=root,
                       check=True, capture_output=True)
    (root / ".pre-commit-config.yaml").write_text(local_config(HOOKS if HAS_TYPES else HOOKS[:3]))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Schemaguard Tests")
    git(root, "config", "user.email", "tests@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "base")
    return root


def hook_status(output: str, hook_id: str) -> str:
    """Passed / Failed / Skipped for a hook, from pre-commit's summary line (`name....Passed`)."""
    name = next(hook["name"] for hook in manifest() if hook["id"] == hook_id)
    line = next(line for line in output.splitlines() if line.startswith(name))
    return line.rsplit(".", 1)[-1].split("(")[0].strip()


def test_every_hook_passes_on_a_tidy_project(repo: Path) -> None:
    run = pre_commit(repo, "--all-files")
    assert run.returncode == 0, run.stdout + run.stderr
    for hook_id in HOOKS if HAS_TYPES else HOOKS[:3]:
        assert hook_status(run.stdout, hook_id) == "Passed"


def test_a_badly_named_staged_migration_fails_naming_and_lock_with_the_file_named(repo: Path) -> None:
    write_migration(repo, "20250201000000_Add-Tags.sql", "set lock_timeout = '5s';\nselect 1;\n")
    (migrations_dir(repo) / "notes.txt").write_text("todo\n")
    git(repo, "add", "-A")
    run = pre_commit(repo)
    out = run.stdout
    assert run.returncode == 1
    assert hook_status(out, "schemaguard-naming") == "Failed"
    assert ("supabase/migrations/20250201000000_Add-Tags.sql: file name does not follow project.naming timestamp: "
            "expected YYYYMMDDHHMMSS_snake_case_name.sql") in out
    assert "notes.txt: not a migration (only <version>_<name>.sql files are applied)" in out
    assert hook_status(out, "schemaguard-lock") == "Failed"
    assert "20250201000000_Add-Tags.sql" in out.split("schemaguard migrations lock file")[1]
    assert hook_status(out, "schemaguard-lint-syntax") == "Passed"


def test_lint_hook_lints_only_the_staged_files_and_fails_on_an_error(repo: Path) -> None:
    # Already committed history with an error-level finding is not the staged change's business.
    old = write_migration(repo, "20250104000000_purge.sql", "truncate public.deals;\n")
    subprocess.run([sys.executable, "-m", "pytest_schemaguard.cli", "lock"], cwd=repo, check=True, capture_output=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "old risky file")
    write_migration(repo, "20250201000000_add_tags.sql", "set lock_timeout = '5s';\nalter table public.deals "
                    "add column tags text[];\n")
    subprocess.run([sys.executable, "-m", "pytest_schemaguard.cli", "lock"], cwd=repo, check=True, capture_output=True)
    git(repo, "add", "-A")
    run = pre_commit(repo, skip_types=True)  # adding files makes the types stale: not this test's concern
    assert run.returncode == 0, run.stdout
    assert hook_status(run.stdout, "schemaguard-lint-syntax") == "Passed"
    assert old.name not in run.stdout

    write_migration(repo, "20250202000000_clear.sql", "set lock_timeout = '5s';\ndelete from public.deals;\n")
    subprocess.run([sys.executable, "-m", "pytest_schemaguard.cli", "lock"], cwd=repo, check=True, capture_output=True)
    git(repo, "add", "-A")
    run = pre_commit(repo, skip_types=True)  # adding files makes the types stale: not this test's concern
    assert run.returncode == 1
    assert hook_status(run.stdout, "schemaguard-lint-syntax") == "Failed"
    assert "20250202000000_clear.sql:2: error [delete_without_where]" in run.stdout
    assert "truncate" not in run.stdout.lower()  # the committed file was not linted
    assert hook_status(run.stdout, "schemaguard-naming") == "Passed"
    assert hook_status(run.stdout, "schemaguard-lock") == "Passed"


@pytest.mark.skipif(not HAS_TYPES, reason="`schemaguard types` is not on this branch yet (added by the types work); "
                                          "the hook's manifest entry is validated above")
def test_types_hook_fails_on_a_stale_file_and_passes_once_regenerated(repo: Path, admin_dsn: str) -> None:
    # The fixture generated src/types/database.ts (project.types) and committed it.
    assert hook_status(pre_commit(repo, "--all-files").stdout, "schemaguard-types") == "Passed"
    write_migration(repo, "20250201000000_add_tags.sql", "alter table public.deals add column tags text[];\n")
    subprocess.run([sys.executable, "-m", "pytest_schemaguard.cli", "lock"], cwd=repo, check=True, capture_output=True)
    git(repo, "add", "-A")
    run = pre_commit(repo)
    assert hook_status(run.stdout, "schemaguard-types") == "Failed"
    assert "src/types/database.ts is stale: it was generated from 3 migration(s)" in run.stdout
    assert "there are now 4 ending with 20250201000000_add_tags.sql" in run.stdout
    subprocess.run([sys.executable, "-m", "pytest_schemaguard.cli", "types", "--dsn", admin_dsn], cwd=repo,
                   check=True, capture_output=True)
    git(repo, "add", "-A")
    assert hook_status(pre_commit(repo).stdout, "schemaguard-types") == "Passed"


def readme_section(title: str) -> str:
    return doc_section(title)


def test_readme_config_is_a_valid_pre_commit_config_naming_shipped_hooks(tmp_path: Path) -> None:
    from pre_commit.clientlib import load_config

    blocks = readme_section("pre-commit").split("```yaml\n")[1:]
    assert len(blocks) == 1
    config_path = tmp_path / ".pre-commit-config.yaml"
    config_path.write_text(blocks[0].split("```")[0])
    config = load_config(str(config_path))
    shipped = {hook["id"] for hook in manifest()}
    used = [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]
    assert used and set(used) <= shipped
    for hook_id in shipped:
        assert f"`{hook_id}`" in readme_section("pre-commit")
