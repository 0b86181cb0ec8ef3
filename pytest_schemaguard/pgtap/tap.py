"""TAP (Test Anything Protocol) as pgTAP prints it, read into plain data and judged like pg_prove.

pgTAP's functions return their TAP lines as text (``plan(3)`` gives ``1..3``, ``is(1, 2, 'b')``
gives ``not ok 2 - b`` followed by ``# have: 1`` / ``# want: 2``). Each line is kept with the file
line of the statement that returned it, so a failure points into the test file. The verdict follows
TAP::Harness, which pg_prove uses: a ``not ok`` fails unless marked ``# TODO``, a missing plan or a
plan that does not match the number of tests fails, ``Bail out!`` fails, and lines that are not TAP
(a debugging ``select *``) are ignored. Indented lines belong to subtests (pgTAP's ``runtests()``)
and are shown with the top-level test that follows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

TEST_LINE = re.compile(
    r"(?P<not>not )?ok\b\s*(?P<number>\d+)?\s*(?:-\s*)?(?P<description>(?:[^#\\]|\\.)*?)\s*"
    r"(?:#\s*(?P<directive>todo|skip)\S*\s*(?P<reason>.*))?",
    re.IGNORECASE,
)
PLAN_LINE = re.compile(r"1\.\.(?P<count>\d+)\s*(?:#\s*skip\S*\s*(?P<reason>.*))?", re.IGNORECASE)
BAIL_OUT = re.compile(r"bail out!\s*(?P<reason>.*)", re.IGNORECASE)
OWN_SUMMARY = re.compile(r"#\s*looks like you ", re.IGNORECASE)  # finish()'s tally: we count ourselves


@dataclass(frozen=True)
class TapLine:
    text: str
    line: int  # file line of the statement that returned it


@dataclass(frozen=True)
class TapTest:
    number: int
    passed: bool
    description: str
    directive: str | None  # "todo" or "skip"
    diagnostics: tuple[str, ...]  # its ``#`` lines (and the subtest lines before it)
    line: int

    @property
    def failed(self) -> bool:
        """A ``not ok`` counts unless it is a TODO: known to fail, as TAP::Harness treats it."""
        return not self.passed and self.directive != "todo"


@dataclass(frozen=True)
class TapRun:
    tests: tuple[TapTest, ...]
    plan: int | None = None
    plan_line: int | None = None
    skip_all: str | None = None  # ``1..0 # SKIP reason``: the whole file skipped itself
    bail_out: str | None = None
    bail_out_line: int | None = None

    @property
    def failures(self) -> tuple[TapTest, ...]:
        return tuple(t for t in self.tests if t.failed)

    def plan_problem(self) -> str | None:
        """What is wrong with the plan, as pg_prove would say it; None when it matches."""
        if self.skip_all is not None:
            return None
        if self.plan is None:
            if not self.tests:
                return ("no TAP output: the file ran no pgTAP test; start it with `select plan(<number of "
                        "tests>);` and end it with `select * from finish();`")
            return (f"no plan: the file ran {len(self.tests)} test(s) without `select plan(<number of tests>);` "
                    "(or `select * from no_plan();` with `select * from finish();` at the end)")
        if self.plan != len(self.tests):
            return f"planned {self.plan} test(s) but ran {len(self.tests)}"
        return None


def parse_tap(lines: Iterable[TapLine]) -> TapRun:
    tests: list[TapTest] = []
    pending: list[str] = []  # subtest lines, shown with the next top-level test
    plan: int | None = None
    plan_line = None
    skip_all = None
    bail_out = None
    bail_out_line = None
    for entry in lines:
        text = entry.text.rstrip()
        if not text.strip():
            continue
        if text[0].isspace():
            pending.append(text.strip())
            continue
        if text.startswith("#"):
            if tests and not OWN_SUMMARY.match(text):
                last = tests[-1]
                tests[-1] = TapTest(last.number, last.passed, last.description, last.directive,
                                    (*last.diagnostics, text), last.line)
            continue
        test = TEST_LINE.fullmatch(text)
        if test:
            directive = test["directive"].lower() if test["directive"] else None
            number = int(test["number"]) if test["number"] else len(tests) + 1
            description = test["description"].replace("\\#", "#")
            if directive and test["reason"]:
                description += f" # {directive.upper()} {test['reason']}"
            tests.append(TapTest(number, test["not"] is None, description, directive, tuple(pending), entry.line))
            pending = []
            continue
        planned = PLAN_LINE.fullmatch(text)
        if planned and plan is None:
            plan, plan_line = int(planned["count"]), entry.line
            if plan == 0:
                skip_all = planned["reason"] or "the plan is 1..0"
            continue
        bailed = BAIL_OUT.match(text)
        if bailed and bail_out is None:
            bail_out, bail_out_line = bailed["reason"] or "(no reason given)", entry.line
    return TapRun(tuple(tests), plan, plan_line, skip_all, bail_out, bail_out_line)
