"""Findings: the plain result of comparing one declared object with the snapshot.

Checks return these and never format or raise; the pytest items (and later the CLI) turn them
into text at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass

# A failure is read by a person: an expression pasted 40 kB long, or an aliased list declaring
# 100,000 columns, must not print megabytes. Beyond these, rows and values are elided, saying how much.
MAX_ROWS = 200
MAX_ROW_CHARACTERS = 1_000


def clipped(text: str, limit: int = MAX_ROW_CHARACTERS) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit:,} more characters)"


@dataclass(frozen=True)
class Mismatch:
    """One way in which the database differs from what the YAML declared."""

    aspect: str  # what is wrong, e.g. "rls", "column organization_type", "policy p_select"
    message: str  # e.g. "expected enabled, found disabled"; "missing"
    line: int | None = None  # the YAML line that declared it


@dataclass(frozen=True)
class ObjectReport:
    """The outcome for one declared object: empty ``mismatches`` means it passed."""

    kind: str  # "table" | "view" | "materialized_view" | "enum" | "function" | "extension" | ...
    name: str  # qualified name / signature, as it appears in the item id
    line: int | None
    mismatches: tuple[Mismatch, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def render(self, filename: str) -> str:
        """The SPEC §4 failure text: a header naming the object and its line, one row a mismatch."""
        where = f" ({filename}:{self.line})" if self.line else ""
        shown = self.mismatches[:MAX_ROWS]
        rows = [clipped(f"  {m.aspect}: {m.message}") for m in shown]
        # Line references form a column, except after rows too long to align with the others.
        width = min(max((len(r) for r in rows), default=0), 76) + 4
        lines = [f"{self.name}{where}"]
        for row, m in zip(rows, shown, strict=True):
            padded = row.ljust(width) if len(row) < width - 1 else row + "  "
            lines.append(f"{padded}(line {m.line})" if m.line else row)
        if len(self.mismatches) > MAX_ROWS:
            lines.append(f"  … and {len(self.mismatches) - MAX_ROWS:,} more mismatches")
        return "\n".join(lines)
