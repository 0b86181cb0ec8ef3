"""Commands that build the database say what the build warned about and which seed failed, on
standard error; ``init`` exits 1 when the file it wrote fails at its seed item."""

from __future__ import annotations

from pathlib import Path

import pytest
from rules_support import QUIET, preload

from pytest_schemaguard.cli import main

preload()

MIGRATION = "20250101000000_notes.sql"
SKIPPED = f"{MIGRATION}:1: extension hypopg is not available on this server; CREATE EXTENSION skipped"


def make_project(root: Path, seed: str = "insert into public.notes (body) values ('hello');\n") -> Path:
    (root / "supabase" / "migrations").mkdir(parents=True)
    (root / "supabase" / "config.toml").write_text('[db.seed]\nsql_paths = ["./seed.sql"]\n', encoding="utf-8")
    (root / "supabase" / "migrations" / MIGRATION).write_text(
        "create extension if not exists hypopg;\n"
        "create table public.notes (id bigint generated always as identity primary key, body text not null);\n",
        encoding="utf-8")
    (root / "supabase" / "seed.sql").write_text(seed, encoding="utf-8")
    return root / "schema_expectations.yml"


def test_init_shows_the_build_warnings_on_stderr(tmp_path: Path, admin_dsn: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    yaml = make_project(tmp_path)
    assert main(["init", "--file", str(yaml), "--dsn", admin_dsn]) == 0
    err = capsys.readouterr().err
    assert f"schemaguard init: warning: {SKIPPED}\n" in err
    assert "does not apply" not in err


def test_init_with_a_failing_seed_writes_the_file_prints_the_error_and_exits_1(
        pytester: pytest.Pytester, admin_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    # a dumped seed writing to a table neither the project nor the shim has
    yaml = make_project(pytester.path, "select 1;\n\ninsert into auth.webauthn_credentials (id) values (1);\n")
    assert main(["init", "--file", str(yaml), "--dsn", admin_dsn]) == 1
    out, err = capsys.readouterr()
    assert f"schemaguard init: wrote {yaml}" in out
    assert ("schemaguard init: the seed seed.sql does not apply, so the item seed[seed.sql] of `pytest --schemaguard` "
            "fails (the migrations built; the schema below them is complete):\n"
            "supabase/seed.sql:3: statement failed\n\n"
            "    insert into auth.webauthn_credentials (id) values (1)\n") in err
    assert 'ERROR:  relation "auth.webauthn_credentials" does not exist (SQLSTATE 42P01)' in err
    assert err.rstrip().endswith("schemaguard init: the file is written, but its seed[seed.sql] item fails until the "
                                 "seed applies (error above): fix the seed (the error's hint says what it lacks), "
                                 "then run `pytest --schemaguard`")
    assert "tables:\n  notes:" in yaml.read_text(encoding="utf-8")
    # what init said is what pytest finds: the written file fails at the seed, and only there
    result = pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", *QUIET, "-v")
    assert result.ret == 1
    assert result.parseoutcomes()["failed"] == 1
    result.stdout.fnmatch_lines(["*seed[[]seed.sql[]] FAILED*"])


@pytest.mark.parametrize("command", [["lint"], ["types"], ["snapshot", "--check"]])
def test_every_building_command_shows_warnings_and_a_failing_seed(
        tmp_path: Path, admin_dsn: str, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    yaml = make_project(tmp_path, "insert into public.nowhere values (1);\n")
    yaml.write_text("version: 1\nproject:\n  snapshot: schema.sql\n", encoding="utf-8")
    main([*command, "--file", str(yaml), "--dsn", admin_dsn])
    err = capsys.readouterr().err
    name = command[0]
    assert f"schemaguard {name}: warning: {SKIPPED}\n" in err
    assert f"schemaguard {name}: the seed seed.sql does not apply" in err
    assert 'relation "public.nowhere" does not exist' in err
