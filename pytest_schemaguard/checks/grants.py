"""Grant checks shared by tables, views and functions.

A role's privileges are what it can actually do: its direct grants, plus what it inherits from
the roles it is a member of (with INHERIT, transitively), plus whatever PUBLIC holds (functions
are executable by PUBLIC by default, which is the usual surprise). A privilege that does not
come from a direct grant is reported with where it comes from — ``(via PUBLIC)``, ``(via member
of app_writer)`` — so the fix (REVOKE ... FROM PUBLIC, REVOKE app_writer FROM anon) is obvious.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pytest_schemaguard.catalog.model import Privileges
from pytest_schemaguard.checks.findings import Mismatch
from pytest_schemaguard.expectations.model import GrantExpectation

_ORDER = ("select", "insert", "update", "delete", "truncate", "references", "trigger", "execute", "usage")

Memberships = Mapping[str, frozenset[str]]
"""Role -> every role whose privileges it inherits (through INHERIT memberships, transitively)."""


def check_grants(
    expected: Iterable[GrantExpectation], privileges: Privileges, memberships: Memberships | None = None
) -> list[Mismatch]:
    """One mismatch per role whose effective privileges differ from the declared set."""
    mismatches = []
    for grant in expected:
        message = _grant_difference(grant, privileges, memberships or {})
        if message is not None:
            mismatches.append(Mismatch(f"grants {grant.role}", message, grant.line))
    return mismatches


def privilege_sources(privileges: Privileges, role: str, memberships: Memberships) -> dict[str, frozenset[str]]:
    """Where ``role``'s privileges come from: ``""`` (direct), an inherited role, or ``PUBLIC``.

    A privilege is attributed to the first source that grants it, in that order, so each is
    listed once.
    """
    if role.lower() == "public":
        return {"PUBLIC": _held(privileges, "PUBLIC")}
    sources: dict[str, frozenset[str]] = {"": _held(privileges, role)}
    seen = set(sources[""])
    for parent in sorted(memberships.get(role, ())):
        sources[parent] = _held(privileges, parent) - seen
        seen |= sources[parent]
    sources["PUBLIC"] = _held(privileges, "PUBLIC") - seen
    return {source: held for source, held in sources.items() if held or source == ""}


def effective_privileges(privileges: Privileges, role: str, memberships: Memberships | None = None) -> frozenset[str]:
    """Everything ``role`` can do on the object: direct, inherited and PUBLIC privileges."""
    return frozenset().union(*privilege_sources(privileges, role, memberships or {}).values())


def _grant_difference(grant: GrantExpectation, privileges: Privileges, memberships: Memberships) -> str | None:
    wanted = frozenset(p.lower() for p in grant.privileges)
    sources = privilege_sources(privileges, grant.role, memberships)
    if frozenset().union(*sources.values()) == wanted:
        return None
    expected = privilege_list(wanted) if wanted else "no privileges"
    return f"expected {expected}, found {_found(sources)}"


def _held(privileges: Privileges, role: str) -> frozenset[str]:
    for grantee, held in privileges.items():
        if grantee == role or (role == "PUBLIC" and grantee.lower() == "public"):
            return frozenset(p.lower() for p in held)
    return frozenset()


def _found(sources: Mapping[str, frozenset[str]]) -> str:
    parts = []
    for source, held in sources.items():
        if not held:
            continue
        if source == "":
            parts.append(privilege_list(held))
        elif source == "PUBLIC":
            parts.append(f"{privilege_list(held)} (via PUBLIC)")
        else:
            parts.append(f"{privilege_list(held)} (via member of {source})")
    return ", and ".join(parts) if parts else "none"


def privilege_list(privileges: Iterable[str]) -> str:
    """Privileges in the order GRANT documents them: ``select, insert, update``."""
    rank = {name: position for position, name in enumerate(_ORDER)}
    return ", ".join(sorted(set(privileges), key=lambda p: (rank.get(p, len(_ORDER)), p)))


def unexpected_grantees(declared: Iterable[GrantExpectation], privileges: Privileges, owner: str) -> list[str]:
    """Roles holding privileges that the YAML does not mention (the owner excepted)."""
    named = {g.role.lower() for g in declared}
    return sorted(role for role, held in privileges.items() if held and role.lower() not in named and role != owner)
