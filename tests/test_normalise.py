"""The Normaliser compiles expected types and expressions with the real server."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg.pq import TransactionStatus

from pytest_schemaguard.catalog import inspect_schema
from pytest_schemaguard.checks import check_all
from pytest_schemaguard.checks.normalise import (
    NormalisationError,
    Normaliser,
    fold_sql,
    loose_equal,
    requests_for,
    split_exclusion_element,
)
from pytest_schemaguard.expectations.loader import split_signature
from pytest_schemaguard.expectations.model import (
    CheckExpectation,
    ColumnExpectation,
    Expectations,
    FunctionExpectation,
    IndexExpectation,
    PolicyExpectation,
    TableExpectation,
)

SETUP = """
CREATE SCHEMA auth;
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS 'SELECT NULL::uuid';
CREATE TYPE organization_type AS ENUM ('unknown', 'company');
CREATE SCHEMA crm;
CREATE TYPE crm.stage AS ENUM ('new', 'won');
CREATE TABLE organizations (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    user_id uuid,
    organization_type organization_type,
    search_tsv tsvector,
    deleted_at timestamptz
);
"""


@pytest.fixture
def conn(scratch_conn: psycopg.Connection) -> psycopg.Connection:
    scratch_conn.execute(SETUP.encode())
    scratch_conn.commit()
    return scratch_conn


def catalog_fingerprint(conn: psycopg.Connection) -> tuple[int, ...]:
    """Counts of the catalog rows a normalisation could leave behind."""
    row = conn.execute(
        """SELECT (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_constraint),
                  (SELECT count(*) FROM pg_policy), (SELECT count(*) FROM pg_attrdef),
                  (SELECT count(*) FROM pg_proc), (SELECT count(*) FROM pg_index)"""
    ).fetchone()
    conn.rollback()
    assert row is not None
    return tuple(row)


def test_types_are_spelled_as_format_type_prints_them(conn: psycopg.Connection) -> None:
    found = Normaliser(conn).types(
        [
            "int8",
            "varchar(20)",
            "timestamptz",
            "organization_type",
            "crm.stage",
            "text[]",
            "numeric(10,2)",
            "void",
            "trigger",
            "bool",
        ]
    )
    assert found == {
        "int8": "bigint",
        "varchar(20)": "character varying(20)",
        "timestamptz": "timestamp with time zone",
        "organization_type": "organization_type",
        "crm.stage": "crm.stage",
        "text[]": "text[]",
        "numeric(10,2)": "numeric(10,2)",
        "void": "void",
        "trigger": "trigger",
        "bool": "boolean",
    }


def test_unknown_type_fails_alone_with_postgres_message(conn: psycopg.Connection) -> None:
    normaliser = Normaliser(conn)
    found = normaliser.types(["nope", "int4"])
    assert found["int4"] == "integer"
    error = found["nope"]
    assert isinstance(error, NormalisationError)
    assert error.describe() == "unknown type 'nope': type \"nope\" does not exist"


def test_expressions_compile_against_the_real_table(conn: psycopg.Connection) -> None:
    n = Normaliser(conn)
    table = "public.organizations"
    assert n.check_expression(table, "deleted_at is null") == "(deleted_at IS NULL)"
    assert n.predicate(table, "deleted_at is null and name <> ''") == "((deleted_at IS NULL) AND (name <> ''::text))"
    assert n.default(table, "organization_type", "'unknown'") == "'unknown'::organization_type"
    assert n.default(table, "deleted_at", "now()") == "now()"
    assert n.policy_using(table, "auth.uid() = user_id") == "(auth.uid() = user_id)"
    assert n.policy_with_check(table, "user_id = (select auth.uid())") == "(user_id = ( SELECT auth.uid() AS uid))"
    assert n.index_element(table, "lower(name)") == "lower(name)"
    assert n.index_element(table, "name") == "name"
    assert n.index_element(table, "search_tsv", "gin") == "search_tsv"
    assert n.index_element(table, "(id + 1)") == "((id + 1))"
    assert n.index_element(table, "name text_pattern_ops") == "name"


def test_pretty_and_plain_spellings_are_the_same_expression(conn: psycopg.Connection) -> None:
    n = Normaliser(conn)
    normalised = n.predicate("public.organizations", "deleted_at is null and name <> ''")
    assert isinstance(normalised, str)
    assert n.same(normalised, "((deleted_at IS NULL) AND (name <> ''::text))")
    assert n.same(normalised, "deleted_at IS NULL AND name <> ''::text")
    assert not n.same(normalised, "(deleted_at IS NOT NULL)")
    assert not n.same(normalised, None)


def test_uncompilable_expression_is_a_value_not_an_exception(conn: psycopg.Connection) -> None:
    n = Normaliser(conn)
    error = n.check_expression("public.organizations", "bogus > 1")
    assert isinstance(error, NormalisationError)
    assert error.describe() == "could not compile expected expression 'bogus > 1': column \"bogus\" does not exist"
    syntax = n.policy_using("public.organizations", "deleted_at is")
    assert isinstance(syntax, NormalisationError)
    assert "syntax error" in syntax.message
    # the failures did not poison the connection
    assert n.check_expression("public.organizations", "id > 0") == "(id > 0)"


def test_nothing_is_left_behind_and_no_transaction_stays_open(conn: psycopg.Connection) -> None:
    before = catalog_fingerprint(conn)
    n = Normaliser(conn)
    n.check_expression("public.organizations", "id > 0")
    n.policy_using("public.organizations", "true")
    n.default("public.organizations", "name", "'x'")
    n.types(["int8", "nope"])
    n.index_element("public.organizations", "lower(name)")
    assert conn.info.transaction_status == TransactionStatus.IDLE
    assert catalog_fingerprint(conn) == before
    assert conn.execute("SELECT current_setting('search_path')").fetchone() == ('"$user", public',)
    conn.rollback()


def test_autocommit_connection(conn: psycopg.Connection) -> None:
    conn.autocommit = True
    before = catalog_fingerprint(conn)
    n = Normaliser(conn)
    assert n.check_expression("public.organizations", "name <> ''") == "(name <> ''::text)"
    assert conn.info.transaction_status == TransactionStatus.IDLE
    assert catalog_fingerprint(conn) == before


def test_callers_open_transaction_is_kept_untouched(conn: psycopg.Connection) -> None:
    conn.execute("CREATE TABLE mine (a int)")
    assert conn.info.transaction_status == TransactionStatus.INTRANS
    assert Normaliser(conn).check_expression("public.mine", "a > 0") == "(a > 0)"
    assert conn.info.transaction_status == TransactionStatus.INTRANS
    assert conn.execute("SELECT to_regclass('public.mine') IS NOT NULL").fetchone() == (True,)
    conn.rollback()


def test_failed_transaction_is_refused_clearly(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.DivisionByZero):
        conn.execute("SELECT 1/0")
    with pytest.raises(RuntimeError, match="failed transaction"):
        Normaliser(conn).type("int8")
    tables = tuple(TableExpectation(name=f"public.{name}", line=1,
                                    policies=(PolicyExpectation("p", 2, using="true"),)) for name in ("a", "b"))
    with pytest.raises(RuntimeError, match="failed transaction"):  # not the shapes' query failing first
        Normaliser(conn).prepare(Expectations(path=Path("x.yml"), tables=tables))
    conn.rollback()


def test_prepare_resolves_everything_in_one_batch(conn: psycopg.Connection) -> None:
    table = TableExpectation(
        name="public.organizations",
        line=3,
        columns=(
            ColumnExpectation("id", 4, type="int8"),
            ColumnExpectation("organization_type", 5, type="organization_type", default="'unknown'"),
        ),
        checks=(CheckExpectation("c", "id > 0", 6),),
        indexes=(IndexExpectation("i", 7, columns=("lower(name)",), where="deleted_at is null"),),
        policies=(PolicyExpectation("p", 8, using="auth.uid() = user_id", with_check="true"),),
    )
    function = FunctionExpectation("public.f", 10, args=("int4", "varchar(3)"), returns="setof int8")
    n = Normaliser(conn)
    n.prepare(Expectations(path=Path("x.yml"), tables=(table,), functions=(function,)))
    assert n.batches == 1
    assert n.type("int8") == "bigint"
    assert n.types(["int4", "varchar(3)", "int8"]) == {
        "int4": "integer",
        "varchar(3)": "character varying(3)",
        "int8": "bigint",
    }
    assert n.policy_using("public.organizations", "auth.uid() = user_id") == "(auth.uid() = user_id)"
    assert n.policy_with_check("public.organizations", "true") == "true"
    assert n.predicate("public.organizations", "deleted_at is null") == "(deleted_at IS NULL)"
    assert n.index_element("public.organizations", "lower(name)") == "lower(name)"
    assert n.batches == 1  # every lookup above was a cache hit


def test_loose_equal_is_only_case_space_and_outer_paren_insensitive() -> None:
    assert loose_equal("deleted_at is null", "(deleted_at IS NULL)")
    assert loose_equal("lower( name )", "LOWER(name)")
    assert loose_equal("((a = b))", "a  =  b")
    assert not loose_equal("(a) = (b)", "a) = (b")
    assert not loose_equal("a > 0", "a >= 0")
    assert fold_sql("(a) = (b)") == "(a)=(b)"


def test_pure_helpers() -> None:
    assert split_exclusion_element("lower(name) WITH =") == ("lower(name)", "=")
    assert split_exclusion_element("room with &&") == ("room", "&&")
    assert split_exclusion_element("room") == ("room", "")
    assert split_signature("public.f(numeric(10,2), text)") == ("public.f", ("numeric(10,2)", "text"))
    assert split_signature("public.f") == ("public.f", None)
    assert split_signature("f()") == ("f", ())


def test_text_the_catalog_prints_verbatim_is_not_probed(conn: psycopg.Connection) -> None:
    """A default, check or policy expression spelled exactly as the catalog prints it (what
    ``init`` writes) is accepted without a probe; any other spelling is still compiled, and a
    wrong one still fails."""
    conn.execute(
        "ALTER TABLE organizations ALTER COLUMN organization_type SET DEFAULT 'unknown';"
        "ALTER TABLE organizations ADD CONSTRAINT positive CHECK (id > 0);"
        "ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;"
        "CREATE POLICY own ON organizations USING (auth.uid() = user_id);"
    )
    conn.commit()
    schema = inspect_schema(conn)
    found = schema.table("organizations")
    verbatim = TableExpectation(
        name="public.organizations", line=1,
        columns=(ColumnExpectation("organization_type", 2, default=found.columns["organization_type"].default),),
        checks=(CheckExpectation("positive", found.constraints["positive"].expression, 3),),
        policies=(PolicyExpectation("own", 4, using=found.policies["own"].using),),
    )
    respelled = TableExpectation(
        name="public.organizations", line=1,
        columns=(ColumnExpectation("organization_type", 2, default="'unknown'"),),
        checks=(CheckExpectation("positive", "id>0", 3),),
        policies=(PolicyExpectation("own", 4, using="user_id = auth.uid()"),),  # the operands swapped: not equal
    )
    assert [r.kind for r in requests_for(Expectations(path=Path("x.yml"), tables=(verbatim,)), schema)] == []
    assert sorted(r.kind for r in requests_for(Expectations(path=Path("x.yml"), tables=(respelled,)), schema)) == [
        "check", "default", "using"]

    n = Normaliser(conn)
    [report] = check_all(Expectations(path=Path("x.yml"), tables=(verbatim,)), schema, n)
    assert (list(report.mismatches), n.batches) == ([], 0)
    [report] = check_all(Expectations(path=Path("x.yml"), tables=(respelled,)), schema, n)
    assert [m.aspect for m in report.mismatches] == ["policy own"]  # 'unknown' and id>0 compile to what is there
    assert n.batches == 1


SHAPES = """
CREATE TYPE status AS ENUM ('active', 'archived');
CREATE SCHEMA other;
CREATE TYPE other.status AS ENUM ('active', 'gone');
CREATE TABLE t_a (id bigint GENERATED ALWAYS AS IDENTITY, owner_id uuid, state status DEFAULT 'active');
CREATE TABLE t_b (id bigint GENERATED ALWAYS AS IDENTITY, owner_id uuid, state status DEFAULT 'active');
CREATE TABLE other.t_c (id bigint GENERATED ALWAYS AS IDENTITY, owner_id uuid, state status DEFAULT 'active');
-- the same names, other types: the same texts compile differently or not at all
CREATE TABLE t_text (id bigint GENERATED ALWAYS AS IDENTITY, owner_id text, state other.status);
CREATE TABLE t_plain (id bigint, owner_id uuid, state status);
"""


def _shaped(name: str, state_default: str) -> TableExpectation:
    return TableExpectation(
        name=name, line=1,
        columns=(ColumnExpectation("state", 2, default=state_default),
                 ColumnExpectation("id", 3, default="42")),
        checks=(CheckExpectation("c", "owner_id is not null or id > 0", 4),
                CheckExpectation("whole", "t_a is not null", 5)),  # t_a's row: an error elsewhere
        indexes=(IndexExpectation("i", 6, columns=("(owner_id::text)",), where="state <> 'archived'"),),
        policies=(PolicyExpectation("p", 7, using="owner_id = (select auth.uid())",
                                    with_check="owner_id = auth.uid()"),),
    )


def test_tables_of_one_shape_share_each_compile(conn: psycopg.Connection) -> None:
    """Hundreds of tables with the same policy and defaults are compiled once per shape of
    table (column names, types, identity, generated), and every result is what compiling on the
    table itself gives: a table whose columns differ, a text naming its table, and a failure
    (its message may name the table) are compiled on their own table."""
    conn.execute(SHAPES.encode())
    conn.commit()
    schema = inspect_schema(conn)
    names = ["public.t_a", "public.t_b", "other.t_c", "public.t_text", "public.t_plain"]
    tables = tuple(_shaped(name, "'active'") for name in names)
    expectations = Expectations(path=Path("x.yml"), tables=tables)
    requests = list(dict.fromkeys(requests_for(expectations, schema)))

    shared = Normaliser(conn)
    shared.prepare(expectations, schema)
    alone = {request: Normaliser(conn)._get(request) for request in requests}  # one table at a time
    assert {request: shared._get(request) for request in requests} == alone

    # Per table: 2 defaults + 2 checks + element + predicate + 2 policies = 8 requests.
    # t_a, t_b and other.t_c share one shape: 4 of their texts (a default, a check, both policy
    # expressions) are compiled once instead of three times. The whole-row check names t_a
    # (compiled there alone, and an error on the others), the identity default "42" fails there,
    # and an index element or predicate is never shared (building an index reads the rows).
    assert len(requests) == 8 * len(names)
    assert shared.compiled == len(requests) - 2 * 4
    assert shared.batches == 2  # the shared failures were tried again, each on its own table

    # What differs by table really differs, so sharing across those would have been wrong.
    assert alone[_request(requests, "public.t_a", "default", "'active'")] == "'active'::status"
    assert alone[_request(requests, "public.t_text", "default", "'active'")] == "'active'::other.status"
    assert alone[_request(requests, "public.t_text", "using", "owner_id = (select auth.uid())")] != alone[
        _request(requests, "public.t_a", "using", "owner_id = (select auth.uid())")]
    failure = alone[_request(requests, "public.t_b", "default", "42")]
    assert isinstance(failure, NormalisationError) and "identity" in failure.message
    assert alone[_request(requests, "public.t_plain", "default", "42")] == "42"
    assert not isinstance(alone[_request(requests, "public.t_a", "check", "t_a is not null")], NormalisationError)
    assert isinstance(alone[_request(requests, "public.t_b", "check", "t_a is not null")], NormalisationError)


def _request(requests: list, table: str, kind: str, text: str):  # type: ignore[no-untyped-def]
    [request] = [r for r in requests if (r.table, r.kind, r.text) == (table, kind, text)]
    return request


def test_sharing_never_changes_a_result(conn: psycopg.Connection) -> None:
    """Found by attacking the sharing: a correlated subquery prints the outer column with its
    table's name (``teams.id = projects.team_id``) although the text never names it, and a column's
    collation decides whether an index element with a pattern opclass compiles at all (index
    elements are never shared, and collations are part of a table's shape). Each gets what
    compiling on its table gives."""
    conn.execute(b"""
        CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
        CREATE TABLE teams (id bigint PRIMARY KEY, owner uuid);
        CREATE TABLE projects (id bigint, team_id bigint, name text, title text);
        CREATE TABLE documents (id bigint, team_id bigint, name text COLLATE ci, title text);
        CREATE TABLE notes (id bigint, team_id bigint, name text, title text);
    """)
    conn.commit()
    schema = inspect_schema(conn)
    subquery = "exists (select 1 from teams where teams.id = team_id and teams.owner = auth.uid())"
    tables = tuple(
        TableExpectation(name=f"public.{name}", line=1,
                         checks=(CheckExpectation("order", "name > title", 2),),
                         indexes=(IndexExpectation("i", 3, columns=("name text_pattern_ops",)),),
                         policies=(PolicyExpectation("team_read", 4, using=subquery),))
        for name in ("projects", "documents", "notes"))
    expectations = Expectations(path=Path("x.yml"), tables=tables)
    requests = list(dict.fromkeys(requests_for(expectations, schema)))
    shared = Normaliser(conn)
    shared.prepare(expectations, schema)
    alone = {request: Normaliser(conn)._get(request) for request in requests}
    assert {request: shared._get(request) for request in requests} == alone
    assert "notes.team_id" in str(alone[_request(requests, "public.notes", "using", subquery)])
    assert isinstance(alone[_request(requests, "public.documents", "element", "name text_pattern_ops")],
                      NormalisationError)
    assert not isinstance(alone[_request(requests, "public.notes", "element", "name text_pattern_ops")],
                          NormalisationError)
    # Only projects and notes share the check (documents' collation differs); the policy's print
    # names its table and the elements are never shared: each compiled on its table.
    assert shared.compiled == len(requests) - 1


ODD_CASES = {
    # Column names holding the separators of a joined-up shape string made two tables one shape.
    "separators in column names": ("""
        CREATE TABLE a_leader (c int8, "z:25:-1:100::,c:23:-1:0::,y" int4);
        CREATE TABLE b_member ("c:20:-1:0::,z" text, c int4, y int4);
        """, ["public.a_leader", "public.b_member"], "check", "c::int8 * 2000000000 > 5"),
    # The print quotes the name ("t""1".team_id): the guard must look for it as printed.
    "a double quote in the table name": ("""
        CREATE TABLE teams (id bigint PRIMARY KEY, owner uuid);
        CREATE TABLE "t""1" (id bigint, team_id bigint);
        CREATE TABLE "t""2" (id bigint, team_id bigint);
        """, ['public.t"1', 'public.t"2'], "using", "exists (select 1 from public.teams where teams.id = team_id)"),
    # The text reaches projects without spelling it; its print does name it.
    "a table named through a Unicode escape": ("""
        CREATE TABLE docs (id bigint, owner uuid);
        CREATE TABLE projects (id bigint, owner uuid);
        """, ["public.docs", "public.projects"], "using",
        'exists (select 1 from U&"\\0070rojects" where owner = (auth.uid()))'),
    # A child with a generated column refused the parent's SET DEFAULT probe (now ONLY the parent),
    # and a parent is not the shape of a table without children.
    "inheritance": ("""
        CREATE TABLE solo (x int, y int);
        CREATE TABLE par (x int, y int);
        CREATE TABLE kid (x int, y int GENERATED ALWAYS AS (x * 2) STORED);
        ALTER TABLE kid INHERIT par;
        """, ["public.solo", "public.par"], "default", "'7'"),
}


@pytest.mark.parametrize("case", ODD_CASES)
def test_sharing_gives_what_each_table_alone_gives_for_odd_names_and_shapes(conn: psycopg.Connection,
                                                                            case: str) -> None:
    """Found by a second attack on the sharing; each case differed from compiling alone before."""
    setup, names, kind, text = ODD_CASES[case]
    conn.execute(setup.encode())
    conn.commit()
    schema = inspect_schema(conn)

    def expectation(name: str) -> TableExpectation:
        if kind == "check":
            return TableExpectation(name=name, line=1, checks=(CheckExpectation("k", text, 2),))
        if kind == "default":
            return TableExpectation(name=name, line=1, columns=(ColumnExpectation("y", 2, default=text),))
        return TableExpectation(name=name, line=1, policies=(PolicyExpectation("p", 2, using=text),))

    expectations = Expectations(path=Path("x.yml"), tables=tuple(expectation(name) for name in names))
    requests = list(dict.fromkeys(requests_for(expectations, schema)))
    assert len(requests) == len(names)
    shared = Normaliser(conn)
    shared.prepare(expectations, schema)
    alone = {request: Normaliser(conn)._get(request) for request in requests}
    assert {request: shared._get(request) for request in requests} == alone
    assert not any(isinstance(result, NormalisationError) for result in alone.values())  # ONLY: par too
