"""Where the expectations file is when none is named: the nearest one at or above a directory.

pytest finds its rootdir by walking up from where it was started; people run ``pytest`` and
``schemaguard`` from ``supabase/`` or a sub-package just as often as from the repository root,
so the expectations file is looked for the same way.
"""

from __future__ import annotations

from pathlib import Path

EXPECTATIONS_NAME = "schema_expectations.yml"


def find_upward(start: Path, name: str = EXPECTATIONS_NAME) -> Path | None:
    """``start/name`` or the same name in the nearest parent directory that has it."""
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None
