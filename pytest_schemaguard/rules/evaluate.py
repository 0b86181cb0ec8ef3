"""Apply the project's rule levels and per-object opt-outs to what the rules find.

Plain functions from (expectations, snapshot, config) to outcomes; the pytest items, the
terminal summary and ``schemaguard init`` format the outcomes at the edge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_schemaguard.expectations.model import Expectations, RuleOptOut
from pytest_schemaguard.project import api_schemas
from pytest_schemaguard.rules.registry import RULES, Finding, RuleContext


@dataclass(frozen=True)
class Level:
    value: str  # error | warn | off
    line: int | None  # the `rules:` line that set it; None: the flavor's default


@dataclass(frozen=True)
class OptOutTarget:
    """An opt-out and the object it sits under."""

    kind: str  # "table" | "view" | "materialized_view" | "function" | "extension"
    name: str  # qualified name (functions: without arguments)
    args: tuple[str, ...] | None  # functions declared with args: that overload only
    opt_out: RuleOptOut


@dataclass(frozen=True)
class RuleOutcome:
    rule: str
    findings: tuple[Finding, ...]  # what still counts after opt-outs
    ignored: tuple[tuple[Finding, OptOutTarget], ...]
    stale: tuple[OptOutTarget, ...]  # opt-outs for objects that do not break the rule (any more)


def rule_levels(expectations: Expectations, flavor: str) -> dict[str, Level]:
    """Every rule's level: as written under `rules:`, else the flavor's default."""
    declared = expectations.rules
    return {
        name: Level(*declared[name]) if name in declared else Level(rule.default_level(flavor), None)
        for name, rule in RULES.items()
    }


def exposed_schemas(
    supabase_config: Mapping[str, Any], config_path: Path | str = "supabase/config.toml"
) -> tuple[str, ...]:
    """The schemas the Data API serves: config.toml ``[api] schemas``, default public, graphql_public."""
    return api_schemas(supabase_config, config_path)


def opt_out_targets(expectations: Expectations) -> list[OptOutTarget]:
    targets = [OptOutTarget("table", t.name, None, o) for t in expectations.tables for o in t.ignore_rules]
    targets += [
        OptOutTarget("materialized_view" if v.materialized else "view", v.name, None, o)
        for v in expectations.views
        for o in v.ignore_rules
    ]
    targets += [OptOutTarget("function", f.name, f.args, o) for f in expectations.functions for o in f.ignore_rules]
    targets += [OptOutTarget("extension", e.name, None, o) for e in expectations.extensions for o in e.ignore_rules]
    return targets


def run_rule(name: str, context: RuleContext, targets: list[OptOutTarget], same_type: Any = None) -> RuleOutcome:
    """Run one rule and set aside the findings its opt-outs cover.

    ``same_type(declared, found)`` compares a declared argument type with the catalog's (the
    server-normalised comparison when a normaliser is available); plain equality otherwise.
    """
    equal = same_type or (lambda declared, found: " ".join(declared.lower().split()) == found)
    mine = [t for t in targets if t.opt_out.rule == name]
    findings, ignored, used = [], [], set()
    for finding in RULES[name].check(context):
        target = next((t for t in mine if _covers(t, finding, equal)), None)
        if target is None:
            findings.append(finding)
        else:
            ignored.append((finding, target))
            used.add(id(target))
    stale = tuple(t for t in mine if id(t) not in used)
    return RuleOutcome(name, tuple(findings), tuple(ignored), stale)


def _covers(target: OptOutTarget, finding: Finding, same_type: Any) -> bool:
    if target.kind != finding.kind:
        return False
    if finding.kind != "function":
        return target.name == finding.name
    name, _, rest = finding.name.partition("(")
    if name != target.name:
        return False
    if target.args is None:
        return True
    found = tuple(a for a in rest.removesuffix(")").split(",") if a)
    return len(found) == len(target.args) and all(same_type(d, f) for d, f in zip(target.args, found, strict=True))
