"""Extension checks: installed (in any schema), and in the declared schema when one is given."""

from __future__ import annotations

from pytest_schemaguard.catalog.model import Schema
from pytest_schemaguard.checks.compare import missing
from pytest_schemaguard.checks.findings import Mismatch, ObjectReport
from pytest_schemaguard.expectations.model import ExtensionExpectation


def check_extension(expected: ExtensionExpectation, schema: Schema) -> ObjectReport:
    extension = schema.extensions.get(expected.name)
    if extension is None:
        message = "not installed" + missing(expected.name, schema.extensions).removeprefix("missing")
        mismatches: tuple[Mismatch, ...] = (Mismatch("extension", message, expected.line),)
    elif expected.schema is not None and expected.schema != extension.schema:
        message = f"expected {expected.schema}, found {extension.schema}"
        mismatches = (Mismatch("schema", message, expected.line),)
    else:
        mismatches = ()
    return ObjectReport("extension", expected.name, expected.line, mismatches)
