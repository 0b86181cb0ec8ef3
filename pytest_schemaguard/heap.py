"""After the last item: the objects still alive are set aside from the garbage collector.

When a run is over, pytest garbage-collects five times (``unraisableexception``), and
hypothesis's plugin imports hypothesis in its terminal summary, whose ~100,000 new objects set off
more full collections. Each full collection walks every live object: after a run with a big
schema that is ~250,000 of them (the expectations model, the catalog snapshot, the reports, the
items), none of them garbage, 0.2-0.3 s a walk: 1.5-3 s of a 2,000-table run went to walking
them. So once the items are done, the garbage there is is collected now, as pytest would (until
a collection finds nothing, at most pytest's five rounds: a finaliser that raises is reported by
pytest's unraisable-exception hook as before), and the rest is frozen (``gc.freeze``): later
collections walk only what is made after. The last clean-up of the run (registered before
pytest's own, so it runs after them) unfreezes it all again: a process that runs pytest more
than once (a notebook, a watcher) collects an earlier run's objects as usual.

What this changes: an object alive when the items were done that becomes cyclic garbage during
the terminal summary or pytest's clean-up is collected after the run instead of during it, so
an exception its finaliser raises is printed by Python, not reported by pytest as a warning. A
run nested in another one in the same process (pytester's in-process runs) freezes nothing.
"""

from __future__ import annotations

import gc

ROUNDS = 5  # pytest's own (_pytest.unraisableexception.gc_collect_harder)

_depth = 0
_frozen = False


def enter() -> None:
    """A pytest run with this plugin registered started in this process (pytest_configure)."""
    global _depth
    _depth += 1


def leave() -> None:
    global _depth
    _depth = max(0, _depth - 1)


def freeze_survivors() -> bool:
    """Collect the garbage there is, then freeze what survives (see the module docstring); False
    when nothing was done: a nested run, or a program that turned the collector off itself."""
    if _depth != 1 or not gc.isenabled():
        return False
    global _frozen
    for _ in range(ROUNDS):
        if gc.collect() == 0:
            break
    gc.freeze()
    _frozen = True
    return True


def thaw() -> None:
    """Undo ``freeze_survivors`` (a config clean-up of the run: see the module docstring)."""
    global _frozen
    if _frozen:
        _frozen = False
        gc.unfreeze()
