"""The catalog snapshot of a build, kept beside it so a session that did not build reads no catalog.

A cache hit and an attached xdist worker both start from a database that is a byte copy of one
some other session built and read: reading its catalog again (1.5-3 s for 2,000 tables, most of a
warm run) gives the same snapshot. The session that built pickles its snapshot next to the build
(in the cache entry, or in the run's xdist directory); the next one unpickles it (~0.1 s).

A record is used only when it was written by this very code (the key of ``cache.model``: every
file of the plugin): an older model could lack a field the checks read. Unpickling runs code,
so, as for the expectations records, only a file that this user alone can have written is read.
Anything wrong with a record (missing, foreign, corrupt, another version) means the catalog is
read, as without it; writing one never fails a run.
"""

from __future__ import annotations

from pathlib import Path

from ..catalog.model import Schema
from .model import code_hash, read_record, write_record

SNAPSHOT = "snapshot.pickle"


def write_snapshot(folder: Path, schema: Schema) -> None:
    """Keep ``schema`` in ``folder``, stamped with this code."""
    write_record(folder / SNAPSHOT, (code_hash(), schema))


def read_snapshot(folder: Path) -> Schema | None:
    """The snapshot kept in ``folder`` by this code, or None."""
    kept = read_record(folder / SNAPSHOT)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == code_hash() and isinstance(kept[1], Schema):
        return kept[1]
    return None
