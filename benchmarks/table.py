"""The results table of issue 11: measure | value | floor | ratio | goal, as text or Markdown.

A row compares a value with a reference; the reference is the floor for build rows and is named in
its cell otherwise (the first run, ``-p no:schemaguard``, ``-n 0``, pgTAP). A row that could not be
measured keeps its place and says why; a run that failed keeps its time and says it failed, with
the end of its output in the notes under the table.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

HEADER = ("measure", "value", "floor", "ratio", "goal")


def seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s"


@dataclass
class Row:
    measure: str
    goal: str
    values: list[float] = field(default_factory=list)
    reference: list[float] = field(default_factory=list)
    reference_name: str = "floor"
    skipped: str | None = None  # why the row was not measured
    failures: list[str] = field(default_factory=list)  # what went wrong in some run (shown in the notes)
    note: str | None = None  # how it was measured, when that is not obvious

    def cells(self) -> tuple[str, str, str, str, str]:
        if self.skipped is not None:
            return self.measure, f"skipped: {self.skipped}", "", "", self.goal
        value = seconds(self.values) if self.values else "n/a"
        if self.failures:
            value += " (failed)"
        if not self.reference:
            return self.measure, value, "", "", self.goal
        reference = seconds(self.reference) + ("" if self.reference_name == "floor" else f" ({self.reference_name})")
        ratio = statistics.median(self.values) / statistics.median(self.reference) if self.values else None
        return self.measure, value, reference, f"{ratio:.2f}×" if ratio is not None else "", self.goal


def _notes(rows: list[Row]) -> list[str]:
    notes = []
    for row in rows:
        if row.note:
            notes.append(f"{row.measure}: {row.note}")
        notes += [f"{row.measure}: FAILED: {failure}" for failure in row.failures]
    return notes


def render_text(rows: list[Row]) -> str:
    table = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[col]) for line in table) for col in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
             for line in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    notes = _notes(rows)
    return "\n".join(lines + ([""] + [f"* {note}" for note in notes] if notes else []))


def render_markdown(rows: list[Row], heading: str = "") -> str:
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    lines = [heading, ""] if heading else []
    lines += [line(HEADER), line(tuple("---" for _ in HEADER)), *(line(row.cells()) for row in rows)]
    notes = _notes(rows)
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"
