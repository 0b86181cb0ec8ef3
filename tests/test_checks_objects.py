"""Views, enums, functions, extensions, absent objects and schema exhaustiveness, end to end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from checks_support import Checker, built_database, messages

from pytest_schemaguard.expectations.model import (
    AbsentExpectation,
    EnumExpectation,
    ExtensionExpectation,
    FunctionExpectation,
    GrantExpectation,
    SchemaExhaustiveExpectation,
    TableExpectation,
    ViewExpectation,
)

SETUP = """
CREATE EXTENSION pg_trgm;
CREATE SCHEMA "my.app";
CREATE TABLE "my.app"."Order.Items" (id int);
CREATE TYPE "my.app"."teamRoles" AS ENUM ('owner');
CREATE TYPE opportunity_stage AS ENUM ('new_lead', 'initial_outreach', 'closed_won', 'closed_lost');
CREATE TABLE organizations (id bigint PRIMARY KEY, name text, legacy_code text);
CREATE VIEW organizations_summary WITH (security_invoker = true) AS
    SELECT id, name, 0 AS nb_contacts FROM organizations;
CREATE VIEW insecure_summary AS SELECT id FROM organizations;
CREATE MATERIALIZED VIEW organizations_mv AS SELECT id FROM organizations;
REVOKE ALL ON organizations_summary FROM anon;
CREATE FUNCTION set_primary_organization(p_contact bigint, p_org bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$ BEGIN END $$;
REVOKE ALL ON FUNCTION set_primary_organization(bigint, bigint) FROM PUBLIC, anon, service_role;
CREATE FUNCTION helper(a integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT a';
CREATE FUNCTION helper(a text) RETURNS text LANGUAGE sql AS 'SELECT a';
CREATE FUNCTION list_orgs() RETURNS SETOF organizations LANGUAGE sql STABLE AS 'SELECT * FROM organizations';
CREATE FUNCTION org_rows() RETURNS TABLE (id bigint, name text) LANGUAGE sql
    AS 'SELECT id, name FROM organizations';
CREATE FUNCTION everyone() RETURNS int LANGUAGE sql AS 'SELECT 1';
REVOKE ALL ON FUNCTION everyone() FROM anon, authenticated, service_role;
CREATE FUNCTION pinned() RETURNS int LANGUAGE sql SET search_path = public, extensions AS 'SELECT 1';
"""


@pytest.fixture(scope="module")
def checker(admin_dsn: str) -> Iterator[Checker]:
    with built_database(admin_dsn, SETUP) as conn:
        yield Checker(conn)


def test_views(checker: Checker) -> None:
    reports = checker.run(
        views=(
            ViewExpectation(
                "public.organizations_summary",
                3,
                security_invoker=True,
                columns=("id", "name", "nb_contacts"),
                grants=(GrantExpectation("anon", frozenset(), 4),),
            ),
            ViewExpectation("public.insecure_summary", 5, security_invoker=True, columns=("name", "id")),
            ViewExpectation("public.organizations", 6),
            ViewExpectation("public.organizations_mv", 7),
            ViewExpectation("public.organizations_mv", 8, materialized=True, columns=("id",)),
            ViewExpectation("public.organizations_summry", 9),
        )
    )
    assert [(r.kind, r.name) for r in reports] == [
        ("view", "public.organizations_summary"),
        ("view", "public.insecure_summary"),
        ("view", "public.organizations"),
        ("view", "public.organizations_mv"),
        ("materialized_view", "public.organizations_mv"),
        ("view", "public.organizations_summry"),
    ]
    assert [messages(r) for r in reports] == [
        [],
        ["security_invoker: expected true, found false (line 5)", "columns: expected (name, id), found (id) (line 5)"],
        ["view: missing (public.organizations is a table) (line 6)"],
        ["view: missing (public.organizations_mv is a materialized view) (line 7)"],
        [],
        ["view: missing (similar: public.organizations_summary) (line 9)"],
    ]


def test_enums(checker: Checker) -> None:
    reports = checker.run(
        enums=(
            EnumExpectation(
                "public.opportunity_stage", ("new_lead", "initial_outreach", "closed_won", "closed_lost"), 3
            ),
            EnumExpectation(
                "public.opportunity_stage", ("new_lead", "closed_won", "initial_outreach", "closed_lost"), 4
            ),
            EnumExpectation("public.opportunity_stage", ("new_lead", "qualified", "closed_won"), 5),
            EnumExpectation("public.stage", ("a",), 6),
        )
    )
    assert [messages(r) for r in reports] == [
        [],
        [
            "labels: out of order: expected (new_lead, closed_won, initial_outreach, closed_lost),"
            " found (new_lead, initial_outreach, closed_won, closed_lost) (line 4)"
        ],
        [
            "labels: missing qualified; unexpected initial_outreach, closed_lost: expected (new_lead, qualified,"
            " closed_won), found (new_lead, initial_outreach, closed_won, closed_lost) (line 5)"
        ],
        ["enum: missing (line 6)"],
    ]
    assert reports[0].name == "public.opportunity_stage"


def test_function_matches_spelled_differently(checker: Checker) -> None:
    report = checker.one(
        functions=(
            FunctionExpectation(
                "public.set_primary_organization",
                3,
                args=("int8", "BIGINT"),
                returns="void",
                language="PLpgSQL",
                security_definer=True,
                search_path="",
                has_search_path=True,
                volatility="volatile",
                grants=(
                    GrantExpectation("authenticated", frozenset({"execute"}), 4),
                    GrantExpectation("anon", frozenset(), 5),
                ),
            ),
        )
    )
    assert report.kind == "function"
    assert report.name == "public.set_primary_organization(bigint,bigint)"
    assert messages(report) == []


def test_function_mismatches(checker: Checker) -> None:
    report = checker.one(
        functions=(
            FunctionExpectation(
                "public.set_primary_organization",
                3,
                returns="int",
                language="sql",
                security_definer=False,
                search_path="public",
                has_search_path=True,
                volatility="stable",
                grants=(GrantExpectation("authenticated", frozenset(), 4),),
            ),
        )
    )
    assert report.name == "public.set_primary_organization(bigint,bigint)"
    assert messages(report) == [
        "returns: expected integer, found void (line 3)",
        "language: expected sql, found plpgsql (line 3)",
        "security_definer: expected false, found true (line 3)",
        "search_path: expected public, found '' (empty) (line 3)",
        "volatility: expected stable, found volatile (line 3)",
        "grants authenticated: expected no privileges, found execute (line 4)",
    ]


def test_function_public_execute_and_search_path_lists(checker: Checker) -> None:
    reports = checker.run(
        functions=(
            FunctionExpectation(
                "public.pinned",
                3,
                search_path='"public", extensions',
                has_search_path=True,
                grants=(GrantExpectation("anon", frozenset(), 4),),
            ),
            FunctionExpectation(
                "public.list_orgs", 5, returns="setof organizations", search_path="", has_search_path=True
            ),
            FunctionExpectation("public.org_rows", 6, returns="table(id bigint,  name text)"),
            FunctionExpectation("public.org_rows", 7, returns="table(id int, name text)"),
        )
    )
    assert [r.name for r in reports] == [
        "public.pinned()",
        "public.list_orgs()",
        "public.org_rows()",
        "public.org_rows()",
    ]
    assert [messages(r) for r in reports] == [
        ["grants anon: expected no privileges, found execute (line 4)"],
        ["search_path: expected '' (empty), found not pinned (line 5)"],
        [],
        ["returns: expected table(id int, name text), found TABLE(id bigint, name text) (line 7)"],
    ]


def test_function_executable_through_public_is_reported(checker: Checker) -> None:
    grants = (GrantExpectation("anon", frozenset(), 3), GrantExpectation("authenticated", frozenset({"execute"}), 4))
    report = checker.one(functions=(FunctionExpectation("public.everyone", 2, grants=grants),))
    assert messages(report) == ["grants anon: expected no privileges, found execute (via PUBLIC) (line 3)"]


def test_function_overloads_and_missing(checker: Checker) -> None:
    reports = checker.run(
        functions=(
            FunctionExpectation("public.helper", 3),
            FunctionExpectation("public.helper", 4, args=("int4",), volatility="immutable"),
            FunctionExpectation("public.helper", 5, args=("bigint",)),
            FunctionExpectation("public.helpr", 6),
            FunctionExpectation("public.helper", 7, args=("nope",)),
        )
    )
    assert [r.name for r in reports] == [
        "public.helper",
        "public.helper(integer)",
        "public.helper(bigint)",
        "public.helpr",
        "public.helper(nope)",
    ]
    assert [messages(r) for r in reports] == [
        ["function: 2 overloads (public.helper(integer), public.helper(text)); declare args to choose one (line 3)"],
        [],
        ["function: missing (found overloads: public.helper(integer), public.helper(text)) (line 5)"],
        ["function: missing (similar: public.helper) (line 6)"],
        ["args: unknown type 'nope': type \"nope\" does not exist (line 7)"],
    ]


def test_extensions(checker: Checker) -> None:
    reports = checker.run(
        extensions=(
            ExtensionExpectation("pg_trgm", 3),
            ExtensionExpectation("pg_trgm", 4, schema="extensions"),
            ExtensionExpectation("pgcrypto", 5, schema="extensions"),
            ExtensionExpectation("pg_trgrm", 6),
        )
    )
    assert (reports[0].kind, reports[0].name) == ("extension", "pg_trgm")
    assert [messages(r) for r in reports] == [
        [],
        ["schema: expected extensions, found public (line 4)"],
        [],
        ["extension: not installed (similar: pg_trgm) (line 6)"],
    ]


def test_absent(checker: Checker) -> None:
    reports = checker.run(
        absent=(
            AbsentExpectation("table", "public.deals", 3),
            AbsentExpectation("table", "public.organizations", 4),
            AbsentExpectation("view", "public.insecure_summary", 5),
            AbsentExpectation("function", "public.helper(int4)", 6),
            AbsentExpectation("function", "public.helper(bigint)", 7),
            AbsentExpectation("function", "public.helper", 8),
            AbsentExpectation("column", "public.organizations.legacy_code", 9),
            AbsentExpectation("extension", "pg_trgm", 10),
            AbsentExpectation("materialized_view", "public.organizations_mv", 11),
        )
    )
    assert [r.name for r in reports] == [
        "table public.deals",
        "table public.organizations",
        "view public.insecure_summary",
        "function public.helper(int4)",
        "function public.helper(bigint)",
        "function public.helper",
        "column public.organizations.legacy_code",
        "extension pg_trgm",
        "materialized view public.organizations_mv",
    ]
    assert {r.kind for r in reports} == {"absent"}
    assert [messages(r) for r in reports] == [
        [],
        ["table: expected absent, found table public.organizations (line 4)"],
        ["view: expected absent, found view public.insecure_summary (line 5)"],
        ["function: expected absent, found public.helper(integer) (line 6)"],
        [],
        ["function: expected absent, found public.helper(integer), public.helper(text) (line 8)"],
        ["column: expected absent, found column legacy_code of type text (line 9)"],
        [
            f"extension: expected absent, found pg_trgm {checker.schema.extensions['pg_trgm'].version}"
            " in schema public (line 10)"
        ],
        ["materialized view: expected absent, found materialized view public.organizations_mv (line 11)"],
    ]


def test_schema_exhaustive(checker: Checker) -> None:
    reports = checker.run(
        tables=(TableExpectation("public.organizations", 3),),
        views=(ViewExpectation("public.organizations_summary", 4),),
        functions=(FunctionExpectation("public.helper", 5), FunctionExpectation("public.pinned", 6)),
        exhaustive=(
            SchemaExhaustiveExpectation(
                "public", ("tables", "views", "materialized_views", "enums", "functions", "types"), 7
            ),
        ),
    )
    report = reports[-1]
    assert (report.kind, report.name, report.line) == ("exhaustive", "public", 7)
    assert messages(report) == [
        "views: unexpected public.insecure_summary (line 7)",
        "materialized_views: unexpected public.organizations_mv (line 7)",
        "enums: unexpected public.opportunity_stage (line 7)",
        "functions: unexpected public.everyone(), public.list_orgs(), public.org_rows(),"
        " public.set_primary_organization(bigint,bigint)"
        " (line 7)",
        "exhaustive: cannot check aspect 'types' (known: tables, views, materialized_views, enums, functions) (line 7)",
    ]


def test_schema_exhaustive_with_dots_in_names(checker: Checker) -> None:
    # Was: keys split at their first dot, so schema "my.app" never matched and nothing was reported.
    report = checker.run(exhaustive=(SchemaExhaustiveExpectation("my.app", ("tables", "enums"), 8),))[-1]
    assert messages(report) == [
        "tables: unexpected my.app.Order.Items (line 8)",
        "enums: unexpected my.app.teamRoles (line 8)",
    ]


def test_check_all_orders_reports_by_kind(checker: Checker) -> None:
    reports = checker.run(
        absent=(AbsentExpectation("table", "public.deals", 9),),
        functions=(FunctionExpectation("public.pinned", 8),),
        enums=(EnumExpectation("public.opportunity_stage", ("new_lead",), 7),),
        views=(ViewExpectation("public.insecure_summary", 6),),
        tables=(TableExpectation("public.organizations", 5),),
        extensions=(ExtensionExpectation("pg_trgm", 4),),
        exhaustive=(SchemaExhaustiveExpectation("public", (), 10),),
    )
    assert [r.kind for r in reports] == ["extension", "table", "view", "enum", "function", "absent", "exhaustive"]
