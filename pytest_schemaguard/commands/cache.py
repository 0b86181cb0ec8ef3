"""``schemaguard cache list|clear``: the builds kept for reuse (see ``pytest_schemaguard.cache``).

``clear`` leaves an entry another run is copying or rebuilding right now (its lock is held) and
says so; what killed runs left half-written goes too.
"""

from __future__ import annotations

import argparse
import time

from ..cache.store import CLUSTERS, MODELS, BuildCache

NAME = "cache"
HELP = "list or clear the builds kept for reuse by later runs (the build cache)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("list", "clear"), help="list the cached builds, or remove them all")


def run(args: argparse.Namespace) -> int:
    cache = BuildCache()
    if args.action == "list":
        entries = cache.entries()
        print(f"build cache: {cache.root} (keeps the {cache.size} most recently used; SCHEMAGUARD_CACHE_SIZE)")
        now = time.time()
        for entry in entries:
            print(f"  {entry.describe(now)}")
        if not entries:
            print("  no cached builds")
        for line in _others(cache):
            print(f"  {line}")
        return 0
    others = _others(cache)
    removed, busy = cache.clear()
    print(f"removed {len(removed)} cached build(s) from {cache.root}")
    for line in others:
        print(f"  and {line}")
    for key in busy:
        print(f"  {key} is in use by another run; not removed")
    return 0


def _others(cache: BuildCache) -> list[str]:
    """What the cache holds besides builds: freshly initdb'd clusters and loaded expectations."""
    lines = []
    for folder, pattern, what in ((CLUSTERS, "*.tar", "empty cluster(s) from initdb (clusters/)"),
                                  (MODELS, "*.pickle", "loaded expectations file(s) (expectations/)")):
        where = cache.root / folder
        files = [f for f in where.glob(pattern) if f.is_file()] if where.is_dir() else []
        if files:
            lines.append(f"{len(files)} {what}, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB")
    return lines
