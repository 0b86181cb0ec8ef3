"""How a migration statement failed, as plain data; ``render`` is the text every report shows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StatementFailure:
    """Where and why a statement failed, with everything PostgreSQL said about it."""

    file: str
    line: int
    statement: str
    message: str
    sqlstate: str | None = None
    detail: str | None = None
    hint: str | None = None
    context: str | None = None
    error_line: int | None = None  # file line of PostgreSQL's error position, when it gave one
    # PostgreSQL said it (an ERROR); False: schemaguard refused the statement before sending it
    from_server: bool = True

    def render(self) -> str:
        shown = _shorten(self.statement)
        if self.error_line and self.error_line != self.line:
            lines = [f"{self.file}:{self.error_line}: statement starting at line {self.line} failed", ""]
        else:
            lines = [f"{self.file}:{self.line}: statement failed", ""]
        lines += [f"    {row}" for row in shown.splitlines()]
        label = "ERROR" if self.from_server else "schemaguard"
        lines += ["", f"{label}:  {self.message}" + (f" (SQLSTATE {self.sqlstate})" if self.sqlstate else "")]
        for label, value in (("DETAIL", self.detail), ("HINT", self.hint), ("CONTEXT", self.context)):
            if value:
                lines.append(f"{label}:  {value}")
        return "\n".join(lines)


def _shorten(text: str, max_lines: int = 12, max_width: int = 160) -> str:
    rows = [r if len(r) <= max_width else r[: max_width - 3] + "..." for r in text.splitlines()]
    if len(rows) > max_lines:
        rows = [*rows[: max_lines - 2], f"... ({len(rows) - max_lines + 2} more lines)", rows[-1]]
    return "\n".join(rows)
