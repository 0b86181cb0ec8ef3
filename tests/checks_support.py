"""Helpers for the check tests: a database built once per module, expectations built in code."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import psycopg
from psycopg import sql

from pytest_schemaguard.catalog import inspect_schema
from pytest_schemaguard.catalog.model import Schema
from pytest_schemaguard.checks import Normaliser, ObjectReport, check_all
from pytest_schemaguard.expectations.model import Expectations

SHIM = resources.files("pytest_schemaguard").joinpath("shim/supabase.sql").read_text("utf-8")
YAML = Path("schema_expectations.yml")


@contextmanager
def built_database(admin_dsn: str, setup_sql: str) -> Iterator[psycopg.Connection]:
    """A throwaway database with the Supabase shim and ``setup_sql`` applied and committed."""
    name = f"sg_checks_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with psycopg.connect(psycopg.conninfo.make_conninfo(admin_dsn, dbname=name)) as conn:
            conn.execute(SHIM.encode())
            conn.execute(setup_sql.encode())
            conn.commit()
            yield conn
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class Checker:
    """Runs ``check_all`` on one built database: one snapshot, one normaliser per module."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn
        self.schema: Schema = inspect_schema(conn)
        self.normaliser = Normaliser(conn)

    def run(self, **parts: object) -> list[ObjectReport]:
        return check_all(Expectations(path=YAML, **parts), self.schema, self.normaliser)  # type: ignore[arg-type]

    def one(self, **parts: object) -> ObjectReport:
        reports = self.run(**parts)
        assert len(reports) == 1, reports
        return reports[0]


def messages(report: ObjectReport) -> list[str]:
    """``aspect: message (line n)`` per mismatch: what the tests assert on, exactly."""
    return [f"{m.aspect}: {m.message} (line {m.line})" for m in report.mismatches]
