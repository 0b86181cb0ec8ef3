"""``behaviour[full_text_search <table>]``: the tsvector column follows each source column on
insert and on update (trigger or generated column, whichever the schema uses)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg
import pytest
from hypothesis import strategies as st
from psycopg import sql

from ..expectations.model import TableExpectation
from .rows import CannotBuild, RowBuilder, describe_error, execute, is_text_type, table_ident, text_limit
from .runner import PropertyFailed, run_property
from .strategies import search_word

if TYPE_CHECKING:
    from ..session import SchemaguardSession

# The trigger's text search configuration is not parsed out of its body: a word counts as
# found when either configuration finds it (our generated words are never stop words).
_MATCH = "({col} @@ plainto_tsquery('simple', %(w)s) OR {col} @@ plainto_tsquery('english', %(w)s))"


def check_full_text_search(session: SchemaguardSession, expectation: TableExpectation) -> str | None:
    fts = expectation.full_text_search
    assert fts is not None
    conn = session.require_database()
    builder = RowBuilder(conn, session.schema)
    table = expectation.name
    where = f"{table} (line {fts.line}), full_text_search column {fts.column}"
    try:
        found = builder.table(table)
        if fts.column not in found.columns:
            raise CannotBuild(f"column {fts.column} does not exist")
        for source in fts.sources:
            column = found.columns.get(source)
            if column is None:
                raise CannotBuild(f"source column {source} does not exist")
            if not is_text_type(column.type):
                raise CannotBuild(f"source column {source} has type {column.type}, not text")
    except CannotBuild as error:
        pytest.skip(f"cannot build a valid row: {error}")

    def tag(kind: str, i: int) -> str:
        return f"{kind}{chr(ord('a') + i % 26)}q"

    parts = {s: st.tuples(search_word(tag("ol", i)), search_word(tag("nw", i))) for i, s in enumerate(fts.sources)}
    for source in fts.sources:
        limit = text_limit(found.columns[source].type)
        if limit is not None and limit < 12:
            pytest.skip(f"source column {source} is too short ({limit}) for test words")

    def matches(ctid: str, word: str) -> bool:
        query = sql.SQL("SELECT " + _MATCH + " FROM {t} WHERE ctid = %(c)s::tid").format(
            col=sql.Identifier(fts.column), t=table_ident(found))
        row = execute(conn, query, {"w": word, "c": ctid}).fetchone()
        return bool(row and row[0])

    def vector(ctid: str) -> str:
        query = sql.SQL("SELECT {col}::text FROM {t} WHERE ctid = %s::tid").format(
            col=sql.Identifier(fts.column), t=table_ident(found))
        row = execute(conn, query, (ctid,)).fetchone()
        return "NULL" if row is None or row[0] is None else row[0]

    def prop(example: dict[str, tuple[str, str]]) -> None:
        old = {s: words[0] for s, words in example.items()}
        try:
            with conn.transaction():
                (ctid,) = builder.insert(table, dict(old), returning=("ctid",))
        except psycopg.Error as error:
            raise CannotBuild(f"inserting into {table} failed: {describe_error(error)}") from None
        row = ", ".join(f"{s}={w!r}" for s, w in old.items())
        for source, word in old.items():
            if not matches(ctid, word):
                raise PropertyFailed(f"{where}\n  after INSERT of ({row}): {fts.column} does not match "
                                     f"{source}'s word {word!r}; {fts.column} = {vector(ctid)}")
        for source, (old_word, new_word) in example.items():
            query = sql.SQL("UPDATE {t} SET {s} = %s WHERE ctid = %s::tid RETURNING ctid::text").format(
                t=table_ident(found), s=sql.Identifier(source))
            try:
                with conn.transaction():
                    (ctid,) = execute(conn, query, (new_word, ctid)).fetchone() or (ctid,)
            except psycopg.Error as error:
                raise CannotBuild(f"updating {table}.{source} failed: {describe_error(error)}") from None
            if not matches(ctid, new_word):
                raise PropertyFailed(f"{where}\n  row ({row}) after UPDATE SET {source} = {new_word!r}: "
                                     f"{fts.column} does not match the new word; {fts.column} = {vector(ctid)}")
            if matches(ctid, old_word):
                raise PropertyFailed(f"{where}\n  row ({row}) after UPDATE SET {source} = {new_word!r}: "
                                     f"{fts.column} still matches the old word {old_word!r}; "
                                     f"{fts.column} = {vector(ctid)}")

    preflight = {s: (tag("ol", i) + "alpha", tag("nw", i) + "beta") for i, s in enumerate(fts.sources)}
    return run_property(conn, st.fixed_dictionaries(parts), prop, preflight)
