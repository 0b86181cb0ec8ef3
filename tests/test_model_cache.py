"""Loaded expectations kept by content (cache/model.py): used when the bytes, path and code are
the same, parsed again otherwise, never for a broken file, off under --schemaguard-no-cache."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from pytest_schemaguard.cache import model as model_cache
from pytest_schemaguard.cache.model import KEEP, load_with_cache
from pytest_schemaguard.cache.store import MODELS, BuildCache
from pytest_schemaguard.errors import ExpectationsError
from pytest_schemaguard.expectations import load_expectations

ONE = "version: 1\ntables:\n  public.a:\n    columns:\n      id: bigint\n"
ROOT = Path(__file__).resolve().parents[1]
OTHER = "version: 1\ntables:\n  public.b:\n    columns:\n      name: text\n"


def loaded_once(tmp_path: Path) -> tuple[Path, Path]:
    """(cache root, expectations file) after one load, which kept a record."""
    root = tmp_path / "cache"
    path = tmp_path / "schema_expectations.yml"
    path.write_text(ONE)
    load_with_cache(path, root=root)
    return root, path


def records(root: Path) -> list[Path]:
    return sorted((root / MODELS).glob("*.pickle"))


def test_an_unchanged_file_comes_from_its_record(tmp_path: Path) -> None:
    path = tmp_path / "schema_expectations.yml"
    path.write_text(ONE)
    root = tmp_path / "cache"
    first = load_with_cache(path, root=root)
    assert first == load_expectations(path)
    [record] = records(root)
    # Put another file's model in the record: what comes back proves the record was read.
    other = tmp_path / "other.yml"
    other.write_text(OTHER)
    record.write_bytes(pickle.dumps(load_expectations(other)))
    assert [t.name for t in load_with_cache(path, root=root).tables] == ["public.b"]


def test_a_one_byte_change_or_another_path_parses_again(tmp_path: Path) -> None:
    root, path = loaded_once(tmp_path)
    path.write_text(ONE.replace("bigint", "bigint "))  # same meaning, other bytes
    load_with_cache(path, root=root)
    copy = tmp_path / "elsewhere" / "schema_expectations.yml"
    copy.parent.mkdir()
    copy.write_text(ONE)
    loaded = load_with_cache(copy, root=root)
    assert loaded == load_expectations(copy)
    assert len(records(root)) == 3


def test_a_corrupt_record_is_parsed_again_and_replaced(tmp_path: Path) -> None:
    root, path = loaded_once(tmp_path)
    [record] = records(root)
    record.write_bytes(b"\x80\x05garbage")
    assert load_with_cache(path, root=root) == load_expectations(path)
    assert pickle.loads(record.read_bytes()) == load_expectations(path)


def test_a_broken_file_reports_its_errors_every_time_and_is_never_kept(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    path = tmp_path / "schema_expectations.yml"
    path.write_text("version: 1\ntables:\n  public.a:\n    colums: {}\n")
    for _ in range(2):
        with pytest.raises(ExpectationsError, match="colums"):
            load_with_cache(path, root=root)
    assert records(root) == []
    with pytest.raises(ExpectationsError):
        load_with_cache(tmp_path / "missing.yml", root=root)


def test_records_are_bounded_and_cleared_with_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_cache, "KEEP", 3)
    root = tmp_path / "cache"
    path = tmp_path / "schema_expectations.yml"
    for n in range(5):
        path.write_text(ONE + f"# version {n}\n")
        load_with_cache(path, root=root)
    assert len(records(root)) == 3
    assert KEEP >= 3
    BuildCache(root).clear()
    assert records(root) == []
    assert not (root / f"{MODELS}.lock").exists()  # not taken for a build entry


def test_no_cache_reads_and_writes_no_record(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = pytester.path / "cache"
    monkeypatch.setenv("SCHEMAGUARD_CACHE_DIR", str(cache))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    pytester.makefile(".yml", schema_expectations=ONE)
    migrations = pytester.path / "supabase" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "20250101000000_a.sql").write_text("CREATE TABLE public.a (id bigint);\n")
    monkeypatch.setenv("SCHEMAGUARD_NO_CACHE", "1")
    pytester.runpytest_subprocess("--schemaguard", "--collect-only", "-q").assert_outcomes()
    assert records(cache) == []
    monkeypatch.setenv("SCHEMAGUARD_NO_CACHE", "")
    result = pytester.runpytest_subprocess("--schemaguard", "--collect-only", "-q")
    assert "table[public.a]" in result.stdout.str()
    assert len(records(cache)) == 1


def test_a_record_others_could_have_written_is_not_read(tmp_path: Path) -> None:
    root, path = loaded_once(tmp_path)
    [record] = records(root)
    other = tmp_path / "other.yml"
    other.write_text(OTHER)
    record.write_bytes(pickle.dumps(load_expectations(other)))  # as if planted by another user
    os.chmod(record, 0o666)
    assert [t.name for t in load_with_cache(path, root=root).tables] == ["public.a"]  # parsed again
    record.write_bytes(pickle.dumps(load_expectations(other)))  # replaced by the parse: plant it again
    os.chmod(record, 0o600)
    assert [t.name for t in load_with_cache(path, root=root).tables] == ["public.b"]  # ours: read
    os.chmod(root / MODELS, 0o777)
    assert [t.name for t in load_with_cache(path, root=root).tables] == ["public.a"]


def test_another_version_of_the_plugin_parses_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key holds all of the plugin's code (the loader checks rule names from rules/, too)."""
    root, path = loaded_once(tmp_path)
    monkeypatch.setattr(model_cache, "__version__", "0.0.0-other")
    model_cache.code_hash.cache_clear()
    try:
        load_with_cache(path, root=root)
    finally:
        model_cache.code_hash.cache_clear()
    assert len(records(root)) == 2
