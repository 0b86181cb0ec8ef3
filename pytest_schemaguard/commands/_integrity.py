"""What the integrity commands (lock, new, status) share: the project on disk, without a server."""

from __future__ import annotations

from pathlib import Path

from ..config import command_settings
from ..project import Project
from ..session import SchemaguardSession


def load_files_only(file: Path) -> Project:
    """The project the expectations file describes; SchemaguardError (file:line) when it is malformed."""
    session = SchemaguardSession(command_settings(file))
    session.load()
    if session.load_error is not None:
        raise session.load_error
    assert session.project is not None
    return session.project


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
