"""The catalog snapshot kept beside a build (pytest_schemaguard/cache/snapshot.py): read back
equal, and never read when it may not be ours or may not fit this code."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import psycopg
import pytest

from pytest_schemaguard.cache import model, snapshot
from pytest_schemaguard.cache.snapshot import SNAPSHOT, read_snapshot, write_snapshot
from pytest_schemaguard.catalog import inspect_schema

SQL = """
CREATE TYPE mood AS ENUM ('ok', 'meh');
CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL,
                    m mood DEFAULT 'ok', CHECK (length(body) > 0));
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine ON notes USING (body <> '');
CREATE VIEW v AS SELECT id FROM notes;
CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x';
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "entry"
    path.mkdir(mode=0o700)
    return path


def test_read_back_equal(scratch_conn: psycopg.Connection, folder: Path) -> None:
    scratch_conn.execute(SQL.encode())
    scratch_conn.commit()
    schema = inspect_schema(scratch_conn)
    write_snapshot(folder, schema)
    assert read_snapshot(folder) == schema
    assert sorted(p.name for p in folder.iterdir()) == [SNAPSHOT]  # no temporary file left


def test_not_read_when_it_may_not_be_ours_or_this_codes(scratch_conn: psycopg.Connection, folder: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    schema = inspect_schema(scratch_conn)
    write_snapshot(folder, schema)
    record = folder / SNAPSHOT
    os.chmod(record, 0o666)  # anybody could have replaced it: unpickling runs code
    assert read_snapshot(folder) is None
    os.chmod(record, 0o600)
    os.chmod(folder, 0o777)
    assert read_snapshot(folder) is None
    os.chmod(folder, 0o700)
    assert read_snapshot(folder) == schema

    monkeypatch.setattr(snapshot, "code_hash", lambda: "another version of the plugin")
    assert read_snapshot(folder) is None  # its model may lack what this code reads
    monkeypatch.setattr(snapshot, "code_hash", model.code_hash)

    record.write_bytes(pickle.dumps((model.code_hash(), {"not": "a schema"})))
    assert read_snapshot(folder) is None
    record.write_bytes(b"\x80\x05 cut short")
    assert read_snapshot(folder) is None
    record.unlink()
    assert read_snapshot(folder) is None


def test_a_snapshot_that_cannot_be_written_fails_nothing(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    write_snapshot(tmp_path / "missing", inspect_schema(scratch_conn))
    assert not (tmp_path / "missing").exists()
