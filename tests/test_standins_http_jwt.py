"""The http and pgjwt stand-ins (``stubs: true`` on a server without them): http never sends and
says so; pgjwt's sign/verify make real JWTs, checked against Python's hmac and base64."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_schemaguard.database.build import build_database
from pytest_schemaguard.migrations import Migration

APP = """\
create extension if not exists http with schema extensions;
create extension if not exists pgjwt with schema extensions;

create or replace function public.notify_slack(message text) returns integer
language plpgsql as $$
declare
  response extensions.http_response;
begin
  select * into response from extensions.http_post('https://hooks.slack.example.invalid/x',
    json_build_object('text', message)::text, 'application/json');
  return response.status;
end;
$$;

create or replace function public.service_token(user_id uuid, secret text) returns text
language sql as $$
  select extensions.sign(json_build_object('sub', user_id, 'role', 'service_role'), secret)
$$;
"""


@pytest.fixture
def app_conn(scratch_conn: psycopg.Connection, tmp_path: Path) -> psycopg.Connection:
    path = tmp_path / "20250101000000_app.sql"
    path.write_text(APP, encoding="utf-8")
    migration = Migration(path=path, version=20250101000000, name=path.name)
    result = build_database(scratch_conn, root=tmp_path, migrations=[migration], stubs=True)
    assert result.ok, result.failed_step
    available = {r[0] for r in scratch_conn.execute("SELECT name FROM pg_available_extensions").fetchall()}
    if {"http", "pgjwt"} & available:
        pytest.skip("this server has the real http/pgjwt extension: the stand-ins are not installed")
    assert ("20250101000000_app.sql:1: extension http is not available on this server; CREATE EXTENSION skipped; "
            "stand-in in use (project.stubs: true)") in result.warnings
    scratch_conn.execute("SET search_path = public, extensions")
    return scratch_conn


def test_http_calls_are_never_sent_and_answer_503(app_conn: psycopg.Connection) -> None:
    assert app_conn.execute("select public.notify_slack('deploy done')").fetchone() == (503,)
    row = app_conn.execute("select status, content_type, content from http_get('https://api.example.invalid/a')"
                           ).fetchone()
    assert row == (503, "text/plain", "schemaguard stand-in for the http extension (project.stubs: true): GET "
                                      "https://api.example.invalid/a was not sent")
    request = ("select (http(('PATCH', 'https://x.invalid', array[http_header('Authorization', 'Bearer t')], "
               "'application/json', '{}')::http_request)).status")
    assert app_conn.execute(request).fetchone() == (503,)
    assert app_conn.execute("select (http_header('a', 'b')).value").fetchone() == ("b",)


def test_urlencode_escapes_like_python(app_conn: psycopg.Connection) -> None:
    @settings(max_examples=40, derandomize=True, deadline=None, database=None)
    @given(st.text(max_size=30).filter(lambda s: "\x00" not in s))
    def check(text: str) -> None:
        assert app_conn.execute("select urlencode(%s)", (text,)).fetchone() == (quote(text, safe="-._~"),)

    check()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


PAYLOADS = st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda s: "\x00" not in s),
                           st.one_of(st.integers(-10**6, 10**6), st.text(max_size=12).filter(lambda s: "\x00" not in s),
                                     st.booleans()), max_size=4)
DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


SECRETS = st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s)


def test_sign_makes_jwts_python_verifies_and_verify_checks_them(app_conn: psycopg.Connection) -> None:
    @settings(max_examples=40, derandomize=True, deadline=None, database=None)
    @given(PAYLOADS, SECRETS, st.sampled_from(sorted(DIGESTS)))
    def check(payload: dict[str, object], secret: str, algorithm: str) -> None:
        signed_and_verified(app_conn, payload, secret, algorithm)

    check()


def signed_and_verified(app_conn: psycopg.Connection, payload: dict[str, object], secret: str, algorithm: str) -> None:
    (token,) = app_conn.execute("select sign(%s::json, %s, %s)", (json.dumps(payload), secret, algorithm)).fetchone()
    header, body, signature = token.split(".")
    expected = hmac.new(secret.encode(), f"{header}.{body}".encode(), DIGESTS[algorithm]).digest()
    assert signature == b64url(expected)
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": algorithm, "typ": "JWT"}
    assert json.loads(base64.urlsafe_b64decode(body + "==")) == payload
    row = app_conn.execute("select payload::text, valid from verify(%s, %s, %s)", (token, secret, algorithm)).fetchone()
    assert row is not None and json.loads(row[0]) == payload and row[1] is True
    wrong = app_conn.execute("select valid from verify(%s, %s, %s)", (token, secret + "x", algorithm)).fetchone()
    assert wrong == (False,)


def test_a_python_made_token_verifies(app_conn: psycopg.Connection) -> None:
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    body = b64url(b'{"sub":"42","role":"authenticated"}')
    signature = b64url(hmac.new(b"s3cret", f"{header}.{body}".encode(), hashlib.sha256).digest())
    row = app_conn.execute("select payload ->> 'role', valid from verify(%s, 's3cret')",
                           (f"{header}.{body}.{signature}",)).fetchone()
    assert row == ("authenticated", True)
