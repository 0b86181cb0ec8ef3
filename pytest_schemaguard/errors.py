"""Errors caused by the user's input or environment.

Each carries a message that says what went wrong, where, and how to fix it; the plugin shows
the message without a Python traceback.
"""

from __future__ import annotations


class SchemaguardError(Exception):
    """A user-facing problem (bad input, missing binaries, unreachable server)."""


class ConfigError(SchemaguardError):
    """Bad option, missing file or unreadable project configuration."""


class ExpectationsError(SchemaguardError):
    """The expectations file is malformed; the message names file:line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.detail = message
        # When the file had several problems, this error lists them and these are each of them.
        self.problems: tuple[ExpectationsError, ...] = (self,)
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class ServerError(SchemaguardError):
    """No PostgreSQL could be started or reached."""
