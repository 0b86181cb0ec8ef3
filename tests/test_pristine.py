"""An earlier initdb's cluster extracted instead of running initdb again (database/pristine.py):
the archive round trip, what changes its key, a broken archive, the bound, and real runs: a cache
miss after the first starts from the archive and passes; --schemaguard-no-cache never uses it."""

from __future__ import annotations

import os
import tarfile
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
    assert kind.path is not None and kind.path.parent.name == CLUSTERS
    assert kind.path.name == f"{kind.key}-{kind.path.stat().st_size}.tar"  # its size, to tell a cut one
    assert kind.restore(tmp_path / "second") is True
    assert (tmp_path / "second" / "PG_VERSION").read_text() == "15\n"
    assert (tmp_path / "second" / "base" / "1" / "1259").read_bytes() == b"\1" * 4096
    kind.store(fake_cluster(tmp_path / "other", "99"))  # one is kept: not replaced
    assert kind.restore(tmp_path / "third") is True
    assert (tmp_path / "third" / "PG_VERSION").read_text() == "15\n"
    existing = fake_cluster(tmp_path / "existing")
    assert kind.restore(existing) is False  # never over a directory that is there
    assert kind.path is not None


def test_locale_time_zone_and_server_change_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANG", "LANGUAGE", "TZ", "PGTZ", "LC_ALL", "LC_CTYPE", "LC_COLLATE"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "cache"
    plain = Pristine(PARTS, root=root).key
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    in_c = Pristine(PARTS, root=root).key
    monkeypatch.setenv("TZ", "Europe/Paris")
    in_paris = Pristine(PARTS, root=root).key
    newer = Pristine([*PARTS[:1], "postgres (PostgreSQL) 15.21", *PARTS[2:]], root=root).key
    assert len({plain, in_c, in_paris, newer}) == 4
    assert Pristine(PARTS, root=root).key == in_paris  # the same settings, the same kind


def test_a_broken_or_cut_archive_is_removed_and_initdb_runs(tmp_path: Path) -> None:
    kind = Pristine(PARTS, root=tmp_path / "cache")
    kind.folder.mkdir(parents=True)
    (kind.folder / f"{kind.key}-9000.tar").write_bytes(b"not a tar" * 1000)  # the right size, not a tar
    assert kind.restore(tmp_path / "data") is False
    assert kind.path is None and not (tmp_path / "data").exists()
    # Cut between two files (a full disk, a bad copy): tar alone would extract the first part.
    made = fake_cluster(tmp_path / "made")
    for n in range(20):
        (made / "base" / "1" / f"{16384 + n}").write_bytes(bytes([n]) * 4096)
    kind.store(made)
    assert kind.path is not None
    whole = kind.path.read_bytes()
    with tarfile.open(kind.path) as archive:
        cut = [m.offset for m in archive.getmembers()][len(archive.getmembers()) // 2]
    kind.path.write_bytes(whole[:cut])
    assert kind.restore(tmp_path / "data") is False
    assert kind.path is None and not (tmp_path / "data").exists()


def test_an_archive_a_killed_run_was_writing_is_removed(tmp_path: Path) -> None:
    kind = Pristine(PARTS, root=tmp_path / "cache")
    kind.folder.mkdir(parents=True)
    abandoned = kind.folder / f"{kind.key}.tmp-{2**22 + 11}"  # no such process
    abandoned.write_bytes(b"half an archive")
    mine = kind.folder / f"other.tmp-{os.getpid()}"  # a live run's: left alone
    mine.write_bytes(b"being written")
    kind.store(fake_cluster(tmp_path / "made"))
    assert not abandoned.exists() and mine.exists() and kind.path is not None


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
    migrations = project / "supabase" / "migrations"

    def change(n: int) -> None:  # a new file: the build cache misses
        (migrations / f"2099010100000{n}_more.sql").write_text(f"-- change {n}\n")
        lock(project)

    code, first = run(project, cache, tmpdir, "-vv")
    assert code == 0, first
    assert "(initdb's cluster from the cache" not in first
    [kept] = (cache / CLUSTERS).glob("*.tar")
    change(1)
    code, second = run(project, cache, tmpdir, "-vv")
    assert code == 0, second
    assert "cache miss" in second and "(initdb's cluster from the cache" in second, second
    kept.write_bytes(kept.read_bytes()[:-10240])  # cut short: thrown away, initdb runs, kept anew
    change(2)
    code, third = run(project, cache, tmpdir, "-vv")
    assert code == 0, third
    assert "cache miss" in third and "(initdb's cluster from the cache" not in third, third
    assert [p.name for p in (cache / CLUSTERS).glob("*.tar")] == [kept.name]  # whole again
    assert builds(cache) == 3
    assert server_dirs_in(tmpdir) == []
    kept.unlink()
    change(3)
    code, fourth = run(project, cache, tmpdir, "-vv", "--schemaguard-no-cache")
    assert code == 0, fourth
    assert "(initdb's cluster from the cache" not in fourth
    assert list((cache / CLUSTERS).glob("*.tar")) == []  # neither read nor written
