"""Items ``behaviour[...]`` (SPEC §4): behavioural checks run by Hypothesis in a rolled-back transaction.

Derived from the YAML: ``behaviour[soft_delete <table>]`` for every ``soft_delete:``,
``behaviour[full_text_search <table>]`` for every ``full_text_search:``,
``behaviour[enum <enum>]`` for every declared enum, and one item per ``behaviour:`` entry.
The checks themselves live in ``pytest_schemaguard.behaviour`` and import Hypothesis only
when they run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING

from . import ItemSpec

if TYPE_CHECKING:
    from ..expectations.model import EnumExpectation, TableExpectation
    from ..session import SchemaguardSession

MARKER = "schemaguard_behaviour"


def _soft_delete(table: TableExpectation, session: SchemaguardSession) -> str | None:
    from ..behaviour.soft_delete import check_soft_delete

    return check_soft_delete(session, table)


def _full_text_search(table: TableExpectation, session: SchemaguardSession) -> str | None:
    from ..behaviour.full_text_search import check_full_text_search

    return check_full_text_search(session, table)


def _enum(enum: EnumExpectation, session: SchemaguardSession) -> str | None:
    import pytest

    from ..behaviour.enums import check_enum_column, enum_columns

    columns = enum_columns(session.schema, enum)
    if not columns:
        pytest.skip(f"no table column uses enum {enum.name}")
    failures = [f for table, column in columns if (f := check_enum_column(session, enum, table, column))]
    return "\n\n".join(failures) or None


def _entry(entry: Mapping[str, object], line: int, session: SchemaguardSession) -> str | None:
    from ..behaviour.entries import entry_problem
    from ..behaviour.rls_isolation import Isolation, check_rls_isolation

    problem = entry_problem(entry)
    if problem:
        name = session.expectations.path.name if session.expectations is not None else "schema_expectations.yml"
        return f"{name}:{line}: {problem}"
    ((_, options),) = entry.items()  # one kind so far: rls_isolation
    return check_rls_isolation(session, Isolation.from_entry(options, line))  # type: ignore[arg-type]


def provide(session: SchemaguardSession) -> Iterator[ItemSpec]:
    from ..behaviour.entries import entry_name

    expectations = session.expectations
    if expectations is None:
        return
    for table in expectations.tables:
        if table.soft_delete is not None:
            yield ItemSpec(name=f"behaviour[soft_delete {table.name}]", check=partial(_soft_delete, table),
                           marker=MARKER, line=table.soft_delete.line)
        if table.full_text_search is not None:
            yield ItemSpec(name=f"behaviour[full_text_search {table.name}]", check=partial(_full_text_search, table),
                           marker=MARKER, line=table.full_text_search.line)
    for enum in expectations.enums:
        yield ItemSpec(name=f"behaviour[enum {enum.name}]", check=partial(_enum, enum), marker=MARKER, line=enum.line)
    for index, (entry, line) in enumerate(zip(expectations.behaviour, expectations.behaviour_lines, strict=True)):
        yield ItemSpec(name=f"behaviour[{entry_name(entry, index)}]", check=partial(_entry, entry, line),
                       marker=MARKER, line=line)
