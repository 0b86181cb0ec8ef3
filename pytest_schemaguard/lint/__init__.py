"""Migration lint: syntactic rules read from each statement's text (sqlglot), semantic rules from
the catalog before and after each migration (``diff_snapshots``). See ``rules.RULES``."""

from __future__ import annotations

from .rules import RULES, Finding, Rule
from .run import LintResult, lint_file, lint_project, replay
from .semantic import LintObserver
from .syntactic import Before, lint_statements

__all__ = ["RULES", "Before", "Finding", "LintObserver", "LintResult", "Rule", "lint_file", "lint_project",
           "lint_statements", "replay"]
