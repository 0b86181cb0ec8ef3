"""Generated types for a session's built database: what the command and the ``types`` item share."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..project import DEFAULT_API_SCHEMAS, api_schemas, read_text, write_text_if_changed
from .freshness import header, stale_reason
from .python import render_python
from .reader import read_typed_database
from .typescript import render_typescript

if TYPE_CHECKING:
    from ..project import Project
    from ..session import SchemaguardSession

LANGUAGES = ("typescript", "python")


def default_schemas(project: Project) -> tuple[str, ...]:
    """The schemas the Data API exposes (config.toml ``[api] schemas``), as the Supabase CLI uses."""
    if project.flavor == "supabase":
        return api_schemas(project.supabase_config)
    return ("public",) if not project.supabase_config else tuple(DEFAULT_API_SCHEMAS)


def language_of(path: Path | None, lang: str | None) -> str:
    if lang is not None:
        return lang
    return "python" if path is not None and path.suffix in (".py", ".pyi") else "typescript"


def generate(session: SchemaguardSession, lang: str, schemas: Sequence[str]) -> str:
    """The whole file: header line, then the rendered types of the built database."""
    assert session.project is not None
    database = read_typed_database(session.require_database(), schemas)
    body = render_typescript(database) if lang == "typescript" else render_python(database)
    return header(session.project, lang, schemas) + "\n" + body


def types_path(project: Project) -> Path:
    if project.settings.types is None:
        raise ConfigError("project.types is not set; add `types: src/types/database.generated.ts` under `project:`")
    return project.root / project.settings.types


def compare(current: str, expected: str, name: str) -> str | None:
    """None when equal; otherwise the differences by type path (``public.Tables.t.Row.c``)."""
    if current == expected:
        return None
    old, new = type_paths(current), type_paths(expected)
    lines = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before != after:
            lines.append(f"  {path}: {before or 'missing'} → {after or 'missing'}")
    if not lines:  # only the header or the helpers differ
        diff = difflib.unified_diff(current.splitlines(), expected.splitlines(), name, "migrations", n=0, lineterm="")
        lines = [f"  {line}" for line in list(diff)[2:12]]
    shown = lines[:40] + ([f"  ... ({len(lines) - 40} more)"] if len(lines) > 40 else [])
    return f"{name} differs from the types the migrations build (committed → built):\n" + "\n".join(shown)


MEMBER = re.compile(
    r"^(?P<indent> *)(?P<key>\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[^\s:?]+)(?P<opt>\??):\s*(?P<rest>.*)$"
)


def type_paths(text: str) -> dict[str, str]:
    """Leaf members of ``export type Database`` (TypeScript) keyed by their dotted path."""
    found: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    inside = False
    pending: tuple[str, list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("export type Database = {"):
            inside = True
            continue
        if not inside:
            continue
        if line == "}":
            break
        stripped = line.strip()
        if pending is not None and stripped.startswith("|"):
            pending[1].append(stripped[1:].strip())
            continue
        if pending is not None:
            found[pending[0]] = " | ".join(pending[1])
            pending = None
        match = MEMBER.match(line)
        if match is None:
            continue
        indent = len(match["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        name = match["key"].strip("\"'")
        path = ".".join([*(k for _, k in stack), name])
        rest = match["rest"]
        if rest in ("{", "["):
            stack.append((indent, name))
        elif rest == "":
            pending = (path + match["opt"], [])
        else:
            found[path + match["opt"]] = rest
    return found


def check_file(session: SchemaguardSession, path: Path, lang: str, schemas: Sequence[str]) -> str | None:
    """The ``types`` item and ``types --check``: the failure text, or None when up to date."""
    assert session.project is not None
    name = str(path.relative_to(session.project.root)) if path.is_relative_to(session.project.root) else str(path)
    fix = "run `schemaguard types` (or `pytest --schemaguard --schemaguard-update`) and commit the file"
    if not path.exists():
        return f"{name} does not exist: {fix}"
    text = read_text(path)
    stale = stale_reason(text, session.project, lang, schemas)
    differs = compare(text, generate(session, lang, schemas), name)
    if differs is None:
        return None
    return differs + (f"\n  (header: {stale})" if stale else "") + f"\n{fix}"


def write_file(path: Path, text: str) -> bool:
    """Write the types file; False when it already had exactly this content."""
    return write_text_if_changed(path, text)
