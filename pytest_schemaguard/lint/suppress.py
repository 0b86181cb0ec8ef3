"""``-- schemaguard: ignore <rule>[, <rule>...]`` comments: one rule off for one whole file.

The comment counts only as a line of its own between statements. The same words inside a string,
a dollar-quoted function body, a block comment, or after other text on a line (``-- note: --
schemaguard: ignore ...``, ``truncate t; -- schemaguard: ignore ...``) are text, not a switch: a
function body or a remark that quotes the marker must not silence a rule for the whole file.
"""

from __future__ import annotations

import re

from ..script import Script, scan_script
from .rules import RULES, Finding

# The whole line: leading blanks, the comment, nothing but rule names after ``ignore``.
IGNORE = re.compile(r"^[ \t]*--[ \t]*schemaguard:[ \t]*ignore\b(?P<rules>[^\n]*)$", re.IGNORECASE | re.MULTILINE)


def top_level_line_comments(text: str, script: Script | None = None) -> list[int]:
    """Start offsets of the ``--`` comments outside strings, quoted identifiers, dollar quotes,
    block comments and COPY data rows: the build's own scanner decides, so lint and build agree
    (``script``: the scan the build already made of ``text``, so the file is not read twice)."""
    return [offset for offset, _ in (script or scan_script(text)).comments]


def ignored_rules(text: str, script: Script | None = None) -> list[tuple[str, int]]:
    """(rule id, line) for every rule named in an ignore comment of ``text``; ("", line) for an
    ignore comment that names none."""
    if not IGNORE.search(text):
        return []  # most files have none: no scan needed
    comments = set(top_level_line_comments(text, script))
    found: list[tuple[str, int]] = []
    for match in IGNORE.finditer(text):
        dashes = text.index("--", match.start())
        if dashes not in comments:
            continue  # inside a string, a function body or a block comment
        line = text.count("\n", 0, match.start()) + 1
        named = match["rules"].split("--", 1)[0]  # a remark may follow: ignore truncate -- staging only
        rules = [rule.lower() for rule in re.split(r"[\s,]+", named.strip()) if rule]
        found.extend((rule, line) for rule in rules or [""])
    return found


def apply_suppressions(file: str, text: str, findings: list[Finding], script: Script | None = None) -> list[Finding]:
    """Drop the findings of ignored rules; name the ignore comments that name no rule."""
    ignored = ignored_rules(text, script)
    names = {rule for rule, _ in ignored}
    kept = [f for f in findings if f.rule not in names]
    known = ", ".join(sorted(RULES))
    for rule, line in ignored:
        if not rule:
            kept.append(Finding("unknown_ignored_rule", file, line, "-- schemaguard: ignore",
                                f"`-- schemaguard: ignore` names no rule (known: {known})"))
        elif rule not in RULES:
            comment = f"-- schemaguard: ignore {rule}"
            kept.append(Finding("unknown_ignored_rule", file, line, comment,
                                f"`{comment}` names no lint rule (known: {known})"))
    return kept
