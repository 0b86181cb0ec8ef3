"""Scratch builds: a throwaway database built from some files beside the session's own, for
proofs that compare two builds (a snapshot reloaded, a baseline against the history it replaces,
the declared schema files against the migrations)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from ..catalog import inspect_schema
from ..catalog.model import Schema
from ..migrations import Migration
from ..project import Project
from .build import BuildResult, StepOutcome, build_project
from .server import ConnectionInfo


@dataclass(frozen=True)
class ScratchBuild:
    """A throwaway database built from some files: what happened and the schema it holds."""

    info: ConnectionInfo
    result: BuildResult
    schema: Schema | None  # None when a file failed

    @property
    def failure(self) -> StepOutcome | None:
        return self.result.failed_step


def build_scratch(session_scratch: ConnectionInfo, project: Project, files: Sequence[Migration]) -> ScratchBuild:
    """Apply the shim (supabase flavor) and ``files`` to an empty database and snapshot it."""
    with psycopg.connect(session_scratch.conninfo(), autocommit=True) as conn:
        result = build_project(conn, project, migrations=files)
        schema = inspect_schema(conn) if result.ok else None
    return ScratchBuild(info=session_scratch, result=result, schema=schema)


def as_migration(path: Path, version: int = 0) -> Migration:
    """Any SQL file, applied the way a migration is (one transaction, failures with file:line)."""
    return Migration(path=path, version=version, name=path.name)
