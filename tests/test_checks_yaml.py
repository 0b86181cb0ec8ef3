"""Through the YAML loader: the lines in failures are the lines of the file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from checks_support import Checker, built_database, messages

from pytest_schemaguard.checks import check_all
from pytest_schemaguard.expectations import load_expectations

SETUP = """
CREATE TYPE organization_type AS ENUM ('unknown', 'company');
CREATE TABLE organizations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    organization_type text DEFAULT 'unknown',
    deleted_at timestamptz,
    legacy_code text,
    user_id uuid
);
CREATE POLICY organizations_own ON organizations FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE FUNCTION set_primary_organization(bigint, bigint) RETURNS void LANGUAGE sql SECURITY DEFINER
    SET search_path = '' AS '';
-- the shim's Supabase default privileges granted EXECUTE to anon directly; PUBLIC keeps it too
REVOKE EXECUTE ON FUNCTION set_primary_organization(bigint, bigint) FROM anon;
"""

YAML = """\
version: 1
tables:
  organizations:
    rls: enabled
    columns:
      id: {type: int8, nullable: false, identity: always}
      organization_type: {type: organization_type, default: "'unknown'"}
      deleted_at: timestamptz
      legacy_code: absent
    policies:
      organizations_own: {command: select, roles: [authenticated], using: "(user_id=AUTH.UID())"}
      organizations_select_authenticated: {command: select, roles: [authenticated], using: "deleted_at is null"}
functions:
  set_primary_organization:
    args: [int8, int8]
    returns: void
    security_definer: true
    search_path: ""
    grants: {anon: []}
"""


@pytest.fixture(scope="module")
def checker(admin_dsn: str) -> Iterator[Checker]:
    with built_database(admin_dsn, SETUP) as conn:
        yield Checker(conn)


def test_spec_example_through_yaml(checker: Checker, tmp_path: Path) -> None:
    path = tmp_path / "schema_expectations.yml"
    path.write_text(YAML)
    table, function = check_all(load_expectations(path), checker.schema, checker.normaliser)
    assert (table.kind, table.name, table.line) == ("table", "public.organizations", 3)
    assert messages(table) == [
        "rls: expected enabled, found disabled (line 4)",
        "column organization_type: expected type organization_type, found text (line 7)",
        "column legacy_code: expected absent, found text (line 9)",
        "policy organizations_select_authenticated: missing (line 12)",
    ]
    assert table.render("schema_expectations.yml").splitlines()[0] == (
        "public.organizations (schema_expectations.yml:3)"
    )
    assert (function.kind, function.name, function.line) == (
        "function",
        "public.set_primary_organization(bigint,bigint)",
        14,
    )
    assert messages(function) == [
        "grants anon: expected no privileges, found execute (via PUBLIC) (line 19)",
    ]
