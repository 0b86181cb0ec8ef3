"""``-- schemaguard: ignore <rule>[, <rule>...]`` comments: one rule off for one whole file."""

from __future__ import annotations

import re

from .rules import RULES, Finding

IGNORE = re.compile(r"--\s*schemaguard:\s*ignore\b(?P<rules>[^\n]*)", re.IGNORECASE)


def ignored_rules(text: str) -> list[tuple[str, int]]:
    """(rule id, line) for every rule named in an ignore comment of ``text``."""
    found = []
    for match in IGNORE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        for rule in re.split(r"[\s,]+", match["rules"].strip()):
            if rule:
                found.append((rule.lower(), line))
    return found


def apply_suppressions(file: str, text: str, findings: list[Finding]) -> list[Finding]:
    """Drop the findings of ignored rules; name the ignore comments that name no rule."""
    ignored = ignored_rules(text)
    names = {rule for rule, _ in ignored}
    kept = [f for f in findings if f.rule not in names]
    for rule, line in ignored:
        if rule not in RULES:
            comment = f"-- schemaguard: ignore {rule}"
            kept.append(Finding("unknown_ignored_rule", file, line, comment,
                                f"`{comment}` names no lint rule (known: {', '.join(sorted(RULES))})"))
    return kept
