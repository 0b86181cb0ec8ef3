"""Expectation checks: compare ``schema_expectations.yml`` with a catalog snapshot.

``check_all`` returns one :class:`ObjectReport` per declared object (plain data: no pytest, no
printing); the plugin turns each into an item whose id is ``kind[name]``.
"""

from __future__ import annotations

from pytest_schemaguard.catalog.model import Schema
from pytest_schemaguard.checks.absent import absent_report_name, check_absent
from pytest_schemaguard.checks.enums import check_enum
from pytest_schemaguard.checks.exhaustive import check_schema_exhaustive
from pytest_schemaguard.checks.extensions import check_extension
from pytest_schemaguard.checks.findings import Mismatch, ObjectReport
from pytest_schemaguard.checks.functions import check_function, resolve_function
from pytest_schemaguard.checks.normalise import NormalisationError, Normaliser, loose_equal
from pytest_schemaguard.checks.tables import check_table
from pytest_schemaguard.checks.views import check_view
from pytest_schemaguard.expectations.model import Expectations

__all__ = [
    "Mismatch",
    "NormalisationError",
    "Normaliser",
    "ObjectReport",
    "absent_report_name",
    "check_absent",
    "check_all",
    "check_enum",
    "check_extension",
    "check_function",
    "check_schema_exhaustive",
    "check_table",
    "check_view",
    "loose_equal",
    "resolve_function",
]


def check_all(expectations: Expectations, schema: Schema, normaliser: Normaliser) -> list[ObjectReport]:
    """One report per declared object, in file order by kind.

    Every type and expression is normalised up front in one batch, so the checks themselves
    only do dictionary lookups.
    """
    normaliser.prepare(expectations, schema)
    reports = [check_extension(e, schema) for e in expectations.extensions]
    reports += [check_table(t, schema, normaliser) for t in expectations.tables]
    reports += [check_view(v, schema, normaliser) for v in expectations.views]
    reports += [check_enum(e, schema) for e in expectations.enums]
    reports += [check_function(f, schema, normaliser) for f in expectations.functions]
    reports += [check_absent(a, schema, normaliser) for a in expectations.absent]
    declared = [s for f in expectations.functions for s in resolve_function(f, schema, normaliser).accounts_for]
    reports += [check_schema_exhaustive(x, expectations, schema, declared) for x in expectations.exhaustive]
    return reports
