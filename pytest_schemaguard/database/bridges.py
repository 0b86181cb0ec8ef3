"""What to do with a statement plain PostgreSQL cannot run the way the production server would.

A Supabase history assumes extensions (pg_net, pg_cron, supabase_vault, ...) and sometimes a newer
server (the PostgreSQL 17 ``MAINTAIN`` privilege). Rather than failing the build on a statement
that only makes sense there, the builder asks ``plan_statement`` and either runs the original
text, skips the statement, or (only for ``MAINTAIN`` in a privilege list) drops that one
privilege; every skip and change comes back as a warning that the build reports. Nothing else is
ever rewritten: the file's own SQL is what runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..lazy import LazyAttribute, LazyModule

if TYPE_CHECKING:
    from sqlglot import errors as sqlglot_errors
    from sqlglot.dialects.postgres import Postgres
    from sqlglot.tokens import Token, TokenType
else:
    sqlglot_errors = LazyModule("sqlglot.errors")
    Postgres = LazyAttribute("sqlglot.dialects.postgres", "Postgres")
    TokenType = LazyAttribute("sqlglot.tokens", "TokenType")

CREATE_EXTENSION = re.compile(
    r"^\s*create\s+extension\s+(?:if\s+not\s+exists\s+)?(?P<name>\"[^\"]+\"|[\w-]+)", re.IGNORECASE
)
EXTENSION_COMMAND = re.compile(
    r"^\s*(?P<command>comment\s+on\s+extension|alter\s+extension|drop\s+extension)\s+(?:if\s+exists\s+)?"
    r"(?P<names>(?:\"[^\"]+\"|[\w-]+)(?:\s*,\s*(?:\"[^\"]+\"|[\w-]+))*)",
    re.IGNORECASE,
)
CREATE_OR_DROP_SCHEMA = re.compile(r"^\s*(create|drop)\s+schema\b", re.IGNORECASE)
CREATE_SCHEMA = re.compile(r"^\s*create\s+schema\s+(?!if\s+not\s+exists\b)(?P<name>\"[^\"]+\"|\w+)\s*;?\s*$",
                           re.IGNORECASE)

# Schemas that only exist because an extension created them: a statement using one of them (and
# the extension not being available) cannot run on this server.
EXTENSION_SCHEMAS = {
    "net": "pg_net",
    "cron": "pg_cron",
    "vault": "supabase_vault",
    "graphql": "pg_graphql",
    "pgsodium": "pgsodium",
    "pgsodium_masks": "pgsodium",
    "pgmq": "pgmq",
    "pgtle": "pg_tle",
}
MENTIONS_EXTENSION_SCHEMA = re.compile(r"\b(?:" + "|".join(EXTENSION_SCHEMAS) + r")\b", re.IGNORECASE)
# What a server must be started with for these (schemaguard's private server does it when a migration creates them).
PRELOAD_SETTINGS = {"pg_cron": ", cron.database_name = the database being built"}
# what shim/stubs.sql stands in for
STUBBED_EXTENSIONS = ("pg_net", "pg_cron", "supabase_vault", "vector", "pgmq", "http", "pgjwt")
# Index access methods of pgvector: they need its C code, so no stand-in can provide them.
VECTOR_INDEX = re.compile(
    r"^\s*create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?"
    r"(?P<name>\"[^\"]+\"|[\w$]+(?:\.[\w$]+)?)?\s*on\s+(?:only\s+)?(?P<table>\"[^\"]+\"|[\w$.\"]+)\s+"
    r"using\s+(?P<method>hnsw|ivfflat)\b",
    re.IGNORECASE,
)
MAINTAIN_SKIPPED = "MAINTAIN privilege needs PostgreSQL 17; skipped"
MAINTAIN_DROPPED = "MAINTAIN privilege needs PostgreSQL 17; removed from the privilege list, the rest ran"


@dataclass(frozen=True)
class Plan:
    """``text`` is what runs (None: the statement is skipped); ``warning`` says what was done."""

    text: str | None
    warning: str | None = None


@dataclass(frozen=True)
class ServerFacts:
    """What the bridges need to know about the server and the database being built."""

    version_num: int
    available_extensions: frozenset[str]
    schema_exists: Callable[[str], bool]
    stubs: bool = False
    standins: frozenset[str] = frozenset()  # extensions whose stub section was installed
    not_preloaded: frozenset[str] = frozenset()  # on the server, but not in shared_preload_libraries for this database


def plan_statement(text: str, facts: ServerFacts) -> Plan:
    """The first bridge that applies decides; otherwise the statement runs as written."""
    for bridge in (_unavailable_extension, _extension_command, _vector_index, _standin_schema, _maintain_privilege,
                   _extension_schema):
        plan = bridge(text, facts)
        if plan is not None:
            return plan
    return Plan(text)


def needs_bridge(text: str, facts: ServerFacts) -> bool:
    """Whether ``plan_statement`` could do anything but run ``text`` as written, asked before the
    file runs: a schema the file may create first counts as missing, so the answer errs on yes."""
    return plan_statement(text, replace(facts, schema_exists=_no_schema)) != Plan(text)


def _no_schema(schema: str) -> bool:
    return False


def stub_hint(ext: str, stubs: bool) -> str:
    if ext in STUBBED_EXTENSIONS and not stubs:
        return "; set project.stubs: true in the expectations file to run it against a stand-in"
    return ""


# --------------------------------------------------------------------------- extensions


def _unquote(name: str) -> str:
    return name[1:-1] if name.startswith('"') else name.lower()


def _unavailable_extension(text: str, facts: ServerFacts) -> Plan | None:
    match = CREATE_EXTENSION.match(text)
    if not match:
        return None
    ext = _unquote(match["name"])
    if ext in facts.available_extensions:
        return None
    if ext in facts.not_preloaded:
        return Plan(None, f"extension {ext} is installed on this server but not preloaded for this database "
                          f"(shared_preload_libraries{PRELOAD_SETTINGS.get(ext, '')}); CREATE EXTENSION skipped"
                          + _standin(ext, facts))
    return Plan(None, f"extension {ext} is not available on this server; CREATE EXTENSION skipped"
                      + _standin(ext, facts))


def _standin(ext: str, facts: ServerFacts) -> str:
    return "; stand-in in use (project.stubs: true)" if ext in facts.standins else ""


def _extension_command(text: str, facts: ServerFacts) -> Plan | None:
    """COMMENT ON / ALTER / DROP EXTENSION of an extension the server cannot have: same warning."""
    match = EXTENSION_COMMAND.match(text)
    if not match:
        return None
    names = [_unquote(n.strip()) for n in match["names"].split(",")]
    missing = [n for n in names if n not in facts.available_extensions]
    if not missing or len(missing) != len(names):
        return None  # all available, or a mix: PostgreSQL decides
    command = " ".join(match["command"].upper().split())
    standin = _standin(missing[0], facts) if len(missing) == 1 else ""
    return Plan(None, f"extension {', '.join(missing)} is not available on this server; {command} skipped{standin}")


def _standin_schema(text: str, facts: ServerFacts) -> Plan | None:
    """``CREATE SCHEMA pgmq`` before ``CREATE EXTENSION pgmq``: the stand-in made that schema already."""
    match = CREATE_SCHEMA.match(text)
    if not match:
        return None
    schema = _unquote(match["name"])
    ext = EXTENSION_SCHEMAS.get(schema)
    if ext is None or ext not in facts.standins:
        return None
    return Plan(None, f"schema {schema} was made by the {ext} stand-in (project.stubs: true); CREATE SCHEMA skipped")


def _vector_index(text: str, facts: ServerFacts) -> Plan | None:
    """An hnsw/ivfflat index needs pgvector's C code: without the real extension it is skipped,
    by name, whether or not the vector stand-in is in use (queries still run, only slower)."""
    match = VECTOR_INDEX.match(text)
    if not match or "vector" in facts.available_extensions:
        return None
    name = _unquote(match["name"]) if match["name"] else "(unnamed)"
    return Plan(None, f"index {name} on {match['table']} uses access method {match['method'].lower()} of "
                      "extension vector (pgvector), which this server lacks; CREATE INDEX skipped")


def _extension_schema(text: str, facts: ServerFacts) -> Plan | None:
    """A statement that uses the schema of an unavailable extension (``cron.schedule(...)``,
    ``GRANT USAGE ON SCHEMA cron``) is skipped, unless that schema exists (stubs, or the project
    made it). ``CREATE/DROP SCHEMA`` always run: they make sense without the extension."""
    if CREATE_OR_DROP_SCHEMA.match(text) or not MENTIONS_EXTENSION_SCHEMA.search(text):
        return None  # the second test only spares tokenizing statements that cannot match
    for schema in _referenced_schemas(_tokens(text)):
        ext = EXTENSION_SCHEMAS[schema]
        if ext in facts.available_extensions or facts.schema_exists(schema):
            continue
        return Plan(None, f"extension {ext} is not available on this server; statement using schema "
                          f"{schema} skipped{stub_hint(ext, facts.stubs)}")
    return None


def _tokens(text: str) -> list[Token]:
    try:
        return list(Postgres().tokenize(text))
    except sqlglot_errors.TokenError:
        return []  # PostgreSQL reports the syntax error


def _name(token: Token) -> str | None:
    if token.token_type == TokenType.IDENTIFIER:
        return token.text
    if token.token_type == TokenType.VAR:
        return token.text.lower()
    return None


def _referenced_schemas(tokens: Sequence[Token]) -> list[str]:
    """Extension schemas used as ``schema.object`` or after ``SCHEMA``; a name that also appears
    in other positions (an alias called ``net``) is ambiguous and ignored."""
    used: dict[str, bool] = {}
    for i, token in enumerate(tokens):
        name = _name(token)
        if name not in EXTENSION_SCHEMAS:
            continue
        after_dot = i > 0 and tokens[i - 1].token_type == TokenType.DOT
        before_dot = i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.DOT
        after_schema = i > 0 and tokens[i - 1].token_type == TokenType.SCHEMA
        as_schema = (before_dot and not after_dot) or after_schema
        used[name] = used.get(name, True) and as_schema
    return [name for name, only_as_schema in used.items() if only_as_schema]


# --------------------------------------------------------------------------- MAINTAIN (PostgreSQL 17)


def _maintain_privilege(text: str, facts: ServerFacts) -> Plan | None:
    """``GRANT/REVOKE MAINTAIN`` (also in ALTER DEFAULT PRIVILEGES) on a server older than 17."""
    if facts.version_num >= 170000 or "maintain" not in text.lower():
        return None
    tokens = _tokens(text)
    privileges = _privilege_list(tokens)
    if privileges is None:
        return None
    maintain = [i for i in privileges if tokens[i].token_type == TokenType.VAR and tokens[i].text.upper() == "MAINTAIN"]
    if not maintain:
        return None
    others = [i for i in privileges if tokens[i].token_type != TokenType.COMMA and i not in maintain]
    if not others:
        return Plan(None, MAINTAIN_SKIPPED)
    return Plan(_without(text, tokens, privileges, set(maintain)), MAINTAIN_DROPPED)


def _privilege_list(tokens: Sequence[Token]) -> list[int] | None:
    """Indexes of the tokens between GRANT/REVOKE [GRANT OPTION FOR] and ON, or None."""
    start = next((i for i, t in enumerate(tokens) if t.token_type in (TokenType.GRANT, TokenType.REVOKE)), None)
    if start is None:
        return None
    first = start + 1
    if [t.text.upper() for t in tokens[first:first + 3]] == ["GRANT", "OPTION", "FOR"]:
        first += 3
    end = next((i for i in range(first, len(tokens)) if tokens[i].token_type == TokenType.ON), None)
    return list(range(first, end)) if end is not None else None


def _without(text: str, tokens: Sequence[Token], privileges: list[int], drop: set[int]) -> str:
    """``text`` minus the dropped privilege tokens and one comma each; whitespace (and so every
    line number PostgreSQL may report) stays where it was."""
    cut: set[int] = set()
    for i in sorted(drop):
        cut.add(i)
        position = privileges.index(i)
        after = privileges[position + 1] if position + 1 < len(privileges) else None
        before = privileges[position - 1] if position > 0 else None
        if after is not None and tokens[after].token_type == TokenType.COMMA and after not in cut:
            cut.add(after)
        elif before is not None and tokens[before].token_type == TokenType.COMMA and before not in cut:
            cut.add(before)
    out = list(text)
    for i in cut:
        for k in range(tokens[i].start, tokens[i].end + 1):
            out[k] = " "
    return "".join(out)


# --------------------------------------------------------------------------- shared servers

CLUSTER_WIDE = re.compile(
    r"(?P<what>create database|drop database|alter system|(?:create|drop) tablespace)\b"
    r"|alter database (?P<database>\"(?:[^\"]|\"\")+\"|[^\s;]+)",
)
ROLE_CHANGE = re.compile(r"(?P<verb>create|drop) (?:role|user|group) (?:if exists )?(?P<names>.+)")
ALTER_TABLESPACE = re.compile(r"alter tablespace (?P<name>\"(?:[^\"]|\"\")+\"|[^\s;]+)")
FIRST_NAME = re.compile(r'"(?:[^"]|"")+"|[^\s,"]+')
WORDS_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


def _words(text: str) -> str:
    """The statement's first words, comments out, lower case, single-spaced (quoted names keep their case)."""
    head = WORDS_COMMENTS.sub(" ", text[:400])
    return " ".join(re.sub(r'"(?:[^"]|"")*"|[^"]+', lambda m: m[0] if m[0].startswith('"') else m[0].lower(),
                           head).split())


def cluster_wide(text: str, dbname: str) -> str | None:
    """What a statement would change outside the database being built (the whole server), or None."""
    match = CLUSTER_WIDE.match(_words(text))
    if not match:
        return None
    if match["what"]:
        return match["what"].upper()
    name = match["database"]
    name = name[1:-1].replace('""', '"') if name.startswith('"') else name
    return None if name == dbname else f"ALTER DATABASE {name}"


def role_change(text: str) -> tuple[str, list[str]] | None:
    """(``created`` or ``dropped``, role names) of a CREATE/DROP ROLE, USER or GROUP statement."""
    match = ROLE_CHANGE.match(_words(text))
    if not match:
        return None
    if match["verb"] == "create":
        first = FIRST_NAME.match(match["names"])
        names = [first[0]] if first else []
    else:
        names = [n for n in re.split(r"\s*,\s*", match["names"].strip()) if n]
    return ("created" if match["verb"] == "create" else "dropped"), [_unquote(n) for n in names]


def altered_tablespace(text: str) -> str | None:
    """The tablespace an ALTER TABLESPACE changes (its options hold for every database), or None."""
    match = ALTER_TABLESPACE.match(_words(text))
    return _unquote(match["name"]) if match else None
