"""Stand-ins for Supabase extensions on a server without them, and hints that name what is missing.

The vector stand-in must compute what pgvector computes: its distances are compared with a plain
Python computation on Hypothesis-generated vectors (elements rounded to float4 first, as pgvector
stores them).
"""

from __future__ import annotations

import math
import struct
from pathlib import Path

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_schemaguard.database.bridges import Plan, ServerFacts, plan_statement
from pytest_schemaguard.database.build import build_database
from pytest_schemaguard.database.standins import missing_object_hint
from pytest_schemaguard.migrations import Migration

VECTOR_APP = """\
create extension if not exists vector with schema extensions;

create table public.documents (
  id bigint primary key generated always as identity,
  content text not null,
  embedding vector(3)
);

create index documents_embedding_idx on public.documents using hnsw (embedding vector_cosine_ops);
create index on public.documents using ivfflat (embedding vector_l2_ops) with (lists = 100);

create or replace function public.match_documents(query_embedding vector(3), match_threshold float,
                                                  match_count int)
returns table (id bigint, content text, similarity float)
language sql stable
as $$
  select documents.id, documents.content, 1 - (documents.embedding <=> query_embedding) as similarity
  from documents
  where 1 - (documents.embedding <=> query_embedding) > match_threshold
  order by documents.embedding <=> query_embedding
  limit match_count;
$$;

insert into public.documents (content, embedding) values
  ('same', '[1,2,3]'), ('close', '[1, 2, 4]'), ('opposite', '[-1,-2,-3]'), ('other', ARRAY[0, 1, 0]::real[]);
"""
PGVECTOR_INSTALL = ("install it on the server (Debian/Ubuntu: postgresql-15-pgvector from the PostgreSQL apt "
                    "repository, apt.postgresql.org; macOS: brew install pgvector)")
STUBS_ADVICE = "set project.stubs: true in the expectations file to run it against a stand-in"


def build(conn: psycopg.Connection, tmp_path: Path, text: str, *, stubs: bool):  # type: ignore[no-untyped-def]
    path = tmp_path / "20250101000000_m.sql"
    path.write_text(text, encoding="utf-8")
    migration = Migration(path=path, version=20250101000000, name=path.name)
    return build_database(conn, root=tmp_path, migrations=[migration], stubs=stubs)


@pytest.fixture
def vector_conn(scratch_conn: psycopg.Connection, tmp_path: Path) -> psycopg.Connection:
    result = build(scratch_conn, tmp_path, "create extension if not exists vector with schema extensions;",
                   stubs=True)
    assert result.ok, result.failed_step
    scratch_conn.execute("SET search_path = public, extensions")  # what the database's default says
    return scratch_conn


# --------------------------------------------------------------------------- vector: values


def f4(x: float) -> float:
    return float(struct.unpack("f", struct.pack("f", x))[0])


def reference(a: list[float], b: list[float]) -> dict[str, float]:
    a, b = [f4(x) for x in a], [f4(x) for x in b]
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
    cosine = math.nan if na * nb == 0 else 1 - max(-1.0, min(1.0, dot / (na * nb)))
    return {"l2": math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True))), "ip": -dot, "cos": cosine,
            "l1": sum(abs(x - y) for x, y in zip(a, b, strict=True)), "norm": na}


def literal(v: list[float]) -> str:
    return "[" + ",".join(repr(x) for x in v) + "]"


ELEMENT = st.floats(min_value=-1000, max_value=1000, width=32, allow_subnormal=False)
PAIRS = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(st.lists(ELEMENT, min_size=n, max_size=n), st.lists(ELEMENT, min_size=n, max_size=n)))


def test_vector_distances_equal_a_python_reference(vector_conn: psycopg.Connection) -> None:
    @settings(max_examples=60, derandomize=True, deadline=None, database=None)
    @given(PAIRS)
    def check(pair: tuple[list[float], list[float]]) -> None:
        a, b = pair
        row = vector_conn.execute(
            "SELECT %(a)s::vector <-> %(b)s::vector, %(a)s::vector <#> %(b)s::vector, "
            "%(a)s::vector <=> %(b)s::vector, %(a)s::vector <+> %(b)s::vector, vector_norm(%(a)s::vector), "
            "l2_distance(%(a)s::vector, %(b)s::vector), inner_product(%(a)s::vector, %(b)s::vector), "
            "cosine_distance(%(a)s::vector, %(b)s::vector), vector_dims(%(a)s::vector)",
            {"a": literal(a), "b": literal(b)}).fetchone()
        assert row is not None
        want = reference(a, b)
        got = dict(zip(["l2", "ip", "cos", "l1", "norm"], row[:5], strict=True))
        for key, value in want.items():
            if math.isnan(value):
                assert math.isnan(got[key]), key
            else:
                assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
        assert row[5:8] == (got["l2"], -got["ip"], got["cos"]) or math.isnan(want["cos"])
        assert row[8] == len(a)

    check()


def test_vector_type_has_dimensions_checks_input_and_prints_pgvector_text(vector_conn: psycopg.Connection) -> None:
    conn = vector_conn
    conn.execute("CREATE TABLE t (e vector(3), free vector)")
    conn.execute("INSERT INTO t VALUES ('[1, 2.5, 3]', '[1]'), (ARRAY[4, 5, 6]::real[], ARRAY[1.5, 2]::float8[])")
    assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                        "WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum").fetchall() == [
        ("vector(3)",), ("vector",)]
    assert conn.execute("SELECT e::text, e::real[], free::text FROM t").fetchall() == [
        ("[1,2.5,3]", [1.0, 2.5, 3.0], "[1]"), ("[4,5,6]", [4.0, 5.0, 6.0], "[1.5,2]")]
    assert conn.execute("SELECT l2_normalize('[3,4]')::text, ('[1,2]'::vector + '[3,4]')::text, "
                        "'[1,2]'::vector = '[1.0, 2]'").fetchone() == ("[0.6,0.8]", "[4,6]", True)
    failures = {
        "INSERT INTO t (e) VALUES ('[1,2]')": "expected 3 dimensions, not 2",
        "SELECT '[1,2]'::vector <-> '[1,2,3]'::vector": "different vector dimensions 2 and 3",
        "INSERT INTO t (e) VALUES ('[1,x,3]')": 'invalid input syntax for type vector: "[1,x,3]"',
        "INSERT INTO t (e) VALUES ('1,2,3')": 'invalid input syntax for type vector: "1,2,3"',
        "SELECT vector_dims('[]')": "vector must have at least 1 dimension",
        "SELECT ARRAY[1, 'NaN']::real[]::vector(2)": "NaN not allowed in vector",
    }
    for statement, message in failures.items():
        with pytest.raises(psycopg.Error, match=message.replace("[", r"\[")), conn.transaction():
            conn.execute(statement)  # type: ignore[arg-type]


def test_match_documents_creates_and_returns_pgvector_results(scratch_conn: psycopg.Connection,
                                                              tmp_path: Path) -> None:
    result = build(scratch_conn, tmp_path, VECTOR_APP, stubs=True)
    assert result.ok, result.failed_step
    scratch_conn.execute("SET search_path = public, extensions")
    assert [w for w in result.warnings if w.startswith("20250101000000_m.sql")] == [
        "20250101000000_m.sql:1: extension vector is not available on this server; CREATE EXTENSION skipped; "
        "stand-in in use (project.stubs: true)",
        "20250101000000_m.sql:9: index documents_embedding_idx on public.documents uses access method hnsw of "
        "extension vector (pgvector), which this server lacks; CREATE INDEX skipped",
        "20250101000000_m.sql:10: index (unnamed) on public.documents uses access method ivfflat of extension "
        "vector (pgvector), which this server lacks; CREATE INDEX skipped",
    ]
    rows = scratch_conn.execute("SELECT content, round(similarity::numeric, 6) FROM match_documents('[1,2,3]', 0.5, 3)"
                                ).fetchall()
    close = 1 - (1 * 1 + 2 * 2 + 3 * 4) / (math.sqrt(14) * math.sqrt(21))
    assert [content for content, _ in rows] == ["same", "close", "other"]
    assert [float(s) for _, s in rows] == [1.0, round(1 - close, 6), round(2 / math.sqrt(14), 6)]


def test_the_real_extension_wins_over_the_index_bridge() -> None:
    facts = ServerFacts(150000, frozenset({"vector"}), schema_exists=lambda schema: False, stubs=True)
    statement = "create index documents_embedding_idx on documents using hnsw (embedding vector_cosine_ops)"
    assert plan_statement(statement, facts) == Plan(statement)


# --------------------------------------------------------------------------- hints


def test_without_stubs_a_vector_column_fails_naming_pgvector_where_it_was_skipped_and_both_fixes(
    scratch_conn: psycopg.Connection, tmp_path: Path
) -> None:
    result = build(scratch_conn, tmp_path, VECTOR_APP, stubs=False)
    failure = result.migrations[0].failure
    assert failure is not None
    assert (failure.line, failure.sqlstate, failure.message) == (3, "42704", 'type "vector" does not exist')
    assert failure.hint == ("type vector belongs to extension vector (pgvector), which this server lacks (CREATE "
                            f"EXTENSION vector was skipped at 20250101000000_m.sql:1): {PGVECTOR_INSTALL}, or "
                            f"{STUBS_ADVICE}")


@pytest.mark.parametrize(("sqlstate", "message", "hint"), [
    ("42883", "operator does not exist: extensions.vector <=> text",
     f"operator <=> belongs to extension vector (pgvector), which this server lacks: {PGVECTOR_INSTALL}, or "
     f"{STUBS_ADVICE}"),
    ("42704", 'access method "hnsw" does not exist',
     f"access method hnsw belongs to extension vector (pgvector), which this server lacks: {PGVECTOR_INSTALL}, or "
     f"{STUBS_ADVICE}"),
    ("3F000", 'schema "pgmq" does not exist',
     "schema pgmq belongs to extension pgmq, which this server lacks: install it on the server (built from the pgmq "
     f"sources), or {STUBS_ADVICE}"),
    ("42883", "function extensions.http_get(unknown) does not exist",
     "function extensions.http_get belongs to extension http, which this server lacks: install it on the server "
     f"(Debian/Ubuntu: postgresql-15-http from the PostgreSQL apt repository, apt.postgresql.org), or {STUBS_ADVICE}"),
    ("42883", "function sign(json, text) does not exist",
     "function sign belongs to extension pgjwt, which this server lacks: install it on the server (built from the "
     f"pgjwt sources), or {STUBS_ADVICE}"),
    ("42883", "function stripe_fdw_handler() does not exist",
     "function stripe_fdw_handler belongs to extension wrappers (Supabase foreign data wrappers), which this server "
     "lacks: install it on the server (built from Supabase's wrappers sources)"),
    ("42P01", 'relation "realtime.messages" does not exist',
     "relation realtime.messages belongs to Supabase Realtime (a service, not an extension), which plain PostgreSQL "
     "lacks: test what needs it against a Supabase database"),
    ("42P01", 'relation "public.messages" does not exist', None),
    ("42883", "operator does not exist: text <-> text", None),  # pg_trgm's, not pgvector's
    ("42601", 'type "vector" does not exist', None),
])
def test_missing_object_hints_name_the_extension_and_the_fix(sqlstate: str, message: str, hint: str | None) -> None:
    assert missing_object_hint(sqlstate, message, stubs=False) == hint


def test_hint_when_the_stand_in_is_in_use_but_lacks_the_object() -> None:
    hint = missing_object_hint("42883", "function extensions.subvector(vector, integer, integer) does not exist",
                               stubs=True, standins=frozenset({"vector"}))
    assert hint == ("function extensions.subvector belongs to extension vector (pgvector), which this server lacks: "
                    f"the stand-in (project.stubs: true) does not provide it: {PGVECTOR_INSTALL}")
