"""``-- schemaguard: ignore <rule>[, <rule>...]`` comments: one rule off for one whole file.

The comment counts only as a line of its own between statements. The same words inside a string,
a dollar-quoted function body, a block comment, or after other text on a line (``-- note: --
schemaguard: ignore ...``, ``truncate t; -- schemaguard: ignore ...``) are text, not a switch: a
function body or a remark that quotes the marker must not silence a rule for the whole file.
"""

from __future__ import annotations

import re

from .rules import RULES, Finding

# The whole line: leading blanks, the comment, nothing but rule names after ``ignore``.
IGNORE = re.compile(r"^[ \t]*--[ \t]*schemaguard:[ \t]*ignore\b(?P<rules>[^\n]*)$", re.IGNORECASE | re.MULTILINE)
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\uffff][\w\x80-\uffff]*)?\$")
_IDENTIFIER_CHAR = re.compile(r"[\w$\x80-\uffff]")


def top_level_line_comments(text: str) -> list[int]:
    """Start offsets of the ``--`` comments outside strings, quoted identifiers, dollar quotes and
    block comments (PostgreSQL's lexical rules; unterminated ones run to the end of the text)."""
    starts: list[int] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "-" and text.startswith("--", i):
            starts.append(i)
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif char == "/" and text.startswith("/*", i):
            i = _block_comment_end(text, i)
        elif char == "'":
            escaped = i > 0 and text[i - 1] in "eE" and (i < 2 or not _IDENTIFIER_CHAR.match(text[i - 2]))
            i = _quoted_end(text, i, "'", backslash=escaped)
        elif char == '"':
            i = _quoted_end(text, i, '"', backslash=False)
        elif char == "$" and (i == 0 or not _IDENTIFIER_CHAR.match(text[i - 1])):
            tag = _DOLLAR_TAG.match(text, i)
            if tag:
                end = text.find(tag.group(), tag.end())
                i = n if end < 0 else end + len(tag.group())
            else:
                i += 1
        else:
            i += 1
    return starts


def _block_comment_end(text: str, i: int) -> int:
    """Just after the ``*/`` closing the block comment at ``i`` (they nest in PostgreSQL)."""
    depth, i = 1, i + 2
    while i < len(text) and depth:
        if text.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif text.startswith("*/", i):
            depth, i = depth - 1, i + 2
        else:
            i += 1
    return i


def _quoted_end(text: str, i: int, quote: str, *, backslash: bool) -> int:
    """Just after the closing quote (a doubled quote is part of the text; ``E''`` honours ``\\``)."""
    i += 1
    while i < len(text):
        if backslash and text[i] == "\\":
            i += 2
        elif text[i] == quote:
            if text.startswith(quote * 2, i):
                i += 2
            else:
                return i + 1
        else:
            i += 1
    return i


def ignored_rules(text: str) -> list[tuple[str, int]]:
    """(rule id, line) for every rule named in an ignore comment of ``text``; ("", line) for an
    ignore comment that names none."""
    comments = set(top_level_line_comments(text))
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


def apply_suppressions(file: str, text: str, findings: list[Finding]) -> list[Finding]:
    """Drop the findings of ignored rules; name the ignore comments that name no rule."""
    ignored = ignored_rules(text)
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
