"""SIGTERM ends a run like Ctrl-C does, and the few steps that create something are not cut in half.

Python turns SIGINT into KeyboardInterrupt, so ``finally`` blocks and pytest's clean-up run; SIGTERM
(``kill``, CI cancelling a job, ``timeout``) kills the process outright and leaves the server under
PID 1. Between "created" and "registered for clean-up" an interrupt would orphan the thing created,
so those steps run with interrupts held back until they are done.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


def install_terminate_handler() -> Any:
    """Make SIGTERM raise KeyboardInterrupt; returns the function that restores the old handler."""
    if not _in_main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)

    def restore() -> None:
        if signal.getsignal(signal.SIGTERM) is _raise_interrupt:
            signal.signal(signal.SIGTERM, previous)

    return restore


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    restore = install_terminate_handler()
    try:
        yield
    finally:
        restore()


@contextmanager
def interrupts_held(*, reraise: bool = True) -> Iterator[None]:
    """Hold SIGINT/SIGTERM back for a short step; a second one still interrupts at once.

    With ``reraise`` the held interrupt is raised when the step is done; without it (clean-up on
    the way out) it is dropped, since the run is ending anyway.
    """
    if not _in_main_thread():
        yield
        return
    held: list[int] = []
    previous: dict[int, Any] = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def hold(signum: int, frame: FrameType | None) -> None:
        if held:
            _raise_interrupt(signum, frame)
        held.append(signum)

    hold.holds = True  # type: ignore[attr-defined]  # see below: an enclosing step's hold

    for sig in previous:
        signal.signal(sig, hold)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if held and reraise:
        handler = previous[held[0]]
        if handler == signal.SIG_IGN:
            return
        if getattr(handler, "holds", False):
            handler(held[0], None)  # a step within a step: the enclosing one raises it when it is done
            return
        if callable(handler):
            handler(held[0], None)
        raise KeyboardInterrupt(f"signal {signal.Signals(held[0]).name}")


class WindDown:
    """From the end of the test loop to the end of our clean-up, a Ctrl-C or SIGTERM is noted and
    acted on once everything is cleaned up.

    pytest catches KeyboardInterrupt only around collection and the test loop: one raised in the
    terminal summary (which imports modules, e.g. hypothesis' summary) ends in a traceback, and
    the session's server is then stopped by luck. So once the items are done, a signal is noted
    instead; when the clean-up is over, the first one noted is delivered again with its default
    action, at interpreter exit (after pytest's own clean-up), so the process still ends the way
    the sender asked. A second signal interrupts at once, as everywhere else.
    """

    def __init__(self) -> None:
        self.noted: list[int] = []
        self._previous: dict[int, Any] = {}

    def start(self) -> None:
        if not _in_main_thread() or self._previous:
            return
        self._previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        for sig in self._previous:
            signal.signal(sig, self._note)

    def _note(self, signum: int, frame: FrameType | None) -> None:
        if self.noted:
            _raise_interrupt(signum, frame)
        self.noted.append(signum)

    def finish(self) -> None:
        """Put the handlers back; a noted signal is delivered again when the interpreter exits."""
        previous, self._previous = self._previous, {}
        for sig, handler in previous.items():
            if signal.getsignal(sig) == self._note:
                signal.signal(sig, handler)
        if self.noted and previous.get(self.noted[0]) != signal.SIG_IGN:
            atexit.register(_deliver, self.noted[0])


def _deliver(signum: int) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
