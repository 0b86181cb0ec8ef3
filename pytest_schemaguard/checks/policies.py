"""Row-level security policy checks: matched by name; roles compared as sets, expressions
compared after the server has compiled the expected text against the table."""

from __future__ import annotations

from pytest_schemaguard.catalog.model import Policy, Table
from pytest_schemaguard.checks.compare import expression_difference, missing
from pytest_schemaguard.checks.findings import Mismatch
from pytest_schemaguard.checks.normalise import Normaliser, literally_found
from pytest_schemaguard.expectations.model import PolicyExpectation, TableExpectation


def check_policies(expected: TableExpectation, table: Table, normaliser: Normaliser) -> list[Mismatch]:
    return [m for policy in expected.policies for m in _check_policy(policy, table, normaliser)]


def _check_policy(expected: PolicyExpectation, table: Table, normaliser: Normaliser) -> list[Mismatch]:
    aspect = f"policy {expected.name}"
    policy = table.policies.get(expected.name)
    if policy is None:
        return [Mismatch(aspect, missing(expected.name, table.policies), expected.line)]
    messages = [
        _command_difference(expected, policy),
        _roles_difference(expected, policy),
        _permissive_difference(expected, policy),
        _using_difference(expected, policy, table, normaliser),
        _with_check_difference(expected, policy, table, normaliser),
    ]
    return [Mismatch(aspect, m, expected.line) for m in messages if m]


def _command_difference(expected: PolicyExpectation, policy: Policy) -> str | None:
    if expected.command is None or expected.command.lower() == policy.command:
        return None
    return f"expected command {expected.command.lower()}, found {policy.command}"


def _roles_difference(expected: PolicyExpectation, policy: Policy) -> str | None:
    if expected.roles is None:
        return None
    wanted = {_role(r) for r in expected.roles}
    found = {_role(r) for r in policy.roles}
    if wanted == found:
        return None
    return f"expected roles {', '.join(sorted(wanted))}, found {', '.join(sorted(found)) or 'none'}"


def _role(name: str) -> str:
    return "public" if name.lower() == "public" else name


def _permissive_difference(expected: PolicyExpectation, policy: Policy) -> str | None:
    if expected.permissive is None or expected.permissive == policy.permissive:
        return None
    return "expected permissive, found restrictive" if expected.permissive else "expected restrictive, found permissive"


def _using_difference(expected: PolicyExpectation, policy: Policy, table: Table, normaliser: Normaliser) -> str | None:
    if expected.using is None or literally_found(expected.using, policy.using):
        return None
    normalised = normaliser.policy_using(table.qualified_name, expected.using)
    return expression_difference(normalised, expected.using, policy.using, normaliser, "using ")


def _with_check_difference(
    expected: PolicyExpectation, policy: Policy, table: Table, normaliser: Normaliser
) -> str | None:
    if expected.with_check is None or literally_found(expected.with_check, policy.with_check):
        return None
    normalised = normaliser.policy_with_check(table.qualified_name, expected.with_check)
    return expression_difference(normalised, expected.with_check, policy.with_check, normaliser, "with_check ")
