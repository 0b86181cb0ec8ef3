"""The tool's side: ``pytest`` runs in a subprocess, timed from spawn to exit.

Every run uses this interpreter and inherits ``PYTHONPATH``, so the code measured is the code of
the checkout the harness runs from. Behaviour items are deselected (``-k "not behaviour"``): they
are Hypothesis runs whose length is a setting, not build speed (the synthetic projects declare
none anyway).

Cold runs must not reuse anything: each gets fresh ``SCHEMAGUARD_CACHE_DIR`` and
``XDG_CACHE_HOME`` directories, the project's ``.pytest_cache`` is removed, and
``--schemaguard-no-cache`` is passed when this pytest accepts it. A warm run is the second of two
runs sharing one fresh cache directory, without ``--schemaguard-no-cache``.

Python's own bytecode is the exception: it is what any installed tool has after its first use,
not something a build produces. Every run writes and reads it under one directory of the harness
(``PYTHONPYCACHEPREFIX``, see ``bytecode_in``), even where the environment says
``PYTHONDONTWRITEBYTECODE``, and the harness makes one unmeasured run first. Without that, each run
compiled pytest's plugins again (pytest rewrites the asserts of every module of a distribution
that registers a pytest plugin, hypothesis's included), about 0.7 s a run that a user's second
``pytest`` never pays.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DESELECT = ["-k", "not behaviour"]
_BYTECODE: list[Path] = []  # where every run keeps Python's bytecode, once bytecode_in() is set
TRIVIAL_TEST = "def test_trivial():\n    assert True\n"


@dataclass(frozen=True)
class RunResult:
    seconds: float
    returncode: int
    why: str  # for a failed run, the line of its output that says why

    @property
    def ok(self) -> bool:
        return self.returncode == 0


@functools.cache
def accepted_options() -> str:
    """``pytest --help`` as this interpreter's pytest (with the plugin) prints it."""
    out = subprocess.run([sys.executable, "-m", "pytest", "--help"], capture_output=True, text=True, check=False,
                         cwd=tempfile.gettempdir(), env=_base_env())
    return out.stdout


def accepts(option: str) -> bool:
    return option in accepted_options()


def xdist_installed() -> bool:
    return "--numprocesses" in accepted_options()


def _pytest(args: list[str], cwd: Path, env: dict[str, str]) -> RunResult:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=cwd, env=env, capture_output=True, text=True,
                         check=False)
    seconds = time.perf_counter() - started
    return RunResult(seconds, out.returncode, _why(out.stdout + out.stderr) if out.returncode else "")


def _why(output: str) -> str:
    """The line of a failed run's output that says what went wrong: the exception of an internal
    error, else the first failed item, else the last line."""
    lines = output.strip().splitlines()
    internal = [line for line in lines if line.startswith("INTERNALERROR> ") and not line[15:].startswith(" ")]
    failed = [line for line in lines if line.startswith(("FAILED ", "ERROR "))]
    return (internal[-1:] or failed[:1] or lines[-1:] or [""])[0]


def bytecode_in(directory: Path) -> None:
    """Every later run keeps its bytecode in ``directory`` (the harness removes it at the end)."""
    _BYTECODE[:] = [directory]


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    if _BYTECODE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(_BYTECODE[0])
    return env


def _env(cache_dir: Path) -> dict[str, str]:
    return dict(_base_env(), SCHEMAGUARD_CACHE_DIR=str(cache_dir / "schemaguard"), XDG_CACHE_HOME=str(cache_dir))


def schemaguard_run(project: Path, cache_dir: Path, *, cold: bool, extra: tuple[str, ...] = ()) -> RunResult:
    """``pytest --schemaguard`` in ``project`` using ``cache_dir`` as every cache location."""
    args = ["--schemaguard", "-q", *DESELECT, *extra]
    if cold:
        shutil.rmtree(project / ".pytest_cache", ignore_errors=True)
        if accepts("--schemaguard-no-cache"):
            args.append("--schemaguard-no-cache")
    return _pytest(args, project, _env(cache_dir))


def cold_run(project: Path, extra: tuple[str, ...] = ()) -> RunResult:
    with tempfile.TemporaryDirectory(prefix="schemaguard-bench-cache-") as cache:
        return schemaguard_run(project, Path(cache), cold=True, extra=extra)


def first_and_second_run(project: Path) -> tuple[RunResult, RunResult]:
    """Two unchanged runs sharing one fresh cache: the second may reuse what the first kept."""
    with tempfile.TemporaryDirectory(prefix="schemaguard-bench-cache-") as cache:
        shutil.rmtree(project / ".pytest_cache", ignore_errors=True)
        first = schemaguard_run(project, Path(cache), cold=False)
        second = schemaguard_run(project, Path(cache), cold=False)
        return first, second


def edited_run(project: Path) -> RunResult:
    """A run after the last migration changed, with the cache an earlier run filled: a miss that
    builds, as after every edit, with what any build may reuse (initdb's cluster, the loaded
    expectations). The file is put back as it was."""
    with tempfile.TemporaryDirectory(prefix="schemaguard-bench-cache-") as cache:
        shutil.rmtree(project / ".pytest_cache", ignore_errors=True)
        schemaguard_run(project, Path(cache), cold=False)
        last = sorted((project / "supabase" / "migrations").glob("*.sql"))[-1]
        original = last.read_bytes()
        try:
            last.write_bytes(original + b"\n-- edited\n")
            return schemaguard_run(project, Path(cache), cold=False)
        finally:
            last.write_bytes(original)


def trivial_run(directory: Path, *, plugin: bool) -> RunResult:
    """Plain ``pytest`` on one trivial test, with the plugin installed but not asked for
    (``plugin``) or disabled with ``-p no:schemaguard``."""
    test = directory / "test_trivial.py"
    if not test.exists():
        test.write_text(TRIVIAL_TEST, encoding="utf-8")
    args = ["-q", "-p", "no:cacheprovider", test.name]
    if not plugin:
        args[:0] = ["-p", "no:schemaguard"]
    return _pytest(args, directory, _base_env())
