"""Grant checks shared by tables, views and functions.

A role's privileges are what it can actually do: direct grants plus whatever PUBLIC holds
(functions are executable by PUBLIC by default, which is the usual surprise). A privilege that
comes only through PUBLIC is reported as such, so the fix (REVOKE ... FROM PUBLIC) is obvious.
"""

from __future__ import annotations

from collections.abc import Iterable

from pytest_schemaguard.catalog.model import Privileges
from pytest_schemaguard.checks.findings import Mismatch
from pytest_schemaguard.expectations.model import GrantExpectation

_ORDER = ("select", "insert", "update", "delete", "truncate", "references", "trigger", "execute", "usage")


def check_grants(expected: Iterable[GrantExpectation], privileges: Privileges) -> list[Mismatch]:
    """One mismatch per role whose effective privileges differ from the declared set."""
    mismatches = []
    for grant in expected:
        message = _grant_difference(grant, privileges)
        if message is not None:
            mismatches.append(Mismatch(f"grants {grant.role}", message, grant.line))
    return mismatches


def _grant_difference(grant: GrantExpectation, privileges: Privileges) -> str | None:
    wanted = frozenset(p.lower() for p in grant.privileges)
    if grant.role.lower() == "public":
        direct, via_public = _held(privileges, "PUBLIC"), frozenset[str]()
    else:
        direct = _held(privileges, grant.role)
        via_public = _held(privileges, "PUBLIC") - direct
    if direct | via_public == wanted:
        return None
    expected = privilege_list(wanted) if wanted else "no privileges"
    return f"expected {expected}, found {_found(direct, via_public)}"


def _held(privileges: Privileges, role: str) -> frozenset[str]:
    for grantee, held in privileges.items():
        if grantee == role or (role == "PUBLIC" and grantee.lower() == "public"):
            return frozenset(p.lower() for p in held)
    return frozenset()


def _found(direct: frozenset[str], via_public: frozenset[str]) -> str:
    if direct and via_public:
        return f"{privilege_list(direct)}, and {privilege_list(via_public)} (via PUBLIC)"
    if via_public:
        return f"{privilege_list(via_public)} (via PUBLIC)"
    return privilege_list(direct) if direct else "none"


def privilege_list(privileges: Iterable[str]) -> str:
    """Privileges in the order GRANT documents them: ``select, insert, update``."""
    rank = {name: position for position, name in enumerate(_ORDER)}
    return ", ".join(sorted(set(privileges), key=lambda p: (rank.get(p, len(_ORDER)), p)))


def unexpected_grantees(declared: Iterable[GrantExpectation], privileges: Privileges, owner: str) -> list[str]:
    """Roles holding privileges that the YAML does not mention (the owner excepted)."""
    named = {g.role.lower() for g in declared}
    return sorted(role for role, held in privileges.items() if held and role.lower() not in named and role != owner)
