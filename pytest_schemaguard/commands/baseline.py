"""``schemaguard baseline [--through VERSION]``: squash the history into one proven migration."""

from __future__ import annotations

import argparse
import sys

from ..config import command_settings
from ..project import relative_path
from ..session import command_session

NAME = "baseline"
HELP = ("replace the migrations through VERSION by one consolidated migration (the originals move to "
        "project.archive)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--through", type=int, metavar="VERSION",
                        help="consolidate the migrations up to and including this version (default: all)")
    parser.add_argument("--allow-data-loss", action="store_true",
                        help="consolidate even though the files hold data statements the baseline will not carry")


def run(args: argparse.Namespace) -> int:
    from ..baseline import SUMMARY_NAME, make_baseline

    settings = command_settings(args.file, dsn=args.dsn, pg_bin=args.pg_bin,
                                statement_timeout=args.statement_timeout)
    with command_session(settings) as session:
        session.load()
        if session.load_error is not None:
            raise session.load_error
        outcome = make_baseline(session, args.through, allow_data_loss=args.allow_data_loss)
        if outcome.failure:
            print(f"schemaguard baseline: nothing changed: {outcome.failure}", file=sys.stderr)
            return 1
        plan = outcome.plan
        assert session.project is not None
        root = session.project.root
        archive = relative_path(plan.archive, root)
        print(f"wrote {relative_path(plan.target, root)}: the schema of {len(plan.replaced)} migrations "
              f"({plan.replaced[0].name} .. {plan.replaced[-1].name})")
        print(f"moved them to {archive}/ (summary: {archive}/{SUMMARY_NAME})")
        for data in plan.data:
            print(f"warning: not carried over (--allow-data-loss): {data.render()}", file=sys.stderr)
        return 0
