"""``schemaguard baseline [--through VERSION]``: squash the history into one proven migration."""

from __future__ import annotations

import argparse
import sys

from ..config import command_settings
from ..project import Project, relative_path
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
    from ..drift.baseline import SUMMARY_NAME, make_baseline

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
        for line in next_steps(session.project, [m.version for m in plan.replaced]):
            print(line)
        return 0


def next_steps(project: Project, versions: list[int]) -> list[str]:
    """What still describes the old layout after the files moved, and the command that updates it.

    Not done here on purpose: the lock and the snapshot are the team's review artefacts, and the
    Supabase history lives on databases this command never writes to.
    """
    from ..drift.baseline import archive_directory

    root = project.root
    steps = []
    if project.settings.lock:
        steps.append(("schemaguard lock", f"{project.settings.lock} still lists the replaced files"))
    if project.settings.snapshot:
        steps.append(("schemaguard snapshot", f"{project.settings.snapshot} was made from the old file list "
                                              "(same schema, stale header)"))
    older = versions[:-1]  # the baseline keeps the last version, which stays applied
    if project.flavor == "supabase" and older:
        steps.append((f"supabase migration repair --status reverted {' '.join(map(str, older))}",
                      "on each linked database, before the next `supabase db push`: the Supabase CLI does not read "
                      f"{relative_path(archive_directory(project), root)} (`schemaguard status` lists these "
                      "versions as archived)"))
    if not steps:
        return []
    return ["next steps (the files moved; these still describe the old layout):",
            *(f"  {command}\n      # {why}" for command, why in steps)]
