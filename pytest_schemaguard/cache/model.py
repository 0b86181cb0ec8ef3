"""The loaded expectations model, kept by content so an unchanged file is not parsed again.

Parsing is most of loading a big expectations file (0.8 s for 38,000 lines: PyYAML's C parser
still makes ~220,000 event objects, and we validate every node); unpickling the model it gave
takes 0.07 s. The key is the file's bytes, its resolved path (error messages and items name it)
and the plugin's code, so any change to any of them parses again. Only files that
loaded without error are kept: a broken file is parsed (and its errors reported) every time.
A missing, unreadable or corrupt record is as good as none; ``--schemaguard-no-cache`` neither
reads nor writes records.

Records live beside the build cache (``<cache root>/expectations/<key>.pickle``), written to a
temporary name and renamed. Unpickling runs code, so a record is read only when it and its folder
belong to this user and nobody else may write them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
from importlib import resources
from pathlib import Path

from .. import __version__
from ..expectations import load_expectations
from ..expectations.model import Expectations
from .inputs import code_files
from .store import MODELS, cache_root, keep_newest, side_folder

KEEP = 20
"""Records kept (most recently written); a project has one per version of its file."""


def load_with_cache(path: Path, *, root: Path | None = None) -> Expectations:
    """``load_expectations(path)``, from a record of an earlier load of the same bytes if any."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return load_expectations(path)  # reports what is wrong with the path
    folder = (root or cache_root()) / MODELS
    record = folder / f"{_key(Path(path), data)}.pickle"
    model = read_record(record)  # a record we cannot read is rebuilt, whatever the reason
    if isinstance(model, Expectations):
        with contextlib.suppress(OSError):
            os.utime(record)  # recently used: kept by keep_newest
        return model
    model = load_expectations(path)
    _write(folder, record, model)
    return model


def read_record(record: Path) -> object:
    """What ``write_record`` kept in ``record``; None when it is missing, unreadable, corrupt, or
    could have been written by someone else (see ``owned_by_me``)."""
    with contextlib.suppress(Exception), open(record, "rb") as handle:
        if owned_by_me(record.parent) and owned_by_me(record):
            return pickle.load(handle)
    return None


def write_record(record: Path, value: object) -> None:
    """Pickle ``value`` into ``record`` whole (a reader sees no record or all of it); a record that
    cannot be written is left out, never an error of the run."""
    with contextlib.suppress(OSError, pickle.PicklingError, RecursionError):
        partial = record.with_name(f"{record.name}.tmp-{os.getpid()}")
        try:
            with open(partial, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, record)
        finally:
            with contextlib.suppress(OSError):
                partial.unlink()


def owned_by_me(path: Path) -> bool:
    """Unpickling runs code: only what this user alone can have written is read (a cache directory
    set to a shared place, say /tmp/cache, must not let another user plant a record)."""
    status = path.stat()
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _key(path: Path, data: bytes) -> str:
    digest = hashlib.sha256(code_hash().encode())
    digest.update(str(path.resolve()).encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()[:32]


@functools.cache
def code_hash() -> str:
    """All of the plugin's code (5 ms): the model depends on more than the loader (rule names from
    ``rules``, defaults from elsewhere), so any change to the package parses anew."""
    digest = hashlib.sha256(__version__.encode())
    for name, data in code_files(resources.files("pytest_schemaguard"), "pytest_schemaguard"):
        digest.update(name.encode() + b"\0" + data)
    return digest.hexdigest()


def _write(folder: Path, record: Path, model: Expectations) -> None:
    with contextlib.suppress(OSError):
        side_folder(folder.parent, folder.name)
        write_record(record, model)
        keep_newest(folder.glob("*.pickle"), KEEP)
