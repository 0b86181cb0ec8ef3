"""`--format json` and `--format github`: every command's JSON validated against its shipped schema,
the README's examples against the same schemas, and GitHub's escaping rules."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from docs_support import all_blocks
from integrity_support import make_project, migrations_dir, write_migration

from pytest_schemaguard.cli import main
from pytest_schemaguard.commands.output import FORMAT_VERSION, annotation, escape_data, escape_property, output_schema

COMMANDS = ("lint", "diff", "status", "lock", "snapshot")
LOCK = "supabase/migrations/schemaguard.lock"
RISKY = "alter table public.deals add column tags text[];\ncreate index deals_tags_idx on public.deals (tags);\n"


def run_json(capsys: pytest.CaptureFixture[str], command: str, *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main([command, *args, "--format", "json"])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    jsonschema.validate(data, output_schema(command))
    assert (data["schemaguard_format"], data["command"]) == (FORMAT_VERSION, command)
    return code, data


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "project", project_yaml=f"  naming: timestamp\n  lock: {LOCK}\n"
                                                           "  snapshot: schema.sql\n")
    monkeypatch.chdir(root)
    monkeypatch.delenv("SCHEMAGUARD_DSN", raising=False)
    return root


def test_every_schema_is_versioned_and_strict() -> None:
    for command in COMMANDS:
        schema = output_schema(command)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["properties"]["schemaguard_format"] == {"const": 1}
        assert schema["properties"]["command"] == {"const": command}
        assert schema["additionalProperties"] is False  # a renamed key cannot slip through


def test_readme_examples_match_the_schemas() -> None:
    blocks = [json.loads(block.text) for block in all_blocks() if block.lang == "json"]  # README.md and docs/
    examples = [b for b in blocks if "schemaguard_format" in b]  # not e.g. the .mcp.json snippet
    assert sorted(e["command"] for e in examples) == sorted(COMMANDS)
    for example in examples:
        jsonschema.validate(example, output_schema(example["command"]))


def test_escaping_follows_githubs_rules() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert annotation("error", "x: y, z", file="dir/a,b.sql", line=3, title="t: 1") == (
        "::error file=dir/a%2Cb.sql,line=3,title=t%3A 1::x: y, z")
    assert annotation("notice", "plain") == "::notice::plain"


def test_lint_syntax_only_json_and_github(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_migration(project, "20250201000000_add_tags.sql", RISKY)
    stray = migrations_dir(project) / "notes.sql"
    stray.write_text("select 1;\n")
    code, data = run_json(capsys, "lint", "--syntax-only", str(path), str(stray))
    assert code == 0 and data["mode"] == "syntax-only"
    assert data["linted"] == ["supabase/migrations/20250201000000_add_tags.sql"]
    assert data["not_migrations"] == ["supabase/migrations/notes.sql"]
    assert [(f["rule"], f["level"], f["line"], f["path"]) for f in data["findings"]] == [
        ("missing_lock_timeout", "warn", 1, "supabase/migrations/20250201000000_add_tags.sql"),
        ("index_without_concurrently", "warn", 2, "supabase/migrations/20250201000000_add_tags.sql"),
    ]
    assert data["counts"] == {"error": 0, "warn": 2, "info": 0}

    write_migration(project, "20250202000000_purge.sql", "set lock_timeout = '5s';\ntruncate public.deals;\n")
    assert main(["lint", "--syntax-only", "--format", "github", "supabase/migrations/20250202000000_purge.sql"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("::error file=supabase/migrations/20250202000000_purge.sql,line=2,"
                             "title=schemaguard lint%3A truncate::")
    assert "%0Awhy: TRUNCATE removes every row" in out[0] and "%0Ainstead: " in out[0]
    assert out[-1] == "schemaguard lint: 1 file(s) linted: 1 error"


def test_files_without_syntax_only_are_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "supabase/migrations/20250101000000_organizations.sql"]) == 2
    assert "FILE arguments go with --syntax-only" in capsys.readouterr().err


def test_lint_build_json_has_semantic_findings(project: Path, admin_dsn: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lock"]) == 0
    write_migration(project, "20250201000000_add_tags.sql", "set lock_timeout = '5s';\n" + RISKY)
    code, data = run_json(capsys, "lint", "--dsn", admin_dsn)
    assert code == 0 and data["mode"] == "build" and data["build_failed"] is None
    assert data["linted"] == ["supabase/migrations/20250201000000_add_tags.sql"]  # new since the lock file
    assert [f["rule"] for f in data["findings"]] == ["index_without_concurrently"]


def test_lock_check_json_ok_then_failing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "lock")
    assert (code, data["written"], data["check"], data["lock_file"]) == (0, True, False, LOCK)
    code, data = run_json(capsys, "lock", "--check")
    assert (code, data["ok"], data["problem"], data["migrations"]) == (0, True, None, 3)
    write_migration(project, "20250201000000_add_tags.sql")
    code, data = run_json(capsys, "lock", "--check")
    assert (code, data["ok"], data["written"]) == (1, False, False)
    assert data["problem"].startswith(f"{LOCK} does not match the migration files:")
    assert "20250201000000_add_tags.sql" in data["problem"]


def test_snapshot_check_json(project: Path, admin_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "snapshot", "--dsn", admin_dsn)
    assert (code, data["ok"], data["written"], data["snapshot"]) == (0, True, True, "schema.sql")
    write_migration(project, "20250201000000_add_tags.sql", "alter table public.deals add column tags text[];\n")
    code, data = run_json(capsys, "snapshot", "--check", "--dsn", admin_dsn)
    assert (code, data["ok"], data["written"], data["check"]) == (1, False, False, True)
    assert data["problem"].startswith("schema.sql was built from other inputs")
    assert "`schemaguard snapshot`" in data["problem"]
