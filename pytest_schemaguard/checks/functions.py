"""Function checks: pick the overload by argument types, then compare what makes it safe to
expose (SECURITY DEFINER, a pinned search_path, who may execute it) and what it is."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_schemaguard.catalog.model import Function, Schema, qualify
from pytest_schemaguard.checks.compare import missing
from pytest_schemaguard.checks.findings import Mismatch, ObjectReport
from pytest_schemaguard.checks.grants import check_grants
from pytest_schemaguard.checks.normalise import (
    NormalisationError,
    Normaliser,
    fold_sql,
    plain_return_type,
)
from pytest_schemaguard.expectations.model import FunctionExpectation


@dataclass(frozen=True)
class ResolvedFunction:
    """Which overload an expectation designates, and the name its item carries."""

    name: str  # signature when known: public.f(bigint,bigint)
    function: Function | None
    problem: Mismatch | None = None  # why no overload could be chosen
    accounts_for: tuple[str, ...] = ()  # signatures this expectation declares (for exhaustive)


def resolve_function(expected: FunctionExpectation, schema: Schema, normaliser: Normaliser) -> ResolvedFunction:
    qualified = qualify(expected.name)
    overloads = schema.functions_named(qualified)
    if expected.args is None:
        return _resolve_by_name(expected, qualified, overloads, schema)
    normalised = normaliser.types(expected.args)
    errors = [v for v in normalised.values() if isinstance(v, NormalisationError)]
    if errors:
        name = f"{qualified}({','.join(a.strip() for a in expected.args)})"
        return ResolvedFunction(name, None, Mismatch("args", "; ".join(e.describe() for e in errors), expected.line))
    arg_types = tuple(str(normalised[a]) for a in expected.args)
    name = f"{qualified}({','.join(arg_types)})"
    for function in overloads:
        if function.arg_types == arg_types:
            return ResolvedFunction(function.signature, function, accounts_for=(function.signature,))
    if overloads:
        found = ", ".join(f.signature for f in overloads)
        return ResolvedFunction(name, None, Mismatch("function", f"missing (found overloads: {found})", expected.line))
    return ResolvedFunction(name, None, _missing(qualified, schema, expected.line))


def _resolve_by_name(
    expected: FunctionExpectation, qualified: str, overloads: tuple[Function, ...], schema: Schema
) -> ResolvedFunction:
    if len(overloads) == 1:
        only = overloads[0]
        return ResolvedFunction(only.signature, only, accounts_for=(only.signature,))
    if not overloads:
        return ResolvedFunction(qualified, None, _missing(qualified, schema, expected.line))
    signatures = tuple(f.signature for f in overloads)
    message = f"{len(overloads)} overloads ({', '.join(signatures)}); declare args to choose one"
    return ResolvedFunction(qualified, None, Mismatch("function", message, expected.line), signatures)


def _missing(qualified: str, schema: Schema, line: int) -> Mismatch:
    names = sorted({f.qualified_name for f in schema.functions.values()})
    return Mismatch("function", missing(qualified, names), line)


def check_function(expected: FunctionExpectation, schema: Schema, normaliser: Normaliser) -> ObjectReport:
    resolved = resolve_function(expected, schema, normaliser)
    if resolved.function is None:
        problems = (resolved.problem,) if resolved.problem else ()
        return ObjectReport("function", resolved.name, expected.line, problems)
    function = resolved.function
    messages = {
        "returns": _returns_difference(expected, function, normaliser),
        "language": _word_difference(expected.language, function.language),
        "security_definer": _security_difference(expected, function),
        "search_path": _search_path_difference(expected, function),
        "volatility": _word_difference(expected.volatility, function.volatility),
    }
    mismatches = [Mismatch(aspect, m, expected.line_of(aspect)) for aspect, m in messages.items() if m]
    mismatches += check_grants(expected.grants, function.privileges, schema.role_memberships)
    return ObjectReport("function", resolved.name, expected.line, tuple(mismatches))


def _returns_difference(expected: FunctionExpectation, function: Function, normaliser: Normaliser) -> str | None:
    if expected.returns is None:
        return None
    wanted = _expected_returns(expected.returns, normaliser)
    if isinstance(wanted, NormalisationError):
        if fold_sql(expected.returns) == fold_sql(function.returns):
            return None
        return f"{wanted.describe()} (found: {function.returns})"
    if wanted == function.returns or fold_sql(wanted) == fold_sql(function.returns):
        return None
    return f"expected {wanted}, found {function.returns or 'nothing (procedure)'}"


def _expected_returns(returns: str, normaliser: Normaliser) -> str | NormalisationError:
    """``setof int8`` -> ``SETOF bigint``; ``TABLE(...)`` stays as written (compared folded)."""
    plain = plain_return_type(returns)
    if plain is None:
        return returns.strip()
    normalised = normaliser.type(plain)
    if isinstance(normalised, NormalisationError):
        return normalised
    return f"SETOF {normalised}" if re.match(r"(?i)^\s*setof\s", returns) else normalised


def _word_difference(expected: str | None, found: str) -> str | None:
    if expected is None or expected.strip().lower() == found.lower():
        return None
    return f"expected {expected.strip().lower()}, found {found}"


def _security_difference(expected: FunctionExpectation, function: Function) -> str | None:
    if expected.security_definer is None or expected.security_definer == function.security_definer:
        return None
    return f"expected {str(expected.security_definer).lower()}, found {str(function.security_definer).lower()}"


def _search_path_difference(expected: FunctionExpectation, function: Function) -> str | None:
    if not expected.has_search_path and expected.search_path is None:
        return None
    wanted = parse_search_path(expected.search_path)
    found = parse_search_path(function.search_path)
    if wanted == found:
        return None
    return f"expected {_describe_search_path(wanted)}, found {_describe_search_path(found)}"


def parse_search_path(value: str | None) -> tuple[str, ...] | None:
    """``'public, "extensions"'`` -> ``("public", "extensions")``; ``""`` -> ``()``; None: not pinned."""
    if value is None:
        return None
    items = (item.strip().strip("\"'").strip() for item in value.split(","))
    return tuple(item for item in items if item)


def _describe_search_path(path: tuple[str, ...] | None) -> str:
    if path is None:
        return "not pinned"
    return ", ".join(path) if path else "'' (empty)"
