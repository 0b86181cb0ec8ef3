"""``schemaguard mcp``: the tools of ``tools.py`` over the Model Context Protocol (official ``mcp`` SDK, 2.x).

Only imported when the command runs (the SDK is the optional ``[mcp]`` extra). Each tool returns
its dict as structured content; a refusal or a user mistake (``SchemaguardError``) comes back as
an error result (``is_error``) whose text and ``structuredContent.error`` carry the message, so an
agent reads why and what to do instead of a bare "Error executing tool".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations

from .. import __version__
from ..errors import SchemaguardError
from .tools import Toolbox

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
INSTRUCTIONS = (
    "schemaguard checks a Supabase/PostgreSQL migration history: it builds a throwaway database from "
    "supabase/migrations and checks schema_expectations.yml, lints migrations and detects drift. Before "
    "writing a migration, call lint_migration with its SQL; then new_migration to write the file; then "
    "verify. Every tool takes `file` (path to schema_expectations.yml, default: in the working directory). "
    "Live databases (status, diff_live) are only ever read."
)


def refusal(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message)],
                          structured_content={"ok": False, "error": message}, is_error=True)


def guarded(call: Callable[[], dict[str, Any]]) -> Any:
    """The tool's dict, or an error result for a SchemaguardError (the SDK passes a CallToolResult through)."""
    try:
        return call()
    except SchemaguardError as exc:
        return refusal(str(exc))


def build_server(box: Toolbox | None = None) -> MCPServer:
    box = box or Toolbox()
    server: MCPServer = MCPServer("schemaguard", version=__version__, instructions=INSTRUCTIONS)

    @server.tool(annotations=READ_ONLY)
    def verify(file: str | None = None, dsn: str | None = None) -> dict[str, Any]:
        """Run every schemaguard check (`pytest --schemaguard`): build the migrations on a throwaway database,
        check the declared objects of schema_expectations.yml, the rules, and lint the new migrations.
        Returns `results` (item, outcome, message, file, line), `problems` (the failed ones) and `counts`.
        `dsn`: a PostgreSQL server to build on (a throwaway database is created there); default: a private one."""
        return guarded(lambda: box.verify(file, dsn))

    @server.tool(annotations=READ_ONLY)
    def status(live_dsn: str | None = None, file: str | None = None, window_hours: float = 48.0,
               history_columns: str | None = None) -> dict[str, Any]:
        """Compare the migration files with the versions a live database has applied (opened read-only):
        each version's state (applied, pending, missing, future, out of order, edited) and, with
        project.history, the migrations still inside the rollback window."""
        return guarded(lambda: box.status(live_dsn, file, window_hours, history_columns))

    @server.tool(annotations=READ_ONLY)
    def diff_live(live_dsn: str | None = None, file: str | None = None, dsn: str | None = None) -> dict[str, Any]:
        """Drift: the schema the migrations build versus a live database (opened read-only; nothing is written
        there). Refused without `live_dsn`. Returns `drift` and `changes` (kind, name, change, field, a=migrations,
        b=live)."""
        return guarded(lambda: box.diff_live(live_dsn, file, dsn))

    @server.tool(annotations=READ_ONLY)
    def lint_migration(sql: str, name: str = "proposed", file: str | None = None,
                       dsn: str | None = None) -> dict[str, Any]:
        """Judge a proposed migration before it becomes a file: build the project, apply `sql` after the last
        migration on a throwaway database, and return the lint findings (rule, level, line, why, fix), the
        error with its line when the SQL fails, and `changes`: what it changes in the catalog. Writes nothing.
        `name`: the snake_case name it would get (e.g. add_tags)."""
        return guarded(lambda: box.lint_migration(sql, name, file, dsn))

    @server.tool()
    def new_migration(name: str, sql: str, version: str | None = None, file: str | None = None) -> dict[str, Any]:
        """Write `sql` as the next migration file, named <version>_<name>.sql in the project's migrations
        directory. `name` must be snake_case. `version` is chosen (after the newest existing one) unless given;
        a given version that breaks project.naming or is not after the newest existing one is refused.
        Lint the SQL with lint_migration first."""
        return guarded(lambda: box.new_migration(name, sql, version, file))

    @server.tool(annotations=READ_ONLY)
    def types(lang: str | None = None, schemas: list[str] | None = None, check: bool = False,
              file: str | None = None, dsn: str | None = None) -> dict[str, Any]:
        """The database types of the schema the migrations build, as `supabase gen types` shapes them: `lang`
        typescript or python (default: from project.types, else typescript); `schemas` default to the ones the
        Data API exposes. Returns `text`, or with `check` whether project.types is up to date (`problem`).
        Writes nothing."""
        return guarded(lambda: box.types(lang, schemas, check, file, dsn))

    @server.tool(annotations=READ_ONLY)
    def snapshot(check: bool = False, file: str | None = None, dsn: str | None = None) -> dict[str, Any]:
        """The schema.sql text the migrations build (`text`), or with `check` whether project.snapshot is up to
        date with the migrations (`problem` says how it differs). Writes nothing."""
        return guarded(lambda: box.snapshot(check, file, dsn))

    return server


def serve_stdio(box: Toolbox) -> None:
    # The SDK logs each refused call at INFO on stderr; an agent's host shows stderr as noise.
    logging.getLogger("mcp").setLevel(logging.WARNING)
    build_server(box).run("stdio")

