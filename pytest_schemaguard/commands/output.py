"""Machine-readable output shared by the commands: versioned JSON documents and GitHub annotations.

Every JSON document is one object with ``"schemaguard_format": 1`` and ``"command"``; its shape
is the JSON Schema ``pytest_schemaguard/output_schemas/<command>.schema.json`` (docs/commands.md shows
an example of each). A change that would break a reader raises the format number.

``--format github`` prints GitHub Actions workflow commands (``::error file=…,line=…::message``)
that the runner turns into annotations on the pull request's diff; escaping follows the
runner's rules (data: ``%``, CR, LF; properties also ``:`` and ``,``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diff import Change, render_changes

if TYPE_CHECKING:
    from ..lint.rules import Finding
    from ..lint.run import LintResult

FORMAT_VERSION = 1
TEXT, JSON, GITHUB = "text", "json", "github"
GITHUB_LEVELS = {"error": "error", "warn": "warning", "info": "notice"}


def add_format_option(parser: argparse.ArgumentParser, *, github: bool = False) -> None:
    choices = (TEXT, JSON, GITHUB) if github else (TEXT, JSON)
    parser.add_argument("--format", choices=choices, default=TEXT,
                        help=f"output: {', '.join(choices)} (default text; json is documented in docs/commands.md"
                             + ("; github prints workflow annotations" if github else "") + ")")


def json_document(command: str, fields: Mapping[str, Any]) -> str:
    return json.dumps({"schemaguard_format": FORMAT_VERSION, "command": command, **fields}, indent=2,
                      ensure_ascii=False)


def output_schema(command: str) -> dict[str, Any]:
    """The JSON Schema of ``schemaguard <command> --format json`` (format FORMAT_VERSION)."""
    text = (resources.files("pytest_schemaguard") / "output_schemas" / f"{command}.schema.json").read_text(
        encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def print_json(command: str, fields: Mapping[str, Any]) -> None:
    print(json_document(command, fields))


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, *, file: str | None = None, line: int | None = None,
               title: str | None = None) -> str:
    """One workflow command line, e.g. ``::error file=a.sql,line=3,title=x::message``."""
    properties = [(key, value) for key, value in (("file", file), ("line", line), ("title", title))
                  if value is not None]
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{level}{' ' + rendered if rendered else ''}::{escape_data(message)}"


def shown_path(path: Path) -> str:
    """A path relative to the working directory when below it (the repository root in CI)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def lines(items: Iterable[str]) -> None:
    for item in items:
        print(item)


# ----------------------------------------------------------------------------------- lint


def lint_fields(result: LintResult, paths: Mapping[str, Path], *, mode: str, base: str | None,
                not_migrations: Iterable[Path] = ()) -> dict[str, Any]:
    findings = [f for file in result.linted for f in result.findings[file]]
    failed = result.failed
    return {
        "mode": mode,  # "build": syntactic and semantic rules; "syntax-only": no database
        "base": base,
        "linted": [shown_path(paths[name]) if name in paths else name for name in result.linted],
        "findings": [finding_json(f, paths) for f in findings],
        "counts": {level: sum(1 for f in findings if f.level == level) for level in ("error", "warn", "info")},
        "not_analysed": list(result.not_analysed),
        "not_migrations": [shown_path(p) for p in not_migrations],
        "build_failed": None if failed is None else {
            "file": failed.name,
            "message": failed.failure.render() if failed.failure is not None else "",
        },
    }


def finding_json(finding: Finding, paths: Mapping[str, Path]) -> dict[str, Any]:
    path = paths.get(finding.file)
    return {
        "rule": finding.rule,
        "level": finding.level,
        "file": finding.file,
        "path": shown_path(path) if path is not None else None,
        "line": finding.line,
        "message": finding.message,
        "statement": finding.statement,
        "why": finding.why,
        "fix": finding.fix,
    }


def lint_annotations(result: LintResult, paths: Mapping[str, Path]) -> list[str]:
    annotations = []
    for file in result.linted:
        for finding in result.findings[file]:
            path = paths.get(file)
            annotations.append(annotation(
                GITHUB_LEVELS[finding.level],
                f"{finding.message}\nwhy: {finding.why}\ninstead: {finding.fix}",
                file=shown_path(path) if path is not None else file,
                line=finding.line,
                title=f"schemaguard lint: {finding.rule}",
            ))
    failed = result.failed
    if failed is not None and failed.failure is not None:
        path = paths.get(failed.name)
        annotations.append(annotation("error", failed.failure.render(),
                                      file=shown_path(path) if path is not None else failed.name,
                                      line=failed.failure.error_line or failed.failure.line,
                                      title="schemaguard lint: the migrations do not build"))
    return annotations


# ----------------------------------------------------------------------------------- drift


def drift_annotations(changes: Iterable[Change], *, live: str) -> list[str]:
    """One annotation per drifted object (no file: drift belongs to the database, not a line)."""
    by_object: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        by_object.setdefault(change.object or (change.kind, change.name), []).append(change)
    return [
        annotation("error", f"{render_changes(group, 'migrations', 'live')}\n(live: {live})",
                   title=f"schemaguard drift: {kind} {name}")
        for (kind, name), group in sorted(by_object.items())
    ]
