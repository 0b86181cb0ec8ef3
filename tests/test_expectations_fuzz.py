"""Fuzz the expectations loader: whatever the file holds, the answer is the file back or an
:class:`ExpectationsError` naming file:line — never another exception.

The variants are mutations of a valid file (SPEC §3's example): misspelt keys, values of the
wrong type, deep nesting, aliases (also multiplying ones), NUL and odd unicode, huge numbers,
empty and repeated documents, tabs, cut-off text. Deterministic (``derandomize``) and bounded,
so it is an ordinary regression test; a few variants also go through real ``pytest
--schemaguard`` runs, where any escape would show as a traceback or INTERNALERROR.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_expectations_loader import SPEC_EXAMPLE

from pytest_schemaguard.errors import ExpectationsError
from pytest_schemaguard.expectations import load_expectations

FILE = "schema_expectations.yml"
BASE_LINES = SPEC_EXAMPLE.splitlines()
KEY = re.compile(r"^(\s*-?\s*)([A-Za-z_][A-Za-z0-9_.()]*)(:)")

ODD_VALUES = [
    "true", "on", "no", "null", "~", "1", "-0", "0x1F", "1e999", "-.inf", ".nan", "9" * 5000, "12:30:00",
    "2001-13-45", "[]", "{}", "[[[]]]", "{a: {b: {c: []}}}", "''", '""', "'\\0'", '"\\0"', '"a\\0b"',
    '"\\ud800"', '"\\U0010FFFF"', "\u202eevil", "\u200b", "é", "日本語", "😀", "!!binary aGVsbG8=",
    "!!int abc", "!!float x", "!!timestamp 2001-02-30", "!!python/object:os.system x", "!custom x",
    "&anchor 1", "*undefined", "|\n  block", ">-\n  folded", '"' + "x" * 3000 + '"', "? complex\n: key",
    "<<: *undefined", "- a\n- b", "%TAG", "@", "`", "\t", "\x85", "\x00", "\x1b[31m",
]
ODD_KEYS = ["colums", "rlss", "", "'': 1", "null", "1", "true", "[a]", "{a: 1}", "\u00e9", "t\\0", "x" * 2000]


def _typo(key: str, draw: st.DrawFn) -> str:
    if not key:
        return "x"
    at = draw(st.integers(0, len(key) - 1))
    kind = draw(st.sampled_from(["drop", "double", "swap", "replace", "case"]))
    if kind == "drop":
        return key[:at] + key[at + 1 :]
    if kind == "double":
        return key[:at] + key[at] + key[at:]
    if kind == "swap" and at + 1 < len(key):
        return key[:at] + key[at + 1] + key[at] + key[at + 2 :]
    if kind == "case":
        return key.upper()
    return key[:at] + draw(st.sampled_from("aeiouxz_-. ")) + key[at + 1 :]


def _nesting(depth: int, flow: bool) -> str:
    if flow:
        return "[" * depth + "]" * depth
    return "\n".join("  " * (n + 1) + f"k{n}:" for n in range(depth)) + " 1"


def _laughs(levels: int, width: int) -> str:
    lines = ["x0: &x0 [" + ", ".join(["lol"] * width) + "]"]
    for n in range(1, levels):
        lines.append(f"x{n}: &x{n} [" + ", ".join([f"*x{n - 1}"] * width) + "]")
    return "{" + ", ".join(lines) + "}"


@st.composite
def mutated_files(draw: st.DrawFn) -> str:
    """SPEC §3's example with one to four mutations, each at a drawn line."""
    lines = list(BASE_LINES)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        match = KEY.match(line)
        mutation = draw(
            st.sampled_from(
                ["typo", "odd_key", "value", "nest", "laughs", "alias", "unicode", "tab", "duplicate",
                 "delete", "indent", "cut", "documents", "empty", "behaviour"]
            )
        )
        if mutation == "typo" and match:
            lines[at] = match.group(1) + _typo(match.group(2), draw) + line[match.end(2) :]
        elif mutation == "odd_key" and match:
            lines[at] = match.group(1) + draw(st.sampled_from(ODD_KEYS)) + line[match.end(2) :]
        elif mutation == "value" and match:
            lines[at] = line[: match.end()] + " " + draw(st.sampled_from(ODD_VALUES))
        elif mutation == "nest" and match:
            depth = draw(st.sampled_from([3, 63, 64, 65, 70, 200, 480, 1000]))
            flow = draw(st.booleans())
            lines[at] = line[: match.end()] + (" " + _nesting(depth, True) if flow else "\n" + _nesting(depth, False))
        elif mutation == "laughs" and match:
            lines[at] = line[: match.end()] + " " + _laughs(draw(st.integers(2, 9)), draw(st.integers(2, 12)))
        elif mutation == "alias" and match:
            name = draw(st.sampled_from(["a", "b", "tables"]))
            lines[at] = line[: match.end()] + draw(st.sampled_from([f" &{name}", f" *{name}", f" &{name} *{name}"])) + (
                line[match.end() :] if draw(st.booleans()) else ""
            )
        elif mutation == "unicode":
            position = draw(st.integers(0, len(line)))
            text = draw(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=4))
            lines[at] = line[:position] + text + line[position:]
        elif mutation == "tab":
            lines[at] = "\t" + line.lstrip(" ")
        elif mutation == "duplicate":
            lines.insert(at, line)
        elif mutation == "delete":
            del lines[at]
        elif mutation == "indent":
            lines[at] = " " * draw(st.integers(0, 9)) + line.lstrip(" ")
        elif mutation == "cut":
            return "\n".join(lines)[: draw(st.integers(0, len(SPEC_EXAMPLE)))]
        elif mutation == "documents":
            lines.insert(at, draw(st.sampled_from(["---", "...", "--- !!map", "%YAML 1.1\n---"])))
        elif mutation == "behaviour":  # read as plain data to the last leaf: where amplification bites
            payload = draw(
                st.sampled_from([_laughs(9, 9), _laughs(4, 30), _nesting(500, True), *ODD_VALUES[:20]])
            )
            lines[-1] = f"  - rls_isolation: {payload}"
        elif mutation == "empty":
            return draw(st.sampled_from(["", "\n", "---\n", "---\n---\n", "# c\n", "~\n", "...\n", "\ufeff"]))
        if not lines:
            break
    return "\n".join(lines) + "\n"


def load_outcome(text: str) -> str:
    """"ok", or the error message; anything but an ExpectationsError propagates and fails the test."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / FILE
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_expectations(path)
        except ExpectationsError as exc:
            message = str(exc)
            assert message.startswith(str(path)), message
            lineless = ("is empty", "is not UTF-8 text")
            assert all(p.line is not None for p in exc.problems) or any(m in message for m in lineless), message
            assert len(message) < 60_000
            return message.replace(str(path), FILE)
    return "ok"


@settings(
    max_examples=2000,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_files())
def test_loader_answers_every_variant_with_the_file_or_a_located_error(text: str) -> None:
    load_outcome(text)


# -- through real pytest runs ------------------------------------------------------------------

MIGRATION = "CREATE TABLE organizations (id bigint PRIMARY KEY, name text);\n"
BROKEN = {
    "typos": ("version: 1\ntables:\n  organizations:\n    colums: {}\n    rls: enabeld\n", [4, 5]),
    "nesting": ("version: 1\nbehaviour:\n  - " + "[" * 600 + "]" * 600 + "\n", [3]),
    "laughs": ("version: 1\nbehaviour:\n  - " + _laughs(9, 9) + "\n", [3]),
    "nul_path": ('version: 1\nproject:\n  migrations: "sup\\0abase"\n  lock: "lo\\0ck"\n', [3, 4]),
    "nul_check": ('version: 1\ntables:\n  organizations:\n    checks:\n      c: "id\\0 > 0"\n', [5]),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_files_through_pytest_are_located_errors_without_traceback(
    pytester: pytest.Pytester, admin_dsn: str, case: str
) -> None:
    text, lines = BROKEN[case]
    migrations = pytester.path / "supabase" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "20250101000000_organizations.sql").write_text(MIGRATION, encoding="utf-8")
    (pytester.path / FILE).write_text(text, encoding="utf-8")
    result = pytester.runpytest("--schemaguard", f"--schemaguard-dsn={admin_dsn}", "-p", "no:cacheprovider")
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out
    assert "INTERNALERROR" not in out
    assert result.ret in (pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.INTERRUPTED)
    for line in lines:
        assert f"{FILE}:{line}: " in out
