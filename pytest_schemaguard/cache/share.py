"""``--schemaguard-no-cache`` under pytest-xdist: the workers of one run still build once.

Each xdist worker is a session of its own; with the build cache they share one build through
its lock (the first builds and stores, the others wait and start from the stored copy). Without
the cache every worker built the whole history again, on the same cores, so ``-n 2`` was slower
than ``-n 0``. So the controller makes a directory for this run and hands it to every worker
(``workerinput``), and the workers use it as a build cache of one entry: nothing outlives the
run (the controller removes it at the end), nothing is shared with other runs, which is what
``--schemaguard-no-cache`` promises. The directory carries the controller as owner, like a
private server's, so if the controller is killed the next run's sweep removes it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..database.owner import current_owner, write_marker
from ..database.sweep import SERVER_DIR_PREFIX


def make_run_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix=SERVER_DIR_PREFIX + "xdist-"))
    write_marker(path, current_owner())
    return path


def remove_run_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
