"""Absence checks: deprecated objects that must be gone from the built database."""

from __future__ import annotations

from pytest_schemaguard.catalog.model import Schema, qualify
from pytest_schemaguard.checks.findings import Mismatch, ObjectReport
from pytest_schemaguard.checks.normalise import NormalisationError, Normaliser
from pytest_schemaguard.expectations.loader import split_signature
from pytest_schemaguard.expectations.model import AbsentExpectation


def absent_report_name(expected: AbsentExpectation) -> str:
    """``table public.deals``: readable, and unique across kinds that share a name."""
    if expected.kind in ("extension", "column"):
        return f"{expected.kind} {expected.name}"
    return f"{expected.kind.replace('_', ' ')} {qualify(expected.name)}"


def check_absent(expected: AbsentExpectation, schema: Schema, normaliser: Normaliser) -> ObjectReport:
    found = _what_exists(expected, schema, normaliser)
    label = expected.kind.replace("_", " ")
    mismatches = (Mismatch(label, f"expected absent, found {found}", expected.line),) if found else ()
    return ObjectReport("absent", absent_report_name(expected), expected.line, mismatches)


def _what_exists(expected: AbsentExpectation, schema: Schema, normaliser: Normaliser) -> str | None:
    """A description of the object when it exists, else None."""
    kind = expected.kind
    if kind == "function":
        return _existing_function(expected.name, schema, normaliser)
    if kind == "extension":
        extension = schema.extensions.get(expected.name)
        return f"{extension.name} {extension.version} in schema {extension.schema}" if extension else None
    if kind == "column":
        return _existing_column(expected.name, schema)
    pools = {
        "table": schema.tables,
        "view": schema.views,
        "materialized_view": schema.materialized_views,
        "enum": schema.enums,
    }
    name = qualify(expected.name)
    return f"{kind.replace('_', ' ')} {name}" if name in pools.get(kind, {}) else None


def _existing_function(name: str, schema: Schema, normaliser: Normaliser) -> str | None:
    base, args = split_signature(name)
    overloads = schema.functions_named(qualify(base))
    if args is not None:
        normalised = normaliser.types(args)
        if any(isinstance(v, NormalisationError) for v in normalised.values()):
            return None  # an unknown argument type cannot match an existing overload
        wanted = tuple(str(normalised[a]) for a in args)
        overloads = tuple(f for f in overloads if f.arg_types == wanted)
    return ", ".join(f.signature for f in overloads) or None


def _existing_column(name: str, schema: Schema) -> str | None:
    table_name, _, column_name = name.rpartition(".")
    table = schema.tables.get(qualify(table_name)) if table_name else None
    column = table.columns.get(column_name) if table else None
    return f"column {column_name} of type {column.type}" if column else None
