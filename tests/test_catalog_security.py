"""Row-level security, policies, triggers and privileges as the catalog reader sees them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from pytest_schemaguard.catalog import inspect_schema
from pytest_schemaguard.catalog.model import Schema


def snapshot(conn: psycopg.Connection, ddl: str) -> Schema:
    """Run ``ddl`` in the test's transaction and read the schema it leaves."""
    conn.execute(ddl)
    return inspect_schema(conn)


def current_user(conn: psycopg.Connection) -> str:
    """The role the test runs as: it owns what the test creates (the suite's server decides it)."""
    row = conn.execute("SELECT current_user::text").fetchone()
    assert row is not None
    return str(row[0])


@pytest.fixture
def roles(scratch_conn: psycopg.Connection) -> Iterator[tuple[str, str]]:
    """Two uniquely named roles (roles are cluster-wide, so fixed names would collide)."""
    suffix = uuid.uuid4().hex[:8]
    names = (f"sg_auth_{suffix}", f"sg_anon_{suffix}")
    for name in names:
        scratch_conn.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(name)))
    yield names
    # The test's transaction usually holds the roles uncommitted; drop them if it did commit.
    scratch_conn.rollback()
    for name in names:
        exists = scratch_conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        if exists:
            scratch_conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
            scratch_conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))
    scratch_conn.commit()


def test_policies_commands_roles_and_expressions(
    scratch_conn: psycopg.Connection, roles: tuple[str, str]
) -> None:
    auth, anon = roles
    schema = snapshot(
        scratch_conn,
        f"""
        CREATE TABLE t (id int, owner_id int, deleted_at timestamptz);
        ALTER TABLE t ENABLE ROW LEVEL SECURITY;
        CREATE POLICY t_all ON t USING (true);
        CREATE POLICY t_select ON t FOR SELECT TO {anon}, {auth} USING (deleted_at is null);
        CREATE POLICY t_insert ON t FOR INSERT TO {auth} WITH CHECK (owner_id > 0);
        CREATE POLICY t_update ON t AS RESTRICTIVE FOR UPDATE TO public USING (true) WITH CHECK (true);
        CREATE POLICY t_delete ON t FOR DELETE TO {auth} USING (owner_id = 1);
        """,
    )
    policies = schema.table("t").policies
    assert list(policies) == ["t_all", "t_delete", "t_insert", "t_select", "t_update"]
    assert policies["t_all"].command == "all"
    assert policies["t_all"].roles == ("public",)
    select = policies["t_select"]
    assert (select.command, select.roles) == ("select", tuple(sorted((anon, auth))))
    assert select.using == "(deleted_at IS NULL)"
    assert select.with_check is None
    insert = policies["t_insert"]
    assert (insert.command, insert.using, insert.with_check) == ("insert", None, "(owner_id > 0)")
    update = policies["t_update"]
    assert (update.command, update.permissive, update.roles) == ("update", False, ("public",))
    assert (update.using, update.with_check) == ("true", "true")
    assert policies["t_delete"].command == "delete"
    assert policies["t_all"].permissive is True


def test_alter_policy_is_seen(scratch_conn: psycopg.Connection, roles: tuple[str, str]) -> None:
    auth, _ = roles
    schema = snapshot(
        scratch_conn,
        f"""
        CREATE TABLE t (id int, deleted_at timestamptz);
        CREATE POLICY t_select ON t FOR SELECT USING (true);
        ALTER POLICY t_select ON t TO {auth} USING (deleted_at IS NULL);
        ALTER POLICY t_select ON t RENAME TO t_read;
        """,
    )
    policies = schema.table("t").policies
    assert list(policies) == ["t_read"]
    assert policies["t_read"].roles == (auth,)
    assert policies["t_read"].using == "(deleted_at IS NULL)"


def test_table_grants_including_public_and_revokes(
    scratch_conn: psycopg.Connection, roles: tuple[str, str]
) -> None:
    auth, anon = roles
    me = current_user(scratch_conn)
    schema = snapshot(
        scratch_conn,
        f"""
        CREATE TABLE t (id int, secret text, name text);
        CREATE TABLE untouched (id int);
        GRANT SELECT, INSERT, UPDATE ON t TO {auth};
        GRANT SELECT ON t TO PUBLIC;
        GRANT ALL ON t TO {anon};
        REVOKE ALL ON t FROM {anon};
        REVOKE TRUNCATE ON t FROM CURRENT_USER;
        """,
    )
    privileges = schema.table("t").privileges
    assert privileges[auth] == frozenset({"select", "insert", "update"})
    assert privileges["PUBLIC"] == frozenset({"select"})
    assert anon not in privileges
    assert privileges[me] == frozenset({"select", "insert", "update", "delete", "references", "trigger"})
    # No ACL at all: the owner's defaults.
    assert schema.table("untouched").privileges == {
        me: frozenset({"select", "insert", "update", "delete", "truncate", "references", "trigger"})
    }


def test_column_grants(scratch_conn: psycopg.Connection, roles: tuple[str, str]) -> None:
    auth, _ = roles
    schema = snapshot(
        scratch_conn,
        f"""
        CREATE TABLE t (id int, name text, secret text);
        GRANT SELECT (id, name), UPDATE (name) ON t TO {auth};
        GRANT SELECT (id) ON t TO PUBLIC;
        """,
    )
    table = schema.table("t")
    assert table.column_privileges == {
        "id": {"PUBLIC": frozenset({"select"}), auth: frozenset({"select"})},
        "name": {auth: frozenset({"select", "update"})},
    }
    assert auth not in table.privileges  # column grants are not table grants


def test_triggers_timing_events_level_and_enabled(scratch_conn: psycopg.Connection) -> None:
    schema = snapshot(
        scratch_conn,
        """
        CREATE TABLE parent (id int PRIMARY KEY);
        CREATE TABLE t (id int, parent_id int REFERENCES parent);
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
        CREATE TRIGGER t_touch BEFORE UPDATE OR INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();
        CREATE TRIGGER t_audit AFTER DELETE OR TRUNCATE ON t FOR EACH STATEMENT EXECUTE FUNCTION touch();
        CREATE TRIGGER t_off AFTER UPDATE OF id ON t FOR EACH ROW EXECUTE FUNCTION touch();
        ALTER TABLE t DISABLE TRIGGER t_off;
        CREATE VIEW v AS SELECT id FROM t;
        CREATE TRIGGER v_insert INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION touch();
        """,
    )
    triggers = schema.table("t").triggers
    assert list(triggers) == ["t_audit", "t_off", "t_touch"]  # foreign key triggers are internal
    touch = triggers["t_touch"]
    assert (touch.timing, touch.events, touch.level) == ("before", ("insert", "update"), "row")
    assert touch.function == "public.touch"
    assert touch.enabled is True
    assert touch.definition.startswith("CREATE TRIGGER t_touch BEFORE INSERT OR UPDATE ON public.t")
    audit = triggers["t_audit"]
    assert (audit.timing, audit.events, audit.level) == ("after", ("delete", "truncate"), "statement")
    assert triggers["t_off"].enabled is False
    assert schema.table("parent").triggers == {}
    instead = schema.view("v").triggers["v_insert"]
    assert (instead.timing, instead.events, instead.level) == ("instead of", ("insert",), "row")
