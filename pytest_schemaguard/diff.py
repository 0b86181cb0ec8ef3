"""Structural diff of two catalog snapshots: the one module drift, snapshot, rollback, baseline
and semantic lint all use.

Contract (implemented by the drift work, issue 5): ``diff_snapshots(a, b)`` returns plain
change records in a deterministic order; formatting (grouped text, JSON) happens in
``render_changes`` / ``changes_as_json`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalog.model import Schema


@dataclass(frozen=True)
class Change:
    """One difference between snapshot A and snapshot B.

    ``kind``: table | column | constraint | index | trigger | policy | rls | grant | comment |
    view | materialized_view | enum | function | extension. ``name``: qualified, e.g.
    ``public.organizations``, ``public.organizations.legacy_code`` (column),
    ``public.organizations.organizations_name_key`` (constraint/index/trigger/policy of a table).
    ``change``: ``only_in_a`` | ``only_in_b`` | ``differs`` (then ``field``, ``a``, ``b`` say how).
    """

    kind: str
    name: str
    change: str
    field: str | None = None
    a: Any = None
    b: Any = None


def diff_snapshots(a: Schema, b: Schema) -> list[Change]:
    raise NotImplementedError("diff_snapshots is being implemented (issue 5)")


def render_changes(changes: list[Change], a_label: str = "A", b_label: str = "B") -> str:
    raise NotImplementedError("render_changes is being implemented (issue 5)")


def changes_as_json(changes: list[Change]) -> list[dict[str, Any]]:
    raise NotImplementedError("changes_as_json is being implemented (issue 5)")
