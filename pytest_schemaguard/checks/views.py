"""View and materialized view checks: existence, security_invoker, columns, comment, grants.

Columns are checked as a table's are (the listed ones exist, with their type when given), and
``exhaustive: [columns]`` refuses any other: one meaning of ``columns`` across the file.
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_schemaguard.catalog.model import Schema, View, qualify
from pytest_schemaguard.checks.compare import comment_difference, missing
from pytest_schemaguard.checks.exhaustive import check_view_exhaustive
from pytest_schemaguard.checks.findings import Mismatch, ObjectReport
from pytest_schemaguard.checks.grants import check_grants
from pytest_schemaguard.checks.normalise import Normaliser
from pytest_schemaguard.checks.tables import by_line, check_column
from pytest_schemaguard.expectations.model import ViewExpectation


def check_view(expected: ViewExpectation, schema: Schema, normaliser: Normaliser) -> ObjectReport:
    kind = "materialized_view" if expected.materialized else "view"
    name = qualify(expected.name)
    pool = schema.materialized_views if expected.materialized else schema.views
    view = pool.get(name)
    if view is None:
        return ObjectReport(kind, name, expected.line, (_missing_view(kind, name, pool, schema, expected.line),))
    mismatches = [
        *_check_security_invoker(expected, view),
        *(m for column in expected.columns for m in check_column(column, view, normaliser)),
        *_check_comment(expected, view),
        *check_grants(expected.grants, view.privileges, schema.role_memberships),
        *check_view_exhaustive(expected, view),
    ]
    return ObjectReport(kind, name, expected.line, by_line(mismatches))


def _missing_view(kind: str, name: str, pool: Mapping[str, View], schema: Schema, line: int) -> Mismatch:
    """Say what the name is instead, when it is something else (a common migration mix-up)."""
    label = kind.replace("_", " ")
    instead = {
        "table": name in schema.tables,
        "view": name in schema.views,
        "materialized view": name in schema.materialized_views,
    }
    for other, exists in instead.items():
        if exists and other != label:
            return Mismatch(label, f"missing ({name} is a {other})", line)
    return Mismatch(label, missing(name, pool), line)


def _check_security_invoker(expected: ViewExpectation, view: View) -> list[Mismatch]:
    if expected.security_invoker is None or expected.security_invoker == view.security_invoker:
        return []
    message = f"expected {str(expected.security_invoker).lower()}, found {str(view.security_invoker).lower()}"
    return [Mismatch("security_invoker", message, expected.line)]


def _check_comment(expected: ViewExpectation, view: View) -> list[Mismatch]:
    message = comment_difference(expected.comment, view.comment)
    return [Mismatch("comment", message, expected.line)] if message else []
