"""Server-side normalisation: compare what the YAML says with what the catalog prints.

Comparison is semantic (SPEC §3): ``int8`` equals ``bigint`` and ``deleted_at is null`` equals
``(deleted_at IS NULL)``. Rather than re-implement PostgreSQL's parser, the expected text is
compiled by the built (throwaway) database itself, against the real table, and read back from
the catalog in exactly the spelling the snapshot uses. All requests of a file are collected
first (:meth:`Normaliser.prepare`) and resolved in one rolled-back transaction; later lookups are
dictionary hits.

Supabase projects repeat themselves: the same ``owner_id = (select auth.uid())`` policy and the
same ``'active'`` default on hundreds of tables. A policy, check or default expression compiles
to the same print on two tables whose columns are the same (names, types, typmods, collations,
identity and generated, in order; the same kind of table), except where the print names the
table itself (a correlated subquery prints ``projects.team_id``). So :meth:`Normaliser.prepare`
compiles such a text once per shape of table (see :func:`_share_key`), and on each table when
the text or its print names the table or the compile failed (a message may name the table);
each compile is an ALTER in a subtransaction, ~0.5 ms: 3 s of a 2,000-table project. Index
elements, predicates and generated columns are never shared: building an index or rewriting a
table reads its rows, so their outcome may depend on the table's data.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources

import psycopg
from psycopg.pq import TransactionStatus

from pytest_schemaguard.catalog.model import Schema, Table, qualify, unquote_identifier
from pytest_schemaguard.expectations.loader import split_signature  # the names were split there first
from pytest_schemaguard.expectations.model import (
    Expectations,
    FunctionExpectation,
    TableExpectation,
)

_SQL_FUNCTION = resources.files("pytest_schemaguard.checks").joinpath("normalise.sql").read_text("utf-8")
_SIMPLE_IDENTIFIER = re.compile(r'^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")$')
_EXCLUSION_ELEMENT = re.compile(r"^(?P<expr>.*\S)\s+with\s+(?P<op>\S+)\s*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class NormalisationError:
    """The server could not compile an expected type or expression; ``message`` is PostgreSQL's."""

    text: str
    message: str
    kind: str = "expression"  # "expression" | "type"

    def describe(self) -> str:
        """The user-facing sentence (SPEC: failures say what was tried and why it failed)."""
        if self.kind == "type":
            return f"unknown type '{self.text}': {self.message}"
        return f"could not compile expected expression '{self.text}': {self.message}"


Normalisation = str | NormalisationError


@dataclass(frozen=True)
class _Request:
    """One thing to compile; also the cache key."""

    kind: str  # type | check | predicate | element | default | generated | using | with_check
    table: str = ""  # qualified
    text: str = ""
    column: str = ""
    hint: str = "btree"  # access method for index elements


class Normaliser:
    """Normalises expected types and expressions with the built database; batches and caches.

    The connection is left exactly as found: with no transaction open when it was idle (whether
    or not it is in autocommit mode), or inside the caller's own transaction, untouched, when one
    was already open (the work then happens under a savepoint that is rolled back).
    """

    def __init__(self, conn: psycopg.Connection) -> None:
        self._conn = conn
        self._plain: dict[_Request, Normalisation] = {}
        self._pretty: dict[str, set[str]] = {}  # plain spelling -> other spellings of it
        self.batches = 0  # how many transactions were used; lets tests prove the batching
        self.compiled = 0  # how many requests the server compiled; lets tests prove the sharing

    # -- public lookups --------------------------------------------------------------------

    def types(self, names: Iterable[str]) -> dict[str, Normalisation]:
        """``{"int8": "bigint", "varchar(20)": "character varying(20)", "nope": error}``."""
        requests = {name: _Request("type", text=name.strip()) for name in names}
        self._resolve(requests.values())
        return {name: self._plain[request] for name, request in requests.items()}

    def type(self, name: str) -> Normalisation:
        return self.types([name])[name]

    def check_expression(self, table: str, expr: str) -> Normalisation:
        return self._get(_Request("check", table, expr))

    def predicate(self, table: str, expr: str) -> Normalisation:
        """A partial index's or exclusion constraint's WHERE clause."""
        return self._get(_Request("predicate", table, expr))

    def default(self, table: str, column: str, expr: str) -> Normalisation:
        return self._get(_Request("default", table, expr, column))

    def generated(self, table: str, column: str, expr: str) -> Normalisation:
        """A generated column's expression, compiled as a column of ``column``'s type."""
        return self._get(_Request("generated", table, expr, column))

    def policy_using(self, table: str, expr: str) -> Normalisation:
        return self._get(_Request("using", table, expr))

    def policy_with_check(self, table: str, expr: str) -> Normalisation:
        return self._get(_Request("with_check", table, expr))

    def index_element(self, table: str, expr: str, using: str | None = None) -> Normalisation:
        """One index key as ``pg_get_indexdef(oid, n)`` prints it; plain column names pass through."""
        if _SIMPLE_IDENTIFIER.match(expr.strip()):
            return unquote_identifier(expr.strip())
        return self._get(_Request("element", table, expr, hint=using or "btree"))

    def same(self, normalised: str, found: str | None) -> bool:
        """Whether ``found`` is ``normalised`` in the catalog's plain or pretty-printed spelling.

        The catalog reader may use either form of ``pg_get_expr``/``pg_get_indexdef``; both come
        from the same compiled expression, so either counts as equal.
        """
        if found is None:
            return False
        if found == normalised or found in self._pretty.get(normalised, ()):
            return True
        # index keys that are plain columns are printed quoted only when they need it
        return bool(_SIMPLE_IDENTIFIER.match(found)) and unquote_identifier(found) == normalised

    # -- batching --------------------------------------------------------------------------

    def prepare(self, expectations: Expectations, schema: Schema | None = None) -> None:
        """Resolve everything the checks of ``expectations`` will ask for, in one transaction.

        With the ``schema`` the checks will compare against, an expression already spelled
        exactly as the catalog prints it is left out: the checks accept it as it is (see
        :func:`literally_found`), and each such probe costs the server an ALTER in a
        subtransaction (15 s of a 2,000-table project whose expectations ``init`` wrote). It
        also lets one compile serve every table of the same shape (the module docstring).
        """
        requests = list(requests_for(expectations, schema))
        self._resolve(requests, self._shapes(requests))

    def _get(self, request: _Request) -> Normalisation:
        self._resolve([request])
        return self._plain[request]

    def _resolve(self, requests: Iterable[_Request], shapes: Mapping[str, Hashable] | None = None) -> None:
        pending = list(dict.fromkeys(r for r in requests if r not in self._plain))
        if not pending:
            return
        groups: dict[Hashable, list[_Request]] = {}
        for request in pending:
            groups.setdefault(_share_key(request, shapes), []).append(request)
        leaders = [members[0] for members in groups.values()]
        alone: list[_Request] = []
        for members, result in zip(groups.values(), self._run(leaders), strict=True):
            self._store(members[0], result)
            if result[0] is None or _names_table(result, members[0]):
                # Not shared: PostgreSQL's message may name the table it was tried on, and a print
                # that names it (a correlated subquery's outer column) reads differently on each.
                alone += members[1:]
                continue
            for request in members[1:]:
                if _names_table(result, request):  # the text reaches this table some other way
                    alone.append(request)
                else:
                    self._store(request, result)
        if alone:
            for request, result in zip(alone, self._run(alone), strict=True):
                self._store(request, result)

    def _store(self, request: _Request, result: tuple[str | None, str | None, str | None]) -> None:
        plain, pretty, error = result
        if plain is None:
            kind = "type" if request.kind == "type" else "expression"
            self._plain[request] = NormalisationError(request.text, error or "no result", kind)
        else:
            self._plain[request] = plain
            if pretty and pretty != plain:
                self._pretty.setdefault(plain, set()).add(pretty)

    def _shapes(self, requests: list[_Request]) -> dict[str, Hashable]:
        """The shape of every table a shareable request names (see the module docstring), read in
        one rolled-back transaction; tables that do not exist have none."""
        tables = sorted({r.table for r in requests if r.table and r.kind in SHARED_KINDS})
        if len(tables) < 2 or self._conn.info.transaction_status == TransactionStatus.INERROR:
            return {}  # a failed transaction: _run says so
        names = [table.partition(".") for table in tables]
        with self._conn.transaction(force_rollback=True), self._conn.cursor() as cur:
            cur.execute(_SHAPES, ([schema for schema, _, _ in names], [table for _, _, table in names]))
            return {tables[int(row[0]) - 1]: (row[1], row[2]) for row in cur.fetchall()}

    def _run(self, pending: list[_Request]) -> list[tuple[str | None, str | None, str | None]]:
        """Compile ``pending`` in one transaction that is always rolled back."""
        if self._conn.info.transaction_status == TransactionStatus.INERROR:
            raise RuntimeError("the connection is in a failed transaction; roll it back before normalising")
        columns: tuple[list[str], ...] = ([], [], [], [], [], [])
        for request in pending:
            schema, _, table = request.table.partition(".") if request.table else ("", "", "")
            values = (request.kind, schema, table, request.column, request.text, request.hint)
            for column, value in zip(columns, values, strict=True):
                column.append(value)
        self.batches += 1
        self.compiled += len(pending)
        with self._conn.transaction(force_rollback=True), self._conn.cursor() as cur:
            cur.execute(_SQL_FUNCTION)
            cur.execute(
                "SELECT plain, pretty, error FROM pg_temp.sg_normalise(%s, %s, %s, %s, %s, %s) ORDER BY i",
                columns,
            )
            return [(row[0], row[1], row[2]) for row in cur.fetchall()]


SHARED_KINDS = frozenset({"check", "default", "using", "with_check"})
"""Compiled without reading the table's rows (NOT VALID, SET DEFAULT, CREATE POLICY)."""

# Per table: its kind, typed-table type and place in an inheritance tree (a probe may reach the
# children), then every live column as the compile sees it, as JSON (a plain join of the names
# with separators let two different tables read as one shape).
_SHAPES = """
SELECT s.i, json_build_array(c.relkind, c.reloftype, c.relhassubclass, c.relispartition,
                             EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = c.oid))::text,
       coalesce(json_agg(json_build_array(a.attname, a.atttypid, a.atttypmod, a.attcollation, a.attidentity,
                                          a.attgenerated) ORDER BY a.attnum)
                FILTER (WHERE a.attnum IS NOT NULL), '[]')::text
FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS s(nsp, rel, i)
JOIN pg_namespace n ON n.nspname = s.nsp
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.rel
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
GROUP BY s.i, c.oid, c.relkind, c.reloftype, c.relhassubclass, c.relispartition
"""


def _bare(table: str) -> str:
    return (table.partition(".")[2] or table).lower()


def _share_key(request: _Request, shapes: Mapping[str, Hashable] | None) -> Hashable:
    """What decides ``request``'s compile: the request itself, or, for a shared kind on a table
    of a known shape, the shape in place of the table (see the module docstring). A text that
    mentions the table's name (a whole-row reference, a sequence named after it) keeps its table."""
    shape = shapes.get(request.table) if shapes and request.table and request.kind in SHARED_KINDS else None
    if shape is None or _bare(request.table) in request.text.lower():
        return request
    return (request.kind, request.text, request.column, request.hint, shape)


def _names_table(result: tuple[str | None, str | None, str | None], request: _Request) -> bool:
    """Whether a compile's print mentions ``request``'s table, as written or quoted (a text
    may reach it without spelling it: ``U&"\\0070rojects"``); such a print is not shared with it."""
    bare = _bare(request.table) if request.table else ""
    spellings = {bare, bare.replace('"', '""')} - {""}
    return any(name in (text or "").lower() for text in result[:2] for name in spellings)


# -- what the checks will ask for ----------------------------------------------------------


def literally_found(expected: str, found: str | None) -> bool:
    """Whether an expected expression is, character for character, what the catalog prints.

    Then it needs no normalising: the server prints what it compiled, and compiling its own
    print gives the same print back, so the comparison after normalising could only agree.
    """
    return found is not None and expected == found


def requests_for(expectations: Expectations, schema: Schema | None = None) -> Iterator[_Request]:
    """Every normalisation the checks need, mirroring the calls they make (less those a check
    will not ask for because the text is literally what ``schema`` has)."""
    for table in expectations.tables:
        found = schema.tables.get(qualify(table.name)) if schema is not None else None
        for request in _table_requests(table):
            if found is None or not literally_found(request.text, _found_text(request, found)):
                yield request
    for view in expectations.views:
        yield from (_Request("type", text=c.type.strip()) for c in view.columns if c.type is not None)
    for function in expectations.functions:
        yield from _function_requests(function)
    for absent in expectations.absent:
        if absent.kind == "function":
            for arg in split_signature(absent.name)[1] or ():
                yield _Request("type", text=arg)


def _table_requests(table: TableExpectation) -> Iterator[_Request]:
    name = qualify(table.name)
    for column in table.columns:
        if column.type is not None:
            yield _Request("type", text=column.type.strip())
        if column.default is not None:
            yield _Request("default", name, column.default, column.name)
        if column.generated is not None:
            yield _Request("generated", name, column.generated, column.name)
    for check in table.checks:
        if check.expression is not None:
            yield _Request("check", name, check.expression)
    for exclusion in table.exclusion_constraints:
        for element in exclusion.elements:
            expr, _ = split_exclusion_element(element)
            if not _SIMPLE_IDENTIFIER.match(expr):
                yield _Request("element", name, expr, hint=exclusion.using or "gist")
        if exclusion.where is not None:
            yield _Request("predicate", name, exclusion.where)
    for index in table.indexes:
        for element in index.columns or ():
            if not _SIMPLE_IDENTIFIER.match(element.strip()):
                yield _Request("element", name, element, hint=index.using or "btree")
        if index.where is not None:
            yield _Request("predicate", name, index.where)
    for policy in table.policies:
        if policy.using is not None:
            yield _Request("using", name, policy.using)
        if policy.with_check is not None:
            yield _Request("with_check", name, policy.with_check)


def _found_text(request: _Request, table: Table) -> str | None:
    """What the catalog has where ``request``'s text is expected, for the kinds whose checks
    short-circuit on :func:`literally_found` (None for the others: they are always normalised)."""
    if request.kind in ("default", "generated") and request.column is not None:
        column = table.columns.get(request.column)
        if column is None:
            return None
        return column.default if request.kind == "default" else column.generated
    if request.kind in ("using", "with_check"):
        texts = {getattr(p, request.kind) for p in table.policies.values()}
        return request.text if request.text in texts else None
    if request.kind == "check":
        return request.text if request.text in {c.expression for c in table.constraints_of("check")} else None
    return None


def _function_requests(function: FunctionExpectation) -> Iterator[_Request]:
    for arg in function.args or ():
        yield _Request("type", text=arg.strip())
    if function.returns is not None:
        plain = plain_return_type(function.returns)
        if plain is not None:
            yield _Request("type", text=plain)


# -- pure-Python helpers shared with the checks --------------------------------------------


def split_exclusion_element(element: str) -> tuple[str, str]:
    """``"lower(name) WITH ="`` -> ``("lower(name)", "=")``; no ``WITH`` gives operator ``""``."""
    match = _EXCLUSION_ELEMENT.match(element.strip())
    if match is None:
        return element.strip(), ""
    return match.group("expr").strip(), match.group("op")


def plain_return_type(returns: str) -> str | None:
    """The type to normalise in a declared ``returns``: ``SETOF x`` -> ``x``; ``TABLE(...)`` -> None."""
    text = returns.strip()
    if re.match(r"(?i)^table\s*\(", text):
        return None
    match = re.match(r"(?i)^setof\s+(.+)$", text)
    return match.group(1).strip() if match else text


def fold_sql(text: str) -> str:
    """Case- and whitespace-insensitive spelling of SQL text, without redundant outer parentheses."""
    folded = re.sub(r"\s+", " ", text.strip().lower())
    folded = re.sub(r"\s*([(),])\s*", r"\1", folded)
    while folded.startswith("(") and folded.endswith(")") and _wraps_whole(folded):
        folded = folded[1:-1].strip()
    return folded


def loose_equal(a: str, b: str) -> bool:
    """Fallback comparison, used only when the server cannot compile the expected text."""
    return fold_sql(a) == fold_sql(b)


def _wraps_whole(text: str) -> bool:
    """Whether the first ``(`` of ``text`` closes at its last character."""
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return position == len(text) - 1
    return False
