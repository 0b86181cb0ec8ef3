"""Every code block of README.md and docs/**/*.md is exercised, so the docs cannot drift from the tool.

Each block is one test (id `README.md:123-bash`), found by `docs_support` wherever it lives. The
rules, and the conventions a writer follows (a block no rule covers fails, naming file:line):

- `bash`/`sh`/`shell`: every line is a command; `console`: lines starting `$ ` are commands, the
  rest is output. Commands split at `\\` continuations, `&&`, `||`, `;`, `|`; comments dropped.
  `schemaguard ...` must parse with the CLI's parser; `pytest ...` may use only options
  `pytest --help` lists; `pip install` may name only this package or `.` and only extras that
  pyproject.toml declares; `python FILE` / `python -m MODULE` need FILE / MODULE in the repository
  (or installed); programs in NOT_RUN must
  only be well-formed shell. Any other program fails, so a new kind of command gets a decision.
  RUN_FOR_REAL lists the documented commands that are also run on a copy of the example project.
- `bash usage` (info string flag): a synopsis such as `schemaguard init [--force] [--output PATH]`;
  each line's options must exist for that command. Nothing is run.
- `yaml`: a GitHub workflow (`jobs:`), action (`runs:`) or list of steps gets test_workflows'
  structural checks, and its `run:` scripts the command checks above; a pre-commit config
  (`repos:`) goes through pre-commit's own `load_config`; an expectations file (only top-level keys
  the loader knows) goes through `load_expectations`. A fragment that belongs deeper in an
  expectations file starts with the comment line `# fragment under tables:` (a dotted path such as
  `tables.organizations` nests further) and is loaded wrapped under that key. Any other YAML must parse.
- `json`: must parse; `"schemaguard_format"` examples are validated against their schemas by
  test_json_output; an `.mcp.json` snippet's `schemaguard` arguments must parse.
- `toml`: must parse; a supabase/config.toml part (`[db]`, `[api]`) goes through our config reader.
- `sql`: must split with our splitter and name only known lint rules in `-- schemaguard: ignore`;
  it is run on a scratch database (after the Supabase shim) unless marked ```` ```sql fragment ````
  (not self-contained: it uses tables of an example project).
- `python`: must compile; its `pytest_schemaguard` imports must exist, and the `schemaguard_*`
  fixtures its tests ask for; a block with `def test_` is also run, as a test file beside the
  example project's `pytest --schemaguard` run, and must pass.
- `text` or no language: output samples, not checked, but one whose first line looks like a
  command (`$ `, `schemaguard <command>`, `pytest `) fails: give it a language.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import functools
import importlib
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import docs_support
import psycopg
import pytest
import yaml
from docs_support import REPO, Block, Command, all_blocks, shell_commands
from test_workflows import check_step, check_workflow

from pytest_schemaguard import fixtures
from pytest_schemaguard.cli import build_parser, main
from pytest_schemaguard.database.build import shim_sql
from pytest_schemaguard.errors import ConfigError
from pytest_schemaguard.expectations import load_expectations
from pytest_schemaguard.expectations.loader import TOP_LEVEL_FIELDS
from pytest_schemaguard.lint.rules import RULES
from pytest_schemaguard.lint.suppress import ignored_rules
from pytest_schemaguard.project import read_supabase_config
from pytest_schemaguard.script import split_statements

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SHELL = {"bash", "sh", "shell", "console"}
OUTPUT = {"", "text", "plain", "output"}
# Programs the docs show but the suite does not run (they install things, need a network, a
# Supabase stack or are the developer's own tools): only checked to be well-formed shell.
NOT_RUN = {"apt-get", "brew", "git", "npm", "npx", "psql", "supabase", "ruff", "mypy", "pre-commit", "docker"}
BLOCKS = all_blocks()


def commands_in(block: Block) -> list[Command]:
    return shell_commands(block.text, console=block.lang == "console")


def documented_commands() -> set[str]:
    return {" ".join(c.argv) for b in BLOCKS if b.lang in SHELL and "usage" not in b.flags for c in commands_in(b)}


# -- commands -----------------------------------------------------------------------------------


def schemaguard_parse_error(args: list[str]) -> str | None:
    """argparse's complaint about `schemaguard ARGS`, or None when they parse."""
    if not args:
        return "no command"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            build_parser().parse_args(args)
        except SystemExit as exc:
            if exc.code not in (0, None):
                return err.getvalue().strip().splitlines()[-1] if err.getvalue().strip() else f"exit {exc.code}"
    return None


@functools.cache
def pytest_options() -> frozenset[str]:
    """The long options `pytest --help` lists, with this plugin loaded as a user's pytest loads it."""
    help_text = subprocess.run([sys.executable, "-m", "pytest", "--help", "-p", "no:cacheprovider"], cwd=REPO,
                               capture_output=True, text=True, timeout=120, check=True).stdout
    options = frozenset(re.findall(r"(?<![\w-])(--[a-z][\w-]*)", help_text))
    assert "--schemaguard" in options, help_text[-2000:]
    return options


def schemaguard_options(command: str) -> set[str]:
    """The options of `schemaguard COMMAND` (empty for an unknown command, so each one is reported)."""
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub = subparsers.choices.get(command)
    return set(sub._option_string_actions) if sub else set()


@functools.cache
def declared_extras() -> frozenset[str]:
    with open(REPO / "pyproject.toml", "rb") as handle:
        return frozenset(tomllib.load(handle)["project"]["optional-dependencies"])


def check_pip(argv: tuple[str, ...], where: str) -> None:
    assert argv[1:2] == ("install",), f"{where}: only `pip install` is documented, found {' '.join(argv)}"
    for arg in argv[2:]:
        if arg.startswith("-"):
            continue
        match = re.fullmatch(r"(?P<name>\.|pytest-schemaguard)(\[(?P<extras>[\w,-]+)\])?( @ git\+\S.*)?", arg)
        assert match, f"{where}: `pip install {arg}` installs something other than this package"
        unknown = set((match["extras"] or "").split(",")) - {""} - declared_extras()
        assert not unknown, f"{where}: extra(s) {sorted(unknown)} not in pyproject.toml {sorted(declared_extras())}"


def module_exists(name: str) -> bool:
    """`python -m NAME` from the repository root: a module of the repository, or an installed one."""
    path = REPO / name.replace(".", "/")
    return (path / "__main__.py").is_file() or path.with_suffix(".py").is_file() or (
        importlib.util.find_spec(name) is not None)


def check_command(command: Command, where: str) -> None:
    argv = command.argv
    program = Path(argv[0]).name
    if program in ("python", "python3") and argv[1:3] == ("-m", "pytest"):
        program, argv = "pytest", ("pytest", *argv[3:])
    if program in ("python", "python3") and argv[1:3] == ("-m", "pip"):
        program, argv = "pip", ("pip", *argv[3:])
    if program == "schemaguard":
        problem = schemaguard_parse_error(list(argv[1:]))
        assert problem is None, f"{where}: `{command.text}` does not parse: {problem}"
    elif program == "pytest":
        unknown = [a for a in argv[1:] if a.startswith("--") and a.split("=")[0] not in pytest_options()]
        assert not unknown, f"{where}: `{command.text}`: pytest has no option(s) {unknown}"
    elif program in ("pip", "pip3"):
        check_pip(argv, where)
    elif program in ("python", "python3") and argv[1:2] == ("-m",):
        assert len(argv) > 2 and module_exists(argv[2]), f"{where}: `{command.text}`: no such module"
    elif program in ("python", "python3"):
        assert len(argv) > 1 and (REPO / argv[1]).is_file(), f"{where}: `{command.text}`: no such script"
    else:
        assert program in NOT_RUN, (
            f"{where}: `{command.text}`: unknown program {program!r}; check it here or add it to NOT_RUN")


def check_shell(block: Block) -> None:
    try:
        commands = commands_in(block)
    except ValueError as exc:
        pytest.fail(f"{block.where}: not well-formed shell: {exc}")
    assert commands, f"{block.where}: a {block.lang} block without commands (output? use ```text)"
    for command in commands:
        check_command(command, f"{block.path}:{block.line + command.line}")


def check_usage(block: Block) -> None:
    for number, line in enumerate(block.text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{block.path}:{block.line + number}"
        words = line.split()
        if words[0] == "schemaguard":
            known = schemaguard_options(words[1])
            assert known, f"{where}: schemaguard has no command {words[1]!r}"
        else:
            assert words[0] == "pytest", f"{where}: a usage line of an unknown program: {line}"
            known = set(pytest_options())
        unknown = [o for o in re.findall(r"(?<![\w-])--[a-z][\w-]*", line) if o not in known]
        assert not unknown, f"{where}: `{words[0]} {words[1]}` has no option(s) {unknown}"


# -- YAML ---------------------------------------------------------------------------------------

FRAGMENT = re.compile(r"#\s*fragment under (?P<path>[\w.]+):?\s*$")


def wrapped_yaml(block: Block) -> tuple[str, bool]:
    """The block's YAML, nested under the keys its `# fragment under KEY:` first line names."""
    first = block.text.splitlines()[0]
    marker = FRAGMENT.match(first)
    if not marker:
        return block.text, False
    keys = marker["path"].split(".")
    head = "".join(f"{'  ' * depth}{key}:\n" for depth, key in enumerate(keys))
    body = "".join(f"{'  ' * len(keys)}{line}\n" for line in block.text.splitlines())
    return head + body, True


def is_steps(data: Any) -> bool:
    return isinstance(data, list) and bool(data) and all(isinstance(s, dict) and {"uses", "run"} & set(s) for s in data)


def check_run_scripts(steps: list[dict[str, Any]], block: Block) -> None:
    for step in steps:
        if "run" in step:
            for command in shell_commands(step["run"]):
                check_command(command, f"{block.where} (run: {command.text})")


def check_yaml(block: Block, tmp_path: Path) -> None:
    text, fragment = wrapped_yaml(block)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        pytest.fail(f"{block.where}: YAML does not parse: {exc}")
    where = block.where
    if isinstance(data, dict) and "jobs" in data:
        check_workflow(data, where)
        for job in data["jobs"].values():
            check_run_scripts(job["steps"], block)
    elif isinstance(data, dict) and "runs" in data:
        for index, step in enumerate(data["runs"]["steps"]):
            check_step(step, f"{where} step {index + 1}", composite=True)
        check_run_scripts(data["runs"]["steps"], block)
    elif is_steps(data):
        for index, step in enumerate(data):
            check_step(step, f"{where} step {index + 1}", composite=False)
        check_run_scripts(data, block)
    elif isinstance(data, dict) and "repos" in data:
        check_pre_commit_config(text, data, tmp_path, where)
    elif isinstance(data, dict) and (fragment or set(data) <= set(TOP_LEVEL_FIELDS)):
        path = tmp_path / "schema_expectations.yml"
        path.write_text(text, encoding="utf-8")
        try:
            load_expectations(path)
        except Exception as exc:  # ExpectationsError and anything else: the message is the point
            pytest.fail(f"{where}: the expectations YAML does not load: {exc}")
    # anything else: parsing was the check


def check_pre_commit_config(text: str, data: dict[str, Any], tmp_path: Path, where: str) -> None:
    from pre_commit.clientlib import InvalidConfigError, load_config

    path = tmp_path / ".pre-commit-config.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(str(path))
    except InvalidConfigError as exc:
        pytest.fail(f"{where}: pre-commit refuses the config: {exc}")
    offered = {hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    for repo in data["repos"]:
        if repo["repo"] not in ("local", "meta") and not repo["repo"].startswith("https://github.com/pre-commit/"):
            unknown = {hook["id"] for hook in repo["hooks"]} - offered
            assert not unknown, f"{where}: .pre-commit-hooks.yaml offers no hook(s) {sorted(unknown)}"


# -- other languages ----------------------------------------------------------------------------


def check_json(block: Block) -> None:
    try:
        data = json.loads(block.text)
    except json.JSONDecodeError as exc:
        pytest.fail(f"{block.where}: JSON does not parse: {exc}")
    for name, server in (data.get("mcpServers", {}) if isinstance(data, dict) else {}).items():
        if server.get("command") == "schemaguard":
            problem = schemaguard_parse_error(server.get("args", []))
            assert problem is None, f"{block.where}: mcpServers.{name}: `schemaguard {server['args']}`: {problem}"
    # "schemaguard_format" examples: validated against the shipped schemas by test_json_output


def check_toml(block: Block, tmp_path: Path) -> None:
    try:
        data = tomllib.loads(block.text)
    except tomllib.TOMLDecodeError as exc:
        pytest.fail(f"{block.where}: TOML does not parse: {exc}")
    if {"db", "api"} & set(data):
        path = tmp_path / "supabase" / "config.toml"
        path.parent.mkdir()
        path.write_text(block.text, encoding="utf-8")
        try:
            read_supabase_config(path)
        except ConfigError as exc:
            pytest.fail(f"{block.where}: our supabase/config.toml reader refuses it: {exc}")


def check_sql(block: Block, request: pytest.FixtureRequest) -> None:
    statements = split_statements(block.text)
    assert statements, f"{block.where}: no SQL statement"
    unknown = [(rule, line) for rule, line in ignored_rules(block.text) if rule not in RULES]
    assert not unknown, f"{block.where}: `-- schemaguard: ignore` names unknown rule(s) {unknown}"
    if "fragment" in block.flags:
        return
    conn: psycopg.Connection = request.getfixturevalue("scratch_conn")
    conn.execute(shim_sql())  # type: ignore[arg-type]
    for statement in statements:
        try:
            conn.execute(statement.text)  # type: ignore[arg-type]
        except psycopg.Error as exc:
            pytest.fail(f"{block.where}: statement at line {statement.line} fails: {exc} "
                        "(mark a block that needs an example's tables ```sql fragment)")


def check_python(block: Block) -> None:
    try:
        tree = ast.parse(block.text, filename=block.where)
    except SyntaxError as exc:
        pytest.fail(f"{block.where}: Python does not compile: {exc}")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pytest_schemaguard"):
            module = importlib.import_module(node.module or "")
            missing = [alias.name for alias in node.names if not hasattr(module, alias.name)]
            assert not missing, f"{block.where}: {node.module} has no {missing}"
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            wanted = [a.arg for a in node.args.args if a.arg.startswith("schemaguard_")]
            missing = [name for name in wanted if not hasattr(fixtures, name)]
            assert not missing, f"{block.where}: no fixture(s) {missing}"


def check_output(block: Block) -> None:
    first = block.text.splitlines()[0] if block.text.strip() else ""
    words = first.split()
    looks_like_a_command = first.startswith("$ ") or first.startswith("pytest ") or (
        len(words) > 1 and words[0] == "schemaguard"
        and (words[1].startswith("-") or schemaguard_parse_error([words[1], "--help"]) is None))
    assert not looks_like_a_command, (
        f"{block.where}: this block starts like a command ({first!r}) but has no language: tag it "
        "```bash (commands), ```console (`$ ` commands with output) or ```bash usage (a synopsis)")


@pytest.mark.parametrize("block", BLOCKS, ids=[block.id for block in BLOCKS])
def test_block(block: Block, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if block.lang in SHELL and "usage" in block.flags:
        check_usage(block)
    elif block.lang in SHELL:
        check_shell(block)
    elif block.lang in ("yaml", "yml"):
        check_yaml(block, tmp_path)
    elif block.lang == "json":
        check_json(block)
    elif block.lang == "toml":
        check_toml(block, tmp_path)
    elif block.lang == "sql":
        check_sql(block, request)
    elif block.lang == "python":
        check_python(block)
    elif block.lang in OUTPUT:
        check_output(block)
    else:
        pytest.fail(f"{block.where}: no rule for a ```{block.lang} block; add one to tests/test_docs_blocks.py")


# -- the documented commands, run for real ------------------------------------------------------

RUN_FOR_REAL = {  # documented command -> its exit code on the unchanged example project
    "pytest --schemaguard": 0,
    "schemaguard init": 0,
    "schemaguard lint": 0,
    "schemaguard lock --check": 0,
    "schemaguard snapshot --check": 0,
    "schemaguard types --check": 0,
    "schemaguard types --check --hash-only": 0,
}


def root_example(root: Path) -> Path:
    """A copy of the example project at the repository root (the quick start's project)."""
    for name in ("schema_expectations.yml", "schema.sql"):
        shutil.copy(REPO / name, root / name)
    for name in ("supabase", "src"):
        shutil.copytree(REPO / name, root / name)
    return root


def test_the_commands_run_for_real_are_documented() -> None:
    missing = set(RUN_FOR_REAL) - documented_commands()
    assert not missing, f"no longer in a ```bash/```console block of the docs: {sorted(missing)}"


@pytest.mark.parametrize("command", [c for c in RUN_FOR_REAL if c.startswith("schemaguard ")])
def test_documented_command_on_the_example(command: str, tmp_path: Path, admin_dsn: str,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SCHEMAGUARD_DSN", raising=False)
    args = command.split()[1:]
    if args == ["init"]:  # into a project that has migrations and no expectations file yet
        shutil.copytree(REPO / "supabase", tmp_path / "supabase")
        project = tmp_path
    else:
        project = root_example(tmp_path)
    monkeypatch.chdir(project)
    code = main([*args, "--dsn", admin_dsn])
    out, err = capsys.readouterr()
    assert code == RUN_FOR_REAL[command], f"`{command}` exited {code}:\n{out}\n{err}"
    if args == ["init"]:
        load_expectations(project / "schema_expectations.yml")


@pytest.mark.parametrize("command", ["schemaguard lock --check", "schemaguard types --check --hash-only"])
def test_documented_check_fails_after_a_new_migration(command: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit 1 as documented once a migration is added that the lock file / types header do not know."""
    project = root_example(tmp_path)
    (project / "supabase/migrations/20991231000000_docs_new.sql").write_text("create table public.docs_new (id int);\n")
    monkeypatch.chdir(project)
    monkeypatch.delenv("SCHEMAGUARD_DSN", raising=False)
    assert main(command.split()[1:]) == 1


def test_pytest_schemaguard_on_the_example(pytester: pytest.Pytester, admin_dsn: str) -> None:
    """The quick start's run, with the documented Python tests (fixtures) run in it on the same build."""
    root_example(pytester.path)
    examples = [block for block in BLOCKS if block.lang == "python" and "def test_" in block.text]
    for number, block in enumerate(examples):
        pytester.makepyfile(**{f"test_docs_example_{number}": block.text})
    result = pytester.runpytest("--schemaguard", "--schemaguard-dsn", admin_dsn, "-p", "no:cacheprovider", "-rA")
    assert result.ret == RUN_FOR_REAL["pytest --schemaguard"], result.stdout.str()[-3000:]
    assert result.parseoutcomes()["passed"] > 50
    for number, block in enumerate(examples):
        names = re.findall(r"^def (test_\w+)", block.text, re.MULTILINE)
        for name in names:  # each documented test ran and passed
            result.stdout.fnmatch_lines([f"PASSED test_docs_example_{number}.py::{name}"])


# -- the harness itself -------------------------------------------------------------------------


def test_shell_commands_split_like_a_shell() -> None:
    text = ("pip install -e . && pytest --schemaguard   # comment\n"
            "SCHEMAGUARD_DSN=postgresql://x schemaguard diff \\\n  --live-dsn \"$URL\" --format json | jq .\n"
            "# only a comment\n")
    assert [(c.line, c.argv) for c in shell_commands(text)] == [
        (1, ("pip", "install", "-e", ".")), (1, ("pytest", "--schemaguard")),
        (2, ("schemaguard", "diff", "--live-dsn", "$URL", "--format", "json")), (2, ("jq", "."))]
    assert [c.argv for c in shell_commands("$ schemaguard new x\nsupabase/migrations/1_x.sql\n", console=True)] == [
        ("schemaguard", "new", "x")]
    with pytest.raises(ValueError):
        shell_commands('schemaguard diff --live-dsn "unclosed\n')


def test_blocks_are_found_in_any_page_with_their_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docs_support, "REPO", tmp_path)
    page = tmp_path / "docs" / "topic" / "page.md"
    page.parent.mkdir(parents=True)
    page.write_text("# t\n\n- a list item:\n\n  ```bash\n  schemaguard lint\n  ```\n\n~~~~yaml\nversion: 1\n~~~~\n")
    (tmp_path / "README.md").write_text("```\nplain\n```\n")
    blocks = docs_support.all_blocks()
    assert [(b.id, b.text) for b in blocks] == [("README.md:1-plain", "plain\n"),
                                                ("docs/topic/page.md:5-bash", "schemaguard lint\n"),
                                                ("docs/topic/page.md:9-yaml", "version: 1\n")]
    page.write_text("```bash\nschemaguard lint\n")
    with pytest.raises(ValueError, match=r"docs/topic/page.md:1: code block opened here is never closed"):
        docs_support.all_blocks()


def test_every_link_between_pages_reaches_a_page_and_heading() -> None:
    """The README and docs/ link to each other by file and anchor; a moved page or renamed heading breaks one."""
    broken = []
    for path in docs_support.doc_files():
        for line, target in docs_support.links(path):
            if re.match(r"[a-z]+:", target):
                continue  # an address outside the repository
            file, _, anchor = target.partition("#")
            page = (path.parent / file).resolve() if file else path
            where = f"{path.relative_to(REPO)}:{line}: {target}"
            if not page.exists():
                broken.append(f"{where}: no such file")
            elif anchor and (page.suffix != ".md" or anchor not in docs_support.anchors(page)):
                broken.append(f"{where}: no heading with that anchor")
    assert not broken, "\n".join(broken)


def test_docs_pages_named_by_messages_and_comments_exist() -> None:
    """Messages and comments point readers at docs/<page>.md; each such page is there."""
    sources = [*(REPO / "pytest_schemaguard").rglob("*.py"), *(REPO / "benchmarks").rglob("*.py"),
               REPO / "action.yml", REPO / ".pre-commit-hooks.yaml"]
    named = {name for source in sources for name in re.findall(r"docs/[\w/-]+\.md", source.read_text(encoding="utf-8"))}
    assert "docs/expectations.md" in named
    assert {name for name in named if not (REPO / name).exists()} == set()


def test_a_section_is_found_by_title_in_any_page_but_not_inside_a_code_block() -> None:
    section = docs_support.doc_section("Drift against a live database")  # a page title, with `# ...` in its blocks
    assert section.startswith("# Drift against a live database\n") and "# as a command:" in section
    assert docs_support.doc_section("Quick start").startswith("## Quick start\n")  # a README section
    with pytest.raises(LookupError, match="no section titled 'No such'"):
        docs_support.doc_section("No such")


BROKEN = [  # (language and info, text, what the failure must say)
    ("bash", "schemaguard lint --no-such-option\n", "does not parse: schemaguard: error: unrecognized arguments"),
    ("bash", "pytest --schemaguard --schemaguard-no-such\n", "pytest has no option(s) ['--schemaguard-no-such']"),
    ("bash", "pip install '.[nope]'\n", "extra(s) ['nope'] not in pyproject.toml"),
    ("bash", "terraform apply\n", "unknown program 'terraform'"),
    ("bash", "python -m benchmarks_gone --repeat 1\n", "no such module"),
    ("bash", "python benchmarks/gone.py\n", "no such script"),
    ("bash usage", "schemaguard init [--forcee]\n", "`schemaguard init` has no option(s) ['--forcee']"),
    ("bash usage", "schemaguard inti NAME\n", "schemaguard has no command 'inti'"),
    ("yaml", "version: 1\ntables:\n  t:\n    colums: {}\n", "the expectations YAML does not load"),
    ("yaml", "# fragment under tables:\nt:\n  rls: maybe\n", "the expectations YAML does not load"),
    ("yaml", "- run: schemaguard lnit\n", "does not parse"),
    ("yaml", "repos:\n  - repo: x\n    rev: v1\n    hooks:\n      - id: schemaguard-nope\n", "no hook(s)"),
    ("json", '{"mcpServers": {"s": {"command": "schemaguard", "args": ["mcpp"]}}}', "mcpServers.s"),
    ("toml", "[db.seed]\nsql_paths = 'seed.sql'\n", "sql_paths must be a list"),
    ("sql", "-- schemaguard: ignore no_such_rule\nselect 1;\n", "unknown rule(s) [('no_such_rule', 1)]"),
    ("sql", "select * from public.not_there;\n", "statement at line 1 fails"),
    ("python", "from pytest_schemaguard import nothing_here\n", "has no ['nothing_here']"),
    ("", "$ schemaguard init\n", "has no language"),
    ("rust", "fn main() {}\n", "no rule for a ```rust block"),
]


@pytest.mark.parametrize(("info", "text", "message"), BROKEN, ids=[f"{i}-{m[:20]}" for i, _, m in BROKEN])
def test_a_broken_block_fails_naming_it(info: str, text: str, message: str, tmp_path: Path,
                                        request: pytest.FixtureRequest) -> None:
    lang, *flags = info.split() or [""]
    block = Block("docs/page.md", 7, lang, tuple(flags), text, "")
    with pytest.raises((AssertionError, pytest.fail.Exception)) as failure:
        test_block(block, tmp_path, request)
    assert "docs/page.md:" in str(failure.value) and message in str(failure.value), str(failure.value)
