"""Where a build is, shown while it happens: pytest's terminal (through its terminal writer) or stderr.

A long migration used to leave the terminal blank until the end. Each renderer implements
``build.BuildProgress``. Verbose output is one line per file with its time; otherwise a TTY gets
one status line rewritten in place (``[n/N] file``), and a pipe or CI log gets nothing extra from
pytest (its log stays as it was) but one line per file from the command, which a human asked for.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    import pytest

    from .database.build import StepOutcome


class BuildProgress(Protocol):
    """Told about each file as it applies (``index`` counts from 1 over migrations then seeds), so
    a terminal can show where a long build is; the build itself writes nothing anywhere."""

    def applying(self, index: int, total: int, name: str) -> None: ...

    def applied(self, index: int, total: int, outcome: StepOutcome) -> None: ...

    def interrupted(self, where: str) -> None: ...

    def finished(self) -> None: ...


# The CLI reports every build a command makes; pytest passes its reporter to the session's build only.
DEFAULT_PROGRESS: ContextVar[BuildProgress | None] = ContextVar("schemaguard_build_progress", default=None)


@contextmanager
def reporting(progress: BuildProgress | None) -> Iterator[None]:
    """Builds started inside report to ``progress`` unless given their own."""
    token = DEFAULT_PROGRESS.set(progress)
    try:
        yield
    finally:
        DEFAULT_PROGRESS.reset(token)


def _status(index: int, total: int, name: str) -> str:
    return f"[{index}/{total}] {name}"


class PytestProgress:
    """The session build's progress on pytest's terminal, between two items' result characters.

    The build is lazy: it runs inside the first item that needs it, where pytest may be half way
    through a line of dots. The first output ends that line, the last one ends its own, and global
    capture is suspended around each write so nothing waits for the end of the item.
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.reporter = config.pluginmanager.get_plugin("terminalreporter")
        self.verbose = config.get_verbosity() > 0
        self.tty = bool(self.reporter is not None and self.reporter.isatty())
        self.started = False
        self.width = 0  # of the status line on screen (TTY, not verbose)

    @property
    def shown(self) -> bool:
        return self.reporter is not None and (self.verbose or self.tty)

    def _write(self, text: str, **markup: bool) -> None:
        capture = self.config.pluginmanager.get_plugin("capturemanager")
        assert self.reporter is not None
        if capture is None:
            self.reporter.write(text, flush=True, **markup)
            return
        with capture.global_and_fixture_disabled():
            self.reporter.write(text, flush=True, **markup)

    def _start(self) -> None:
        if not self.started:
            self.started = True
            assert self.reporter is not None
            self.reporter.ensure_newline()

    def applying(self, index: int, total: int, name: str) -> None:
        if not self.shown:
            return
        self._start()
        if self.verbose:
            self._write(f"schemaguard: applying {name} ({index}/{total}) ", cyan=True)
        else:
            self._rewrite(_status(index, total, name))

    def applied(self, index: int, total: int, outcome: StepOutcome) -> None:
        if not (self.shown and self.verbose):
            return
        if outcome.ok:
            self._write(f"{outcome.seconds:.2f}s\n", green=True)
        else:
            self._write(f"failed after {outcome.seconds:.2f}s\n", red=True)

    def interrupted(self, where: str) -> None:
        if self.reporter is None:
            return
        self._start()
        self._clear()
        if self.verbose:
            self._write("\n")
        self._write(f"schemaguard: {where}\n", red=True, bold=True)

    def finished(self) -> None:
        self._clear()

    def _rewrite(self, line: str) -> None:
        padding = " " * max(self.width - len(line), 0)
        self._write("\r" + line + padding)
        self.width = len(line)

    def _clear(self) -> None:
        """The status line only says where the build is; once it is over, the line goes."""
        if self.width:
            self._write("\r" + " " * self.width + "\r")
            self.width = 0


class StreamProgress:
    """The command's progress on stderr: ``[n/N] file`` lines, rewritten in place on a terminal;
    colour only on a terminal and without ``NO_COLOR`` (https://no-color.org)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.colour = self.tty and not os.environ.get("NO_COLOR")
        self.width = 0

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def applying(self, index: int, total: int, name: str) -> None:
        line = _status(index, total, name)
        if self.tty:
            self._write("\r" + self._paint(line, "36") + " " * max(self.width - len(line), 0))
            self.width = len(line)
        else:
            self._write(line + "\n")

    def applied(self, index: int, total: int, outcome: StepOutcome) -> None:
        if not outcome.ok:
            self._clear()
            self._write(self._paint(f"[{index}/{total}] {outcome.name} failed", "31") + "\n")

    def interrupted(self, where: str) -> None:
        self._clear()  # the command's own "interrupted while applying ..." line follows

    def finished(self) -> None:
        self._clear()

    def _clear(self) -> None:
        if self.width:
            self._write("\r" + " " * self.width + "\r")
            self.width = 0
