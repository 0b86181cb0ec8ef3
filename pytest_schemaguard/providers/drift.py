"""Item ``drift[live]``: the schema the migrations build versus the live database's (SPEC §5).

Present only when a live database is named (``--schemaguard-live-dsn`` / ``SCHEMAGUARD_LIVE_DSN``
/ ini ``schemaguard_live_dsn``). The live database is opened read-only (see ``live.py``); the
failure text lists every difference, grouped by object, as "migrations" versus "live".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..drift.live_session import drift_from_session
from . import ItemSpec

if TYPE_CHECKING:
    from ..session import SchemaguardSession

ITEM_NAME = "drift[live]"


def provide(session: SchemaguardSession) -> Iterable[ItemSpec]:
    if not session.settings.live_dsn:
        return []
    return [ItemSpec(name=ITEM_NAME, check=check_drift, marker="schemaguard_drift")]


def check_drift(session: SchemaguardSession) -> str | None:
    """None when the live schema equals the migrations'; otherwise the grouped report."""
    assert session.settings.live_dsn is not None
    drift = drift_from_session(session, session.settings.live_dsn, what="--schemaguard-live-dsn")
    if not drift.changes:
        return None
    return f"drift between the migrations and the live database {drift.live}\n{drift.render()}"
