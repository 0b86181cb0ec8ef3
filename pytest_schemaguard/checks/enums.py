"""Enum checks: exact labels in exact order (order decides comparisons and sorting)."""

from __future__ import annotations

from pytest_schemaguard.catalog.model import Schema, qualify
from pytest_schemaguard.checks.compare import column_list, missing
from pytest_schemaguard.checks.findings import Mismatch, ObjectReport
from pytest_schemaguard.expectations.model import EnumExpectation


def check_enum(expected: EnumExpectation, schema: Schema) -> ObjectReport:
    name = qualify(expected.name)
    enum = schema.enums.get(name)
    if enum is None:
        return ObjectReport(
            "enum", name, expected.line, (Mismatch("enum", missing(name, schema.enums), expected.line),)
        )
    message = label_difference(tuple(expected.labels), enum.labels)
    mismatches = (Mismatch("labels", message, expected.line),) if message else ()
    return ObjectReport("enum", name, expected.line, mismatches)


def label_difference(expected: tuple[str, ...], found: tuple[str, ...]) -> str | None:
    """What is missing, what is extra, and whether the shared labels are out of order."""
    if expected == found:
        return None
    parts = []
    absent = [label for label in expected if label not in found]
    extra = [label for label in found if label not in expected]
    if absent:
        parts.append(f"missing {', '.join(absent)}")
    if extra:
        parts.append(f"unexpected {', '.join(extra)}")
    shared_expected = [label for label in expected if label in found]
    shared_found = [label for label in found if label in expected]
    if shared_expected != shared_found:
        parts.append("out of order")
    return f"{'; '.join(parts)}: expected {column_list(expected)}, found {column_list(found)}"
