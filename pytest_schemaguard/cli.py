"""The ``schemaguard`` command. Subcommands arrive with later issues (SPEC §8)."""

from __future__ import annotations

import argparse
import sys

SUBCOMMANDS = ("new", "status", "lock", "snapshot", "diff", "lint", "init", "baseline")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="schemaguard", description="Schema checks built from your migrations.")
    parser.add_argument("command", choices=SUBCOMMANDS, help="what to do")
    args = parser.parse_args(argv)
    print(f"schemaguard {args.command}: not available yet in this version; "
          "run `pytest --schemaguard` for the schema checks.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
