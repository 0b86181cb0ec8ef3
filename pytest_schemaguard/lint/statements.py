"""What one migration statement does, as far as the lint rules care: its ``Facts``.

sqlglot parses the statement's original text (dialect postgres). Where it gives a precise tree
for a statement kind the rules look at (DROP INDEX, DROP TABLE, ALTER TABLE, UPDATE, DELETE,
TRUNCATE), the facts come from the tree. Where it falls back to ``exp.Command``, fails to parse,
or returns a tree for another kind than the leading keywords say (``CLUSTER t`` parses as an
alias), the facts come from the statement's tokens instead. Either way the rules see the same
``Facts``; nothing is ever regenerated into SQL that runs.

CREATE TABLE and CREATE INDEX are always read from their tokens: what the rules need of them is
in the first few (the names, CONCURRENTLY), and parsing the whole statement cost ~0.8 ms a CREATE
TABLE, most of the analysis of a big schema (tests/test_lint_created_names.py checks the names
against the relations the server creates).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..lazy import LazyAttribute, LazyModule

if TYPE_CHECKING:
    import sqlglot
    from sqlglot import errors as sqlglot_errors
    from sqlglot import exp
    from sqlglot.dialects.postgres import Postgres
    from sqlglot.tokens import Token, TokenType
else:
    sqlglot = LazyModule("sqlglot")
    sqlglot_errors = LazyModule("sqlglot.errors")
    exp = LazyModule("sqlglot.expressions")
    Postgres = LazyAttribute("sqlglot.dialects.postgres", "Postgres")
    Token = LazyAttribute("sqlglot.tokens", "Token")
    TokenType = LazyAttribute("sqlglot.tokens", "TokenType")

# sqlglot logs "contains unsupported syntax. Falling back to parsing as a 'Command'" for every
# statement it only half understands; that is expected here and handled below.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

VOLATILE_FUNCTIONS = frozenset({
    "random", "random_normal", "setseed", "gen_random_uuid", "gen_random_bytes", "uuid_generate_v1",
    "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7", "clock_timestamp", "timeofday",
    "nextval", "txid_current",
})
SERIAL_TYPES = frozenset({"SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL4", "SERIAL8", "SERIAL2"})
LOCK_TIMEOUT = re.compile(r"^\s*(set\s+(session\s+|local\s+)?lock_timeout\b|select\s+(pg_catalog\.)?set_config\s*"
                          r"\(\s*'lock_timeout')", re.IGNORECASE)


@dataclass
class Facts:
    """The lint-relevant content of one statement (names are qualified: ``public.t``)."""

    kind: str = "other"  # create_table | create_index | drop_index | drop_table | alter_table | create_trigger |
    # update | delete | truncate | vacuum_full | cluster | enum_add_value | set_lock_timeout | other | unanalysed
    tables: tuple[str, ...] = ()  # the table(s) the statement creates or acts on
    indexes: tuple[str, ...] = ()  # indexes it creates or drops
    concurrently: bool = False
    has_where: bool = True
    positioned: bool = True  # enum_add_value: BEFORE/AFTER given
    unvalidated_constraints: list[str] = field(default_factory=list)  # "CHECK constraint c", ...
    volatile_defaults: list[tuple[str, str]] = field(default_factory=list)  # (column, function or type)
    set_not_null: list[str] = field(default_factory=list)  # columns
    parsed_by: str = "tokens"  # "sqlglot" | "tokens": which path produced the facts (tests look)
    reason: str = ""  # kind "unanalysed": why no rule could look at the statement


# sqlglot's parser recurses a few frames per parenthesis and hits Python's recursion limit near 50
# levels; PostgreSQL accepts far deeper expressions. Deeper statements are read from their tokens.
MAX_TREE_DEPTH = 30


def analyse(text: str) -> Facts:
    """The facts of one statement; never raises. Unknown statements are kind ``other``; one the
    analysis itself failed on is kind ``unanalysed`` (reported, so no rule is skipped silently)."""
    ahead = _ahead
    if ahead is not None:
        facts = ahead.take(text)
        if facts is not None:
            return facts
    return _analysed(text)


def _analysed(text: str) -> Facts:
    try:
        return _analyse(text)
    except Exception as exc:  # lint must never crash on SQL PostgreSQL may well accept
        detail = str(exc).splitlines()[0][:120] if str(exc) else ""
        return Facts(kind="unanalysed", reason=f"{type(exc).__name__}{': ' + detail if detail else ''}")


# How long the build waits for a statement the background thread is analysing before analysing it
# itself. An analysis takes milliseconds (the first one also imports sqlglot: a second or so on a
# busy machine); a thread that takes longer is most likely stuck. Seen: a Ctrl-C that landed inside
# ``logging``'s lock release left that (reentrant) lock held by the main thread, so the background
# thread, importing sqlglot, waited on it forever and the run hung instead of stopping. The calling
# thread can always take that lock again, and the analysis is a pure function of the text.
AHEAD_PATIENCE = 5.0


class _Ahead:
    """Statements analysed on a background thread, each handed out once; a statement is analysed
    by whichever thread claims it first, so none is analysed twice (except when the caller stops
    waiting for a stuck thread: ``AHEAD_PATIENCE``)."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = list(dict.fromkeys(texts))  # in the order the build will ask for them
        self.lock = threading.Lock()
        self.claimed: set[str] = set()
        self.running: dict[str, threading.Event] = {}
        self.ready: dict[str, Facts] = {}
        self.cancelled = False

    def run(self) -> None:
        for text in self.texts:
            with self.lock:
                if self.cancelled:
                    return
                if text in self.claimed:
                    continue
                self.claimed.add(text)
                done = self.running[text] = threading.Event()
            facts = _analysed(text)
            with self.lock:
                del self.running[text]
                if not self.cancelled:
                    self.ready[text] = facts
            done.set()
            # Hand the interpreter to the build's thread if it waits for it. That thread wakes for
            # every result the server sends and needs the GIL to read it; a thread that never
            # blocks keeps the GIL for the whole switch interval (5 ms) before Python makes it
            # let go, so the build waited up to 5 ms per wake-up: 2,000 tables over 23 files built
            # in 8.7 s with this thread running and 7.2 s with it yielding after each statement.
            time.sleep(0)

    def take(self, text: str) -> Facts | None:
        """The facts analysed ahead (waiting when they are being analysed right now, up to
        ``AHEAD_PATIENCE``), or None: the caller analyses the statement itself, and it is not
        analysed here any more."""
        with self.lock:
            facts = self.ready.pop(text, None)
            if facts is not None:
                return facts
            done = self.running.get(text)
            if done is None:
                self.claimed.add(text)
                return None
        if not done.wait(AHEAD_PATIENCE):
            return None
        with self.lock:
            return self.ready.pop(text, None)

    def cancel(self) -> None:
        with self.lock:
            self.cancelled = True
            self.ready.clear()


_ahead: _Ahead | None = None


@contextmanager
def analysed_ahead(texts: Iterable[str]) -> Iterator[None]:
    """While the block runs, ``analyse`` the given statements on a background thread, for the
    block to take as it needs them. A cold build spends seconds waiting (initdb, the server
    applying files) with the interpreter idle; sqlglot's parsing fills that time instead of
    following it. ``analyse`` is a pure function of the text, so the facts are the same whichever
    thread computed them. The thread stops after its current statement when the block ends."""
    global _ahead
    ahead = _Ahead(texts)
    if not ahead.texts or _ahead is not None:
        yield
        return
    _ahead = ahead
    threading.Thread(target=ahead.run, name="schemaguard-lint-ahead", daemon=True).start()
    try:
        yield
    finally:
        _ahead = None
        ahead.cancel()


def _analyse(text: str) -> Facts:
    try:
        tokens = _tokenize(text)
    except sqlglot_errors.SqlglotError:
        return Facts()
    words = [word_of(t) for t in tokens]
    kind = _leading_kind(words)
    if kind is None:
        return Facts()
    # sqlglot parses a U& name inside an expression (DEFAULT U&"r\0061ndom"()) without decoding
    # it; the tokens hold it decoded (_tokenize).
    if kind in TREE_KINDS and _depth(tokens) <= MAX_TREE_DEPTH and not UNICODE_NAME.search(text):
        facts = _from_tree(text, kind)
        if facts is not None:
            return facts
    return _from_tokens(kind, tokens, words)


def _depth(tokens: list[Token]) -> int:
    """The deepest parenthesis nesting of the statement."""
    depth = deepest = 0
    for token in tokens:
        if token.token_type == TokenType.L_PAREN:
            depth += 1
            deepest = max(deepest, depth)
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
    return deepest


def _tokenize(text: str) -> list[Token]:
    """Tokens of the statement; a COMMAND keyword (VACUUM, REINDEX, ...) swallows the rest of the
    statement as one string, which is tokenized again so keywords and names inside it are seen."""
    tokens = Postgres().tokenize(text)
    if len(tokens) == 2 and tokens[0].token_type == TokenType.COMMAND and tokens[1].token_type == TokenType.STRING:
        tokens = [tokens[0], *Postgres().tokenize(tokens[1].text)]
    return _unicode_names(tokens)


UNICODE_NAME = re.compile(r'\bu&"', re.IGNORECASE)


def _unicode_names(tokens: list[Token]) -> list[Token]:
    r"""``U&"d\0061ta" [UESCAPE '!']`` as the one quoted name it is to the server (``data``);
    sqlglot gives the letter U, an ampersand and the undecoded name (statements holding one are read
    from these tokens). One the server would refuse (a bad escape) is left as it was: the statement
    never ran."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (token.token_type == TokenType.VAR and token.text in ("U", "u") and i + 2 < len(tokens)
                and tokens[i + 1].token_type == TokenType.AMP and tokens[i + 2].token_type == TokenType.IDENTIFIER
                and token.end + 1 == tokens[i + 1].start and tokens[i + 1].end + 1 == tokens[i + 2].start):
            escape, stop = "\\", i + 3
            if (stop + 1 < len(tokens) and tokens[stop].text.upper() == "UESCAPE" and tokens[stop + 1].token_type
                    in (TokenType.STRING, TokenType.BYTE_STRING, TokenType.HEREDOC_STRING)):  # '!', E'!', $$!$$
                escape, stop = tokens[stop + 1].text, stop + 2
            name = _unescaped(tokens[i + 2].text, escape)
            if name is not None:
                out.append(Token(TokenType.IDENTIFIER, name, token.line, token.col, token.start, tokens[stop - 1].end,
                                 token.comments))
                i = stop
                continue
        out.append(token)
        i += 1
    return out


def _unescaped(text: str, escape: str) -> str | None:
    r"""The text of a U& name: ``\XXXX`` and ``\+XXXXXX`` code points (a surrogate pair makes one),
    the escape character doubled for itself; None where the server reports an error."""
    if len(escape.encode()) != 1 or escape in "0123456789abcdefABCDEF+'\" \t\n\r\f":
        return None
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != escape:
            out.append(char)
            i += 1
            continue
        if text[i + 1:i + 2] == escape:
            out.append(escape)
            i += 2
            continue
        digits = 6 if text[i + 1:i + 2] == "+" else 4
        start = i + 2 if digits == 6 else i + 1
        code = text[start:start + digits]
        if len(code) != digits or any(c not in "0123456789abcdefABCDEF" for c in code):
            return None
        point = int(code, 16)
        if 0xDC00 <= point <= 0xDFFF and out and 0xD800 <= ord(out[-1]) <= 0xDBFF:
            out[-1] = chr(0x10000 + ((ord(out[-1]) - 0xD800) << 10) + (point - 0xDC00))
        elif point > 0x10FFFF or point == 0:
            return None
        else:
            out.append(chr(point))
        i = start + digits
    if any(0xD800 <= ord(c) <= 0xDFFF for c in out):
        return None  # a lone surrogate
    return "".join(out)


def word_of(token: Token) -> str:
    """A keyword as the readers compare it: upper case. A quoted name keeps its quotes, so that
    ``CREATE INDEX "on" ON t`` or ``ADD COLUMN "check" int`` is never read as the keyword it spells."""
    if token.token_type == TokenType.STRING:
        return ""
    if token.token_type == TokenType.IDENTIFIER:
        return f'"{token.text}"'
    return token.text.upper()


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
MAX_NAME_BYTES = 63  # NAMEDATALEN - 1: the server cuts longer names (at a character's edge)


def fold_name(text: str, *, quoted: bool) -> str:
    """A name as the server stores it: an unquoted one with only its ASCII letters in lower case
    (``TÉST`` is ``tÉst`` there, not ``tést``), either kind cut to 63 bytes."""
    name = text if quoted else text.translate(_ASCII_LOWER)
    encoded = name.encode(errors="surrogatepass")  # a lone surrogate (no file read as UTF-8 has one) never raises
    if len(encoded) <= MAX_NAME_BYTES:
        return name
    return encoded[:MAX_NAME_BYTES].decode(errors="ignore")


def name_of(token: Token) -> str:
    return fold_name(token.text, quoted=token.token_type == TokenType.IDENTIFIER)


def _folded(word: str) -> str:
    """The name a word stands for, as PostgreSQL looks it up: a quoted one exactly, others in lower case."""
    return fold_name(word[1:-1], quoted=True) if word.startswith('"') else fold_name(word, quoted=False)


def _leading_kind(words: list[str]) -> str | None:
    """Classify by the first keywords (the reliable part of any statement), word by word:
    ``ALTER TABLESPACE`` is not ``ALTER TABLE``, ``CREATE INDEX_X`` is not ``CREATE INDEX``."""
    head = [w for w in words[:8] if w not in {"OR", "REPLACE", "UNIQUE", "GLOBAL", "LOCAL", "TEMP",
                                              "TEMPORARY", "UNLOGGED", "CONSTRAINT"}]
    for prefix, kind in LEADING:
        keywords = prefix.split()
        if head[:len(keywords)] == keywords:
            return kind
    return None


LEADING: tuple[tuple[str, str], ...] = (
    ("CREATE INDEX", "create_index"),
    ("CREATE TABLE", "create_table"),
    ("CREATE TRIGGER", "create_trigger"),
    ("DROP INDEX", "drop_index"),
    ("DROP TABLE", "drop_table"),
    ("ALTER TABLE", "alter_table"),
    ("ALTER TYPE", "alter_type"),
    ("UPDATE", "update"),
    ("DELETE", "delete"),
    ("TRUNCATE", "truncate"),
    ("VACUUM", "vacuum"),
    ("CLUSTER", "cluster"),
    ("REINDEX", "reindex"),
    ("SET", "set"),
    ("SELECT", "select"),
)
TREE_KINDS = {"drop_index", "drop_table", "alter_table", "update", "delete", "truncate"}

# ------------------------------------------------------------------ sqlglot tree


def _from_tree(text: str, kind: str) -> Facts | None:
    try:
        tree = sqlglot.parse_one(text, dialect="postgres")
        facts = TREE_READERS[kind](tree)
    except (sqlglot_errors.SqlglotError, RecursionError):
        return None  # the tokens path reads it
    if facts is not None:
        facts.parsed_by = "sqlglot"
    return facts


def _ident(node: exp.Expression | None) -> str:
    if isinstance(node, exp.Identifier):
        return fold_name(node.name, quoted=bool(node.quoted))
    return fold_name(node.name, quoted=False) if node is not None else ""


def _table_name(table: exp.Expression | None) -> str:
    if not isinstance(table, exp.Table):
        return ""
    schema = _ident(table.args.get("db")) or "public"
    return f"{schema}.{_ident(table.this)}"


def _tree_drop(tree: exp.Expression, kind: str) -> Facts | None:
    if not (isinstance(tree, exp.Drop) and tree.args.get("kind") == kind):
        return None
    names = tuple(_table_name(t) for t in tree.args.get("tables") or ())
    concurrently = bool(tree.args.get("concurrently"))
    if kind == "INDEX":
        return Facts(kind="drop_index", indexes=names, concurrently=concurrently)
    return Facts(kind="drop_table", tables=names)


def _tree_alter_table(tree: exp.Expression) -> Facts | None:
    if not (isinstance(tree, exp.Alter) and tree.args.get("kind") == "TABLE" and tree.args.get("actions")):
        return None
    facts = Facts(kind="alter_table", tables=(_table_name(tree.this),))
    not_valid = bool(tree.args.get("not_valid"))
    for action in tree.args["actions"]:
        if isinstance(action, exp.ColumnDef):
            _tree_added_column(action, facts)
        elif isinstance(action, exp.AddConstraint) and not not_valid:
            facts.unvalidated_constraints.extend(_tree_constraint_labels(action))
        elif isinstance(action, exp.AlterColumn) and action.args.get("allow_null") is False \
                and not action.args.get("drop"):
            facts.set_not_null.append(_ident(action.this))
    return facts


CALLED = re.compile(r'(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))\s*\(')  # a function called: "quoted" exactly, plain folded


def _tree_added_column(column: exp.ColumnDef, facts: Facts) -> None:
    name = _ident(column.this)
    data_type = column.args.get("kind")
    if isinstance(data_type, exp.DataType) and data_type.this.name in SERIAL_TYPES:
        facts.volatile_defaults.append((name, data_type.this.name.lower()))
    for constraint in column.args.get("constraints") or ():
        kind = constraint.args.get("kind")
        if isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
            facts.volatile_defaults.append((name, "identity/serial"))
        elif isinstance(kind, exp.DefaultColumnConstraint) and kind.this is not None:
            rendered = kind.this.sql(dialect="postgres")
            for quoted, plain in CALLED.findall(rendered):
                function = quoted.replace('""', '"') if quoted else plain.lower()
                if function in VOLATILE_FUNCTIONS:
                    facts.volatile_defaults.append((name, f"{function}()"))


def _tree_constraint_labels(action: exp.AddConstraint) -> list[str]:
    labels = []
    for item in action.expressions:
        name = _ident(item.this) if isinstance(item, exp.Constraint) else ""
        parts = item.expressions if isinstance(item, exp.Constraint) else [item]
        for part in parts:
            if isinstance(part, exp.ForeignKey):
                labels.append(f"FOREIGN KEY constraint {name}".rstrip())
            elif isinstance(part, exp.CheckColumnConstraint):
                labels.append(f"CHECK constraint {name}".rstrip())
    return labels


def _tree_update_delete(tree: exp.Expression, kind: str) -> Facts | None:
    wanted = exp.Update if kind == "update" else exp.Delete
    if not isinstance(tree, wanted):
        return None
    return Facts(kind=kind, tables=(_table_name(tree.this),), has_where=tree.args.get("where") is not None)


def _tree_truncate(tree: exp.Expression) -> Facts | None:
    if not isinstance(tree, exp.TruncateTable):
        return None
    return Facts(kind="truncate", tables=tuple(_table_name(t) for t in tree.expressions))


TREE_READERS = {
    "drop_index": lambda tree: _tree_drop(tree, "INDEX"),
    "drop_table": lambda tree: _tree_drop(tree, "TABLE"),
    "alter_table": _tree_alter_table,
    "update": lambda tree: _tree_update_delete(tree, "update"),
    "delete": lambda tree: _tree_update_delete(tree, "delete"),
    "truncate": _tree_truncate,
}

# ------------------------------------------------------------------ tokens (sqlglot gave a Command or failed)


def _from_tokens(kind: str, tokens: list[Token], words: list[str]) -> Facts:
    reader = TOKEN_READERS.get(kind)
    return reader(tokens, words) if reader else Facts()


def _name_at(tokens: list[Token], i: int) -> tuple[str, int]:
    """A possibly qualified name starting at token ``i``: (``schema.name`` folded like PostgreSQL, next index)."""
    schema, name, i = _name_parts_at(tokens, i)
    return (f"{schema}.{name}" if name else ""), i


def _name_parts_at(tokens: list[Token], i: int) -> tuple[str, str, int]:
    """(schema, name, next index) of the possibly qualified name at token ``i``; kept apart,
    because a quoted name may itself hold a dot (``"Order.Items"``)."""
    parts: list[str] = []
    while i < len(tokens):
        token = tokens[i]
        parts.append(name_of(token))
        if i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.DOT:
            i += 2
            continue
        i += 1
        break
    if not parts:
        return "", "", i
    return (parts[-2] if len(parts) > 1 else "public"), parts[-1], i


def _skip(words: list[str], i: int, *optional: str) -> int:
    """Skip the optional keywords (in any order, each at most once) starting at ``i``."""
    remaining = list(optional)
    while i < len(words):
        for candidate in remaining:
            seq = candidate.split()
            if words[i:i + len(seq)] == seq:
                i += len(seq)
                remaining.remove(candidate)
                break
        else:
            return i
    return i


def _tokens_create_index(tokens: list[Token], words: list[str]) -> Facts:
    i = words.index("INDEX") + 1
    concurrently = "CONCURRENTLY" in words[:i + 2]
    i = _skip(words, i, "CONCURRENTLY", "IF NOT EXISTS")
    name = ""
    if i < len(words) and words[i] != "ON":
        _, name, i = _name_parts_at(tokens, i)
    on = words.index("ON", i) if "ON" in words[i:] else len(words)
    schema, table_name, _ = _name_parts_at(tokens, _skip(words, on + 1, "ONLY"))
    table = f"{schema}.{table_name}" if table_name else ""
    index = f"{schema}.{name}" if name else ""  # an index lives in its table's schema
    return Facts(kind="create_index", tables=(table,) if table else (), indexes=(index,) if index else (),
                 concurrently=concurrently)


def _tokens_create_table(tokens: list[Token], words: list[str]) -> Facts:
    i = _skip(words, words.index("TABLE") + 1, "IF NOT EXISTS")
    table, _ = _name_at(tokens, i)
    return Facts(kind="create_table", tables=(table,) if table else ())


def _tokens_drop(tokens: list[Token], words: list[str], kind: str) -> Facts:
    keyword = "INDEX" if kind == "drop_index" else "TABLE"
    i = words.index(keyword) + 1
    concurrently = words[i:i + 1] == ["CONCURRENTLY"]
    i = _skip(words, i, "CONCURRENTLY", "IF EXISTS")
    names = []
    while i < len(tokens):
        name, i = _name_at(tokens, i)
        names.append(name)
        if i < len(tokens) and tokens[i].token_type == TokenType.COMMA:
            i += 1
            continue
        break
    if kind == "drop_index":
        return Facts(kind=kind, indexes=tuple(names), concurrently=concurrently)
    return Facts(kind=kind, tables=tuple(names))


def _tokens_create_trigger(tokens: list[Token], words: list[str]) -> Facts:
    if "ON" not in words:
        return Facts(kind="create_trigger")
    table, _ = _name_at(tokens, _skip(words, words.index("ON") + 1, "ONLY"))
    return Facts(kind="create_trigger", tables=(table,))


def _tokens_alter_table(tokens: list[Token], words: list[str]) -> Facts:
    i = _skip(words, words.index("TABLE") + 1, "IF EXISTS", "ONLY")
    table, i = _name_at(tokens, i)
    facts = Facts(kind="alter_table", tables=(table,))
    if words[i:i + 1] == ["*"]:
        i += 1
    for action in _split_top_level(tokens, words, i):
        _token_action(action, facts)
    return facts


def _split_top_level(tokens: list[Token], words: list[str], start: int) -> list[list[tuple[Token, str]]]:
    """The comma-separated actions of an ALTER TABLE (commas inside parentheses do not count)."""
    actions: list[list[tuple[Token, str]]] = [[]]
    depth = 0
    for token, word in zip(tokens[start:], words[start:], strict=True):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif token.token_type == TokenType.COMMA and depth == 0:
            actions.append([])
            continue
        actions[-1].append((token, word))
    return [a for a in actions if a]


def _token_action(action: list[tuple[Token, str]], facts: Facts) -> None:
    words = [w for _, w in action]
    tokens = [t for t, _ in action]
    not_valid = any(words[k:k + 2] == ["NOT", "VALID"] for k in range(len(words)))
    if words[:1] == ["ADD"]:
        rest = _skip(words, 1, "CONSTRAINT")
        name = ""
        if words[1:2] == ["CONSTRAINT"] and rest < len(words):
            name = name_of(tokens[rest])
            rest += 1
        head = words[rest] if rest < len(words) else ""
        if head in {"CHECK", "FOREIGN"}:
            if not not_valid:
                facts.unvalidated_constraints.append(f"{'CHECK' if head == 'CHECK' else 'FOREIGN KEY'} constraint "
                                                     f"{name}".rstrip())
        elif head not in {"PRIMARY", "UNIQUE", "EXCLUDE"}:
            _token_added_column(tokens, words, facts)
    elif words[:1] == ["ALTER"]:
        i = _skip(words, 1, "COLUMN")
        column = name_of(tokens[i]) if i < len(tokens) else ""
        if words[i + 1:i + 4] == ["SET", "NOT", "NULL"]:
            facts.set_not_null.append(column)


def _token_added_column(tokens: list[Token], words: list[str], facts: Facts) -> None:
    i = _skip(words, 1, "COLUMN", "IF NOT EXISTS")
    if i >= len(tokens):
        return
    column = name_of(tokens[i])
    type_name = _folded(words[i + 1]) if i + 1 < len(words) else ""
    if type_name.upper() in SERIAL_TYPES and type_name == type_name.lower():  # "serial" is serial, "SERIAL" no type
        facts.volatile_defaults.append((column, type_name))
    if "IDENTITY" in words:
        facts.volatile_defaults.append((column, "identity/serial"))
    if "DEFAULT" in words:
        after = words[words.index("DEFAULT") + 1:]
        for k, word in enumerate(after[:-1]):
            if _folded(word) in VOLATILE_FUNCTIONS and after[k + 1] == "(":
                facts.volatile_defaults.append((column, f"{_folded(word)}()"))


def _tokens_update_delete(tokens: list[Token], words: list[str], kind: str) -> Facts:
    i = 1 if kind == "update" else _skip(words, 1, "FROM")
    table, _ = _name_at(tokens, _skip(words, i, "ONLY"))
    depth, where = 0, False
    for token, word in zip(tokens, words, strict=True):
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(token.token_type, 0)
        where = where or (word == "WHERE" and depth == 0)
    return Facts(kind=kind, tables=(table,), has_where=where)


def _tokens_truncate(tokens: list[Token], words: list[str]) -> Facts:
    i = _skip(words, 1, "TABLE", "ONLY")
    names = []
    while i < len(tokens):
        name, i = _name_at(tokens, _skip(words, i, "ONLY"))
        names.append(name)
        if i < len(tokens) and tokens[i].token_type == TokenType.COMMA:
            i += 1
            continue
        break
    return Facts(kind="truncate", tables=tuple(names))


def _tokens_vacuum(tokens: list[Token], words: list[str]) -> Facts:
    if "FULL" not in words:
        return Facts()
    i = 1
    if i < len(tokens) and tokens[i].token_type == TokenType.L_PAREN:
        i = words.index(")", i) + 1 if ")" in words[i:] else len(words)
    i = _skip(words, i, "FULL", "FREEZE", "VERBOSE", "ANALYZE")
    table = _name_at(tokens, i)[0] if i < len(tokens) else ""
    return Facts(kind="vacuum_full", tables=(table,) if table else ())


def _tokens_cluster(tokens: list[Token], words: list[str]) -> Facts:
    i = _skip(words, 1, "VERBOSE")
    table = _name_at(tokens, i)[0] if i < len(tokens) else ""
    return Facts(kind="cluster", tables=(table,) if table else ())


def _tokens_alter_type(tokens: list[Token], words: list[str]) -> Facts:
    if not any(words[k:k + 2] == ["ADD", "VALUE"] for k in range(len(words))):
        return Facts()
    return Facts(kind="enum_add_value", positioned="BEFORE" in words or "AFTER" in words)


def _tokens_concurrently_other(tokens: list[Token], words: list[str]) -> Facts:
    return Facts(kind="reindex", concurrently="CONCURRENTLY" in words)


def _tokens_lock_timeout(tokens: list[Token], words: list[str]) -> Facts:
    text = " ".join(t.text for t in tokens)
    return Facts(kind="set_lock_timeout") if LOCK_TIMEOUT.match(text) or _set_config(words, tokens) else Facts()


def _set_config(words: list[str], tokens: list[Token]) -> bool:
    return "SET_CONFIG" in words and any(t.token_type == TokenType.STRING and t.text == "lock_timeout"
                                         for t in tokens)


TOKEN_READERS = {
    "create_index": _tokens_create_index,
    "create_table": _tokens_create_table,
    "create_trigger": _tokens_create_trigger,
    "drop_index": lambda tokens, words: _tokens_drop(tokens, words, "drop_index"),
    "drop_table": lambda tokens, words: _tokens_drop(tokens, words, "drop_table"),
    "alter_table": _tokens_alter_table,
    "alter_type": _tokens_alter_type,
    "update": lambda tokens, words: _tokens_update_delete(tokens, words, "update"),
    "delete": lambda tokens, words: _tokens_update_delete(tokens, words, "delete"),
    "truncate": _tokens_truncate,
    "vacuum": _tokens_vacuum,
    "cluster": _tokens_cluster,
    "reindex": _tokens_concurrently_other,
    "set": _tokens_lock_timeout,
    "select": _tokens_lock_timeout,
}
