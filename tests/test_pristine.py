"""An earlier initdb's cluster extracted instead of running initdb again (database/pristine.py):
the archive round trip, what changes its key, a broken archive, the bound, and real runs: a cache
miss after the first starts from the archive and passes; --schemaguard-no-cache never uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from lifecycle_support import server_dirs_in
from test_cache import builds, dirs, lock, run, tmpdir_for_servers  # noqa: F401  (fixtures used by name)

from pytest_schemaguard.cache.store import CLUSTERS, BuildCache
from pytest_schemaguard.database import pristine as pristine_module
from pytest_schemaguard.database.pristine import Pristine

PARTS = ["/usr/lib/postgresql/15/bin", "postgres (PostgreSQL) 15.20", "(105, 111, 'postgres')", "postgres"]


def fake_cluster(path: Path, version: str = "15") -> Path:
    (path / "base" / "1").mkdir(parents=True)
    (path / "PG_VERSION").write_text(f"{version}\n")
    (path / "base" / "1" / "1259").write_bytes(b"\1" * 4096)
    return path


def test_a_stored_cluster_comes_back_whole(tmp_path: Path) -> None:
    kind = Pristine(PARTS, root=tmp_path / "cache")
    assert kind.restore(tmp_path / "first") is False  # nothing kept yet: initdb runs
    kind.store(fake_cluster(tmp_path / "made"))
    assert kind.path.is_file() and kind.path.parent.name == CLUSTERS
    assert kind.restore(tmp_path / "second") is True
    assert (tmp_path / "second" / "PG_VERSION").read_text() == "15\n"
    assert (tmp_path / "second" / "base" / "1" / "1259").read_bytes() == b"\1" * 4096
    kind.store(fake_cluster(tmp_path / "other", "99"))  # one is kept: not replaced
    assert kind.restore(tmp_path / "third") is True
    assert (tmp_path / "third" / "PG_VERSION").read_text() == "15\n"
    existing = fake_cluster(tmp_path / "existing")
    assert kind.restore(existing) is False  # never over a directory that is there
    assert kind.path.is_file()


def test_locale_time_zone_and_server_change_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANG", "LANGUAGE", "TZ", "PGTZ", "LC_ALL", "LC_CTYPE", "LC_COLLATE"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "cache"
    plain = Pristine(PARTS, root=root).path
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    in_c = Pristine(PARTS, root=root).path
    monkeypatch.setenv("TZ", "Europe/Paris")
    in_paris = Pristine(PARTS, root=root).path
    newer = Pristine([*PARTS[:1], "postgres (PostgreSQL) 15.21", *PARTS[2:]], root=root).path
    assert len({plain, in_c, in_paris, newer}) == 4
    assert Pristine(PARTS, root=root).path == in_paris  # the same settings, the same kind


def test_a_broken_archive_is_removed_and_initdb_runs(tmp_path: Path) -> None:
    kind = Pristine(PARTS, root=tmp_path / "cache")
    kind.path.parent.mkdir(parents=True)
    kind.path.write_bytes(b"not a tar" * 1000)
    assert kind.restore(tmp_path / "data") is False
    assert not kind.path.exists() and not (tmp_path / "data").exists()


def test_only_the_most_recent_kinds_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pristine_module, "KEEP", 2)
    root = tmp_path / "cache"
    for n in range(4):
        Pristine([*PARTS, f"option {n}"], root=root).store(fake_cluster(tmp_path / f"c{n}"))
    assert len(list((root / CLUSTERS).glob("*.tar"))) == 2
    BuildCache(root).clear()
    assert not (root / CLUSTERS).exists()


def test_a_miss_starts_from_the_kept_cluster_and_no_cache_never_uses_it(dirs: tuple[Path, Path, Path]) -> None:  # noqa: F811
    project, cache, tmpdir = dirs
    code, first = run(project, cache, tmpdir, "-vv")
    assert code == 0, first
    assert "(initdb's cluster from the cache" not in first
    [kept] = (cache / CLUSTERS).glob("*.tar")
    migration = project / "supabase" / "migrations" / "20990101000000_more.sql"
    migration.write_text("-- a new file: the build cache misses\n")
    lock(project)
    code, second = run(project, cache, tmpdir, "-vv")
    assert code == 0, second
    assert "cache miss" in second and "(initdb's cluster from the cache" in second, second
    assert builds(cache) == 2
    assert server_dirs_in(tmpdir) == []
    kept.unlink()
    migration.write_text("-- changed again\n")
    lock(project)
    code, third = run(project, cache, tmpdir, "-vv", "--schemaguard-no-cache")
    assert code == 0, third
    assert "(initdb's cluster from the cache" not in third
    assert list((cache / CLUSTERS).glob("*.tar")) == []  # neither read nor written
