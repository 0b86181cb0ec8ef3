"""The expectations file: every problem at once, in file order; and bounds no input can escape.

A user with four typos fixes them in one pass. A file that nests 500 levels, multiplies aliases
("billion laughs"), hides a NUL in a path or a glob Python cannot use, is refused at its line
with an :class:`ExpectationsError` — never a RecursionError, MemoryError or a traceback from
deep inside a run.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from pytest_schemaguard.errors import ExpectationsError
from pytest_schemaguard.expectations import compose, load_expectations
from pytest_schemaguard.expectations.compose import MAX_ALIAS_EXPANSION, MAX_DEPTH

FILE = "schema_expectations.yml"


def error(tmp_path: Path, text: str) -> ExpectationsError:
    path = tmp_path / FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExpectationsError) as info:
        load_expectations(path)
    return info.value


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


# -- all problems at once ----------------------------------------------------------------------

FOUR_TYPOS = """\
version: 1
tables:
  organizations:
    rls: enabled
    columns:
      id: {type: bigint, nulable: false}
  contacts:
    colums: {}
views:
  summary: {security_invokr: true}
project:
  migratons: supabase/migrations
"""


def test_four_typos_in_four_sections_are_reported_together_in_file_order(tmp_path: Path) -> None:
    exc = error(tmp_path, FOUR_TYPOS)
    message = str(exc)
    lines = [line_of(FOUR_TYPOS, m) for m in ("nulable", "colums", "security_invokr", "migratons")]
    expected = [
        f"{FILE}:{lines[0]}: unknown key 'nulable' in column id of table public.organizations; allowed keys: ",
        f"{FILE}:{lines[1]}: unknown key 'colums' in table public.contacts; allowed keys: ",
        f"{FILE}:{lines[2]}: unknown key 'security_invokr' in view public.summary; allowed keys: ",
        f"{FILE}:{lines[3]}: unknown key 'migratons' in 'project'; allowed keys: ",
    ]
    assert message.startswith(f"{tmp_path / FILE}: 4 problems (in file order)")
    positions = [message.index(e) for e in expected]
    assert positions == sorted(positions)  # file order, although `project` is read first
    for suggestion in ("nullable", "columns", "security_invoker", "migrations"):
        assert f"did you mean '{suggestion}'?" in message
    assert [p.line for p in exc.problems] == lines


def test_problems_of_every_kind_are_collected(tmp_path: Path) -> None:
    """Wrong types, bad choices, duplicate keys, unknown rules: one run lists them all."""
    text = """\
version: 1
tables:
  t:
    rls: on
    primary_key: id
  u:
    comment: "a"
    comment: b
enums:
  e: {a: 1}
functions:
  f: {security_definer: "yes"}
rules:
  no_such_rule: error
"""
    message = str(error(tmp_path, text))
    for marker, problem in [
        ("rls: on", "'rls' in table public.t: expected one of enabled, forced, disabled, found the boolean on"),
        ("comment: b", "duplicate key 'comment' (first written at line 7)"),
        ("primary_key", "'primary_key' in table public.t: expected a list of names"),
        ("e: {a: 1}", "enum public.e: expected a list of labels"),
        ("security_definer", "'security_definer' in function public.f: expected a boolean"),
        ("no_such_rule", "unknown rule 'no_such_rule'"),
    ]:
        assert f"{FILE}:{line_of(text, marker)}: {problem}" in message, problem


def test_one_problem_keeps_its_single_line_message(tmp_path: Path) -> None:
    message = str(error(tmp_path, "tables:\n  t: {colums: {}}\n"))
    assert message.startswith(f"{tmp_path / FILE}:2: unknown key 'colums'")
    assert "problems" not in message


def test_a_misspelt_required_key_is_one_problem_not_two(tmp_path: Path) -> None:
    message = str(error(tmp_path, "tables:\n  t:\n    foreign_keys:\n      - {column: [a], references: b}\n"))
    assert "unknown key 'column'" in message
    assert "missing the required key" not in message


def test_hundreds_of_problems_are_capped(tmp_path: Path) -> None:
    text = "tables:\n" + "".join(f"  t{n}: {{colums: {{}}}}\n" for n in range(300))
    message = str(error(tmp_path, text))
    assert message.count("unknown key 'colums'") == 50
    assert "… and 250 more problems" in message


# -- bounds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 500, 100_000])
def test_deep_nesting_is_refused_at_its_line(tmp_path: Path, levels: int) -> None:
    message = str(error(tmp_path, "version: 1\nbehaviour:\n  - " + "[" * levels + "]" * levels + "\n"))
    assert f"{FILE}:3: values nested more than {MAX_DEPTH} levels deep" in message


def test_nesting_within_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / FILE
    path.write_text("behaviour:\n  - deep: " + "[" * 40 + "]" * 40 + "\n", encoding="utf-8")
    assert load_expectations(path).behaviour_lines == (2,)


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    """A 558-byte file used to take 94 s and then raise MemoryError."""
    anchors = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        anchors.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "behaviour:\n  - " + "\n    ".join(anchors) + "\n"
    started = time.perf_counter()
    message = str(error(tmp_path, text))
    assert time.perf_counter() - started < 2
    assert f"aliases in this file expand to more than {MAX_ALIAS_EXPANSION:,} values" in message
    assert f"{FILE}:{line_of(text, '*e, *e')}:" in message


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    message = str(error(tmp_path, "tables:\n  t: &t\n    x: *t\n"))
    assert f"{FILE}:3: alias *t is used inside the value it names (a recursive structure)" in message


def test_modest_aliases_still_work(tmp_path: Path) -> None:
    path = tmp_path / FILE
    path.write_text(
        "tables:\n  a: &settings {rls: enabled, grants: {anon: []}}\n  b: *settings\n", encoding="utf-8"
    )
    assert [t.rls for t in load_expectations(path).tables] == ["enabled", "enabled"]


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ('project:\n  migrations: "sup\\0abase"\n', "migrations"),
        ('project:\n  lock: "lo\\0ck"\n', "lock"),
        ('tables:\n  t:\n    checks:\n      positive: "amount\\0 > 0"\n', "positive"),
        ('tables:\n  "t\\0": {}\n', "t\\0"),
    ],
)
def test_nul_in_any_value_is_refused_at_its_line(tmp_path: Path, text: str, marker: str) -> None:
    message = str(error(tmp_path, text))
    assert f"{FILE}:{line_of(text, marker)}: this value contains a NUL character" in message
    assert "remove it" in message


def test_every_nul_is_reported(tmp_path: Path) -> None:
    exc = error(tmp_path, 'project:\n  migrations: "sup\\0abase"\n  lock: "lo\\0ck"\n')
    assert [p.line for p in exc.problems] == [2, 3]


@pytest.mark.parametrize("seed", ['"x**.sql"', '[seed.sql, "seeds/a**/*.sql"]'])
def test_unusable_seed_glob_is_refused_at_load(tmp_path: Path, seed: str) -> None:
    message = str(error(tmp_path, f"project:\n  seed: {seed}\n"))
    assert f"{FILE}:2: 'seed' in 'project':" in message
    assert "is not a usable glob pattern" in message
    assert "seeds/**/*.sql" in message  # the fix


def test_usable_seed_globs_are_kept(tmp_path: Path) -> None:
    path = tmp_path / FILE
    path.write_text("project:\n  seed: [seed.sql, 'seeds/**/*.sql', /abs/*.sql]\n", encoding="utf-8")
    assert load_expectations(path).project.seed == ("seed.sql", "seeds/**/*.sql", "/abs/*.sql")


def test_long_values_are_shortened_in_messages(tmp_path: Path) -> None:
    message = str(error(tmp_path, "tables:\n  t:\n    rls: " + "x" * 50_000 + "\n"))
    assert len(message) < 500
    assert "more characters)" in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("version: " + "9" * 5000 + "\n", "cannot read this value: the number has too many digits"),
        ("version: !!int abc\n", "cannot read this value: invalid literal"),
        ("behaviour:\n  - rls_isolation: {at: 2001-13-45}\n", "cannot read this value: month must be in 1..12"),
        ("version: 1\n---\nversion: 1\n", "a second YAML document starts here"),
        ("tables:\n  *nowhere : {}\n", "alias *nowhere names no anchor"),
    ],
)
def test_odd_values_are_input_errors(tmp_path: Path, text: str, problem: str) -> None:
    assert problem in str(error(tmp_path, text))


def test_big_file_loads_in_reasonable_time(tmp_path: Path) -> None:
    """38,000 lines took 5.9 s with PyYAML's pure-Python composer; libyaml's events make it ~2 s."""
    lines = ["version: 1", "tables:"]
    for n in range(2400):
        lines += [f"  t{n}:", "    rls: enabled", "    columns:"]
        lines += [f"      c{c}: {{type: bigint, nullable: false}}" for c in range(12)]
    path = tmp_path / FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.process_time()
    assert len(load_expectations(path).tables) == 2400
    assert time.process_time() - started < 15  # generous: shared CI machines; the point is "not minutes"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("behaviour:\n  - " + "[" * 2000 + "]" * 2000 + "\n", f"values nested more than {MAX_DEPTH} levels deep"),
        ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{n}: &{n} [" + ", ".join([f"*{p}"] * 10) + "]\n" for p, n in zip("abcde", "bcdef", strict=True)
        ), "aliases in this file expand to more than"),
        ('project:\n  lock: "lo\\0ck"\n', "a NUL character"),
        ('tables:\n  "\\ud800": {}\n', "a lone surrogate"),  # libyaml refuses it as a syntax error
        ("tables:\n\tt: {}\n", "indent with spaces, not tabs"),
    ],
)
def test_pure_python_fallback_has_the_same_bounds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str
) -> None:
    """Without libyaml the events come from PyYAML's own parser; the bounds are the composer's."""
    monkeypatch.setattr(compose, "EventSource", yaml.SafeLoader)
    assert problem in str(error(tmp_path, text))
    path = tmp_path / FILE
    path.write_text("tables:\n  t:\n    columns: {id: bigint}\n", encoding="utf-8")
    assert load_expectations(path).tables[0].columns[0].line == 3


def test_readme_yaml_example_loads_with_view_columns_as_documented(tmp_path: Path) -> None:
    """The docs' `schema_expectations.yml` example is a file the loader accepts, views included."""
    from docs_support import doc_section

    section = doc_section("`schema_expectations.yml` by example")
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / FILE
    path.write_text(block, encoding="utf-8")
    views = {v.name: v for v in load_expectations(path).views}
    summary, stats = views["public.organizations_summary"], views["public.opportunity_stage_stats"]
    assert [(c.name, c.type) for c in summary.columns] == [("id", None), ("name", None), ("nb_contacts", None)]
    assert [(c.name, c.type) for c in stats.columns] == [("stage", "opportunity_stage"), ("nb_opportunities", "bigint")]
    assert (stats.materialized, stats.exhaustive, summary.exhaustive) == (True, ("columns",), ())


def test_unusable_glob_in_config_toml_seed_paths_is_a_config_error(tmp_path: Path) -> None:
    """The sibling of `project.seed`: the same glob from supabase/config.toml was a ValueError."""
    from pytest_schemaguard.errors import ConfigError
    from pytest_schemaguard.expectations.model import ProjectSettings
    from pytest_schemaguard.project import load_project

    (tmp_path / "supabase" / "migrations").mkdir(parents=True)
    (tmp_path / "supabase" / "migrations" / "20250101000000_a.sql").write_text("select 1;\n", encoding="utf-8")
    (tmp_path / "supabase" / "config.toml").write_text('[db.seed]\nsql_paths = ["./x**.sql"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_project(tmp_path / FILE, ProjectSettings())
    message = str(caught.value)
    assert f"{tmp_path / 'supabase' / 'config.toml'} [db.seed] sql_paths: './x**.sql' is not a usable glob" in message


def test_one_failure_message_is_capped() -> None:
    """The 43 kB file that printed 107 MB: however many and long the mismatches, the text stays readable."""
    from pytest_schemaguard.checks.findings import Mismatch, ObjectReport

    long_expression = "x" * 50_000
    missing = (Mismatch(f"column c{n}", "missing", 4) for n in range(100_000))
    mismatches = (Mismatch("check c", f"expected {long_expression}, found y", 3), *missing)
    text = ObjectReport("table", "public.t", 2, mismatches).render(FILE)
    assert len(text) < 50_000
    assert "… (49,029 more characters)" in text
    assert text.endswith("  … and 99,801 more mismatches")


# -- libyaml and the pure-Python parser agree --------------------------------------------------


def _generated(tables: int) -> str:
    """A file shaped like the benchmark's (flow and block mappings, lists, quoted SQL)."""
    lines = ["version: 1", "project:", "  migrations: supabase/migrations", "tables:"]
    for n in range(tables):
        lines += [
            f"  t_{n}:",
            "    rls: enabled",
            "    columns:",
            "      id: {type: bigint, nullable: false, identity: always}",
            "      owner_id: {type: uuid, nullable: true}",
            "      amount: {type: \"numeric(12,2)\", nullable: false, default: \"0\"}",
            "    primary_key: [id]",
            "    foreign_keys:",
            "      - {columns: [owner_id], references: auth.users(id), on_delete: cascade}",
            "    indexes:",
            f"      t_{n}_owner_idx: {{using: btree, columns: [owner_id]}}",
            "    policies:",
            f"      t_{n}_select:",
            "        command: select",
            "        roles: [authenticated]",
            "        using: \"owner_id = (select auth.uid())\"",
        ]
    return "\n".join(lines) + "\n"


def _spec_example() -> str:
    from test_expectations_loader import SPEC_EXAMPLE

    return SPEC_EXAMPLE


SAME_ANSWER = {
    "spec_example": _spec_example,
    "generated": lambda: _generated(40),
    "generated_with_typos": lambda: _generated(40)
    .replace("t_3:\n    rls: enabled", "t_3:\n    rls: enabeld")
    .replace("t_7:\n    rls", "t_7:\n    rlss")
    .replace("      t_9_owner_idx: {using: btree", "      t_9_owner_idx: {usign: btree")
    .replace("t_12:\n    rls: enabled\n", "t_12:\n    rls: enabled\n    rls: forced\n")
    .replace("t_20:\n    rls: enabled\n    columns:\n", "t_20:\n    rls: on\n    columns:\n      x: {nullable: 1}\n"),
    "four_typos": lambda: FOUR_TYPOS,
    "aliases": lambda: "tables:\n  a: &s {rls: enabled, grants: {anon: []}}\n  b: *s\n  c: {columns: &c {id: int}}\n",
    "nul_and_duplicates": lambda: 'project:\n  migrations: "sup\\0abase"\n  migrations: x\ntables:\n  "t\\0": {}\n',
    "bool_tag_word": lambda: "project:\n  stubs: !!bool maybe\n",
    "deep": lambda: "version: 1\nbehaviour:\n  - " + "[" * 70 + "]" * 70 + "\n",
    "laughs": lambda: "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [" + ", ".join([f"*{p}"] * 10) + "]\n" for p, n in zip("abcde", "bcdef", strict=True)
    ),
    "recursive_alias": lambda: "tables:\n  t: &t\n    x: *t\n",
    "two_documents": lambda: "version: 1\n---\nversion: 1\n",
    "empty": lambda: "# nothing\n",
}


def _answer(path: Path) -> object:
    try:
        return load_expectations(path)
    except ExpectationsError as exc:
        return str(exc), [(p.line, p.detail) for p in exc.problems]


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="libyaml is not installed")
@pytest.mark.parametrize("case", list(SAME_ANSWER))
def test_libyaml_and_pure_python_give_the_same_model_or_the_same_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """The composer is fed by either parser: whichever is installed, a file means the same."""
    path = tmp_path / FILE
    path.write_text(SAME_ANSWER[case](), encoding="utf-8")
    with_libyaml = _answer(path)
    monkeypatch.setattr(compose, "EventSource", yaml.SafeLoader)
    assert _answer(path) == with_libyaml
    if case.startswith(("spec", "generated", "aliases")) and case != "generated_with_typos":
        assert not isinstance(with_libyaml, tuple), with_libyaml  # a model: equal models, not only equal errors


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="libyaml is not installed")
@pytest.mark.parametrize(
    "text",
    ["tables:\n  t: {rls: enabled\n", "tables:\n\tt: {}\n", "tables:\n  t: [a\n  b: c\n", "project:\n  lock: \x07x\n"],
)
def test_syntax_errors_are_at_the_same_line_with_either_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """The parsers word their messages differently; the line and the kind of error are the same."""
    path = tmp_path / FILE
    path.write_text(text, encoding="utf-8")
    first = error(tmp_path, text)
    monkeypatch.setattr(compose, "EventSource", yaml.SafeLoader)
    second = error(tmp_path, text)
    assert first.line == second.line
    assert "YAML syntax error" in str(first) and "YAML syntax error" in str(second)


def test_a_word_its_tag_does_not_allow_is_a_located_error(tmp_path: Path) -> None:
    """`!!bool maybe` made SafeConstructor raise a KeyError, which escaped as a traceback."""
    message = str(error(tmp_path, "version: 1\nbehaviour:\n  - rls_isolation: {on: !!bool maybe}\n"))
    assert f"{FILE}:3: cannot read this value: 'maybe' is not a value its tag allows" in message
