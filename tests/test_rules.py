"""Built-in rules: each rule on objects that break it and on objects that do not (one scratch
database with the Supabase shim, read through the snapshot), levels and opt-outs, the YAML
validation of `rules:` and `ignore_rules:`, and the `rule[...]` items end to end."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from checks_support import built_database
from rules_support import QUIET, context_for, copy_project, esc, preload, run

from pytest_schemaguard.errors import ConfigError, ExpectationsError
from pytest_schemaguard.expectations import load_expectations
from pytest_schemaguard.expectations.model import Expectations, RuleOptOut, TableExpectation
from pytest_schemaguard.rules import RULES, RuleContext, register
from pytest_schemaguard.rules.evaluate import (
    OptOutTarget,
    exposed_schemas,
    opt_out_targets,
    rule_levels,
    run_rule,
)

preload()

SETUP = """
CREATE SCHEMA private;
CREATE EXTENSION pg_trgm WITH SCHEMA public;
CREATE EXTENSION btree_gist WITH SCHEMA extensions;

-- rls_enabled_on_exposed_tables / rls_without_policies
CREATE TABLE public.no_rls (id bigint PRIMARY KEY);
CREATE TABLE public.with_rls (id bigint PRIMARY KEY, owner uuid);
ALTER TABLE public.with_rls ENABLE ROW LEVEL SECURITY;
CREATE POLICY with_rls_select ON public.with_rls FOR SELECT TO authenticated USING (owner = auth.uid());
CREATE TABLE public.rls_no_policy (id bigint PRIMARY KEY);
ALTER TABLE public.rls_no_policy ENABLE ROW LEVEL SECURITY;
CREATE TABLE private.internal (id bigint PRIMARY KEY);
GRANT SELECT ON private.internal TO authenticated;
CREATE TABLE private.internal_rls (id bigint PRIMARY KEY);
ALTER TABLE private.internal_rls ENABLE ROW LEVEL SECURITY;

-- security_definer_view
CREATE VIEW public.owner_view AS SELECT id FROM public.with_rls;
CREATE VIEW public.invoker_view WITH (security_invoker = true) AS SELECT id FROM public.with_rls;
CREATE VIEW private.owner_view AS SELECT 1 AS one;

-- auth_users_exposed (the shim's default privileges grant anon/authenticated everything in public)
CREATE VIEW public.user_emails AS SELECT id, email FROM auth.users;
CREATE VIEW public.user_emails_again AS SELECT email FROM public.user_emails;
CREATE VIEW public.hidden_emails AS SELECT id, email FROM auth.users;
REVOKE ALL ON public.hidden_emails FROM anon, authenticated;
CREATE VIEW public.invoker_emails WITH (security_invoker = true) AS SELECT email FROM auth.users;
CREATE VIEW private.user_emails AS SELECT email FROM auth.users;
CREATE MATERIALIZED VIEW public.user_count AS SELECT count(*) AS n FROM auth.users;

-- materialized_view_in_api
CREATE MATERIALIZED VIEW public.stats_open AS SELECT 1 AS n;
CREATE MATERIALIZED VIEW public.stats_closed AS SELECT 1 AS n;
REVOKE ALL ON public.stats_closed FROM anon, authenticated;
CREATE MATERIALIZED VIEW private.stats AS SELECT 1 AS n;

-- function_search_path_mutable
CREATE FUNCTION public.definer_unpinned(a bigint) RETURNS bigint LANGUAGE sql SECURITY DEFINER AS 'SELECT a';
CREATE FUNCTION public.definer_pinned() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = '' AS 'SELECT 1';
CREATE FUNCTION public.invoker_unpinned() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION private.definer_unpinned() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';

-- policy_uses_user_metadata / multiple_permissive_policies
CREATE TABLE public.documents (id bigint PRIMARY KEY, owner uuid, team text);
ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_admin ON public.documents FOR SELECT TO authenticated
    USING ((auth.jwt() -> 'user_metadata' ->> 'role') = 'admin');
CREATE POLICY documents_own ON public.documents FOR ALL TO authenticated USING (owner = auth.uid());
CREATE POLICY documents_team ON public.documents AS RESTRICTIVE FOR SELECT TO authenticated
    USING (team = (auth.jwt() -> 'app_metadata' ->> 'team'));
CREATE TABLE public.profiles (id uuid PRIMARY KEY);
ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY profiles_insert ON public.profiles FOR INSERT TO authenticated
    WITH CHECK (EXISTS (SELECT 1 FROM auth.users u WHERE u.id = auth.uid() AND u.raw_user_meta_data ->> 'ok' = 'y'));
CREATE POLICY profiles_select ON public.profiles FOR SELECT TO public USING (true);
CREATE POLICY profiles_select_mine ON public.profiles FOR SELECT TO authenticated USING (id = auth.uid());

-- unindexed_foreign_keys
CREATE TABLE public.parent (id bigint PRIMARY KEY, a int, b int, UNIQUE (a, b));
CREATE TABLE public.child_unindexed (id bigint PRIMARY KEY, parent_id bigint REFERENCES public.parent);
CREATE TABLE public.child_indexed (id bigint PRIMARY KEY, parent_id bigint REFERENCES public.parent);
CREATE INDEX child_indexed_parent_id_idx ON public.child_indexed (parent_id);
CREATE TABLE public.child_partial (id bigint PRIMARY KEY, parent_id bigint REFERENCES public.parent, gone bool);
CREATE INDEX child_partial_parent_id_idx ON public.child_partial (parent_id) WHERE NOT gone;
CREATE TABLE public.child_pair (id bigint PRIMARY KEY, a int, b int, c int,
    FOREIGN KEY (a, b) REFERENCES public.parent (a, b));
CREATE INDEX child_pair_idx ON public.child_pair (b, a, c);
CREATE TABLE public.child_second (id bigint PRIMARY KEY, a int, b int,
    FOREIGN KEY (a, b) REFERENCES public.parent (a, b));
CREATE INDEX child_second_idx ON public.child_second (b);
CREATE SCHEMA quoting;
CREATE TABLE quoting."Parent" (id bigint PRIMARY KEY);
CREATE TABLE quoting.child ("parentId" bigint REFERENCES quoting."Parent");
CREATE INDEX child_parent_idx ON quoting.child ("parentId");

-- duplicate_index
CREATE TABLE public.dups (id bigint PRIMARY KEY, a int, b int CONSTRAINT dups_b_key UNIQUE);
CREATE INDEX dups_a_idx ON public.dups (a);
CREATE INDEX dups_a_again_idx ON public.dups (a);
CREATE INDEX dups_a_partial_idx ON public.dups (a) WHERE b > 0;
CREATE INDEX dups_a_hash_idx ON public.dups USING hash (a);
CREATE UNIQUE INDEX dups_b_unique_idx ON public.dups (b);
-- a primary key, a unique constraint and an index on one column, with names that need quotes
CREATE SCHEMA "My Schema";
CREATE TABLE "My Schema"."Order.Items" (id bigint CONSTRAINT "Order.Items_pkey" PRIMARY KEY);
ALTER TABLE "My Schema"."Order.Items" ADD CONSTRAINT "Order.Items_id_key" UNIQUE (id);
CREATE UNIQUE INDEX "order items id" ON "My Schema"."Order.Items" (id);

-- rls_enabled_on_exposed_tables: only tables an API role reaches through grants
CREATE TABLE public.unreachable (id bigint PRIMARY KEY);
REVOKE ALL ON public.unreachable FROM anon, authenticated;
CREATE TABLE public.via_public (id bigint PRIMARY KEY);
REVOKE ALL ON public.via_public FROM anon, authenticated;
GRANT SELECT ON public.via_public TO PUBLIC;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sg_rules_readers') THEN
    CREATE ROLE sg_rules_readers NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sg_rules_bypass') THEN
    CREATE ROLE sg_rules_bypass NOLOGIN BYPASSRLS;
  END IF;
END $$;
GRANT sg_rules_readers TO anon;
CREATE TABLE public.via_member (id bigint PRIMARY KEY);
REVOKE ALL ON public.via_member FROM anon, authenticated;
GRANT SELECT ON public.via_member TO sg_rules_readers;
CREATE TABLE public.via_column (id bigint PRIMARY KEY, note text);
REVOKE ALL ON public.via_column FROM anon, authenticated;
GRANT SELECT (note) ON public.via_column TO authenticated;
CREATE TABLE public."Policies Off" (id bigint PRIMARY KEY);
CREATE POLICY "read all" ON public."Policies Off" FOR SELECT TO authenticated USING (true);
CREATE POLICY own ON public."Policies Off" FOR UPDATE TO authenticated USING (true);

-- multiple_permissive_policies: roles that bypass RLS (service_role, BYPASSRLS, superuser) do not count
CREATE TABLE public.admin_notes (id bigint PRIMARY KEY);
ALTER TABLE public.admin_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY admin_notes_service ON public.admin_notes FOR ALL TO service_role USING (true);
CREATE POLICY admin_notes_service_read ON public.admin_notes FOR SELECT TO service_role, sg_rules_bypass USING (true);
CREATE POLICY admin_notes_bypass ON public.admin_notes FOR SELECT TO sg_rules_bypass USING (true);
CREATE POLICY admin_notes_super ON public.admin_notes FOR ALL TO postgres USING (true);
CREATE POLICY admin_notes_super_read ON public.admin_notes FOR SELECT TO postgres USING (true);
CREATE POLICY admin_notes_read ON public.admin_notes FOR SELECT TO authenticated USING (true);
"""


@pytest.fixture(scope="module")
def conn(admin_dsn: str) -> Iterator[psycopg.Connection]:
    with built_database(admin_dsn, SETUP) as connection:
        yield connection


@pytest.fixture(scope="module")
def context(conn: psycopg.Connection) -> RuleContext:
    return context_for(conn)


def found(context: RuleContext, rule: str) -> dict[str, list[str]]:
    """Object name -> the rendered findings for it (what the item prints)."""
    result: dict[str, list[str]] = {}
    for finding in run_rule(rule, context, []).findings:
        result.setdefault(finding.name, []).append(finding.render())
    return result


# --------------------------------------------------------------------------- each rule


def test_the_documented_rules_with_their_defaults() -> None:
    assert {name: (r.supabase_default, r.postgres_default) for name, r in RULES.items()} == {
        "rls_enabled_on_exposed_tables": ("error", "off"),
        "rls_without_policies": ("warn", "warn"),
        "security_definer_view": ("error", "off"),
        "auth_users_exposed": ("error", "off"),
        "materialized_view_in_api": ("warn", "off"),
        "extension_in_public": ("warn", "off"),
        "function_search_path_mutable": ("error", "error"),
        "policy_uses_user_metadata": ("error", "off"),
        "multiple_permissive_policies": ("warn", "warn"),
        "unindexed_foreign_keys": ("warn", "warn"),
        "duplicate_index": ("warn", "warn"),
    }


def test_registry_refuses_a_second_rule_of_the_same_name() -> None:
    with pytest.raises(ValueError, match="rule 'duplicate_index' is registered twice"):
        register("duplicate_index", "again", supabase="warn", postgres="warn")(lambda context: [])


def test_rls_enabled_on_exposed_tables(context: RuleContext) -> None:
    findings = found(context, "rls_enabled_on_exposed_tables")
    # not public.unreachable: no API role holds a privilege on it
    assert set(findings) == {"public.no_rls", "public.child_unindexed", "public.child_indexed",
                             "public.child_partial", "public.child_pair", "public.child_second",
                             "public.parent", "public.dups", "public.via_public", "public.via_member",
                             "public.via_column", "public.Policies Off"}
    assert findings["public.no_rls"] == [
        "public.no_rls: row level security is disabled in exposed schema public, so the API roles read and "
        "write every row their grants allow; fix: enable RLS: ALTER TABLE public.no_rls ENABLE ROW LEVEL "
        "SECURITY; and add policies"
    ]


def test_rls_fix_enables_the_policies_a_table_already_has(context: RuleContext) -> None:
    assert found(context, "rls_enabled_on_exposed_tables")["public.Policies Off"] == [
        "public.Policies Off: row level security is disabled in exposed schema public, so the API roles read "
        'and write every row their grants allow; fix: enable RLS: ALTER TABLE public."Policies Off" ENABLE ROW '
        "LEVEL SECURITY; its policies (own, read all) then take effect"
    ]


def test_exposed_schemas_decide_what_is_checked(conn: psycopg.Connection) -> None:
    context = context_for(conn, exposed=("private",))
    assert set(found(context, "rls_enabled_on_exposed_tables")) == {"private.internal"}
    assert set(found(context, "rls_without_policies")) == {"private.internal_rls"}


def test_rls_without_policies(context: RuleContext) -> None:
    assert found(context, "rls_without_policies") == {
        "public.rls_no_policy": [
            "public.rls_no_policy: row level security is enabled but no policy exists, so every API request "
            "sees no rows; fix: add a policy: CREATE POLICY ... ON public.rls_no_policy FOR SELECT TO "
            "authenticated USING (...); or opt out with a reason if only service_role may use it"
        ]
    }


def test_security_definer_view(context: RuleContext) -> None:
    findings = found(context, "security_definer_view")
    assert set(findings) == {"public.owner_view", "public.user_emails", "public.user_emails_again",
                             "public.hidden_emails"}
    assert findings["public.owner_view"] == [
        "public.owner_view: view runs with its owner's privileges (postgres), bypassing the RLS policies of "
        "the tables it reads; fix: ALTER VIEW public.owner_view SET (security_invoker = true);"
    ]


def test_auth_users_exposed_follows_dependencies_and_grants(context: RuleContext) -> None:
    findings = found(context, "auth_users_exposed")
    # not: hidden_emails (no API grant), invoker_emails (caller's rights), private.user_emails (not exposed)
    assert set(findings) == {"public.user_emails", "public.user_emails_again", "public.user_count"}
    assert findings["public.user_emails"] == [
        "public.user_emails: reads auth.users (e-mails, phone numbers, metadata of every user) and anon, "
        "authenticated can select from it through the API; fix: REVOKE SELECT ON public.user_emails FROM "
        "anon, authenticated; or move it to a schema the API does not expose, or ALTER VIEW "
        "public.user_emails SET (security_invoker = true);"
    ]


def test_materialized_view_in_api(context: RuleContext) -> None:
    findings = found(context, "materialized_view_in_api")
    assert set(findings) == {"public.stats_open", "public.user_count"}
    assert findings["public.stats_open"] == [
        "public.stats_open: anon and authenticated can select every row through the API; materialized views "
        "have no row level security; fix: REVOKE SELECT ON public.stats_open FROM anon, authenticated; or "
        "move it to a private schema"
    ]


def test_extension_in_public(context: RuleContext) -> None:
    assert found(context, "extension_in_public") == {
        "pg_trgm": [
            "pg_trgm: is installed in schema public; fix: ALTER EXTENSION pg_trgm SET SCHEMA extensions; (or "
            "drop it and CREATE EXTENSION pg_trgm WITH SCHEMA extensions; if it is not relocatable)"
        ]
    }


def test_function_search_path_mutable(context: RuleContext) -> None:
    findings = found(context, "function_search_path_mutable")
    assert set(findings) == {"public.definer_unpinned(bigint)", "private.definer_unpinned()"}
    assert findings["public.definer_unpinned(bigint)"] == [
        "public.definer_unpinned(bigint): is SECURITY DEFINER without a pinned search_path, so a caller can "
        "put their own objects first on the search_path and run them with the owner's rights; fix: ALTER "
        "FUNCTION public.definer_unpinned(a bigint) SET search_path = ''; and schema-qualify the names in "
        "its body"
    ]


def test_policy_uses_user_metadata(context: RuleContext) -> None:
    findings = found(context, "policy_uses_user_metadata")
    assert set(findings) == {"public.documents", "public.profiles"}  # app_metadata is fine
    assert findings["public.documents"] == [
        "public.documents: policy documents_admin reads user metadata in its USING clause; any signed-in "
        "user can change their own user_metadata with supabase.auth.updateUser(); fix: base the policy on "
        "auth.jwt() -> 'app_metadata' (only the server writes it) or on a table the user cannot write: "
        "ALTER POLICY documents_admin ON public.documents ..."
    ]
    assert "policy profiles_insert reads user metadata in its WITH CHECK clause" in findings["public.profiles"][0]


def test_multiple_permissive_policies(context: RuleContext) -> None:
    findings = found(context, "multiple_permissive_policies")
    # documents: FOR ALL + FOR SELECT for authenticated (the restrictive one does not count);
    # profiles: TO public applies to authenticated too. with_rls has one policy.
    assert findings == {
        "public.documents": [
            "public.documents: several permissive policies apply to the same role and command: "
            "documents_admin, documents_own for role authenticated on select; fix: merge them into one "
            "policy per role and command (USING (a) OR (b)), or make the extra conditions RESTRICTIVE"
        ],
        "public.profiles": [
            "public.profiles: several permissive policies apply to the same role and command: "
            "profiles_select, profiles_select_mine for role authenticated on select; fix: merge them into "
            "one policy per role and command (USING (a) OR (b)), or make the extra conditions RESTRICTIVE"
        ],
    }


def test_multiple_permissive_policies_leaves_out_roles_that_bypass_rls(context: RuleContext) -> None:
    # service_role, a BYPASSRLS role and a superuser have two policies each; authenticated has one
    assert "public.admin_notes" not in found(context, "multiple_permissive_policies")
    assert {"service_role", "sg_rules_bypass", "postgres"} <= context.rls_bypassing_roles
    assert "authenticated" not in context.rls_bypassing_roles


def test_unindexed_foreign_keys(context: RuleContext) -> None:
    findings = found(context, "unindexed_foreign_keys")
    # child_indexed and child_pair (index on b, a, c covers the key a, b) are fine; a partial index
    # does not serve cascading deletes of the rows outside it.
    assert set(findings) == {"public.child_unindexed", "public.child_partial", "public.child_second"}
    assert findings["public.child_second"] == [
        "public.child_second: foreign key child_second_a_b_fkey (a, b) has no index starting with its "
        "columns; fix: CREATE INDEX ON public.child_second (a, b);"
    ]


def test_unindexed_foreign_keys_reads_quoted_index_keys(context: RuleContext) -> None:
    # pg_get_indexdef prints the key as "parentId"; the constraint's column is parentId
    assert "quoting.child" not in found(context, "unindexed_foreign_keys")


def test_duplicate_index(context: RuleContext) -> None:
    assert found(context, "duplicate_index") == {
        "public.dups": [
            "public.dups: indexes dups_a_again_idx, dups_a_idx are identical; fix: keep dups_a_again_idx: "
            "DROP INDEX public.dups_a_idx;",
            "public.dups: indexes dups_b_key, dups_b_unique_idx are identical; fix: keep dups_b_key: "
            "DROP INDEX public.dups_b_unique_idx;",
        ],
        # the primary key stays; a constraint's index is dropped with ALTER TABLE (DROP INDEX is refused)
        "My Schema.Order.Items": [
            "My Schema.Order.Items: indexes Order.Items_id_key, Order.Items_pkey, order items id are identical; "
            'fix: keep Order.Items_pkey: ALTER TABLE "My Schema"."Order.Items" DROP CONSTRAINT "Order.Items_id_key"; '
            'DROP INDEX "My Schema"."order items id";'
        ],
    }


def test_duplicate_index_fixes_run_as_printed(conn: psycopg.Connection, context: RuleContext) -> None:
    # The old fix, DROP INDEX of a constraint's index, is refused by PostgreSQL (2BP01).
    for finding in run_rule("duplicate_index", context, []).findings:
        statements = finding.fix.split(": ", 1)[1]
        with conn.transaction(force_rollback=True):
            conn.execute(statements.encode())


# --------------------------------------------------------------------------- levels, opt-outs, config


def test_levels_default_by_flavor_and_yaml_wins() -> None:
    expectations = Expectations(path=Path("x.yml"), rules={"duplicate_index": ("off", 7)})
    supabase = rule_levels(expectations, "supabase")
    postgres = rule_levels(expectations, "postgres")
    assert (supabase["duplicate_index"].value, supabase["duplicate_index"].line) == ("off", 7)
    assert (supabase["security_definer_view"].value, supabase["security_definer_view"].line) == ("error", None)
    assert postgres["security_definer_view"].value == "off"
    assert postgres["function_search_path_mutable"].value == "error"


def test_opt_out_removes_that_object_only_and_stale_ones_are_reported(context: RuleContext) -> None:
    expectations = Expectations(
        path=Path("x.yml"),
        tables=(
            TableExpectation("public.no_rls", 3, ignore_rules=(RuleOptOut("rls_enabled_on_exposed_tables",
                                                                          "lookup table", 4),)),
            TableExpectation("public.with_rls", 5, ignore_rules=(RuleOptOut("rls_enabled_on_exposed_tables",
                                                                            "old reason", 6),)),
        ),
    )
    outcome = run_rule("rls_enabled_on_exposed_tables", context, opt_out_targets(expectations))
    assert "public.no_rls" not in {f.name for f in outcome.findings}
    assert "public.parent" in {f.name for f in outcome.findings}
    assert [(f.name, t.opt_out.reason) for f, t in outcome.ignored] == [("public.no_rls", "lookup table")]
    assert [(t.name, t.opt_out.line) for t in outcome.stale] == [("public.with_rls", 6)]


def test_function_opt_out_matches_by_name_or_by_overload(context: RuleContext) -> None:
    def remaining(args: tuple[str, ...] | None) -> set[str]:
        target = OptOutTarget("function", "public.definer_unpinned", args,
                              RuleOptOut("function_search_path_mutable", "why", 9))
        return {f.name for f in run_rule("function_search_path_mutable", context, [target]).findings}

    assert remaining(None) == {"private.definer_unpinned()"}
    assert remaining(("bigint",)) == {"private.definer_unpinned()"}
    assert remaining(("text",)) == {"public.definer_unpinned(bigint)", "private.definer_unpinned()"}


def test_exposed_schemas_from_config_toml() -> None:
    assert exposed_schemas({}) == ("public", "graphql_public")
    assert exposed_schemas({"api": {"enabled": True}}) == ("public", "graphql_public")
    assert exposed_schemas({"api": {"schemas": ["public", "api"]}}) == ("public", "api")
    with pytest.raises(ConfigError) as excinfo:
        exposed_schemas({"api": {"schemas": "public"}}, "supabase/config.toml")
    assert str(excinfo.value) == (
        'supabase/config.toml: [api] schemas must be a list of schema names, e.g. schemas = ["public", '
        "\"graphql_public\"]; found 'public'"
    )


# --------------------------------------------------------------------------- YAML validation


def load(tmp_path: Path, body: str) -> Expectations:
    path = tmp_path / "schema_expectations.yml"
    path.write_text("version: 1\n" + textwrap.dedent(body), encoding="utf-8")
    return load_expectations(path)


def error(tmp_path: Path, body: str) -> str:
    with pytest.raises(ExpectationsError) as excinfo:
        load(tmp_path, body)
    return str(excinfo.value).replace(str(tmp_path) + "/", "")


def test_unknown_rule_name_names_the_line_and_the_known_rules(tmp_path: Path) -> None:
    assert error(tmp_path, "rules:\n  duplicate_indexes: warn\n") == (
        "schema_expectations.yml:3: unknown rule 'duplicate_indexes' in 'rules'; known rules: "
        "auth_users_exposed, duplicate_index, extension_in_public, function_search_path_mutable, "
        "materialized_view_in_api, multiple_permissive_policies, policy_uses_user_metadata, "
        "rls_enabled_on_exposed_tables, rls_without_policies, security_definer_view, unindexed_foreign_keys; "
        "did you mean 'duplicate_index'?"
    )


def test_bad_rule_level_lists_the_levels(tmp_path: Path) -> None:
    assert error(tmp_path, "rules:\n  duplicate_index: fatal\n") == (
        "schema_expectations.yml:3: rule 'duplicate_index': expected one of error, warn, off, found the text 'fatal'"
    )


def test_opt_out_with_reason_is_read(tmp_path: Path) -> None:
    spec = load(tmp_path, """\
        tables:
          countries:
            ignore_rules: {rls_enabled_on_exposed_tables: "public lookup table, read-only"}
        views:
          v: {ignore_rules: {security_definer_view: "reads only public data"}}
        functions:
          f:
            args: [bigint]
            ignore_rules:
              function_search_path_mutable: body is fully qualified
        """)
    assert spec.tables[0].ignore_rules == (
        RuleOptOut("rls_enabled_on_exposed_tables", "public lookup table, read-only", 4),
    )
    assert spec.views[0].ignore_rules == (RuleOptOut("security_definer_view", "reads only public data", 6),)
    assert spec.functions[0].ignore_rules == (
        RuleOptOut("function_search_path_mutable", "body is fully qualified", 11),
    )


@pytest.mark.parametrize("reason", ["", '""', '"   "'])
def test_opt_out_without_reason_is_an_error_at_its_line(tmp_path: Path, reason: str) -> None:
    message = error(tmp_path, f"tables:\n  countries:\n    ignore_rules:\n      rls_without_policies: {reason}\n")
    assert message == (
        "schema_expectations.yml:5: the reason for ignoring rule 'rls_without_policies' in table "
        "public.countries is missing: write why this object is an exception, e.g. "
        'rls_without_policies: "public lookup table, read-only"'
    )


def test_opt_out_of_an_unknown_rule(tmp_path: Path) -> None:
    message = error(tmp_path, "tables:\n  countries:\n    ignore_rules: {rls_enabled: because}\n")
    assert message.startswith(
        "schema_expectations.yml:4: unknown rule 'rls_enabled' in 'ignore_rules' in table public.countries; "
        "known rules: auth_users_exposed, "
    )


# --------------------------------------------------------------------------- end to end


NOTES = """\
create table public.notes (id bigint primary key, body text, org_id bigint references public.organizations);
create view public.notes_view as select id from public.notes;
"""


def test_rule_items_fail_for_errors_and_list_warnings_in_the_summary(
    pytester: pytest.Pytester, admin_dsn: str
) -> None:
    copy_project(pytester.path)
    (pytester.path / "supabase/migrations/20250104000000_notes.sql").write_text(NOTES, encoding="utf-8")
    result = run(pytester, admin_dsn, "-k", "rule", "-rA")
    result.assert_outcomes(passed=9, failed=2)
    result.stdout.fnmatch_lines([
        "*_ rule[[]rls_enabled_on_exposed_tables[]] _*",
        "rule rls_enabled_on_exposed_tables (error by default): exposed tables must have RLS enabled",
        "  1 object breaks it:",
        "  public.notes: row level security is disabled in exposed schema public, so the API roles read and "
        "write every row their grants allow; fix: enable RLS: ALTER TABLE public.notes ENABLE ROW LEVEL "
        "SECURITY; and add policies",
        '  an intended exception: under that object in schema_expectations.yml add ignore_rules: '
        '{rls_enabled_on_exposed_tables: "why it is safe"}; or set rules: {rls_enabled_on_exposed_tables: warn}',
    ])
    result.stdout.fnmatch_lines([
        "*schemaguard warnings*",
        "rule unindexed_foreign_keys: public.notes: foreign key notes_org_id_fkey (org_id)"
        " has no index starting with its columns; fix: CREATE INDEX ON public.notes (org_id);",
    ])
    result.stdout.fnmatch_lines([f"FAILED schema_expectations.yml::{esc('rule[security_definer_view]')}*"])


def test_opt_out_and_levels_from_the_yaml_end_to_end(pytester: pytest.Pytester, admin_dsn: str) -> None:
    copy_project(pytester.path)
    (pytester.path / "supabase/migrations/20250104000000_notes.sql").write_text(NOTES, encoding="utf-8")
    yaml = pytester.path / "schema_expectations.yml"
    text = yaml.read_text(encoding="utf-8")
    assert text.count("\nviews:\n") == 1 and "\nrules:" not in text
    opt_out = '  notes_view: {ignore_rules: {security_definer_view: "exposes ids only"}}\n'
    text = text.replace("\nviews:\n", "\nviews:\n" + opt_out)
    text += "\nrules:\n  rls_enabled_on_exposed_tables: warn\n  unindexed_foreign_keys: off\n"
    yaml.write_text(text, encoding="utf-8")
    result = pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", *QUIET, "-k", "rule", "-v")
    result.assert_outcomes(passed=10)  # unindexed_foreign_keys is off: no item
    assert "rule[unindexed_foreign_keys]" not in result.stdout.str()
    result.stdout.fnmatch_lines([
        "*schemaguard warnings*",
        "rule rls_enabled_on_exposed_tables: public.notes: row level security is disabled*",
    ])
