"""``schemaguard cache list|clear``: the builds kept for reuse (see ``pytest_schemaguard.cache``).

``clear`` leaves an entry another run is copying or rebuilding right now (its lock is held) and
says so; what killed runs left half-written goes too.
"""

from __future__ import annotations

import argparse
import time

from ..cache.store import BuildCache

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
        return 0
    removed, busy = cache.clear()
    print(f"removed {len(removed)} cached build(s) from {cache.root}")
    for key in busy:
        print(f"  {key} is in use by another run; not removed")
    return 0
