"""What the commands share: the project on disk, read (and its mistakes reported) before any server starts."""

from __future__ import annotations

from pathlib import Path

from ..config import command_settings
from ..project import Project
from ..session import SchemaguardSession


def loaded_project(session: SchemaguardSession) -> Project:
    """The session's project; its SchemaguardError (file:line) when the files are malformed."""
    session.load()
    if session.load_error is not None:
        raise session.load_error
    assert session.project is not None
    return session.project


def load_files_only(file: Path) -> Project:
    """The project the expectations file describes, for commands that need no server (lock, status)."""
    return loaded_project(SchemaguardSession(command_settings(file)))


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
