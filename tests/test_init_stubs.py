"""``schemaguard init --stubs`` builds with the stand-ins and writes ``stubs: true``; ``init --force``
writes back every `project:` setting of the file it replaces."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rules_support import EXAMPLES, QUIET, YAML, preload

from pytest_schemaguard.cli import main

preload()


def test_init_stubs_builds_a_vector_project_and_writes_stubs_true(
        pytester: pytest.Pytester, admin_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(EXAMPLES / "history_vector_search", pytester.path, dirs_exist_ok=True)
    yaml = pytester.path / YAML
    yaml.unlink()
    # without the stand-ins the build stops at the vector column, and the error says how init gets them
    assert main(["init", "--file", str(yaml), "--dsn", admin_dsn]) == 2
    err = capsys.readouterr().err
    assert 'ERROR:  type "extensions.vector" does not exist (SQLSTATE 42704)' in err
    assert "(with init: run `schemaguard init --stubs`, which also writes `stubs: true`)" in err
    assert not yaml.exists()

    assert main(["init", "--stubs", "--file", str(yaml), "--dsn", admin_dsn]) == 0
    out, err = capsys.readouterr()
    assert f"schemaguard init: wrote {yaml}" in out
    assert "schemaguard init: warning: stub in use: extensions.vector stands in for pgvector" in err
    written = yaml.read_text(encoding="utf-8")
    assert "\n  stubs: true\n" in written
    assert "      embedding: {type: extensions.vector(3), nullable: true}\n" in written
    result = pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", *QUIET)
    assert result.ret == 0, result.stdout.str()


def test_init_force_writes_back_the_project_settings_of_the_replaced_file(
        tmp_path: Path, admin_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "db" / "migrations").mkdir(parents=True)
    (tmp_path / "db" / "migrations" / "001_notes.sql").write_text(
        "create table public.notes (id bigint primary key);\n", encoding="utf-8")
    (tmp_path / "db" / "seed.sql").write_text("insert into public.notes values (1);\n", encoding="utf-8")
    yaml = tmp_path / YAML
    yaml.write_text(
        "version: 1\nproject:\n  migrations: db/migrations\n  seed: db/seed.sql\n  flavor: supabase\n"
        "  naming: sequential\n  snapshot: schema.sql\n  types: src/database.ts\n  statement_timeout: 45s\n"
        "  declarative: [db/schemas/*.sql]\n  stubs: true\n", encoding="utf-8")
    out_dir = tmp_path / "elsewhere"
    assert main(["init", "--force", "--file", str(yaml), "--dsn", admin_dsn]) == 0
    written = yaml.read_text(encoding="utf-8")
    assert ("project:\n  migrations: db/migrations\n  seed: db/seed.sql\n  flavor: supabase\n  naming: sequential\n"
            "  snapshot: schema.sql\n  types: src/database.ts\n  statement_timeout: \"45s\"\n"
            "  declarative: [db/schemas/*.sql]\n  stubs: true\n") in written
    # written elsewhere, the paths still point at the same files
    assert main(["init", "--file", str(yaml), "--output", str(out_dir / YAML), "--dsn", admin_dsn]) == 0
    moved = (out_dir / YAML).read_text(encoding="utf-8")
    assert ('  snapshot: "../schema.sql"\n  types: "../src/database.ts"\n  statement_timeout: "45s"\n'
            '  declarative: ["../db/schemas/*.sql"]\n  stubs: true\n') in moved
    capsys.readouterr()
