"""After the last item: the objects still alive are set aside from the garbage collector.

When a run is over, pytest garbage-collects five times (``unraisableexception``), and
hypothesis's plugin imports hypothesis in its terminal summary, whose ~100,000 new objects set off
more full collections. Each full collection walks every live object: after a run with a big
schema that is ~250,000 of them (the expectations model, the catalog snapshot, the reports, the
items), none of them garbage, 0.2-0.3 s a walk: 1.5-3 s of a 2,000-table run went to walking
them. So once the items are done, the garbage there is is collected now, as pytest would (until
a collection finds nothing, at most pytest's five rounds, so a finaliser it runs and whatever
that finaliser drops are reported by pytest's unraisable-exception hook as before), and the rest
is frozen (``gc.freeze``): later collections walk only what is made after.

What this changes: an object alive at that moment that becomes cyclic garbage later (during the
terminal summary or at exit) is not collected; Python never promised to finalise objects still
alive at exit anyway. A run nested in another one in the same process (pytester's in-process
runs, as in our own tests) freezes nothing: the outer run's objects are not ours to set aside.
"""

from __future__ import annotations

import gc

ROUNDS = 5  # pytest's own (_pytest.unraisableexception.gc_collect_harder)

_depth = 0


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
    for _ in range(ROUNDS):
        if gc.collect() == 0:
            break
    gc.freeze()
    return True
