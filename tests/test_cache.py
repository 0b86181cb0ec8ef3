"""The build cache: a second unchanged run reuses the build, any changed byte rebuilds, entries are
written whole and bounded, concurrent runs and xdist workers build once.

Real runs with a private server in child processes (the cache is only used with one), each test
with its own cache directory and TMPDIR. Whether a run built or reused the database is seen from
the database itself: the migration stores a random value, and a user test prints it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import signal
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lifecycle_support import processes_naming, server_dirs_in, start_pytest, write_tiny_project

from pytest_schemaguard.cache.inputs import Input, Inputs
from pytest_schemaguard.cache.store import COMPLETE, BuildCache, archive_tree, extract_tree
from pytest_schemaguard.cli import main
from pytest_schemaguard.config import command_settings, get_settings
from pytest_schemaguard.integrity.lockfile import render_lock
from pytest_schemaguard.migrations import discover_migrations

MIGRATION = "supabase/migrations/20250101000000_notes.sql"
MARKER_SQL = """
create table public.build_marker (value text not null);
insert into public.build_marker select gen_random_uuid()::text;
"""
USER_TEST = """\
def test_marker(schemaguard_conn):
    print("MARKER", schemaguard_conn.execute("select value from public.build_marker").fetchone()[0])
"""
EXPECTATIONS_WITH_LOCK = """\
version: 1
project:
  migrations: supabase/migrations
  lock: supabase/migrations/schemaguard.lock
tables:
  notes:
    columns:
      id: {type: bigint, nullable: false}
      body: {type: text, nullable: false}
"""


def lock(project: Path) -> None:
    """Lock every migration: nothing is new, so lint watches no build (which would bypass the cache)."""
    migrations = discover_migrations(project / "supabase" / "migrations").migrations
    (project / "supabase" / "migrations" / "schemaguard.lock").write_text(render_lock(migrations))


def cached_project(directory: Path) -> Path:
    write_tiny_project(directory, EXPECTATIONS_WITH_LOCK)
    with (directory / MIGRATION).open("a") as f:
        f.write(MARKER_SQL)
    (directory / "test_marker.py").write_text(USER_TEST)
    lock(directory)
    return directory


@pytest.fixture
def dirs(tmp_path: Path, tmpdir_for_servers: Path) -> tuple[Path, Path, Path]:
    """(project, cache dir, TMPDIR for the servers)."""
    project = tmp_path / "project"
    project.mkdir()
    return cached_project(project), tmp_path / "cache", tmpdir_for_servers


@pytest.fixture
def tmpdir_for_servers() -> Iterator[Path]:
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="sg_test_tmpdir_"))
    path.chmod(0o755)  # the server's account (when root) must enter it
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run(project: Path, cache: Path, tmpdir: Path, *args: str) -> tuple[int, str]:
    child = start_pytest(project, tmpdir, "-s", *args, SCHEMAGUARD_NO_CACHE="", SCHEMAGUARD_CACHE_DIR=str(cache))
    out, err = child.communicate(timeout=300)
    return child.returncode, out + err


def marker(output: str) -> str:
    found = re.findall(r"MARKER (\S+)", output)
    assert len(found) == 1, output
    return found[0]


def builds(cache: Path) -> int:
    log = cache / "builds.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_hit_when_unchanged_or_touched_miss_naming_the_changed_file(dirs: tuple[Path, Path, Path]) -> None:
    project, cache, tmpdir = dirs
    code, first = run(project, cache, tmpdir)
    assert code == 0, first
    assert "cache miss: no earlier build in the cache" in first
    assert builds(cache) == 1

    code, second = run(project, cache, tmpdir, "-vv")  # -q is given: -vv is -v
    assert code == 0, second
    assert re.search(r"1 of 1 migration\(s\) applied, cache hit \(built \d+s ago\)", second), second
    assert marker(second) == marker(first)  # the same database: no migration ran again
    # The snapshot the first run read is kept with its build: a hit reads no catalog.
    assert re.search(r"schemaguard: time: server start [\d.]+s, cache copy [\d.]+s, snapshot \(kept\)", second), second
    assert builds(cache) == 1

    os.utime(project / MIGRATION)  # a new mtime, the same bytes
    code, touched = run(project, cache, tmpdir)
    assert code == 0 and "cache hit" in touched, touched
    assert marker(touched) == marker(first)

    code, fresh = run(project, cache, tmpdir, "--schemaguard-no-cache")
    assert code == 0, fresh
    assert "cache not used: --schemaguard-no-cache" in fresh
    assert marker(fresh) != marker(first)
    assert builds(cache) == 1  # a build without the cache stores nothing

    with (project / MIGRATION).open("a") as f:
        f.write("\n")  # one byte
    lock(project)
    code, changed = run(project, cache, tmpdir)
    assert code == 0, changed
    assert f"cache miss: {MIGRATION} changed" in changed
    assert marker(changed) != marker(first)
    assert builds(cache) == 2
    assert server_dirs_in(tmpdir) == []  # every copy started from the cache was removed


def test_concurrent_runs_of_one_key_build_once(tmp_path: Path, tmpdir_for_servers: Path) -> None:
    # Two checkouts of the same project: the key is the content, not the directory.
    projects = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        projects.append(cached_project(tmp_path / name))
    cache = tmp_path / "cache"
    children = [start_pytest(p, tmpdir_for_servers, "-s", SCHEMAGUARD_NO_CACHE="", SCHEMAGUARD_CACHE_DIR=str(cache))
                for p in projects]
    outputs = [c.communicate(timeout=300) for c in children]
    texts = [out + err for out, err in outputs]
    assert [c.returncode for c in children] == [0, 0], texts
    assert builds(cache) == 1
    assert sorted("cache hit" in t for t in texts) == [False, True], texts
    assert marker(texts[0]) == marker(texts[1])


def test_xdist_workers_build_once(dirs: tuple[Path, Path, Path]) -> None:
    pytest.importorskip("xdist")
    project, cache, tmpdir = dirs
    code, output = run(project, cache, tmpdir, "-n", "2", "-p", "xdist", "-vv")
    assert code == 0, output
    assert builds(cache) == 1
    assert "passed" in output
    assert len(re.findall(r"\[gw\d\] schemaguard: .*cache miss", output)) == 1, output
    # The worker that attached took the builder's snapshot instead of reading the catalog again.
    assert len(re.findall(r"\[gw\d\] schemaguard: time: .*snapshot \(kept\)", output)) == 1, output
    assert server_dirs_in(tmpdir) == []


def test_xdist_workers_build_once_without_the_cache(dirs: tuple[Path, Path, Path]) -> None:
    """--schemaguard-no-cache keeps nothing across runs, but the run's own workers share one build
    (each building it again on the same cores made -n 2 slower than -n 0)."""
    pytest.importorskip("xdist")
    project, cache, tmpdir = dirs
    code, output = run(project, cache, tmpdir, "-n", "2", "-p", "xdist", "--schemaguard-no-cache")
    assert code == 0, output
    assert len(re.findall(r"\[gw\d\] schemaguard: .*built once for this run's xdist workers", output)) == 1, output
    attached = r"\[gw\d\] schemaguard: .*this run's build, made by another xdist worker .*attached to its server"
    assert len(re.findall(attached, output)) == 1, output
    assert not cache.exists()  # the user's cache is not touched
    assert server_dirs_in(tmpdir) == []  # the run's shared directory and both servers are gone


WHERE_TEST = """\
import json
import os
from pathlib import Path

def test_where(schemaguard_conn, schemaguard_db):
    rows = schemaguard_conn.execute("select value from public.build_marker").fetchall()
    assert len(rows) == 1, rows
    value = rows[0][0]
    # a row written (and rolled back) by one worker is never seen by the other
    schemaguard_conn.execute("insert into public.build_marker values ('seen by one worker only')")
    setting = schemaguard_conn.execute("select current_setting('app.origin', true)").fetchone()[0]
    Path(os.environ["WHERE_OUT"], os.environ["PYTEST_XDIST_WORKER"]).write_text(
        f"{schemaguard_db.port} {value} {setting}")
"""


def run_on_each_worker(dirs: tuple[Path, Path, Path], user_test: str, *args: str, **env: str) -> tuple[int, str]:
    """``pytest -n 2 --dist each`` on the project with ``user_test`` as its only test file of its own:
    both workers run every item, so both need the database at once."""
    pytest.importorskip("xdist")
    project, cache, tmpdir = dirs
    (project / "test_marker.py").unlink()
    (project / "test_user.py").write_text(user_test)
    child = start_pytest(project, tmpdir, "-n", "2", "-p", "xdist", "--dist", "each", *args, SCHEMAGUARD_NO_CACHE="",
                         SCHEMAGUARD_CACHE_DIR=str(cache), **env)
    stdout, stderr = child.communicate(timeout=300)
    return child.returncode, stdout + stderr


OPPOSITE_ORDERS_TEST = """\
import os, time
from pathlib import Path

def test_write_in_this_workers_order(schemaguard_conn):
    me = os.environ["PYTEST_XDIST_WORKER"]
    keys = (1001, 1002) if me == "gw0" else (1002, 1001)
    insert = "insert into public.notes (id, body) overriding system value values (%s, 'x')"
    schemaguard_conn.execute(insert, (keys[0],))
    meeting = Path(os.environ["MEETING"])
    (meeting / me).touch()
    deadline = time.monotonic() + 60
    while len(list(meeting.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # both workers hold their first key now
    schemaguard_conn.execute(insert, (keys[1],))
"""


def test_xdist_workers_writing_the_same_keys_do_not_block_each_other(dirs: tuple[Path, Path, Path],
                                                                      tmp_path: Path) -> None:
    """Rolled-back writes still take row locks while their transaction is open: on one shared
    database two workers writing the same keys in opposite orders deadlocked (fine without
    xdist). Each worker has a copy of the built database of its own."""
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    code, output = run_on_each_worker(dirs, OPPOSITE_ORDERS_TEST, MEETING=str(meeting))
    assert code == 0, output
    assert sorted(p.name for p in meeting.iterdir()) == ["gw0", "gw1"], output
    assert len(re.findall(r"attached to its server", output)) == 1, output
    assert server_dirs_in(dirs[2]) == []


@pytest.mark.parametrize("no_cache", [False, True], ids=["cache", "no-cache"])
def test_xdist_workers_use_one_server(dirs: tuple[Path, Path, Path], tmp_path: Path, no_cache: bool) -> None:
    """Every worker of a run reads what the first built: one server, one build's marker (each
    worker in a copy of that database), and nothing built, copied or started for the second."""
    out = tmp_path / "where"
    out.mkdir()
    project = dirs[0]
    (project / "supabase" / "migrations" / "20250102000000_setting.sql").write_text(
        "do $$ begin execute format('alter database %I set app.origin = %L', current_database(), 'set by a migration');"
        " end $$;\n")
    lock(project)
    extra = ["--schemaguard-no-cache"] if no_cache else []
    code, output = run_on_each_worker(dirs, WHERE_TEST, *extra, WHERE_OUT=str(out))
    assert code == 0, output
    seen = {f.name: f.read_text() for f in out.iterdir()}
    assert sorted(seen) == ["gw0", "gw1"], output
    assert len(set(seen.values())) == 1, seen  # one port, one build's marker, the database's own settings
    assert next(iter(seen.values())).endswith(" set by a migration"), seen
    assert len(re.findall(r"\[gw\d\] schemaguard: .*attached to its server \| private server of xdist worker gw\d",
                          output)) == 1, output
    assert builds(dirs[1]) == (0 if no_cache else 1)
    assert server_dirs_in(dirs[2]) == []  # the server, and the run's shared directory, are gone


def test_not_used_with_a_dsn(pytester: pytest.Pytester, admin_dsn: str, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    cached_project(pytester.path)
    monkeypatch.setenv("SCHEMAGUARD_NO_CACHE", "")
    monkeypatch.setenv("SCHEMAGUARD_CACHE_DIR", str(tmp_path / "cache"))
    result = pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", "-p", "no:cacheprovider")
    assert result.ret == 0
    assert "cache not used: not used with --schemaguard-dsn" in result.stdout.str()
    # No build is kept (the loaded expectations may be: they do not depend on the server).
    assert BuildCache(tmp_path / "cache").entries() == [] and builds(tmp_path / "cache") == 0
    assert not (tmp_path / "cache" / "clusters").exists()


LINTED = {
    "20250102000000_tags.sql": """\
create table public.tags (
  id bigint primary key,
  note_id bigint references public.notes (id)
);
""",
    "20250103000000_drop.sql": """\
set lock_timeout = '5s';

update public.notes set body = '';
-- schemaguard: ignore dropped_table
drop table public.build_marker_copy;

alter table public.tags
  drop column note_id;
""",
}


def lint_lines(output: str) -> list[str]:
    """What lint said: the summary's warnings and every failing item's report."""
    return [line for line in output.splitlines()
            if re.match(r"(lint )?\d{14}_\w+\.sql:\d+: |FAILED .*migration\[|lint: ", line)]


def linted_project(project: Path) -> None:
    """Three files, no lock file: the whole history is linted (as warnings), so lint watches the build."""
    yml = project / "schema_expectations.yml"
    yml.write_text(yml.read_text().replace("  lock: supabase/migrations/schemaguard.lock\n", "")
                   + "rules:\n  rls_enabled_on_exposed_tables: \"off\"\n")
    (project / "supabase" / "migrations" / "schemaguard.lock").unlink()
    with (project / MIGRATION).open("a") as f:
        f.write("create table public.build_marker_copy (value text);\n")
    for name, text in LINTED.items():
        (project / "supabase" / "migrations" / name).write_text(text)
    (project / "supabase" / "config.toml").write_text('[api]\nschemas = ["public"]\n')


SQLGLOT_PROBE = """\
import os
import sys


def pytest_unconfigure(config):
    os.write(2, f"SQLGLOT {'sqlglot' in sys.modules}\\n".encode())
"""


def test_a_lint_watched_build_is_cached_with_its_findings(dirs: tuple[Path, Path, Path]) -> None:
    project, cache, tmpdir = dirs
    linted_project(project)
    (project / "conftest.py").write_text(SQLGLOT_PROBE)
    code, first = run(project, cache, tmpdir, "-vv")  # -q is given: -vv is -v (the time line)
    assert code == 0, first
    assert "cache miss: no earlier build in the cache" in first
    findings = lint_lines(first)
    # Semantic findings (only a watched build has them), at their statement's line; the ignore comment holds.
    assert "lint 20250103000000_drop.sql:7: error [dropped_column] column public.tags.note_id dropped" in findings
    assert any(line.startswith("lint 20250102000000_tags.sql:1: error [exposed_table_without_rls]")
               for line in findings), first
    assert any(line.startswith("lint 20250103000000_drop.sql:3: warn [update_without_where]")
               for line in findings), first
    assert not any("dropped_table" in line for line in findings), first
    assert "schemaguard: time: " in first and "lint replay" not in first  # the build itself was watched

    code, second = run(project, cache, tmpdir, "-vv")
    assert code == 0, second
    assert "3 of 3 migration(s) applied, cache hit" in second, second
    assert builds(cache) == 1
    assert marker(second) == marker(first)
    assert lint_lines(second) == findings  # the same findings, from the entry: nothing was replayed
    assert "SQLGLOT True" in first and "SQLGLOT False" in second  # a hit parses nothing ahead either
    assert "schemaguard: time: " in second and "lint replay" not in second

    # What lint judges by is part of the key: the exposed schemas...
    (project / "supabase" / "config.toml").write_text('[api]\nschemas = ["graphql_public"]\n')
    code, exposed = run(project, cache, tmpdir)
    assert code == 0, exposed
    assert "cache miss: lint 1: exposed schemas changed" in exposed, exposed
    assert builds(cache) == 2
    assert not any("exposed_table_without_rls" in line for line in lint_lines(exposed)), exposed

    # ... and which files are linted: with a lock file only the new one, whose error fails its item.
    yml = project / "schema_expectations.yml"
    yml.write_text(yml.read_text().replace("  migrations: supabase/migrations\n",
                                           "  migrations: supabase/migrations\n"
                                           "  lock: supabase/migrations/schemaguard.lock\n"))
    locked = [m for m in discover_migrations(project / "supabase" / "migrations").migrations
              if m.name != "20250103000000_drop.sql"]
    (project / "supabase" / "migrations" / "schemaguard.lock").write_text(render_lock(locked))
    code, strict = run(project, cache, tmpdir)
    assert code == 1, strict
    assert "cache miss: lint 1: linted files changed" in strict, strict
    assert builds(cache) == 3
    failing = lint_lines(strict)
    assert "20250103000000_drop.sql:7: error [dropped_column] column public.tags.note_id dropped" in failing, strict
    code, again = run(project, cache, tmpdir)
    assert code == 1 and "cache hit" in again, again
    assert builds(cache) == 3
    assert lint_lines(again) == failing


def test_a_miss_reuses_lints_findings_for_the_files_before_the_first_change(dirs: tuple[Path, Path, Path]) -> None:
    """Writing the newest migration rebuilds on every save; lint judges only what changed, not the history."""
    project, cache, tmpdir = dirs
    linted_project(project)
    code, first = run(project, cache, tmpdir)
    assert code == 0, first
    findings = lint_lines(first)
    assert any("[dropped_column]" in line for line in findings) and any(
        "[exposed_table_without_rls]" in line for line in findings), first

    drop = project / "supabase" / "migrations" / "20250103000000_drop.sql"
    with drop.open("a") as f:
        f.write("-- one more line\n")
    code, edited = run(project, cache, tmpdir)
    assert code == 0, edited
    assert ("cache miss: supabase/migrations/20250103000000_drop.sql changed (lint reused its findings for the "
            "first 2 migration(s) from a cached build that applied them alike)") in edited, edited
    assert lint_lines(edited) == findings  # the reused files' findings and the edited file's, judged afresh

    # The edited file is judged afresh: a new drop in it is found, at its line.
    with drop.open("a") as f:
        f.write("alter table public.tags drop column id;\n")
    code, dropped = run(project, cache, tmpdir)
    assert code == 0, dropped
    assert "(lint reused its findings for the first 2 migration(s)" in dropped, dropped
    assert "lint 20250103000000_drop.sql:10: error [dropped_column] column public.tags.id dropped" in lint_lines(
        dropped), dropped

    # A seed is applied after every migration: all three files' findings still hold.
    (project / "supabase" / "seed.sql").write_text("insert into public.notes (body) values ('x');\n")
    code, seeded = run(project, cache, tmpdir)
    assert code == 0, seeded
    assert "(lint reused its findings for the first 3 migration(s)" in seeded, seeded
    assert lint_lines(seeded) == lint_lines(dropped)

    # A change in the first file: nothing before it, nothing reused; the same findings, all judged again.
    with (project / MIGRATION).open("a") as f:
        f.write("-- edited\n")
    code, head = run(project, cache, tmpdir)
    assert code == 0, head
    assert f"cache miss: {MIGRATION} changed" in head and "reused" not in head, head
    assert lint_lines(head) == lint_lines(dropped)
    code, fresh = run(project, cache, tmpdir, "--schemaguard-no-cache")
    assert code == 0 and lint_lines(fresh) == lint_lines(dropped), fresh


def test_damaged_lint_results_in_an_entry_are_judged_again_not_an_internal_error(
        dirs: tuple[Path, Path, Path]) -> None:
    project, cache, tmpdir = dirs
    linted_project(project)
    code, first = run(project, cache, tmpdir)
    assert code == 0, first
    findings = lint_lines(first)

    def damage(how: str) -> None:
        for entry in BuildCache(cache).entries():
            meta = json.loads((entry.path / "meta.json").read_text())
            lint = meta["lint"][0]
            if how == "findings":
                lint["findings"] = []  # a list where a mapping belongs
            elif how == "line":
                next(found for found in lint["findings"].values() if found)[0][2] = float("inf")
            else:
                next(found for found in lint["findings"].values() if found)[0][0] = "no_such_rule"
            (entry.path / "meta.json").write_text(json.dumps(meta))

    damage("findings")
    code, hit = run(project, cache, tmpdir)  # unchanged: would have been a hit
    assert code == 0 and "INTERNALERROR" not in hit, hit
    assert "cache miss" in hit and lint_lines(hit) == findings, hit  # the entry was dropped and built again
    for how in ("line", "rule"):
        damage(how)
        with (project / "supabase" / "migrations" / "20250103000000_drop.sql").open("a") as f:
            f.write(f"-- {how}\n")
        code, miss = run(project, cache, tmpdir)
        assert code == 0 and "INTERNALERROR" not in miss, miss
        assert "reused" not in miss and lint_lines(miss) == findings, miss


def test_which_files_an_earlier_build_applied_the_same_way() -> None:
    def made(files: list[str], *, head: str = "1", seed: str = "s", exposed: str = "public",
             linted: str = "every file") -> Inputs:
        items = [Input("schemaguard version", head), Input("pytest_schemaguard/build.py", "b")]
        items += [Input(f"supabase/migrations/{name}", name.upper()) for name in files]
        items += [Input("seed supabase/seed.sql", seed), Input("lint 1: linted files", linted),
                  Input("lint 1: exposed schemas", exposed), Input("pytest_schemaguard/lint/rules.py", "r")]
        return Inputs(tuple(items), (2, 2 + len(files)))

    now = made(["1_a.sql", "2_b.sql", "3_c.sql"])
    assert now.settled_with(made(["1_a.sql", "2_b.sql", "3_x.sql"])) == 2
    assert now.settled_with(made(["1_a.sql", "2_b.sql"])) == 2  # a file added after them
    assert now.settled_with(made(["1_a.sql", "2_b.sql", "3_c.sql", "4_d.sql"])) == 3  # one removed after them
    assert now.settled_with(made(["1_a.sql", "2_x.sql", "3_c.sql"])) == 1  # what follows a change is not settled
    assert now.settled_with(made(["0_z.sql", "1_a.sql", "2_b.sql", "3_c.sql"])) == 0  # one inserted before them
    assert now.settled_with(made(["1_a.sql", "2_b.sql", "3_c.sql"], seed="t", linted="3_c.sql")) == 3
    assert now.settled_with(made(["1_a.sql", "2_b.sql", "3_c.sql"], head="2")) == 0  # other code or server
    assert now.settled_with(made(["1_a.sql", "2_b.sql", "3_c.sql"], exposed="api")) == 0  # judged otherwise
    # An entry that does not say where its migrations are (written by an earlier version) settles nothing.
    assert now.settled_with(Inputs(made(["1_a.sql", "2_b.sql", "3_c.sql"]).items)) == 0
    stored = made(["1_a.sql", "2_b.sql"])
    assert Inputs.from_json(stored.as_json(), list(stored.migrations)) == stored
    assert Inputs.from_json(stored.as_json(), [3, 99]).migrations == (0, 0)  # out of range: unknown


def test_other_build_observers_still_bypass_the_cache(tmp_path: Path) -> None:
    from pytest_schemaguard.agents.proposed import CatalogAround
    from pytest_schemaguard.cache.run import refusal
    from pytest_schemaguard.lint.semantic import LintObserver
    from pytest_schemaguard.session import SchemaguardSession

    session = SchemaguardSession(dataclasses.replace(command_settings(tmp_path / "x.yml"), no_cache=False))
    session.observers.append(LintObserver(None, frozenset()))
    assert refusal(session) is None
    session.observers.append(CatalogAround("x.sql"))
    assert refusal(session) == "a build observer other than lint watches the migrations while they are applied"


def spare_of(cache: Path) -> Path:
    """The entry's spare: the run that used the entry copied it before it ended."""
    spares = [p for p in cache.glob("*.spare-*") if p.is_dir()]
    assert len(spares) == 1 and not list(cache.glob("*.sparetmp-*")), sorted(p.name for p in cache.iterdir())
    return spares[0]


SPARE_TEST = """\
def test_data_directory(schemaguard_conn):
    names = [r[0] for r in schemaguard_conn.execute("select pg_ls_dir('.')").fetchall()]
    print("SPARE", "sg_test_spare_marker" in names)
"""


def test_a_hit_starts_the_server_on_the_spare_copy_made_by_the_previous_run(
        dirs: tuple[Path, Path, Path]) -> None:
    project, cache, tmpdir = dirs
    (project / "test_spare.py").write_text(SPARE_TEST)
    code, first = run(project, cache, tmpdir)
    assert code == 0, first
    spare = spare_of(cache)
    (spare / "sg_test_spare_marker").write_text("")  # PostgreSQL ignores files it does not know
    code, second = run(project, cache, tmpdir)
    assert code == 0 and "cache hit" in second, second
    assert "SPARE True" in second, second  # the server ran in the spare, moved into place
    assert marker(second) == marker(first)
    again = spare_of(cache)  # made anew from the entry (not the used one), for the next hit
    assert not (again / "sg_test_spare_marker").exists()
    (entry,) = BuildCache(cache).entries()
    with tarfile.open(entry.archive) as archive:  # the entry itself is never started
        assert not [name for name in archive.getnames() if "sg_test_spare_marker" in name]

    code, third = run(project, cache, tmpdir)
    assert code == 0 and "cache hit" in third and "SPARE False" in third, third
    assert marker(third) == marker(first)
    assert builds(cache) == 1
    assert server_dirs_in(tmpdir) == []


# --------------------------------------------------------------------------- the store itself


def fake_data(tmp_path: Path, name: str) -> Path:
    data = tmp_path / name
    data.mkdir()
    (data / "PG_VERSION").write_text("15\n")
    return data


def inputs(n: int) -> Inputs:
    return Inputs((Input("supabase/migrations/1_a.sql", f"{n:064x}"),))


@pytest.mark.parametrize("tool", ["tar", "python"])
def test_an_archived_data_directory_comes_back_whole_with_its_modes_or_not_at_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tool: str) -> None:
    if tool == "python":
        monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # no tar: Python's tarfile instead
    data = tmp_path / "data"
    (data / "base" / "1").mkdir(parents=True)
    (data / "base" / "1" / "1259").write_bytes(b"\0" * 8192)
    (data / "PG_VERSION").write_text("15\n")
    os.chmod(data, 0o700)  # PostgreSQL refuses a data directory others can read
    os.chmod(data / "base" / "1" / "1259", 0o600)
    archive_tree(data, tmp_path / "data.tar")
    (tmp_path / "server").mkdir()
    extract_tree(tmp_path / "data.tar", tmp_path / "server" / "data")
    copy = tmp_path / "server" / "data"
    assert (copy / "PG_VERSION").read_text() == "15\n"
    assert (copy / "base" / "1" / "1259").read_bytes() == b"\0" * 8192
    assert copy.stat().st_mode & 0o777 == 0o700
    assert (copy / "base" / "1" / "1259").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in (tmp_path / "server").iterdir()) == ["data"]  # no staging left
    (tmp_path / "broken.tar").write_bytes(b"not an archive at all" * 100)
    with pytest.raises(OSError, match=r"broken\.tar"):
        extract_tree(tmp_path / "broken.tar", tmp_path / "server" / "other")
    assert sorted(p.name for p in (tmp_path / "server").iterdir()) == ["data"]  # nothing half made


def test_an_entry_without_its_complete_marker_is_never_used(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", size=3)
    with cache.locked(inputs(1).key):
        entry = cache.store(inputs(1), fake_data(tmp_path, "d"), {"outcome": {}})
    assert cache.lookup(entry.key) == entry
    (entry.path / COMPLETE).unlink()  # as a run killed mid-write would leave it (before the rename)
    assert cache.lookup(entry.key) is None
    assert cache.entries() == []
    with cache.locked(inputs(1).key):
        again = cache.store(inputs(1), fake_data(tmp_path, "e"), {"outcome": {}})
    assert cache.lookup(again.key) is not None  # replaced, not merged into the broken one


def test_eviction_keeps_the_most_recently_used_and_never_one_in_use(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", size=2)
    stored = []
    for n in range(3):
        with cache.locked(inputs(n).key):
            stored.append(cache.store(inputs(n), fake_data(tmp_path, f"d{n}"), {"outcome": {}}))
        os.utime(stored[-1].path / COMPLETE, (1000 + n, 1000 + n))  # distinct "last used" times
    assert [e.key for e in cache.entries()] == [stored[2].key, stored[1].key]  # the oldest went
    cache.use(stored[1])
    with cache.locked(stored[1].key):  # another run is copying it: not evicted although older
        cache.size = 1
        assert cache.evict() == [stored[2].key]
    assert [e.key for e in cache.entries()] == [stored[1].key]


def test_spares_are_taken_once_never_from_an_older_build_and_go_with_their_entry(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", size=3)
    with cache.locked(inputs(1).key):
        entry = cache.store(inputs(1), fake_data(tmp_path, "d"), {"outcome": {}})
        assert cache.take_spare(entry, tmp_path / "t0") is False  # none yet: the caller copies
        assert cache.make_spare(entry) is True
        assert cache.make_spare(entry) is False  # one is enough
        assert cache.take_spare(entry, tmp_path / "t1") is True
        assert (tmp_path / "t1" / "PG_VERSION").read_text() == "15\n"
        assert cache.take_spare(entry, tmp_path / "t2") is False  # taken: gone
        cache.make_spare(entry)
        (cache.root / f"{entry.key}.sparetmp-99").mkdir()  # a copy killed half way
        # The entry is built again (same key, another build): the old one's spare is not this one's.
        (entry.path / COMPLETE).unlink()
        rebuilt = cache.store(inputs(1), fake_data(tmp_path, "e"), {"outcome": {}})
    assert sorted(p.name for p in cache.root.iterdir() if p.is_dir()) == [rebuilt.key]
    with cache.locked(rebuilt.key):
        cache.make_spare(rebuilt)
    removed, busy = cache.clear()
    assert (removed, busy) == ([rebuilt.key], [])
    assert [p for p in cache.root.iterdir() if p.is_dir()] == []


def test_a_spare_copy_not_begun_when_the_run_ends_is_never_made(tmp_path: Path) -> None:
    from pytest_schemaguard.cache.spare import Refill

    cache = BuildCache(tmp_path / "cache", size=3)
    with cache.locked(inputs(1).key):
        entry = cache.store(inputs(1), fake_data(tmp_path, "d"), {"outcome": {}})
        refill = Refill(cache, entry.key)  # waits for the key's lock, which another run holds
        refill.finish()  # returns at once: the run does not wait for another run
    refill._thread.join(timeout=60)
    assert not refill._thread.is_alive()
    assert not (cache.root / entry.spare_name).exists()

    refill = Refill(cache, entry.key)
    refill._thread.join(timeout=60)  # begun: finish waits for it
    refill.finish()
    assert (cache.root / entry.spare_name / "PG_VERSION").is_file()


def test_cache_list_and_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SCHEMAGUARD_CACHE_DIR", str(tmp_path / "cache"))
    cache = BuildCache()
    with cache.locked(inputs(1).key):
        entry = cache.store(inputs(1), fake_data(tmp_path, "d"), {"outcome": {"migrations": [{}]}, "project": "/p"})
    (cache.root / "0123.tmp-99").mkdir()  # what a killed run left mid-write
    assert main(["cache", "list"]) == 0
    out = capsys.readouterr().out
    assert f"{entry.key}  built 0s ago, used 0s ago" in out
    assert "1 migration(s) of /p" in out
    assert str(tmp_path / "cache") in out
    assert main(["cache", "clear"]) == 0
    assert f"removed 1 cached build(s) from {tmp_path / 'cache'}" in capsys.readouterr().out
    assert [p.name for p in cache.root.iterdir() if p.is_dir()] == []
    assert main(["cache", "list"]) == 0
    assert "no cached builds" in capsys.readouterr().out


def test_cache_size_must_be_a_positive_number(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SCHEMAGUARD_CACHE_SIZE", "lots")
    assert main(["cache", "list"]) == 2
    assert "SCHEMAGUARD_CACHE_SIZE is 'lots'" in capsys.readouterr().err


def test_sigterm_while_starting_from_the_cache_leaves_no_copy_and_the_entry_intact(
        dirs: tuple[Path, Path, Path]) -> None:
    project, cache, tmpdir = dirs
    code, first = run(project, cache, tmpdir)
    assert code == 0, first
    (entry,) = BuildCache(cache).entries()
    for delay in (0.0, 0.15, 0.5):
        child = start_pytest(project, tmpdir, SCHEMAGUARD_NO_CACHE="", SCHEMAGUARD_CACHE_DIR=str(cache))
        deadline = time.monotonic() + 120
        while not server_dirs_in(tmpdir) and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)  # the run's server directory exists: the copy is under way or done
        time.sleep(delay)
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=120)
        assert "Traceback" not in out + err and "INTERNALERROR" not in out + err, out + err
        assert server_dirs_in(tmpdir) == [], f"+{delay}s: {out}{err}"
        assert processes_naming(tmpdir) == [], f"+{delay}s"
    assert BuildCache(cache).lookup(entry.key) == entry  # still complete, still the same
    assert builds(cache) == 1


def test_no_cache_from_the_environment(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    for value, expected in (("1", True), ("yes", True), ("0", False), ("", False)):
        monkeypatch.setenv("SCHEMAGUARD_NO_CACHE", value)
        assert get_settings(pytester.parseconfig("--schemaguard")).no_cache is expected, value
        assert command_settings(pytester.path / "x.yml").no_cache is expected, value


def test_xdist_shows_lints_findings_once_as_without_it(tmp_path: Path, tmpdir_for_servers: Path) -> None:
    """The workers' warnings (lint's findings) reach the controller's summary, once each."""
    pytest.importorskip("xdist")
    project = write_tiny_project(tmp_path / "project")
    (project / "supabase" / "migrations" / "20250102000000_index.sql").write_text(
        "create index notes_body on public.notes (body);\n")
    outputs = []
    for extra in ([], ["-n", "2", "-p", "xdist"]):
        child = start_pytest(project, tmpdir_for_servers, *extra, SCHEMAGUARD_NO_CACHE="1")
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, out + err
        outputs.append(sorted(line for line in out.splitlines() if line.startswith("lint ")))
    assert outputs[0], "the index without CONCURRENTLY is a lint finding"
    assert outputs[1] == outputs[0]


def test_a_damaged_entry_is_never_started_and_one_a_server_refuses_is_removed(dirs: tuple[Path, Path, Path]) -> None:
    project, cache, tmpdir = dirs
    code, first = run(project, cache, tmpdir)
    assert code == 0, first
    (entry,) = BuildCache(cache).entries()
    whole = entry.archive.read_bytes()
    with tarfile.open(entry.archive) as archive:
        members = archive.getmembers()
    # Cut between two files: tar would extract the first part without complaint.
    entry.archive.write_bytes(whole[:members[len(members) // 2].offset])
    code, second = run(project, cache, tmpdir)
    assert code == 0, second
    assert "cache miss" in second and builds(cache) == 2  # not an entry: built and stored anew
    # Whole, but a cluster no server starts from (its control file zeroed).
    (entry,) = BuildCache(cache).entries()
    unpacked = tmpdir / "unpacked"
    with tarfile.open(entry.archive) as archive:
        archive.extractall(unpacked, filter="fully_trusted")
    control = unpacked / "data" / "global" / "pg_control"
    control.write_bytes(b"\0" * control.stat().st_size)
    with tarfile.open(entry.archive, "w") as archive:
        archive.add(unpacked / "data", arcname="data")
    shutil.rmtree(unpacked)
    meta = json.loads((entry.path / "meta.json").read_text())
    meta["archive_bytes"] = entry.archive.stat().st_size
    (entry.path / "meta.json").write_text(json.dumps(meta))
    for spare in cache.glob("*.spare-*"):  # the previous run's copy of the good archive
        shutil.rmtree(spare)
    code, third = run(project, cache, tmpdir)
    assert code == 4, third
    assert "now removed from the cache: the next run builds afresh" in third, third
    assert "Traceback" not in third and "INTERNALERROR" not in third
    assert BuildCache(cache).entries() == []
    code, fourth = run(project, cache, tmpdir)
    assert code == 0, fourth
    assert "cache miss" in fourth and builds(cache) == 3
    assert server_dirs_in(tmpdir) == [] and processes_naming(tmpdir) == []


def test_a_cache_directory_that_cannot_be_written_is_not_used_and_says_why(
        dirs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    project, _, tmpdir = dirs
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("")
    code, out = run(project, not_a_directory, tmpdir)
    assert code == 0, out
    assert f"cache not used: cannot write to {not_a_directory}" in out, out
    assert "Traceback" not in out and "INTERNALERROR" not in out


def test_a_damaged_kept_snapshot_is_read_from_the_catalog_and_kept_again(dirs: tuple[Path, Path, Path]) -> None:
    project, cache, tmpdir = dirs
    code, first = run(project, cache, tmpdir)
    assert code == 0, first
    [kept] = cache.glob("*/snapshot.pickle")
    kept.write_bytes(b"\x80\x05 not a pickle")
    code, damaged = run(project, cache, tmpdir, "-vv")
    assert code == 0 and "cache hit" in damaged, damaged
    assert re.search(r"schemaguard: time: .*snapshot [\d.]+s", damaged), damaged  # read: the record was unusable
    code, again = run(project, cache, tmpdir, "-vv")
    assert code == 0, again
    assert re.search(r"schemaguard: time: .*snapshot \(kept\)", again), again
    assert marker(again) == marker(first)
