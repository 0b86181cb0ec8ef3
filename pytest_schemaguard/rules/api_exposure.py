"""Rules about what the Data API (PostgREST) exposes: RLS, views that run as their owner,
auth.users leaking through a view, materialized views and extensions in exposed schemas.

"Exposed" means a schema listed in supabase/config.toml ``[api] schemas``.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_schemaguard.catalog.model import Table, quote_ident, sql_name
from pytest_schemaguard.checks.grants import effective_privileges
from pytest_schemaguard.rules.registry import Finding, RuleContext, load_sql, register

API_ROLES = ("anon", "authenticated")
ROW_PRIVILEGES = frozenset({"select", "insert", "update", "delete"})


@register(
    "rls_enabled_on_exposed_tables",
    "exposed tables must have RLS enabled",
    supabase="error",
    postgres="off",
)
def rls_enabled_on_exposed_tables(context: RuleContext) -> Iterator[Finding]:
    """Only tables an API role can reach through its grants: the API cannot touch the others."""
    for table in context.schema.tables.values():
        if context.is_exposed(table.schema) and not table.rls_enabled and reaching_api_roles(table, context):
            enable = f"enable RLS: ALTER TABLE {table.quoted_name} ENABLE ROW LEVEL SECURITY;"
            if table.policies:  # written but not in force: enabling RLS is all that is missing
                policies = ", ".join(sorted(table.policies))
                fix = f"{enable} its policies ({policies}) then take effect"
            else:
                fix = f"{enable} and add policies"
            yield Finding(
                "table",
                table.qualified_name,
                f"row level security is disabled in exposed schema {table.schema}, so the API roles "
                "read and write every row their grants allow",
                fix,
            )


def reaching_api_roles(table: Table, context: RuleContext) -> list[str]:
    """The API roles that hold a row privilege on the table or one of its columns: directly,
    through a role they inherit from, or through PUBLIC."""
    found = []
    for role in API_ROLES:
        grants = [table.privileges, *table.column_privileges.values()]
        if any(effective_privileges(g, role, context.memberships) & ROW_PRIVILEGES for g in grants):
            found.append(role)
    return found


@register(
    "rls_without_policies",
    "exposed tables with RLS enabled but no policy (the API sees no row)",
    supabase="warn",
    postgres="warn",
)
def rls_without_policies(context: RuleContext) -> Iterator[Finding]:
    for table in context.schema.tables.values():
        if context.is_exposed(table.schema) and table.rls_enabled and not table.policies:
            name = table.qualified_name
            yield Finding(
                "table",
                name,
                "row level security is enabled but no policy exists, so every API request sees no rows",
                f"add a policy: CREATE POLICY ... ON {table.quoted_name} FOR SELECT TO authenticated USING (...); "
                "or opt out with a reason if only service_role may use it",
            )


@register(
    "security_definer_view",
    "exposed views must set security_invoker = true (else they bypass RLS)",
    supabase="error",
    postgres="off",
)
def security_definer_view(context: RuleContext) -> Iterator[Finding]:
    for view in context.schema.views.values():
        if context.is_exposed(view.schema) and not view.security_invoker:
            name = view.qualified_name
            yield Finding(
                "view",
                name,
                f"view runs with its owner's privileges ({view.owner or 'owner'}), bypassing the "
                "RLS policies of the tables it reads",
                f"ALTER VIEW {view.quoted_name} SET (security_invoker = true);",
            )


@register(
    "auth_users_exposed",
    "exposed views must not let anon/authenticated read auth.users",
    supabase="error",
    postgres="off",
)
def auth_users_exposed(context: RuleContext) -> Iterator[Finding]:
    """Found through pg_depend (also through other views), not by reading the view's text."""
    if context.conn is None:
        return
    with context.conn.cursor() as cur:
        rows = cur.execute(load_sql("auth_users_exposed.sql").encode(), {"exposed": list(context.exposed_schemas)})
        found = rows.fetchall()
    for schema, name, relkind, roles in found:
        kind = "materialized_view" if relkind == "m" else "view"
        qualified = f"{schema}.{name}"
        quoted = sql_name(schema, name)
        fix = (
            f"REVOKE SELECT ON {quoted} FROM {', '.join(roles)}; or move it to a schema the API does "
            "not expose"
        )
        if kind == "view":
            fix += f", or ALTER VIEW {quoted} SET (security_invoker = true);"
        yield Finding(
            kind,
            qualified,
            f"reads auth.users (e-mails, phone numbers, metadata of every user) and {', '.join(roles)} "
            "can select from it through the API",
            fix,
        )


@register(
    "materialized_view_in_api",
    "exposed materialized views readable by anon/authenticated (no RLS)",
    supabase="warn",
    postgres="off",
)
def materialized_view_in_api(context: RuleContext) -> Iterator[Finding]:
    for view in context.schema.materialized_views.values():
        if not context.is_exposed(view.schema):
            continue
        roles = [r for r in API_ROLES if "select" in effective_privileges(view.privileges, r, context.memberships)]
        if roles:
            name = view.qualified_name
            yield Finding(
                "materialized_view",
                name,
                f"{' and '.join(roles)} can select every row through the API; materialized views "
                "have no row level security",
                f"REVOKE SELECT ON {view.quoted_name} FROM {', '.join(roles)}; or move it to a private schema",
            )


@register(
    "extension_in_public",
    "extensions installed in schema public (they join the API surface)",
    supabase="warn",
    postgres="off",
)
def extension_in_public(context: RuleContext) -> Iterator[Finding]:
    for extension in context.schema.extensions.values():
        if extension.schema == "public":
            yield Finding(
                "extension",
                extension.name,
                "is installed in schema public",
                f"ALTER EXTENSION {quote_ident(extension.name)} SET SCHEMA extensions; (or drop it and "
                f"CREATE EXTENSION {quote_ident(extension.name)} WITH SCHEMA extensions; if it is not relocatable)",
            )
