"""Rules about code that runs with elevated rights or decides who sees what: SECURITY DEFINER
functions and RLS policies."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_schemaguard.catalog.model import Policy, Table, quote_ident, sql_name
from pytest_schemaguard.rules.registry import Finding, RuleContext, register

# `auth.jwt() -> 'user_metadata'` prints as (auth.jwt() -> 'user_metadata'::text); auth.users'
# column is raw_user_meta_data. Both are writable by the signed-in user themselves.
_USER_METADATA = re.compile(r"'user_metadata'|\braw_user_meta_data\b", re.IGNORECASE)
ACTIONS = ("select", "insert", "update", "delete")


@register(
    "function_search_path_mutable",
    "SECURITY DEFINER functions must pin search_path",
    supabase="error",
    postgres="error",
)
def function_search_path_mutable(context: RuleContext) -> Iterator[Finding]:
    for function in context.schema.functions.values():
        if function.security_definer and function.search_path is None:
            yield Finding(
                "function",
                function.signature,
                "is SECURITY DEFINER without a pinned search_path, so a caller can put their own "
                "objects first on the search_path and run them with the owner's rights",
                f"ALTER FUNCTION {sql_name(function.schema, function.name)}({function.identity_arguments}) "
                "SET search_path = ''; and schema-qualify the names in its body",
            )


@register(
    "policy_uses_user_metadata",
    "policies must not trust user_metadata (users can edit it)",
    supabase="error",
    postgres="off",
)
def policy_uses_user_metadata(context: RuleContext) -> Iterator[Finding]:
    for table in context.schema.tables.values():
        for policy in table.policies.values():
            clauses = [
                label
                for label, text in (("USING", policy.using), ("WITH CHECK", policy.with_check))
                if text and _USER_METADATA.search(text)
            ]
            if clauses:
                yield Finding(
                    "table",
                    table.qualified_name,
                    f"policy {policy.name} reads user metadata in its {' and '.join(clauses)} clause; "
                    "any signed-in user can change their own user_metadata with supabase.auth.updateUser()",
                    f"base the policy on auth.jwt() -> 'app_metadata' (only the server writes it) or on a "
                    f"table the user cannot write: ALTER POLICY {quote_ident(policy.name)} ON {table.quoted_name} ...",
                )


@register(
    "multiple_permissive_policies",
    "several permissive policies for one role and command on a table",
    supabase="warn",
    postgres="warn",
)
def multiple_permissive_policies(context: RuleContext) -> Iterator[Finding]:
    for table in context.schema.tables.values():
        overlaps = permissive_overlaps(table, context.rls_bypassing_roles)
        if not overlaps:
            continue
        described = "; ".join(
            f"{', '.join(names)} for role {role} on {action}" for (role, action), names in overlaps.items()
        )
        yield Finding(
            "table",
            table.qualified_name,
            f"several permissive policies apply to the same role and command: {described}",
            "merge them into one policy per role and command (USING (a) OR (b)), "
            "or make the extra conditions RESTRICTIVE",
        )


def permissive_overlaps(
    table: Table, bypassing: frozenset[str] = frozenset()
) -> dict[tuple[str, str], tuple[str, ...]]:
    """(role, action) -> the permissive policies that apply, where more than one does.

    A policy FOR ALL applies to every action and a policy TO public applies to every role.
    Roles in ``bypassing`` are left out: no policy is evaluated for them.
    """
    permissive = [p for p in table.policies.values() if p.permissive]
    roles = sorted({r for p in permissive for r in p.roles} - bypassing)
    overlaps: dict[tuple[str, str], tuple[str, ...]] = {}
    for role in roles:
        for action in ACTIONS:
            names = tuple(sorted(p.name for p in permissive if _applies(p, role, action)))
            if len(names) > 1:
                overlaps[(role, action)] = names
    return overlaps


def _applies(policy: Policy, role: str, action: str) -> bool:
    return policy.command in ("all", action) and (role in policy.roles or "public" in policy.roles)
