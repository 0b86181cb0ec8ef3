"""``pgtap[<file>]`` items: one per pgTAP test file under supabase/tests (``.sql`` or ``.pg``, recursively).

The file runs against the built database (see ``pytest_schemaguard.pgtap.runner``); it fails on a
``not ok`` (not TODO), a plan that does not match, ``Bail out!`` or a statement error; without pgTAP
on the server it skips with the install hint. Its marker is ``schemaguard_pgtap``, so
``-m "not schemaguard_pgtap"`` leaves the project's own tests out.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from . import ItemSpec

if TYPE_CHECKING:
    from ..pgtap.runner import PgtapServer
    from ..session import SchemaguardSession

MARKER = "schemaguard_pgtap"


def check_test_file(path: Path, session: SchemaguardSession, server: PgtapServer | None = None) -> str | None:
    """``server`` says what the server offers (asked of it when None)."""
    import pytest

    from ..errors import SchemaguardError
    from ..pgtap.runner import pgtap_server, render_run, run_test_file, unavailable_reason

    conn = session.require_database()
    reason = unavailable_reason(server or pgtap_server(conn))
    if reason:
        pytest.skip(reason)
    assert session.project is not None
    try:
        run = run_test_file(session.info, path, session.project)
    except SchemaguardError as exc:  # e.g. the file cannot be read
        return str(exc)
    if run.failure is None and run.tap.skip_all is not None and not run.tap.tests:
        pytest.skip(f"{run.file}: the file skipped itself: {run.tap.skip_all}")
    return render_run(run)


def provide(session: SchemaguardSession) -> Iterator[ItemSpec]:
    from ..pgtap.runner import discover_test_files, tests_directory

    project = session.project
    if project is None:
        return
    directory = tests_directory(project)
    for path in discover_test_files(project):
        yield ItemSpec(name=f"pgtap[{path.relative_to(directory).as_posix()}]", check=partial(check_test_file, path),
                       marker=MARKER, path=path)
