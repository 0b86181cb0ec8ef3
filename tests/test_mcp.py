"""``schemaguard mcp``: every tool through the SDK's own client, in process, on a copy of crm_small.

Builds use the suite's server (``admin_dsn``); the "live" database is one built from crm_small on
it and hot-fixed, as in test_drift. One test starts the real command over stdio.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from docs_support import doc_section
from history_support import EXAMPLES, MIGRATIONS, YAML, copy_crm, line_of
from psycopg import sql

from pytest_schemaguard.cli import build_parser, main
from pytest_schemaguard.database.build import build_database
from pytest_schemaguard.migrations import discover_migrations

pytest.importorskip("mcp.server.mcpserver", reason="the MCP SDK (pip install 'pytest-schemaguard[mcp]') is needed")

import anyio
from mcp import Client, StdioServerParameters

from pytest_schemaguard.agents.mcp_server import build_server
from pytest_schemaguard.agents.tools import TYPEGEN_MODULE, Defaults, Toolbox
from pytest_schemaguard.commands.mcp import INSTALL_HINT

TOOLS = {"verify", "status", "diff_live", "lint_migration", "new_migration", "types", "snapshot"}
CALL_TIMEOUT = 240  # seconds; a build of crm_small takes a few on a busy machine


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("SCHEMAGUARD_DSN", "SCHEMAGUARD_LIVE_DSN"):
        monkeypatch.delenv(var, raising=False)
    return copy_crm(tmp_path / "crm")


@pytest.fixture
def box(root: Path, admin_dsn: str) -> Toolbox:
    return Toolbox(Defaults(file=root / YAML, dsn=admin_dsn))


@pytest.fixture
def live_dsn(admin_dsn: str) -> Iterator[str]:
    """crm_small built (with its seed) as a stand-in production database, plus the CLI's history rows."""
    name = f"sg_live_{uuid.uuid4().hex[:10]}"
    example = EXAMPLES / "crm_small"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = psycopg.conninfo.make_conninfo(admin_dsn, dbname=name)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            migrations = discover_migrations(example / MIGRATIONS).migrations
            assert build_database(conn, root=example, migrations=migrations,
                                  seeds=[example / "supabase/seed.sql"]).ok
            conn.execute("INSERT INTO supabase_migrations.schema_migrations (version, name) VALUES "
                         "('20250101000000', 'organizations'), ('20250102000000', 'deals')")
        yield dsn
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def call(box: Toolbox, tool: str, **arguments: Any) -> tuple[bool, dict[str, Any]]:
    """(is_error, structured result) of one call through the SDK's in-memory client."""

    async def go() -> tuple[bool, dict[str, Any]]:
        with anyio.fail_after(CALL_TIMEOUT):
            async with Client(build_server(box)) as client:
                result = await client.call_tool(tool, arguments)
        assert result.structured_content is not None, result.content
        return result.is_error, result.structured_content

    return anyio.run(go)


def migration_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / MIGRATIONS).iterdir())


def test_lists_every_tool_with_file_and_read_only_hints(box: Toolbox) -> None:
    async def go() -> Any:
        async with Client(build_server(box)) as client:
            return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in anyio.run(go)}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert "file" in tool.input_schema["properties"], tool.name
        assert tool.description
    assert tools["lint_migration"].input_schema["required"] == ["sql"]
    assert tools["new_migration"].annotations is None or not tools["new_migration"].annotations.read_only_hint
    assert all(tools[name].annotations.read_only_hint for name in TOOLS - {"new_migration"})  # type: ignore[union-attr]


def test_verify_returns_each_item_with_the_yaml_line_of_a_mismatch(root: Path, box: Toolbox) -> None:
    yaml = root / YAML
    yaml.write_text(yaml.read_text().replace("name: {type: text, nullable: false}", "name: {type: varchar, "
                                             "nullable: false}", 1))
    line = line_of(yaml, "name: {type: varchar")
    is_error, result = call(box, "verify")
    assert not is_error
    assert result["ok"] is False and result["exit_code"] == 1
    assert result["counts"]["failed"] == 1 and result["counts"]["passed"] >= 20
    failed = [r for r in result["results"] if r["outcome"] == "failed"]
    assert [r["item"] for r in failed] == ["table[public.organizations]"]
    assert failed[0]["message"].startswith(f"public.organizations ({YAML}:")
    assert f"column name: expected type character varying, found text    (line {line})" in failed[0]["message"]
    assert (failed[0]["file"], failed[0]["line"]) == (YAML, line_of(yaml, "  organizations:"))
    migration = next(r for r in result["results"] if r["item"] == "migration[20250101000000_organizations.sql]")
    assert migration == {"item": "migration[20250101000000_organizations.sql]", "outcome": "passed", "message": "",
                         "file": f"{MIGRATIONS}/20250101000000_organizations.sql", "line": None}


def test_verify_refuses_a_missing_expectations_file(tmp_path: Path, box: Toolbox) -> None:
    is_error, result = call(box, "verify", file=str(tmp_path / "nowhere.yml"))
    assert is_error and result["ok"] is False
    assert f"expectations file {tmp_path / 'nowhere.yml'} not found" in result["error"]


def test_lint_migration_reports_findings_and_the_catalog_diff_and_writes_nothing(root: Path, box: Toolbox) -> None:
    before = migration_files(root)
    proposed = ("alter table public.deals add column notes text;\n"
                "create index deals_notes_idx on public.deals (notes);\n")
    is_error, result = call(box, "lint_migration", sql=proposed, name="add_notes")
    assert not is_error
    assert result["applied"] is True and result["error"] is None
    assert result["file"].startswith(f"{MIGRATIONS}/") and result["file"].endswith("_add_notes.sql")
    index = [f for f in result["findings"] if f["rule"] == "index_without_concurrently"]
    assert len(index) == 1 and index[0]["line"] == 2
    assert "CREATE INDEX on existing table public.deals without CONCURRENTLY" in index[0]["message"]
    assert "CONCURRENTLY" in index[0]["fix"]
    added = {(c["kind"], c["name"], c["change"]) for c in result["changes"]}
    assert added == {("column", "public.deals.notes", "only_in_b"), ("index", "public.deals.deals_notes_idx",
                                                                     "only_in_b")}
    assert "column notes: only in after" in result["changes_text"]
    assert migration_files(root) == before


def test_lint_migration_reports_failing_sql_with_its_line(root: Path, box: Toolbox) -> None:
    is_error, result = call(box, "lint_migration", sql="-- tags\n\nalter table public.deals add colum tags text[];\n")
    assert not is_error
    assert result["ok"] is False and result["applied"] is False and result["changes"] == []
    error = result["error"]
    assert error["line"] == 3 and error["sqlstate"] == "42601"
    assert error["message"].startswith("syntax error at or near")
    assert error["file"].endswith("_proposed.sql") and f"{error['file']}:3: statement failed" in error["text"]


def test_lint_migration_refuses_a_bad_name_and_empty_sql(box: Toolbox) -> None:
    is_error, result = call(box, "lint_migration", sql="select 1;", name="Add Tags")
    assert is_error and "migration name 'Add Tags' is not snake_case" in result["error"]
    is_error, result = call(box, "lint_migration", sql="  \n")
    assert is_error and "the proposed migration is empty" in result["error"]


def test_new_migration_writes_the_next_file(root: Path, box: Toolbox) -> None:
    is_error, result = call(box, "new_migration", name="add_tags",
                            sql="alter table public.deals add column tags text[];")
    assert not is_error
    path = Path(result["path"])
    assert path.parent == root / MIGRATIONS and path.name == result["name"]
    assert result["name"] == f"{result['version']}_add_tags.sql" and int(result["version"]) > 20250103000000
    assert result["file"] == f"{MIGRATIONS}/{result['name']}"
    assert path.read_text() == "alter table public.deals add column tags text[];\n"


def test_new_migration_with_a_version_after_the_newest(root: Path, box: Toolbox) -> None:
    is_error, result = call(box, "new_migration", name="add_tags", sql="select 1;", version="20250104000000")
    assert not is_error and result["name"] == "20250104000000_add_tags.sql"
    assert (root / MIGRATIONS / "20250104000000_add_tags.sql").is_file()


@pytest.mark.parametrize(("arguments", "message"), [
    ({"name": "AddTags"}, "migration name 'AddTags' is not snake_case (lowercase letters, digits and single "
                          "underscores): use add_tags"),
    ({"name": "add_tags", "version": "20240101000000"},
     "version 20240101000000 is not after the newest existing version 20250103000000"),
    ({"name": "add_tags", "version": "20250103000000"},
     "version 20250103000000 is not after the newest existing version 20250103000000"),
    ({"name": "add_tags", "version": "42"},
     "version '42' does not follow project.naming timestamp: expected YYYYMMDDHHMMSS_snake_case_name.sql"),
    ({"name": "add_tags", "version": "20251399000000"}, "version 20251399000000 is not a real UTC time"),
    ({"name": "add_tags", "sql": " "}, "the migration is empty"),
])
def test_new_migration_refuses_what_breaks_the_rules(root: Path, box: Toolbox, arguments: dict[str, str],
                                                     message: str) -> None:
    before = migration_files(root)
    is_error, result = call(box, "new_migration", **{"sql": "select 1;", **arguments})
    assert is_error and result["ok"] is False
    assert message in result["error"]
    assert migration_files(root) == before


def test_snapshot_returns_the_text_and_checks_the_file(root: Path, box: Toolbox) -> None:
    is_error, result = call(box, "snapshot")
    assert not is_error
    assert result["text"].startswith("-- schema.sql: the schema supabase/migrations builds (3 migrations")
    assert "CREATE TABLE public.deals (" in result["text"]
    assert not (root / "schema.sql").exists()
    is_error, result = call(box, "snapshot", check=True)
    assert is_error and "project.snapshot is not set" in result["error"]

    copy_crm(root, "snapshot: schema.sql")
    is_error, result = call(box, "snapshot", check=True)
    assert not is_error and result["ok"] is False
    assert result["problem"].startswith("schema.sql does not exist: run `schemaguard snapshot`")


def test_diff_live_names_the_hot_fixed_column_and_writes_nothing(box: Toolbox, live_dsn: str) -> None:
    is_error, result = call(box, "diff_live", live_dsn=live_dsn)
    assert not is_error and result["ok"] is True and result["drift"] is False
    with psycopg.connect(live_dsn, autocommit=True) as conn:
        conn.execute("alter table public.organizations add column legacy_code text")
        tables = conn.execute("select count(*) from pg_class").fetchone()
    is_error, result = call(box, "diff_live", live_dsn=live_dsn)
    assert not is_error and result["ok"] is False and result["read_only"] is True
    assert [(c["kind"], c["name"], c["change"]) for c in result["changes"]] == [
        ("column", "public.organizations.legacy_code", "only_in_b")]
    with psycopg.connect(live_dsn, autocommit=True) as conn:
        assert conn.execute("select count(*) from pg_class").fetchone() == tables


def test_live_tools_refuse_without_a_live_dsn(box: Toolbox) -> None:
    is_error, result = call(box, "diff_live")
    assert is_error and result["error"].startswith("diff_live needs the live database to compare with: pass `live_dsn`")
    is_error, result = call(box, "status")
    assert is_error and "status needs the live database" in result["error"]


def test_status_reports_each_version(box: Toolbox, live_dsn: str) -> None:
    is_error, result = call(box, "status", live_dsn=live_dsn)
    assert not is_error and result["ok"] is True and result["read_only"] is True
    assert [(v["version"], v["state"]) for v in result["versions"]] == [
        (20250101000000, "applied"), (20250102000000, "applied"), (20250103000000, "pending")]
    assert result["rollback_window"] is None and "password" not in result["live"]


@pytest.mark.skipif(importlib.util.find_spec(TYPEGEN_MODULE) is None,
                    reason=f"{TYPEGEN_MODULE} is not in this build (schemaguard types comes with wp-types)")
def test_types_returns_the_typescript_and_checks_project_types(root: Path, box: Toolbox) -> None:
    is_error, result = call(box, "types")
    assert not is_error and result["lang"] == "typescript" and result["schemas"] == ["public", "graphql_public"]
    assert "export type Database = {" in result["text"] and "      deals: {" in result["text"]
    is_error, result = call(box, "types", lang="python", schemas=["public"])
    assert not is_error and "class PublicDealsRow(TypedDict" in result["text"]
    is_error, result = call(box, "types", lang="rust")
    assert is_error and result["error"] == "lang must be one of typescript, python, got 'rust'"
    is_error, result = call(box, "types", check=True)
    assert is_error and "project.types is not set, so there is nothing to check" in result["error"]

    copy_crm(root, "types: src/database.generated.ts")
    is_error, result = call(box, "types", check=True)
    assert not is_error and result["ok"] is False and result["types"] == "src/database.generated.ts"
    assert "src/database.generated.ts" in result["problem"]


def test_types_says_what_is_missing_without_type_generation(box: Toolbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, TYPEGEN_MODULE, None)  # what an install without the module sees
    is_error, result = call(box, "types")
    assert is_error
    assert result["error"] == ("type generation is not available in this version of pytest-schemaguard "
                               f"({TYPEGEN_MODULE} is missing): update pytest-schemaguard")


def test_command_without_the_sdk_exits_2_with_the_install_line(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "mcp", None)
    assert main(["mcp"]) == 2
    err = capsys.readouterr().err
    assert "schemaguard mcp: the MCP Python SDK (package `mcp`, version 2 or newer) is not installed" in err
    assert "pip install 'pytest-schemaguard[mcp]'" in err


def test_command_serves_initialize_and_tools_list_over_stdio(root: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[1]),
                                                                      os.environ.get("PYTHONPATH")]))}
    params = StdioServerParameters(command=sys.executable, args=["-m", "pytest_schemaguard.cli", "mcp",
                                                                 "--file", str(root / YAML)], env=env)

    async def go() -> tuple[str, set[str]]:
        with anyio.fail_after(60):
            async with Client(params) as client:
                info = client.server_info
                tools = (await client.list_tools()).tools
        return info.name if info else "", {t.name for t in tools}

    name, tools = anyio.run(go)
    assert name == "schemaguard" and tools == TOOLS


def readme_section() -> str:
    return doc_section("Coding agents (MCP)")


def test_readme_section_names_real_tools_arguments_and_command(box: Toolbox) -> None:
    section = readme_section()
    blocks = dict(re.findall(r"```(\w+)\n(.*?)```", section, re.DOTALL))
    assert blocks["bash"].strip() == f"pip install {INSTALL_HINT.removeprefix('pip install ')}"
    config = json.loads(blocks["json"])
    server = config["mcpServers"]["schemaguard"]
    assert server["command"] == "schemaguard" and server["args"] == ["mcp"]
    assert "mcp" in build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]

    async def go() -> Any:
        async with Client(build_server(box)) as client:
            return (await client.list_tools()).tools

    schemas = {tool.name: tool.input_schema["properties"] for tool in anyio.run(go)}
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)\((.*?)\)` \|", section, re.MULTILINE)
    assert {tool for tool, _, _ in rows} == TOOLS
    for tool, called, arguments in rows:
        assert called == tool
        names = set(re.findall(r"(?:^|, )(\w+)=", arguments))
        assert names <= set(schemas[tool]), (tool, names)
