"""Built-in database rules (SPEC §3 ``rules``): security and hygiene checks every project gets.

Each rule module registers its checks in :data:`RULES` on import; this package imports them
all, in the order the rules are documented. ``evaluate`` applies levels and per-object opt-outs.
"""

from __future__ import annotations

from pytest_schemaguard.rules import api_exposure, functions_policies, indexes  # noqa: F401  (registers)
from pytest_schemaguard.rules.registry import (
    DEFAULT_EXPOSED_SCHEMAS,
    LEVELS,
    RULES,
    Finding,
    Rule,
    RuleContext,
    register,
)

__all__ = ["DEFAULT_EXPOSED_SCHEMAS", "LEVELS", "RULES", "Finding", "Rule", "RuleContext", "register"]
