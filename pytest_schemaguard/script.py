"""A SQL script cut into statements the way psql reads it, with the line each one starts on.

The scanner only finds boundaries: the original text of each statement is what runs, never SQL
regenerated from a parse tree. It follows PostgreSQL's lexical rules for what can hide a
semicolon (``'...'``, ``E'...'``, ``"..."``, ``$tag$...$tag$``, ``--`` and nested ``/* */``
comments) and psql's for the rest: a semicolon inside parentheses or inside the ``BEGIN ... END``
of a ``CREATE FUNCTION/PROCEDURE ... BEGIN ATOMIC`` body does not end the statement, ``COPY ...
FROM stdin;`` is followed by data rows up to a ``\\.`` line, and a backslash outside quotes starts
a psql meta-command. What the builder cannot run as SQL (a meta-command, COPY data without its
end line) comes back as a statement with a ``problem``, so the caller can report it at its line
instead of the scanner raising or guessing.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

# Identifier characters as PostgreSQL's lexer has them: ASCII letters, digits, _ and $, and every
# non-ASCII character. Written as negated ASCII sets: a class holding the range \x80-\U0010ffff
# costs re ~20 ms to compile (~100 ms for this module's patterns, paid by every run's import).
NOT_IDENT_START = r"\x00-\x40\x5b-\x5e\x60\x7b-\x7f"  # [A-Za-z_\x80-\U0010ffff]
NOT_TAG_CHAR = r"\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f"  # [\w\x80-\U0010ffff]
IDENT_CHAR = re.compile(r"[^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]")  # [\w$\x80-\U0010ffff]
# Everything that can change how the following text is read; plain text between matches is skipped.
SPECIAL = re.compile(
    r"--|/\*|[eE]'|'|\"|\$(?:[^" + NOT_IDENT_START + r"][^" + NOT_TAG_CHAR + r"]*)?\$|;|\\|\(|\)"
)
# Inside CREATE FUNCTION/PROCEDURE, words count too (psql tracks BEGIN/CASE/END there). The flag is
# scoped to the words: IGNORECASE over the whole pattern costs re ~50 ms more to compile.
SPECIAL_WITH_WORDS = re.compile(SPECIAL.pattern + r"|(?i:\b(?:begin|case|end)\b)")
PLAIN_STRING_END = re.compile(r"[^']*(?:''[^']*)*'")
ESCAPE_STRING_END = re.compile(r"(?:[^'\\]|\\.|'')*'", re.DOTALL)
IDENTIFIER_END = re.compile(r'[^"]*(?:""[^"]*)*"')
COMMENT_MARKS = re.compile(r"/\*|\*/")
NON_SPACE = re.compile(r"\S")
ROUTINE_START = re.compile(r"create\s+(?:or\s+replace\s+)?(?:function|procedure)\b", re.IGNORECASE)
# COPY table [(columns)] FROM STDIN: the table form only (a query form can only be COPY ... TO).
COPY_FROM_STDIN = re.compile(r"^copy\s+(?!\()[^']*?\bfrom\s+stdin\b", re.IGNORECASE | re.DOTALL)
COPY_END = re.compile(r"^\\\.[ \t\r]*$", re.MULTILINE)
META_COMMAND = re.compile(r"\\[^\s\\]*")
META_FIXES = {
    "\\copy": "write COPY ... FROM stdin; followed by the rows and a line holding only `\\.` (pg_dump's format), "
             "or INSERT statements",
    "\\i": "put the included file's SQL into the migration itself",
    "\\ir": "put the included file's SQL into the migration itself",
    "\\include": "put the included file's SQL into the migration itself",
    "\\c": "remove it: a migration runs in the database being migrated",
    "\\connect": "remove it: a migration runs in the database being migrated",
    "\\set": "remove it and write the value into the SQL: psql variables do not exist on the server",
    "\\.": "a `\\.` line only ends the rows of a COPY ... FROM stdin; remove it",
}
# pg_dump (17.6, 16.10, ... on) guards its output with these; they only tell psql what to refuse.
HARMLESS_META = frozenset({"\\restrict", "\\unrestrict"})
# Transaction control, matched against the statement's words (comments out, lower case, one space).
TRANSACTION_COMMANDS = (
    ("begin", re.compile(r"(?:begin|start transaction)(?: work| transaction)?")),
    ("begin with modes",
     re.compile(r"(?:begin|start transaction)(?: work| transaction)? (?:isolation|read|not|deferrable).*")),
    ("commit", re.compile(r"(?:commit|end)(?: work| transaction)?(?: and no chain)?")),
    ("commit and chain", re.compile(r"(?:commit|end)(?: work| transaction)? and chain")),
    ("rollback", re.compile(r"(?:rollback|abort)(?: work| transaction)?(?: and no chain)?")),
    ("rollback and chain", re.compile(r"(?:rollback|abort)(?: work| transaction)? and chain")),
    ("rollback to savepoint", re.compile(r"rollback(?: work| transaction)? to (?:savepoint )?\S+")),
    ("savepoint", re.compile(r"savepoint \S+")),
    ("release savepoint", re.compile(r"release (?:savepoint )?\S+")),
    ("prepare transaction", re.compile(r"prepare transaction .+")),
    ("commit prepared", re.compile(r"commit prepared .+")),
    ("rollback prepared", re.compile(r"rollback prepared .+")),
)
WRAPPER_COMMANDS = frozenset({"begin", "commit"})
COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class Statement:
    text: str  # the original text, without the terminating semicolon
    line: int  # 1-based line of its first token in the file
    offset: int  # character offset of its first token in the file
    copy_data: str | None = None  # rows of ``COPY ... FROM stdin``, as written, without the ``\.`` line
    data_line: int = 0  # file line of the first row
    problem: str | None = None  # why this cannot run as SQL (psql meta-command, COPY data without ``\.``)
    meta: bool = False  # a psql meta-command (``\restrict``: harmless to skip; any other: ``problem`` says why not)

    def line_at(self, position: int) -> int:
        """File line of a 1-based character position inside this statement (PostgreSQL's P: field)."""
        return self.line + self.text[: max(position - 1, 0)].count("\n")

    @property
    def transaction_command(self) -> str | None:
        """What this statement does to the transaction it runs in (``commit``, ``savepoint``, ...), or None."""
        if len(self.text) > 200 or self.copy_data is not None:
            return None  # transaction control is short; spare every long statement the regexes
        words = " ".join(COMMENTS.sub(" ", self.text).lower().split())
        return next((name for name, pattern in TRANSACTION_COMMANDS if pattern.fullmatch(words)), None)

    def is_transaction_control(self) -> bool:
        """A bare BEGIN/START TRANSACTION/COMMIT/END: what a file wraps itself in out of habit."""
        return self.transaction_command in WRAPPER_COMMANDS


@dataclass(frozen=True)
class Script:
    statements: tuple[Statement, ...]
    comments: tuple[tuple[int, str], ...]  # (offset, text) of every ``--`` comment outside statements' quotes


def split_statements(sql: str) -> tuple[Statement, ...]:
    """Split a script at top-level semicolons; comments and blank lines between statements drop out.

    An unterminated quote, dollar quote or comment runs to the end of the file and stays in its
    statement, so that PostgreSQL, not the splitter, reports the error.
    """
    return scan_script(sql).statements


def scan_script(sql: str) -> Script:
    return _Scanner(sql).run()


class _Scanner:
    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.statements: list[Statement] = []
        self.comments: list[tuple[int, str]] = []
        self.start: int | None = None
        self.parens = 0
        self.begins = 0
        self.routine = False
        self.newlines = [m.start() for m in re.finditer("\n", sql)]

    def run(self) -> Script:
        sql, pos = self.sql, 0
        while pos < len(sql):
            pattern = SPECIAL_WITH_WORDS if self.routine else SPECIAL
            match = pattern.search(sql, pos)
            at = match.start() if match else len(sql)
            if self.start is None:
                code = NON_SPACE.search(sql, pos, at)
                if code:
                    self._begin(code.start())
                    if self.routine:  # read its words from the start
                        pos = code.end()
                        continue
            if match is None:
                break
            pos = self._step(match.group(), at)
        self._end(len(sql))
        self.statements.sort(key=lambda s: s.offset)
        return Script(tuple(self.statements), tuple(self.comments))

    def _step(self, token: str, at: int) -> int:
        """Handle the special text ``token`` at ``at``; the position to continue from."""
        sql = self.sql
        if token == "--":
            end = sql.find("\n", at)
            end = len(sql) if end < 0 else end
            self.comments.append((at, sql[at:end]))
            return end
        if token == "/*":
            return self._block_comment_end(at)
        if token == "\\":
            return self._meta_command(at)
        if self.start is None:
            self._begin(at)
        if token == ";":
            if self.parens > 0 or self.begins > 0:
                return at + 1
            return self._semicolon(at)
        if token == "(":
            self.parens += 1
            return at + 1
        if token == ")":
            self.parens = max(self.parens - 1, 0)
            return at + 1
        if token[0] in "$eE" and at > 0 and IDENT_CHAR.match(sql, at - 1):
            return at + 1  # part of a name (``a$b$``, ``type'...'`` is a name then a string)
        if token[0] == "$" and len(token) > 1:
            end = sql.find(token, at + len(token))
            return len(sql) if end < 0 else end + len(token)
        if token.lower() in ("begin", "case", "end"):
            self._routine_word(token.lower())
            return at + len(token)
        if token in ("'", '"'):
            finish = (PLAIN_STRING_END if token == "'" else IDENTIFIER_END).match(sql, at + 1)
        else:  # E'...'
            finish = ESCAPE_STRING_END.match(sql, at + 2)
        return finish.end() if finish else len(sql)

    def _begin(self, at: int) -> None:
        self.start = at
        self.parens = self.begins = 0
        self.routine = bool(ROUTINE_START.match(self.sql, at))

    def _routine_word(self, word: str) -> None:
        if self.parens:
            return
        if word == "begin":
            self.begins += 1
        elif self.begins:
            self.begins += 1 if word == "case" else -1

    def _block_comment_end(self, at: int) -> int:
        depth = 0
        for mark in COMMENT_MARKS.finditer(self.sql, at):
            depth += 1 if mark.group() == "/*" else -1
            if depth == 0:
                return mark.end()
        return len(self.sql)

    def _meta_command(self, at: int) -> int:
        """psql reads a backslash outside quotes as a meta-command running to the end of the line."""
        end = self.sql.find("\n", at)
        end = len(self.sql) if end < 0 else end
        text = self.sql[at:end].rstrip()
        command = META_COMMAND.match(text)
        name = command.group() if command else "\\"
        problem = None if name in HARMLESS_META else (
            f"{name} is a psql meta-command, not SQL: schemaguard (like Supabase's migration runner) sends the "
            "file to the server, which does not understand psql's backslash commands; "
            + META_FIXES.get(name.lower(), "remove it"))
        self.statements.append(Statement(text=text, line=self._line(at), offset=at, problem=problem, meta=True))
        return end

    def _semicolon(self, at: int) -> int:
        assert self.start is not None
        text = self.sql[self.start:at].rstrip()
        if not COPY_FROM_STDIN.match(text):
            self._end(at)
            return at + 1
        return self._copy_block(text, at)

    def _copy_block(self, text: str, at: int) -> int:
        """The rows after ``COPY ... FROM stdin;`` (from the next line) up to a line holding ``\\.``."""
        assert self.start is not None
        sql, start = self.sql, self.start
        eol = sql.find("\n", at)
        rest = sql[at + 1: len(sql) if eol < 0 else eol]
        problem = None
        if rest.strip() and not rest.strip().startswith("--"):
            problem = ("text after `COPY ... FROM stdin;` on the same line: the data rows start on the next line; "
                       "move the text below the `\\.` line that ends the data")
        data_start = len(sql) if eol < 0 else eol + 1
        end = COPY_END.search(sql, data_start)
        if end is None:
            problem = problem or ("COPY ... FROM stdin data has no end: add a line holding only `\\.` after the "
                                  "last row (as pg_dump writes it)")
            data, resume = sql[data_start:], len(sql)
        else:
            data = sql[data_start:end.start()]
            resume = end.end()
        self.statements.append(Statement(text=text, line=self._line(start), offset=start, copy_data=data,
                                          data_line=self._line(data_start), problem=problem))
        self.start = None
        return resume

    def _end(self, end: int) -> None:
        if self.start is not None:
            text = self.sql[self.start:end].rstrip()
            if text:
                self.statements.append(Statement(text=text, line=self._line(self.start), offset=self.start))
        self.start = None

    def _line(self, offset: int) -> int:
        return bisect_left(self.newlines, offset) + 1
