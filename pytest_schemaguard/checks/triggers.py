"""Trigger checks: matched by name; events compared as sets (their order means nothing)."""

from __future__ import annotations

from collections.abc import Iterable

from pytest_schemaguard.catalog.model import TRIGGER_EVENTS, Table, Trigger, qualify
from pytest_schemaguard.checks.compare import fold_choice, missing
from pytest_schemaguard.checks.findings import Mismatch
from pytest_schemaguard.expectations.model import TableExpectation, TriggerExpectation


def check_triggers(expected: TableExpectation, table: Table) -> list[Mismatch]:
    return [m for trigger in expected.triggers for m in _check_trigger(trigger, table)]


def _check_trigger(expected: TriggerExpectation, table: Table) -> list[Mismatch]:
    aspect = f"trigger {expected.name}"
    trigger = table.triggers.get(expected.name)
    if trigger is None:
        return [Mismatch(aspect, missing(expected.name, table.triggers), expected.line)]
    messages = [
        _word_difference("timing", expected.timing, trigger.timing),
        _events_difference(expected, trigger),
        _word_difference("level", expected.level, trigger.level),
        _function_difference(expected, trigger),
    ]
    return [Mismatch(aspect, m, expected.line) for m in messages if m]


def _word_difference(label: str, expected: str | None, found: str) -> str | None:
    if expected is None or fold_choice(expected) == found:
        return None
    return f"expected {label} {expected.lower()}, found {found}"


def _events_difference(expected: TriggerExpectation, trigger: Trigger) -> str | None:
    if expected.events is None:
        return None
    wanted = {e.lower() for e in expected.events}
    if wanted == set(trigger.events):
        return None
    return f"expected events {_events(wanted)}, found {_events(trigger.events)}"


def _events(events: Iterable[str]) -> str:
    ordered = sorted(events, key=lambda e: TRIGGER_EVENTS.index(e) if e in TRIGGER_EVENTS else len(TRIGGER_EVENTS))
    return " or ".join(ordered) or "none"


def _function_difference(expected: TriggerExpectation, trigger: Trigger) -> str | None:
    if expected.function is None:
        return None
    wanted = qualify(expected.function.removesuffix("()"))
    found = trigger.function.removesuffix("()")
    if wanted == qualify(found):
        return None
    return f"expected function {wanted}, found {found}"
