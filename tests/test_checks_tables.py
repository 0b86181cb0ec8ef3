"""Table checks end to end: SQL -> inspect_schema -> check_all -> exact messages and lines."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import psycopg
import pytest
from checks_support import YAML, Checker, built_database, messages

from pytest_schemaguard.checks import Normaliser, check_all
from pytest_schemaguard.expectations.model import (
    CheckExpectation,
    ColumnExpectation,
    ExclusionExpectation,
    Expectations,
    ForeignKeyExpectation,
    FullTextSearchExpectation,
    GrantExpectation,
    IndexExpectation,
    PolicyExpectation,
    SoftDeleteExpectation,
    TableExpectation,
    TriggerExpectation,
)

SETUP = """
CREATE EXTENSION btree_gist;
CREATE TYPE organization_type AS ENUM ('unknown', 'company', 'nonprofit');
CREATE TABLE organizations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    website text,
    city text,
    code varchar(20),
    organization_type organization_type DEFAULT 'unknown',
    parent_organization_id bigint REFERENCES organizations (id) ON DELETE SET NULL,
    owner_id uuid,
    search_tsv tsvector,
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organizations_no_self_parent CHECK (parent_organization_id IS DISTINCT FROM id),
    CONSTRAINT organizations_name_active_excl EXCLUDE USING gist (lower(name) WITH =) WHERE (deleted_at IS NULL),
    CONSTRAINT organizations_website_key UNIQUE (website)
);
COMMENT ON TABLE organizations IS 'Companies and other organisations';
CREATE UNIQUE INDEX organizations_city_active_key ON organizations (city) WHERE deleted_at IS NULL;
CREATE INDEX organizations_search_tsv_idx ON organizations USING gin (search_tsv);
CREATE INDEX organizations_lower_name_idx ON organizations (lower(name)) WHERE deleted_at IS NULL;
CREATE FUNCTION organizations_search_tsv_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_tsv := to_tsvector('simple', coalesce(NEW.name, '') || ' ' || coalesce(NEW.website, '')
                                            || ' ' || coalesce(NEW.city, ''));
    RETURN NEW;
END $$;
CREATE TRIGGER organizations_search_tsv_trigger BEFORE INSERT OR UPDATE ON organizations
    FOR EACH ROW EXECUTE FUNCTION organizations_search_tsv_update();
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
CREATE POLICY organizations_select_authenticated ON organizations FOR SELECT TO authenticated
    USING (deleted_at IS NULL);
CREATE POLICY organizations_insert_authenticated ON organizations FOR INSERT TO authenticated
    WITH CHECK (true);
CREATE POLICY organizations_update_own ON organizations FOR UPDATE TO authenticated, service_role
    USING (auth.uid() = owner_id) WITH CHECK (owner_id = (SELECT auth.uid()));
REVOKE ALL ON organizations FROM anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE ON organizations TO authenticated;

CREATE TABLE public_notes (id int PRIMARY KEY, body text);
REVOKE ALL ON public_notes FROM anon, authenticated, service_role;
GRANT SELECT ON public_notes TO PUBLIC;
GRANT INSERT ON public_notes TO anon;

CREATE TABLE tags (id int, label text, deleted_at timestamptz);
CREATE VIEW organizations_view AS SELECT id FROM organizations;
"""

L = 10  # line of the table expectation; aspects use L + n


def organizations() -> TableExpectation:
    """The complete, correct declaration: every spelling here differs from the catalog's."""
    return TableExpectation(
        name="public.organizations",
        line=L,
        rls="enabled",
        rls_line=L + 1,
        comment="Companies and other organisations",
        columns=(
            ColumnExpectation("id", L + 2, type="int8", nullable=False, identity="always"),
            ColumnExpectation("name", L + 3, type="text", nullable=False),
            ColumnExpectation("code", L + 4, type="varchar(20)"),
            ColumnExpectation(
                "organization_type", L + 5, type="organization_type", default="'unknown'", has_default=True
            ),
            ColumnExpectation("deleted_at", L + 6, type="timestamptz", nullable=True),
            ColumnExpectation("created_at", L + 7, type="timestamp with time zone", default="NOW()", has_default=True),
            ColumnExpectation("legacy_code", L + 8, absent=True),
            ColumnExpectation("website", L + 9, has_default=True),
        ),
        primary_key=("id",),
        primary_key_line=L + 10,
        unique=((("website",), L + 11),),
        foreign_keys=(
            ForeignKeyExpectation(
                ("parent_organization_id",), "public.organizations", ("id",), L + 13, on_delete="set_null"
            ),
            ForeignKeyExpectation(("parent_organization_id",), "public.organizations", (), L + 14),
        ),
        checks=(
            CheckExpectation("organizations_no_self_parent", "parent_organization_id is distinct from id", L + 15),
        ),
        exclusion_constraints=(
            ExclusionExpectation(
                ("LOWER(name) with =",),
                L + 16,
                name="organizations_name_active_excl",
                using="gist",
                where="deleted_at is null",
            ),
            ExclusionExpectation(("lower(name) WITH =",), L + 17, using="GIST", where="(deleted_at IS NULL)"),
        ),
        indexes=(
            IndexExpectation(
                "organizations_search_tsv_idx", L + 18, using="gin", columns=("search_tsv",), unique=False
            ),
            IndexExpectation(
                "organizations_lower_name_idx", L + 19, columns=("lower( name )",), where="deleted_at is null"
            ),
        ),
        triggers=(
            TriggerExpectation(
                "organizations_search_tsv_trigger",
                L + 20,
                timing="before",
                events=("update", "insert"),
                level="row",
                function="organizations_search_tsv_update",
            ),
        ),
        policies=(
            PolicyExpectation(
                "organizations_select_authenticated",
                L + 21,
                command="select",
                roles=("authenticated",),
                permissive=True,
                using="deleted_at is null",
            ),
            PolicyExpectation(
                "organizations_insert_authenticated",
                L + 22,
                command="insert",
                roles=("authenticated",),
                with_check="TRUE",
            ),
            PolicyExpectation(
                "organizations_update_own",
                L + 23,
                command="update",
                roles=("service_role", "authenticated"),
                using="auth.uid() = owner_id",
                with_check="owner_id = (select auth.uid())",
            ),
        ),
        full_text_search=FullTextSearchExpectation("search_tsv", ("name", "website", "city"), L + 24),
        soft_delete=SoftDeleteExpectation("deleted_at", (("name",), ("city",)), L + 25),
        grants=(
            GrantExpectation("authenticated", frozenset({"select", "insert", "update"}), L + 26),
            GrantExpectation("anon", frozenset(), L + 27),
        ),
        exhaustive=("policies", "triggers", "checks", "foreign_keys", "exclusion_constraints", "grants"),
        exhaustive_line=L + 28,
    )


@pytest.fixture(scope="module")
def checker(admin_dsn: str) -> Iterator[Checker]:
    with built_database(admin_dsn, SETUP) as conn:
        yield Checker(conn)


def table_report(checker: Checker, **changes: object):  # type: ignore[no-untyped-def]
    return checker.one(tables=(replace(organizations(), **changes),))


def test_semantically_equal_declaration_passes(checker: Checker) -> None:
    report = checker.one(tables=(organizations(),))
    assert report.kind == "table"
    assert report.name == "public.organizations"
    assert report.line == L
    assert messages(report) == []


def test_whole_table_is_normalised_in_one_batch_and_connection_left_idle(checker: Checker) -> None:
    normaliser = Normaliser(checker.conn)
    reports = check_all(Expectations(path=YAML, tables=(organizations(),)), checker.schema, normaliser)
    assert [r.ok for r in reports] == [True]
    assert normaliser.batches == 1
    assert checker.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_missing_table_names_similar_ones(checker: Checker) -> None:
    report = checker.one(tables=(TableExpectation("public.organisations", 3),))
    assert messages(report) == ["table: missing (similar: public.organizations) (line 3)"]
    report = checker.one(tables=(TableExpectation("public.organizations_view", 4),))
    assert messages(report) == ["table: missing (public.organizations_view is a view) (line 4)"]


def test_rls_and_comment(checker: Checker) -> None:
    report = table_report(checker, rls="forced", comment="Orgs")
    assert messages(report) == [
        "comment: expected 'Orgs', found 'Companies and other organisations' (line 10)",
        "rls: expected forced, found enabled (line 11)",
    ]
    report = checker.one(tables=(TableExpectation("public.tags", 5, rls="enabled", rls_line=6),))
    assert messages(report) == ["rls: expected enabled, found disabled (line 6)"]


def test_column_mismatches(checker: Checker) -> None:
    columns = (
        ColumnExpectation("id", 20, type="int4", nullable=True, identity="by_default"),
        ColumnExpectation("organization_type", 21, type="text", default="'company'"),
        ColumnExpectation("website", 22, type="text", nullable=False, default="'x'"),
        ColumnExpectation("created_at", 23, has_default=True),
        ColumnExpectation("code", 24, absent=True),
        ColumnExpectation("webiste", 25, type="text"),
        ColumnExpectation("city", 26, type="nope"),
    )
    report = table_report(checker, columns=columns)
    assert messages(report) == [
        "column id: expected type integer, found bigint (line 20)",
        "column id: expected nullable, found NOT NULL (line 20)",
        "column id: expected identity by_default, found always (line 20)",
        "column organization_type: expected type text, found organization_type (line 21)",
        "column organization_type: expected default 'company'::organization_type,"
        " found 'unknown'::organization_type (line 21)",
        "column website: expected NOT NULL, found nullable (line 22)",
        "column website: expected default 'x', found no default (line 22)",
        "column created_at: expected no default, found default now() (line 23)",
        "column code: expected absent, found character varying(20) (line 24)",
        "column webiste: missing (similar: website) (line 25)",
        "column city: unknown type 'nope': type \"nope\" does not exist (found: text) (line 26)",
    ]


def test_uncompilable_default_reports_postgres_message(checker: Checker) -> None:
    columns = (ColumnExpectation("created_at", 30, default="now( +"),)
    report = table_report(checker, columns=columns)
    assert messages(report) == [
        "column created_at: could not compile expected expression 'now( +': syntax error at end of input"
        " (found: now()) (line 30)"
    ]


def test_primary_key_and_unique(checker: Checker) -> None:
    report = table_report(
        checker, primary_key=("id", "tenant_id"), unique=((("name",), 31), (("city",), 32), (("code",), 33))
    )
    assert messages(report) == [
        "primary key: expected (id, tenant_id), found (id) (line 20)",
        "unique (name): missing (found unique: (website)) (line 31)",
        "unique (city): missing (found unique: (website)) (line 32)",
        "unique (code): missing (found unique: (website)) (line 33)",
    ]
    report = checker.one(tables=(TableExpectation("public.tags", 5, primary_key=("id",), primary_key_line=7),))
    assert messages(report) == ["primary key: expected (id), found none (line 7)"]


def test_foreign_keys(checker: Checker) -> None:
    foreign_keys = (
        ForeignKeyExpectation(
            ("parent_organization_id",),
            "public.organizations",
            ("id",),
            40,
            on_delete="cascade",
            on_update="restrict",
        ),
        ForeignKeyExpectation(("parent_organization_id",), "public.tags", ("id",), 41),
        ForeignKeyExpectation(("owner_id",), "auth.users", ("id",), 42),
        ForeignKeyExpectation(("parent_organization_id",), "public.organizations", (), 43, name="fk_parent"),
    )
    report = table_report(checker, foreign_keys=foreign_keys)
    assert messages(report) == [
        "foreign key (parent_organization_id): expected on_delete cascade, found set null (line 40)",
        "foreign key (parent_organization_id): expected on_update restrict, found no action (line 40)",
        "foreign key (parent_organization_id): expected references public.tags(id),"
        " found public.organizations(id) (line 41)",
        "foreign key (owner_id): missing (found foreign keys: (parent_organization_id) ->"
        " public.organizations(id)) (line 42)",
        "foreign key (parent_organization_id): expected name fk_parent,"
        " found organizations_parent_organization_id_fkey (line 43)",
    ]


def test_checks_by_name_and_expression(checker: Checker) -> None:
    checks = (
        CheckExpectation("organizations_no_self_parent", "parent_organization_id <> id", 50),
        CheckExpectation("organizations_no_self_parnt", None, 51),
        CheckExpectation("organizations_no_self_parent", None, 52),
        CheckExpectation("organizations_no_self_parent", "no_such_column > 0", 53),
    )
    report = table_report(checker, checks=checks)
    assert messages(report) == [
        "check organizations_no_self_parent: expected (parent_organization_id <> id),"
        " found (parent_organization_id IS DISTINCT FROM id) (line 50)",
        "check organizations_no_self_parnt: missing (similar: organizations_no_self_parent) (line 51)",
        "check organizations_no_self_parent: could not compile expected expression 'no_such_column > 0':"
        ' column "no_such_column" does not exist (found: (parent_organization_id IS DISTINCT FROM id)) (line 53)',
    ]


def test_exclusion_constraints(checker: Checker) -> None:
    exclusions = (
        ExclusionExpectation(
            ("name WITH =",),
            60,
            name="organizations_name_active_excl",
            using="btree",
            where="deleted_at is not null",
        ),
        ExclusionExpectation(("lower(name) WITH &&",), 61),
        ExclusionExpectation(("lower(name) WITH =",), 62, name="organizations_other_excl"),
    )
    report = table_report(checker, exclusion_constraints=exclusions)
    assert messages(report) == [
        "exclusion constraint organizations_name_active_excl: expected using btree, found gist (line 60)",
        "exclusion constraint organizations_name_active_excl: expected elements (name WITH =),"
        " found (lower(name) WITH =) (line 60)",
        "exclusion constraint organizations_name_active_excl: expected where (deleted_at IS NOT NULL),"
        " found (deleted_at IS NULL) (line 60)",
        "exclusion constraint (lower(name) WITH &&): missing (found: EXCLUDE USING gist (lower(name) WITH =)"
        " WHERE ((deleted_at IS NULL))) (line 61)",
        "exclusion constraint organizations_other_excl: missing (line 62)",
    ]


def test_indexes(checker: Checker) -> None:
    indexes = (
        IndexExpectation("organizations_search_tsv_idx", 70, using="gist", columns=("name",), unique=True),
        IndexExpectation("organizations_lower_name_idx", 71, columns=("upper(name)",), where="city is null"),
        IndexExpectation("organizations_nope_idx", 72),
    )
    report = table_report(checker, indexes=indexes)
    assert messages(report) == [
        "index organizations_search_tsv_idx: expected using gist, found gin (line 70)",
        "index organizations_search_tsv_idx: expected columns (name), found (search_tsv) (line 70)",
        "index organizations_search_tsv_idx: expected unique, found not unique (line 70)",
        "index organizations_lower_name_idx: expected columns (upper(name)), found (lower(name)) (line 71)",
        "index organizations_lower_name_idx: expected where (city IS NULL), found (deleted_at IS NULL) (line 71)",
        "index organizations_nope_idx: missing (line 72)",
    ]


def test_triggers(checker: Checker) -> None:
    triggers = (
        TriggerExpectation(
            "organizations_search_tsv_trigger",
            80,
            timing="after",
            events=("insert", "delete"),
            level="statement",
            function="public.other_function",
        ),
        TriggerExpectation("organizations_audit", 81),
    )
    report = table_report(checker, triggers=triggers)
    assert messages(report) == [
        "trigger organizations_search_tsv_trigger: expected timing after, found before (line 80)",
        "trigger organizations_search_tsv_trigger: expected events insert or delete, found insert or update (line 80)",
        "trigger organizations_search_tsv_trigger: expected level statement, found row (line 80)",
        "trigger organizations_search_tsv_trigger: expected function public.other_function,"
        " found public.organizations_search_tsv_update (line 80)",
        "trigger organizations_audit: missing (line 81)",
    ]


def test_policies(checker: Checker) -> None:
    policies = (
        PolicyExpectation(
            "organizations_select_authenticated",
            90,
            command="all",
            roles=("anon",),
            permissive=False,
            using="deleted_at is not null",
        ),
        PolicyExpectation(
            "organizations_update_own", 91, using="owner_id = auth.uid()", with_check="owner_id = auth.uid()"
        ),
        PolicyExpectation("organizations_delete_own", 92),
        PolicyExpectation("organizations_insert_authenticated", 93, using="true", with_check="nope("),
    )
    report = table_report(checker, policies=policies)
    assert messages(report) == [
        "policy organizations_select_authenticated: expected command all, found select (line 90)",
        "policy organizations_select_authenticated: expected roles anon, found authenticated (line 90)",
        "policy organizations_select_authenticated: expected restrictive, found permissive (line 90)",
        "policy organizations_select_authenticated: expected using (deleted_at IS NOT NULL),"
        " found (deleted_at IS NULL) (line 90)",
        "policy organizations_update_own: expected using (owner_id = auth.uid()),"
        " found (auth.uid() = owner_id) (line 91)",
        "policy organizations_update_own: expected with_check (owner_id = auth.uid()),"
        " found (owner_id = ( SELECT auth.uid() AS uid)) (line 91)",
        "policy organizations_delete_own: missing (similar: organizations_update_own) (line 92)",
        "policy organizations_insert_authenticated: expected using true, found none (line 93)",
        "policy organizations_insert_authenticated: could not compile expected expression 'nope(':"
        " syntax error at end of input (found: true) (line 93)",
    ]


def test_grants_compare_exact_sets_and_show_public(checker: Checker) -> None:
    grants = (
        GrantExpectation("authenticated", frozenset({"select"}), 100),
        GrantExpectation("service_role", frozenset({"select", "delete"}), 101),
    )
    report = table_report(checker, grants=grants)
    assert messages(report) == [
        "grants authenticated: expected select, found select, insert, update (line 100)",
        "grants service_role: expected select, delete, found none (line 101)",
    ]
    notes = TableExpectation(
        "public.public_notes",
        5,
        grants=(
            GrantExpectation("authenticated", frozenset(), 6),
            GrantExpectation("anon", frozenset({"insert"}), 7),
            GrantExpectation("PUBLIC", frozenset({"select"}), 8),
        ),
    )
    assert messages(checker.one(tables=(notes,))) == [
        "grants authenticated: expected no privileges, found select (via PUBLIC) (line 6)",
        "grants anon: expected insert, found insert, and select (via PUBLIC) (line 7)",
    ]


def test_table_exhaustive_lists_undeclared_objects(checker: Checker) -> None:
    report = table_report(
        checker,
        columns=(ColumnExpectation("id", 20), ColumnExpectation("name", 21)),
        policies=(),
        indexes=(IndexExpectation("organizations_search_tsv_idx", 22),),
        triggers=(),
        checks=(),
        foreign_keys=(),
        unique=(),
        exclusion_constraints=(),
        grants=(GrantExpectation("authenticated", frozenset({"select", "insert", "update"}), 23),),
        exhaustive=(
            "columns",
            "policies",
            "indexes",
            "triggers",
            "checks",
            "foreign_keys",
            "unique",
            "exclusion_constraints",
            "grants",
            "rules",
        ),
        exhaustive_line=24,
        full_text_search=None,
        soft_delete=None,
    )
    assert messages(report) == [
        "exhaustive columns: unexpected website, city, code, organization_type, parent_organization_id,"
        " owner_id, search_tsv, deleted_at, created_at (line 24)",
        "exhaustive policies: unexpected organizations_insert_authenticated,"
        " organizations_select_authenticated, organizations_update_own (line 24)",
        "exhaustive indexes: unexpected organizations_city_active_key, organizations_lower_name_idx (line 24)",
        "exhaustive triggers: unexpected organizations_search_tsv_trigger (line 24)",
        "exhaustive checks: unexpected organizations_no_self_parent (line 24)",
        "exhaustive foreign_keys: unexpected organizations_parent_organization_id_fkey (line 24)",
        "exhaustive unique: unexpected organizations_website_key (line 24)",
        "exhaustive exclusion_constraints: unexpected organizations_name_active_excl (line 24)",
        "exhaustive: cannot check aspect 'rules' (known: columns, policies, indexes, triggers, checks,"
        " foreign_keys, unique, exclusion_constraints, grants) (line 24)",
    ]


def test_full_text_search_and_soft_delete_structure(checker: Checker) -> None:
    report = checker.one(
        tables=(
            TableExpectation(
                "public.tags",
                5,
                full_text_search=FullTextSearchExpectation("label", ("label", "colour"), 6),
                soft_delete=SoftDeleteExpectation("deleted_at", (("label",),), 7),
            ),
        )
    )
    assert messages(report) == [
        "full_text_search: column label is text, expected tsvector (line 6)",
        "full_text_search: nothing maintains label: no trigger fires on insert and update"
        " and it is not a generated column (line 6)",
        "full_text_search: no GIN index on label (line 6)",
        "full_text_search: source column colour missing (line 6)",
        "soft_delete: nothing keeps (label) unique among active rows: no partial unique index"
        " or exclusion constraint WHERE deleted_at IS NULL (line 7)",
    ]
    report = table_report(
        checker,
        soft_delete=SoftDeleteExpectation("website", (("website",), ("name", "city")), 8),
        full_text_search=FullTextSearchExpectation("search_vector", ("name",), 9),
    )
    assert messages(report) == [
        "soft_delete: column website is text, expected timestamp with time zone (line 8)",
        "soft_delete: nothing keeps (website) unique among active rows: no partial unique index"
        " or exclusion constraint WHERE website IS NULL (line 8)",
        "soft_delete: nothing keeps (name, city) unique among active rows: no partial unique index"
        " or exclusion constraint WHERE website IS NULL (line 8)",
        "full_text_search: column search_vector missing (line 9)",
    ]


def test_render_follows_the_spec_layout(checker: Checker) -> None:
    report = table_report(
        checker,
        rls="disabled",
        columns=(ColumnExpectation("organization_type", 32, type="text"),),
        policies=(PolicyExpectation("organizations_select_everyone", 51),),
        exhaustive=(),
    )
    lines = report.render("schema_expectations.yml").splitlines()
    assert lines[0] == "public.organizations (schema_expectations.yml:10)"
    expected = [
        ("  rls: expected disabled, found enabled", 11),
        ("  column organization_type: expected type text, found organization_type", 32),
        ("  policy organizations_select_everyone: missing", 51),
    ]
    assert len(lines) == 1 + len(expected)
    for row, (text, line) in zip(lines[1:], expected, strict=True):
        assert row.startswith(text)
        assert row.endswith(f"(line {line})")
