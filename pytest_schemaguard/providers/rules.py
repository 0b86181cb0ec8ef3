"""Items ``rule[<name>]``: the built-in rules (SPEC §3 ``rules``), one item per rule not ``off``.

Level ``error``: the item fails, listing every object that breaks the rule and how to fix it.
Level ``warn``: the item passes and each finding goes to the terminal summary
(``schemaguard warnings``). Opt-outs (``ignore_rules`` under an object) remove that object's
finding; an opt-out the database no longer needs is reported as a warning, so it can go.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pytest_schemaguard.providers import ItemSpec
from pytest_schemaguard.rules import RULES, RuleContext
from pytest_schemaguard.rules.evaluate import (
    Level,
    RuleOutcome,
    exposed_schemas,
    opt_out_targets,
    rule_levels,
    run_rule,
)

if TYPE_CHECKING:
    from pytest_schemaguard.session import SchemaguardSession


def provide(session: SchemaguardSession) -> Iterable[ItemSpec]:
    if session.expectations is None or session.project is None:
        return []
    levels = rule_levels(session.expectations, session.project.flavor)
    return [
        ItemSpec(f"rule[{name}]", functools.partial(check_rule, name, level), marker="schemaguard_rule",
                 line=level.line)
        for name, level in levels.items()
        if level.value != "off"
    ]


def rule_context(session: SchemaguardSession) -> RuleContext:
    assert session.project is not None
    config_path = session.project.root / "supabase" / "config.toml"
    return RuleContext(
        schema=session.schema,
        exposed_schemas=exposed_schemas(session.project.supabase_config, config_path),
        conn=session.require_database(),
    )


def check_rule(name: str, level: Level, session: SchemaguardSession) -> str | None:
    """Failure text for an error-level rule with findings; warnings are recorded, not raised."""
    assert session.expectations is not None
    context = rule_context(session)
    outcome = run_rule(name, context, opt_out_targets(session.expectations),
                       lambda declared, found: session.normaliser.type(declared) == found)
    filename = session.expectations.path.name
    session.warnings.extend(stale_warnings(outcome, filename))
    if not outcome.findings:
        return None
    if level.value == "warn":
        session.warnings.extend(f"rule {name}: {f.render()}" for f in outcome.findings)
        return None
    return render_failure(outcome, level, filename)


def render_failure(outcome: RuleOutcome, level: Level, filename: str) -> str:
    rule = RULES[outcome.rule]
    source = f"set to error at {filename}:{level.line}" if level.line else "error by default"
    count = len(outcome.findings)
    objects = "1 object breaks it" if count == 1 else f"{count} objects break it"
    lines = [f"rule {rule.name} ({source}): {rule.summary}", f"  {objects}:"]
    lines += [f"  {finding.render()}" for finding in outcome.findings]
    lines.append(
        f"  an intended exception: under that object in {filename} add "
        f'ignore_rules: {{{rule.name}: "why it is safe"}}; or set rules: {{{rule.name}: warn}}'
    )
    return "\n".join(lines)


def stale_warnings(outcome: RuleOutcome, filename: str) -> list[str]:
    return [
        f"{filename}:{t.opt_out.line}: {t.kind.replace('_', ' ')} {t.name} opts out of rule {outcome.rule} "
        "but does not break it; remove the opt-out"
        for t in outcome.stale
    ]
