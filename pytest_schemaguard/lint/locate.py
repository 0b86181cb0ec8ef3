"""Which statement of a migration made a catalog change: ``Act``s read from each statement's tokens.

A semantic finding knows what changed (a table gone, an overload gone, a column's type) but not
where. Searching the file for the object's name picks the first statement that mentions it: a
``DROP POLICY p ON t`` before ``DROP TABLE t``, a ``CREATE TYPE x`` before ``ALTER COLUMN x TYPE``,
the wrong overload of ``f``. Instead each statement is read as what it does to which object
(``drop function public.f(integer)``, ``alter table t: drop column a``), and each rule asks for
the act that explains its change, most direct first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ..lazy import LazyAttribute
from ..migrations import Statement
from .statements import _tokenize, name_of, word_of

if TYPE_CHECKING:
    from sqlglot.tokens import Token, TokenType
else:
    TokenType = LazyAttribute("sqlglot.tokens", "TokenType")


@dataclass(frozen=True)
class ObjectName:
    """A name as the statement wrote it: ``schema`` is None when unqualified (search_path decides)."""

    schema: str | None
    name: str
    args: tuple[str, ...] | None = None  # function argument types, normalised; None: no list given

    def is_(self, qualified: str) -> bool:
        """Names the catalog object ``schema.name`` (a function's argument list is compared apart)."""
        schema, _, name = qualified.partition("(")[0].rpartition(".")
        return self.name == name and self.schema in (None, schema)


@dataclass(frozen=True)
class Act:
    """One thing a statement does: ``verb`` create | drop | alter, to an object of ``kind`` (table,
    view, materialized view, function, schema, type, policy, ...); for ALTER, ``action`` says what
    (drop column, alter column type, rename column, rename, set schema, disable rls, add foreign
    key, add column, other) and ``part`` names the column or constraint."""

    verb: str
    kind: str
    target: ObjectName
    action: str = ""
    part: str = ""
    cascade: bool = False


Wanted = Callable[[Act], bool]


class StatementActs:
    """The acts of every statement of one migration, read once, on the first finding that asks."""

    def __init__(self, statements: Sequence[Statement]) -> None:
        self.statements = statements

    @cached_property
    def _acts(self) -> list[tuple[Statement, list[Act]]]:
        return [(statement, acts_of(statement.text)) for statement in self.statements]

    def find(self, *tiers: Wanted) -> Statement | None:
        """The first statement with an act the first tier wants; else the second tier, and so on."""
        for wanted in tiers:
            for statement, acts in self._acts:
                if any(wanted(act) for act in acts):
                    return statement
        return None


# ------------------------------------------------------------------ reading the acts

SKIPPED_MODIFIERS = {"OR", "REPLACE", "UNIQUE", "GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED", "RECURSIVE",
                     "TRUSTED", "PROCEDURAL", "CONSTRAINT"}
TWO_WORD_KINDS = {("MATERIALIZED", "VIEW"), ("FOREIGN", "TABLE"), ("EVENT", "TRIGGER")}
ROUTINES = {"function", "procedure", "routine", "aggregate"}
RELATIONS = {"table", "view", "materialized view", "foreign table"}


def acts_of(text: str) -> list[Act]:
    """What the statement does; [] for anything unrecognised (the caller falls back to the name)."""
    try:
        reader = _Reader(_tokenize(text))
        return reader.read()
    except Exception:  # a statement lint cannot read must not hide the finding: it is located by name
        return []


class _Reader:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.words = [word_of(t) for t in tokens]
        self.i = 0

    # -- cursor helpers

    def at(self, *words: str) -> bool:
        return self.words[self.i:self.i + len(words)] == list(words)

    def skip(self, *words: str) -> bool:
        if self.at(*words):
            self.i += len(words)
            return True
        return False

    def kind(self) -> str:
        while self.i < len(self.words) and self.words[self.i] in SKIPPED_MODIFIERS:
            self.i += 1
        pair = tuple(self.words[self.i:self.i + 2])
        if pair in TWO_WORD_KINDS:
            self.i += 2
            return " ".join(pair).lower()
        self.i += 1
        return self.words[self.i - 1].lower() if self.i <= len(self.words) else ""

    def name(self) -> ObjectName:
        parts: list[str] = []
        while self.i < len(self.tokens):
            token = self.tokens[self.i]
            parts.append(name_of(token))
            self.i += 1
            if self.i < len(self.tokens) and self.tokens[self.i].token_type == TokenType.DOT:
                self.i += 1
                continue
            break
        if not parts:
            return ObjectName(None, "")
        return ObjectName(parts[-2] if len(parts) > 1 else None, parts[-1])

    def routine_name(self) -> ObjectName:
        name = self.name()
        if self.i < len(self.tokens) and self.tokens[self.i].token_type == TokenType.L_PAREN:
            end = _closing(self.tokens, self.i)
            args = tuple(a for a in (_argument(part) for part in _split(self.tokens[self.i + 1:end])) if a is not None)
            self.i = end + 1
            return ObjectName(name.schema, name.name, args)
        return name

    def names(self, routine: bool) -> list[ObjectName]:
        found = []
        while self.i < len(self.tokens):
            found.append(self.routine_name() if routine else self.name())
            if not self.skip(","):
                break
        return found

    # -- statements

    def read(self) -> list[Act]:
        if self.skip("DROP"):
            return self._drop()
        if self.skip("CREATE"):
            return self._create()
        if self.skip("ALTER"):
            return self._alter()
        return []

    def _drop(self) -> list[Act]:
        kind = self.kind()
        self.skip("CONCURRENTLY")
        self.skip("IF", "EXISTS")
        cascade = "CASCADE" in self.words
        if kind in {"policy", "trigger", "rule"}:
            name = self.name()
            self.skip("ON")
            return [Act("drop", kind, name, part=self.name().name, cascade=cascade)]
        return [Act("drop", kind, name, cascade=cascade) for name in self.names(kind in ROUTINES)]

    def _create(self) -> list[Act]:
        kind = self.kind()
        self.skip("CONCURRENTLY")
        self.skip("IF", "NOT", "EXISTS")
        if kind in ROUTINES:
            return [Act("create", kind, self.routine_name())]
        return [Act("create", kind, self.name())]

    def _alter(self) -> list[Act]:
        kind = self.kind()
        self.skip("IF", "EXISTS")
        self.skip("ONLY")
        if kind in ROUTINES:
            target = self.routine_name()
            return [Act("alter", kind, target, action=self._routine_action())]
        target = self.name()
        if kind not in RELATIONS:
            return [Act("alter", kind, target, action="rename" if self.at("RENAME", "TO") else "other")]
        self.skip("*")
        return [self._relation_action(kind, target, part) for part in _split(self.tokens[self.i:])]

    def _routine_action(self) -> str:
        if self.at("RENAME", "TO"):
            return "rename"
        return "set schema" if self.at("SET", "SCHEMA") else "other"

    def _relation_action(self, kind: str, target: ObjectName, tokens: list[Token]) -> Act:
        words = ["" if t.token_type == TokenType.STRING else t.text.upper() for t in tokens]
        sub = _Reader(tokens)
        cascade = "CASCADE" in words

        def act(action: str, part: str = "") -> Act:
            return Act("alter", kind, target, action=action, part=part, cascade=cascade)

        if sub.skip("DROP"):
            if sub.at("CONSTRAINT"):
                return act("drop constraint")
            sub.skip("COLUMN")
            sub.skip("IF", "EXISTS")
            return act("drop column", sub.name().name)
        if sub.skip("ALTER"):
            sub.skip("COLUMN")
            column = sub.name().name
            sub.skip("SET", "DATA")
            return act("alter column type" if sub.at("TYPE") else "alter column", column)
        if sub.skip("RENAME"):
            if sub.at("TO"):
                return act("rename")
            if sub.at("CONSTRAINT"):
                return act("rename constraint")
            sub.skip("COLUMN")
            return act("rename column", sub.name().name)
        if sub.at("SET", "SCHEMA"):
            return act("set schema")
        if sub.at("DISABLE", "ROW", "LEVEL", "SECURITY"):
            return act("disable rls")
        if sub.skip("ADD"):
            if sub.skip("CONSTRAINT"):
                name = sub.name().name
                return act("add foreign key" if "FOREIGN" in words or "REFERENCES" in words else "add constraint",
                           name)
            if sub.at("FOREIGN"):
                return act("add foreign key")
            sub.skip("COLUMN")
            sub.skip("IF", "NOT", "EXISTS")
            column = sub.name().name
            return act("add column" + (" references" if "REFERENCES" in words else ""), column)
        return act("other")


def _closing(tokens: list[Token], i: int) -> int:
    """Index of the parenthesis closing the one at ``i`` (the last token when it is missing)."""
    depth = 0
    for k in range(i, len(tokens)):
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(tokens[k].token_type, 0)
        if depth == 0:
            return k
    return len(tokens) - 1


def _split(tokens: list[Token]) -> list[list[Token]]:
    """Comma-separated parts at the top level (not inside parentheses)."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(token.token_type, 0)
        if token.token_type == TokenType.COMMA and depth == 0:
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if p]


# ------------------------------------------------------------------ function argument types

TYPE_ALIASES = {
    "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint", "float8": "double precision",
    "float": "double precision", "float4": "real", "bool": "boolean", "varchar": "character varying",
    "char": "character", "bpchar": "character", "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone", "timetz": "time with time zone", "time": "time without time zone",
    "decimal": "numeric", "varbit": "bit varying",
}


def normalise_type(text: str) -> str:
    """A type as ``format_type`` would name it, enough to tell overloads apart: aliases resolved,
    typmods dropped, schema left out (``public.mood`` and ``mood`` are the same here)."""
    flat = re.sub(r"\([^)]*\)", "", text.lower())
    flat = re.sub(r"\s*\[\s*\d*\s*\]", "[]", flat)
    flat = re.sub(r"\s+array$", "[]", " ".join(flat.replace('"', "").split()))
    dims = flat.count("[]")
    base = re.sub(r"\s*\.\s*", ".", flat.replace("[]", "")).strip()
    base = base.rsplit(".", 1)[-1] if " " not in base else base
    return TYPE_ALIASES.get(base, base) + "[]" * dims


def _argument(tokens: list[Token]) -> str | None:
    """The normalised type of one argument of a routine's argument list (None for OUT ones, which
    are not part of its identity); ``name type`` or ``type``, modes and defaults dropped."""
    words = [t.text for t in tokens]
    upper = [w.upper() for w in words]
    cut = next((k for k, w in enumerate(upper) if w in {"DEFAULT", "="}), len(words))
    words, upper = words[:cut], upper[:cut]
    if upper[:1] == ["OUT"]:
        return None
    if upper[:1] in (["IN"], ["INOUT"], ["VARIADIC"]):
        words, upper = words[1:], upper[1:]
    if not words:
        return ""
    whole = normalise_type(" ".join(words))
    if len(words) > 1 and (whole not in KNOWN_TYPES or tokens[0].token_type == TokenType.IDENTIFIER):
        return "|".join((whole, normalise_type(" ".join(words[1:]))))  # either "type" or "name type"
    return whole


KNOWN_TYPES = frozenset(TYPE_ALIASES.values()) | {"text", "uuid", "jsonb", "json", "bytea", "date", "interval",
                                                  "character varying", "bit varying", "double precision"}


def same_arguments(written: tuple[str, ...], catalog: Sequence[str]) -> bool:
    """The argument list a statement wrote names the catalog's overload (each written argument may
    still be ambiguous between ``type`` and ``name type``: either reading may match)."""
    if len(written) != len(catalog):
        return False
    return all(normalise_type(have) in want.split("|") for want, have in zip(written, catalog, strict=True))


def catalog_arguments(signature: str) -> tuple[str, ...]:
    """``public.f(integer,text)`` -> (``integer``, ``text``)."""
    inner = signature.partition("(")[2].rstrip(")")
    return tuple(a.strip() for a in inner.split(",")) if inner.strip() else ()
