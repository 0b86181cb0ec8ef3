"""The tool bodies of ``schemaguard mcp``: plain functions returning JSON-ready dicts.

Each reuses what the matching CLI command computes (``commands/*.py``), so an agent and a person
at the terminal get the same answers. Refusals and user mistakes raise ``SchemaguardError``; the
MCP layer turns them into error results carrying the message. Nothing here writes to a live
database: ``status`` and ``diff_live`` open it through ``live.py``, read-only.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..commands._integrity import loaded_project
from ..commands.diff import drift_as_json, live_diff
from ..commands.new import create_migration
from ..commands.snapshot import require_build
from ..commands.status import StatusReport, status_report
from ..config import Settings, command_settings
from ..errors import ConfigError, SchemaguardError
from ..integrity.history import DEFAULT_WINDOW_HOURS
from ..project import relative_path
from ..session import command_session
from .proposed import lint_proposed
from .verify import run_verify

DEFAULT_FILE = Path("schema_expectations.yml")
TYPEGEN_MODULE = "pytest_schemaguard.typegen.generate"


@dataclass(frozen=True)
class Defaults:
    """What ``schemaguard mcp`` was started with (its --file/--dsn/--pg-bin and environment)."""

    file: Path = DEFAULT_FILE
    dsn: str | None = None
    pg_bin: str | None = None
    live_dsn: str | None = None

    @classmethod
    def from_environment(cls, file: Path = DEFAULT_FILE, dsn: str | None = None,
                         pg_bin: str | None = None) -> Defaults:
        return cls(file=file, dsn=dsn or os.environ.get("SCHEMAGUARD_DSN") or None,
                   pg_bin=pg_bin or os.environ.get("SCHEMAGUARD_PG_BIN") or None,
                   live_dsn=os.environ.get("SCHEMAGUARD_LIVE_DSN") or None)


class Toolbox:
    def __init__(self, defaults: Defaults | None = None) -> None:
        self.defaults = defaults or Defaults.from_environment()

    def _file(self, file: str | None) -> Path:
        return Path(file).expanduser().resolve() if file else self.defaults.file.resolve()

    def _settings(self, file: str | None, dsn: str | None, **extra: Any) -> Settings:
        return command_settings(self._file(file), dsn=dsn or self.defaults.dsn, pg_bin=self.defaults.pg_bin, **extra)

    # ------------------------------------------------------------------ tools

    def verify(self, file: str | None = None, dsn: str | None = None) -> dict[str, Any]:
        return run_verify(self._file(file), dsn or self.defaults.dsn, self.defaults.pg_bin)

    def status(self, live_dsn: str | None = None, file: str | None = None,
               window_hours: float = DEFAULT_WINDOW_HOURS, history_columns: str | None = None) -> dict[str, Any]:
        report = status_report(self._file(file), live_dsn or self.defaults.live_dsn, window_hours, history_columns)
        if report.window_error is not None:
            raise report.window_error
        return status_json(report)

    def diff_live(self, live_dsn: str | None = None, file: str | None = None, dsn: str | None = None) -> dict[str, Any]:
        live = live_dsn or self.defaults.live_dsn
        if not live:
            raise SchemaguardError("diff_live needs the live database to compare with: pass `live_dsn` "
                                   "(it is opened read-only), or start the server with SCHEMAGUARD_LIVE_DSN set")
        result = drift_as_json(live_diff(self._settings(file, dsn, live_dsn=live), live))
        return {"ok": not result["drift"], **result}

    def lint_migration(self, sql: str, name: str = "proposed", file: str | None = None,
                       dsn: str | None = None) -> dict[str, Any]:
        return lint_proposed(self._settings(file, dsn), sql, name)

    def new_migration(self, name: str, sql: str, version: str | None = None, file: str | None = None) -> dict[str, Any]:
        if not sql.strip():
            raise SchemaguardError("the migration is empty: pass its SQL text as `sql`")
        expectations = self._file(file)
        path = create_migration(expectations, name, body=sql, version=version)
        return {"ok": True, "path": str(path), "file": relative_path(path, expectations.parent), "name": path.name,
                "version": path.name.split("_", 1)[0]}

    def types(self, lang: str | None = None, schemas: list[str] | None = None, check: bool = False,
              file: str | None = None, dsn: str | None = None) -> dict[str, Any]:
        try:
            typegen = importlib.import_module(TYPEGEN_MODULE)
        except ImportError:
            raise SchemaguardError("type generation is not available in this version of pytest-schemaguard "
                                   f"({TYPEGEN_MODULE} is missing): update pytest-schemaguard") from None
        if lang is not None and lang not in typegen.LANGUAGES:
            raise ConfigError(f"lang must be one of {', '.join(typegen.LANGUAGES)}, got {lang!r}")
        with command_session(self._settings(file, dsn)) as session:
            project = loaded_project(session)
            committed = project.root / project.settings.types if project.settings.types else None
            if check and committed is None:
                raise ConfigError(f"{session.settings.file}: project.types is not set, so there is nothing to check; "
                                  "add `types: src/types/database.generated.ts` under `project:`")
            chosen_lang = typegen.language_of(committed, lang)
            chosen = tuple(schemas) if schemas else tuple(typegen.default_schemas(project))
            broken = require_build(session)
            if broken:
                raise SchemaguardError(broken)
            if check:
                problem = typegen.check_file(session, committed, chosen_lang, chosen)
                return {"ok": problem is None, "lang": chosen_lang, "schemas": list(chosen),
                        "types": relative_path(committed, project.root) if committed else None, "problem": problem}
            text = typegen.generate(session, chosen_lang, chosen)
        return {"ok": True, "lang": chosen_lang, "schemas": list(chosen), "text": text,
                "note": "nothing was written; `schemaguard types` writes project.types"}

    def snapshot(self, check: bool = False, file: str | None = None, dsn: str | None = None) -> dict[str, Any]:
        from ..drift.snapshot_file import check_snapshot, dump_schema, render_snapshot, session_pg_dump

        with command_session(self._settings(file, dsn)) as session:
            project = loaded_project(session)
            broken = require_build(session)
            if broken:
                raise SchemaguardError(broken)
            name = project.settings.snapshot
            if check:
                if name is None:
                    raise ConfigError(f"{session.settings.file}: project.snapshot is not set, so there is nothing "
                                      "to check; add `snapshot: schema.sql` under `project:`")
                failure = check_snapshot(session)
                return {"ok": failure is None, "snapshot": name, "problem": failure}
            body = dump_schema(session_pg_dump(session), session.info, project.flavor)
            shown_name = Path(name).name if name else "schema.sql"
            return {"ok": True, "snapshot": name, "text": render_snapshot(project, shown_name, body),
                    "note": "nothing was written; `schemaguard snapshot` writes project.snapshot"}


def status_json(report: StatusReport) -> dict[str, Any]:
    return {
        "ok": not report.failing,
        "live": report.live,
        "read_only": True,
        "versions": [{"version": e.version, "state": e.state, "file": e.file, "detail": e.detail}
                     for e in report.entries],
        "problems": [e.render() for e in report.failing],
        "rollback_window": None if report.window_table is None else {
            "table": report.window_table,
            "hours": report.window_hours,
            "entries": [{"name": w.name, "phase": w.phase, "status": w.status,
                         "completed_at": w.completed_at.isoformat(), "hours_ago": round(w.hours_ago, 2),
                         "has_rollback": w.has_rollback} for w in report.window],
        },
    }
