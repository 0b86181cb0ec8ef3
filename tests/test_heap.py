"""After the items, the run's survivors are frozen so pytest's exit collections do not walk them
(pytest_schemaguard/heap.py), without losing what pytest reports about garbage."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPECTATIONS = "version: 1\ntables:\n  public.a:\n    columns:\n      id: bigint\n"

# The inner run writes down how many objects are frozen as it ends.
COUNT = '''
import gc, os

def pytest_unconfigure(config):
    with open(os.environ["FREEZE_COUNT_FILE"], "w") as handle:
        handle.write(str(gc.get_freeze_count()))
'''
# ... and again when its process ends (only for a run in a process of its own).
AT_EXIT = '''
import atexit

def _at_exit():
    with open(os.environ["FREEZE_COUNT_FILE"] + ".exit", "w") as handle:
        handle.write(str(gc.get_freeze_count()))

atexit.register(_at_exit)
'''
# Cyclic garbage whose finaliser raises, made when the items are done (a sessionfinish hook that
# runs before the plugin's): it is still uncollected when the plugin freezes what survives, and
# pytest must report it as it does without the plugin.
NOISY = COUNT + AT_EXIT + '''
import pytest

class Noisy:
    def __del__(self):
        raise RuntimeError("finaliser of garbage left by the run")

@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    noisy = Noisy()
    noisy.cycle = noisy
    del noisy
'''


def _project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, conftest: str) -> Path:
    for var in ("SCHEMAGUARD_DSN", "SCHEMAGUARD_LIVE_DSN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("SCHEMAGUARD_CACHE_DIR", str(pytester.path / "cache"))
    pytester.makefile(".yml", schema_expectations=EXPECTATIONS)
    migrations = pytester.path / "supabase" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "20250101000000_a.sql").write_text("CREATE TABLE public.a (id bigint);\n")
    pytester.makeconftest(conftest)
    count = pytester.path / "freeze-count"
    monkeypatch.setenv("FREEZE_COUNT_FILE", str(count))
    return count


def test_a_run_freezes_its_survivors_and_garbage_is_still_reported(pytester: pytest.Pytester,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    count = _project(pytester, monkeypatch, NOISY)
    result = pytester.runpytest_subprocess("--schemaguard", "-p", "no:cacheprovider", "-W",
                                           "default::pytest.PytestUnraisableExceptionWarning")
    assert result.ret == 0, result.stdout.str()
    assert int(count.read_text()) > 1000  # the run's objects were set aside
    assert int(Path(f"{count}.exit").read_text()) == 0  # and taken back by the run's last clean-up
    # The finaliser ran (collected before the freeze) and pytest's hook saw its exception.
    assert "finaliser of garbage left by the run" in result.stdout.str() + result.stderr.str()

    plain = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:schemaguard",
                                          "-W", "default::pytest.PytestUnraisableExceptionWarning")
    assert int(count.read_text()) == 0  # without the plugin nothing is frozen
    assert "finaliser of garbage left by the run" in plain.stdout.str() + plain.stderr.str()


def test_a_run_nested_in_this_process_freezes_nothing(pytester: pytest.Pytester,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """pytester's in-process runs (our own tests, a plugin author's) share the interpreter with the
    outer run, whose objects are not the inner run's to set aside."""
    count = _project(pytester, monkeypatch, COUNT)
    before = gc.get_freeze_count()
    pytester.runpytest("--schemaguard", "--collect-only", "-q", "-p", "no:cacheprovider").assert_outcomes()
    assert int(count.read_text()) == before == gc.get_freeze_count() == 0


def test_runs_one_after_another_in_one_process_keep_nothing_frozen(pytester: pytest.Pytester,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A notebook or a watcher calls pytest.main again and again: each run's objects must be
    collectable once it is over, or every run would leak the one before."""
    _project(pytester, monkeypatch, "")
    script = pytester.makepyfile(runs="""
        import gc, sys
        import pytest
        counts = []
        for _ in range(2):
            code = pytest.main(["--schemaguard", "--collect-only", "-q", "-p", "no:cacheprovider"])
            counts.append((int(code), gc.get_freeze_count()))
        print("COUNTS", counts)
    """)
    result = pytester.run(sys.executable, str(script))
    assert "COUNTS [(0, 0), (0, 0)]" in result.stdout.str(), result.stdout.str() + result.stderr.str()
