"""Semantic rules: what a migration really changed, from catalog snapshots before and after it.

``LintObserver`` is a build observer (see ``build.py``): around each migration being linted it
reads the catalog (a ``CatalogTracker``: the first read whole, later ones only what the files
in between touched) plus the oid/attnum identity of every relation and column, so a rename is
told from a drop-and-add exactly, not guessed from the SQL text. The rules then read
``diff_snapshots(before, after)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from ..catalog.incremental import CatalogState, CatalogTracker
from ..catalog.model import Constraint, Schema, Table
from ..database.build import StepOutcome
from ..diff import ONLY_IN_A, ONLY_IN_B, Change, diff_snapshots
from ..migrations import Migration, Statement
from ..project import DEFAULT_API_SCHEMAS, api_schemas
from .locate import ROUTINES, Act, StatementActs, Wanted, catalog_arguments, same_arguments
from .rules import RULES, Finding
from .syntactic import Before, lint_statements


@dataclass
class MigrationCatalogs:
    before: CatalogState
    after: CatalogState | None = None  # None when the migration failed


@dataclass
class LintObserver:
    """Lints each migration in ``targets`` (None: every migration) while the build applies it.

    The catalog is read just before and just after each linted file, and the file is judged at
    once; only its findings are kept. The one snapshot kept between two migrations is the last
    "after", reused as the next linted file's "before", so memory stays flat however long the
    history is (keeping every snapshot took ~0.5-1 GB and quadratic time on 300-450 files).
    """

    targets: set[str] | None = None
    exposed: frozenset[str] = frozenset()
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # file -> findings, before suppression
    analysed: set[str] = field(default_factory=set)  # files the semantic rules ran on (applied, snapshotted)
    applied: list[str] = field(default_factory=list)
    failed: StepOutcome | None = None
    ran: bool = False
    snapshots: int = 0  # catalog reads so far: one per linted file, plus one when the file before was not
    reused: int = 0  # files judged by an earlier build (``settle``), not read around here
    warnings_only: bool = False  # its findings fail nothing (pytest without a lock file or a base): see settle
    _settled: dict[str, list[Finding]] = field(default_factory=dict)  # file -> an earlier build's findings
    _before: CatalogState | None = None  # of the migration being applied
    _previous_after: CatalogState | None = None  # reused as the next migration's "before"
    _tracker: CatalogTracker = field(default_factory=CatalogTracker)  # re-reads only what each file touched

    def wants(self, migration: Migration) -> bool:
        return self.targets is None or migration.name in self.targets

    @property
    def retained(self) -> tuple[CatalogState, ...]:
        """The snapshots held right now (at most two: the current file's before and after)."""
        return tuple(state for state in (self._before, self._previous_after) if state is not None)

    def settle(self, earlier: LintObserver, files: Sequence[str]) -> int:
        """Take ``earlier``'s findings for those of ``files`` it judged, and return how many: the
        build cache found them applied exactly as this build will apply them
        (``Inputs.settled_with``), so the catalog is not read around them. The next file this
        observer judges reads its "before" afresh (the tracker re-reads what changed since its last
        read, or everything on its first).

        Only when its findings are warnings (``warnings_only``: pytest linting every file, with no
        lock file and no base). Otherwise errors fail items or set ``schemaguard lint``'s exit code,
        and are always judged on this build's catalog, so a migration whose effect depends on the
        clock (a partition named by month) cannot pass on what an earlier build made of it."""
        if not self.warnings_only or self.targets is not None:
            self._settled = {}
            return 0
        self._settled = {name: list(earlier.findings[name]) for name in files
                         if name in earlier.analysed and name in earlier.findings}
        return len(self._settled)

    def before_migration(self, conn: psycopg.Connection[Any], migration: Migration) -> None:
        self.ran = True
        previous, self._previous_after = self._previous_after, None
        if self.wants(migration) and migration.name not in self._settled:
            self._before = previous or self._read(conn)

    def after_migration(self, conn: psycopg.Connection[Any], migration: Migration, outcome: StepOutcome) -> None:
        before, self._before = self._before, None
        if outcome.ok:
            self.applied.append(migration.name)
        else:
            self.failed = outcome
        settled = self._settled.pop(migration.name, None)
        if settled is not None:
            self.reused += 1
            if outcome.ok:
                self.findings[migration.name] = settled
                self.analysed.add(migration.name)
            else:  # it applied in the earlier build, so something outside the files differs (the clock,
                # the machine): judged by its text alone, as if every table it names existed before it
                self.findings[migration.name] = lint_statements(migration.name, migration.statements,
                                                                no_transaction=migration.no_transaction)
            return
        if before is None:
            return  # not linted here
        findings = lint_statements(migration.name, migration.statements, no_transaction=migration.no_transaction,
                                   before=Before.from_schema(before.schema))
        if outcome.ok:
            after = self._read(conn)
            findings += lint_catalogs(migration, MigrationCatalogs(before, after), self.exposed)
            self.analysed.add(migration.name)
            self._previous_after = after
        self.findings[migration.name] = findings

    def build_finished(self) -> None:
        self._tracker.close()

    def catalog_now(self, conn: psycopg.Connection[Any]) -> Schema | None:
        """The catalog as ``conn`` sees it now, re-reading only what changed since lint's last
        read (the seeds, the files after the last linted one); None when lint read nothing.

        The session's snapshot is then nearly free after a linted build: a whole read of 2,000
        tables took ~1 s, and lint's last read already holds all but what changed since."""
        if not self._tracker.has_state:
            return None
        try:
            return self._tracker.read(conn).schema
        finally:
            self._tracker.close()

    def _read(self, conn: psycopg.Connection[Any]) -> CatalogState:
        self.snapshots += 1
        return self._tracker.read(conn)

    # The build cache keeps what the lint items read of a watched build, so a warm run (which
    # applies nothing) reports the same findings without replaying the migrations.

    def dump(self) -> dict[str, Any]:
        """The judged state after a build that succeeded (a failed one is never cached)."""
        return {"findings": {file: [[f.rule, f.file, f.line, f.statement, f.message] for f in found]
                             for file, found in self.findings.items()},
                "analysed": sorted(self.analysed), "applied": list(self.applied), "ran": self.ran,
                "snapshots": self.snapshots}

    def restore(self, data: dict[str, Any]) -> None:
        """As if this observer had watched the stored build; raises ValueError on a malformed
        ``data`` (the entry is then rebuilt), whatever is wrong in it."""
        try:
            findings = {str(file): [_stored_finding(*finding) for finding in found]
                        for file, found in data["findings"].items()}
            analysed = {str(file) for file in data["analysed"]}
            applied = [str(file) for file in data["applied"]]
            ran, snapshots = bool(data["ran"]), int(data["snapshots"])
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise ValueError(f"malformed lint results: {exc!r}") from None
        self.findings, self.analysed, self.applied, self.ran, self.snapshots = (findings, analysed, applied, ran,
                                                                                 snapshots)
        self.failed = None
        self._before = self._previous_after = None
        self._settled = {}


def _stored_finding(rule: object, file: object, line: object, statement: object, message: object) -> Finding:
    if rule not in RULES:  # a rule this code does not have would fail the item that reports it
        raise ValueError(f"unknown rule {rule!r}")
    return Finding(str(rule), str(file), int(line), str(statement), str(message))  # type: ignore[call-overload]


def exposed_schemas(supabase_config: dict[str, Any], flavor: str) -> frozenset[str]:
    """Schemas the Data API serves: ``[api] schemas`` of supabase/config.toml (checked when the
    project loaded), Supabase's default otherwise; a plain-postgres project without one has none."""
    if "schemas" in supabase_config.get("api", {}):
        return frozenset(api_schemas(supabase_config))
    return frozenset(DEFAULT_API_SCHEMAS) if flavor == "supabase" else frozenset()


def lint_catalogs(migration: Migration, catalogs: MigrationCatalogs, exposed: frozenset[str]) -> list[Finding]:
    """Every semantic finding of one applied migration."""
    if catalogs.after is None:
        return []
    context = _Context(migration, catalogs.before, catalogs.after, exposed)
    for change in diff_snapshots(catalogs.before.schema, catalogs.after.schema):
        context.judge(change)
    return context.findings


@dataclass
class _Context:
    migration: Migration
    before: CatalogState
    after: CatalogState
    exposed: frozenset[str]
    findings: list[Finding] = field(default_factory=list)
    _seen: set[tuple[str, str]] = field(default_factory=set)
    _acts: StatementActs | None = None

    def add(self, rule: str, name: str, message: str, tiers: Sequence[Wanted], keywords: Iterable[str],
            where: str | None = None) -> None:
        """One finding about object ``name``, at the statement whose act the first tier wants (else the
        next tier...); when none does, at the statement naming ``where`` (default: the object) and
        saying the keywords."""
        if (rule, name) in self._seen:
            return
        self._seen.add((rule, name))
        if self._acts is None:
            self._acts = StatementActs(self.migration.statements)
        statement = self._acts.find(*tiers) or locate(self.migration.statements, where or name, keywords)
        line, text = (statement.line, statement.text) if statement else (1, "")
        self.findings.append(Finding(rule, self.migration.name, line, text, message))

    def renamed_to(self, name: str) -> str | None:
        oid = self.before.relations.oid_of(name)
        new = self.after.relations.names.get(oid) if oid is not None else None
        return new if new and new != name else None

    def renamed_from(self, name: str) -> str | None:
        oid = self.after.relations.oid_of(name)
        old = self.before.relations.names.get(oid) if oid is not None else None
        return old if old and old != name else None

    def judge(self, change: Change) -> None:
        handler = getattr(self, f"_{change.kind}", None)
        if handler is not None:
            handler(change)

    # one method per Change.kind the rules care about

    def _table(self, change: Change) -> None:
        if change.change == ONLY_IN_A:
            self._gone(change.name, "table")
        elif change.change == ONLY_IN_B and not self.renamed_from(change.name):
            table = self.after.schema.tables[change.name]
            if table.schema in self.exposed and not table.rls_enabled:
                self.add("exposed_table_without_rls", change.name,
                         f"new table {change.name} in exposed schema {table.schema} has row level security "
                         "disabled", [_act("create", {"table", "foreign table"}, change.name)], ("create", "table"))
            for constraint in table.constraints_of("foreign_key"):
                self._foreign_key(table, constraint)

    def _view(self, change: Change) -> None:
        if change.change == ONLY_IN_A:
            self._gone(change.name, "view")

    def _materialized_view(self, change: Change) -> None:
        if change.change == ONLY_IN_A:
            self._gone(change.name, "materialized view")

    def _gone(self, name: str, kind: str) -> None:
        new = self.renamed_to(name)
        kinds = RELATION_KINDS[kind]
        if new:
            renamed = [_altered(kinds, name, {"rename", "set schema"}),
                       lambda a: a.verb == "alter" and a.kind == "schema" and a.target.name == _schema(name)]
            self.add("renamed_table", name, f"{kind} {name} renamed to {new}", renamed, ("rename", "schema"))
        else:
            rule = "dropped_table" if kind == "table" else "dropped_view"
            self.add(rule, name, f"{kind} {name} dropped", [_act("drop", kinds, name), *_dependency_drops(name)],
                     ("drop",))

    def _column(self, change: Change) -> None:
        owner_kind, owner = change.object or ("table", change.name.rsplit(".", 1)[0])
        column = change.name[len(owner) + 1:]
        what = change.name if owner_kind == "table" else f"{column} of {owner_kind.replace('_', ' ')} {owner}"
        kinds = RELATION_KINDS[owner_kind.replace("_", " ")]
        if change.change == ONLY_IN_A:
            new = self._renamed_column(owner, column)
            if new:
                self.add("renamed_column", change.name, f"column {what} renamed to {new}",
                         [_altered(kinds, owner, {"rename column"}, column)], ("rename", column))
            elif self.renamed_to(owner) is None:
                tiers = [_altered(kinds, owner, {"drop column"}, column)]
                if owner_kind != "table":  # a view loses a column by being dropped (and made again)
                    tiers += [_act("drop", kinds, owner),
                              lambda a: a.action == "drop column" and a.part == column and a.cascade,
                              *_dependency_drops(owner), _act("create", kinds, owner)]
                self.add("dropped_column", change.name, f"column {what} dropped", tiers, ("drop", column))
        elif change.field == "type" and owner_kind == "table":
            self.add("column_type_changed", change.name,
                     f"column {change.name} changed type from {change.a} to {change.b}",
                     [_altered(kinds, owner, {"alter column type"}, column),
                      _altered(kinds, owner, {"add column", "add column references", "drop column"}, column)],
                     ("type", column))

    def _renamed_column(self, table: str, column: str) -> str | None:
        oid = self.before.relations.oid_of(table)
        if oid is None:
            return None
        attnum = next((num for (o, num), name in self.before.relations.columns.items()
                       if o == oid and name == column), None)
        new = self.after.relations.columns.get((oid, attnum)) if attnum is not None else None
        return new if new and new != column else None

    def _function(self, change: Change) -> None:
        if change.change == ONLY_IN_A:
            tiers = [_routine("drop", change.name), _routine("drop", change.name, any_arguments=True),
                     _routine("alter", change.name, {"rename", "set schema"}), *_dependency_drops(change.name)]
            self.add("dropped_function", change.name, f"function {change.name} dropped (or its arguments changed)",
                     tiers, ("drop", "function"))
            return
        if change.change != ONLY_IN_B and change.field not in ("security_definer", "search_path"):
            return
        function = self.after.schema.functions[change.name]
        if function.security_definer and function.search_path is None:
            self.add("security_definer_without_search_path", change.name,
                     f"SECURITY DEFINER function {change.name} has no SET search_path",
                     [_routine("alter", change.name) if change.change != ONLY_IN_B else _routine("create", change.name),
                      _routine("create", change.name), _routine("alter", change.name),
                      _routine("create", change.name, any_arguments=True)], ("function", "definer"))

    def _constraint(self, change: Change) -> None:
        if change.change != ONLY_IN_B or change.object is None or change.object[0] != "table":
            return
        table = self.after.schema.tables[change.object[1]]
        constraint = table.constraints[change.name[len(table.qualified_name) + 1:]]
        if constraint.kind == "foreign_key":
            self._foreign_key(table, constraint)

    def _foreign_key(self, table: Table, constraint: Constraint) -> None:
        if not indexed(table, constraint):
            name = f"{table.qualified_name}.{constraint.name}"
            tables = {"table", "foreign table"}
            tiers = [_altered(tables, table.qualified_name, {"add foreign key"}, constraint.name),
                     _altered(tables, table.qualified_name, {"add foreign key", "add column references"}),
                     _act("create", tables, table.qualified_name)]
            self.add("foreign_key_without_index", name,
                     f"foreign key {constraint.name} on {table.qualified_name} ({', '.join(constraint.columns)}) "
                     "has no index starting with its columns", tiers, ("references",), where=table.qualified_name)

    def _rls(self, change: Change) -> None:
        schema = change.name.split(".", 1)[0]
        if change.field == "enabled" and change.a and not change.b and schema in self.exposed:
            self.add("exposed_table_without_rls", change.name,
                     f"row level security disabled on {change.name} in exposed schema {schema}",
                     [_altered({"table"}, change.name, {"disable rls"})], ("disable", "row"))


# ------------------------------------------------------------------ what each finding's statement does

RELATION_KINDS = {"table": {"table", "foreign table"}, "view": {"view"}, "materialized view": {"materialized view"}}


def _schema(qualified: str) -> str:
    return qualified.partition("(")[0].rpartition(".")[0]


def _act(verb: str, kinds: set[str], name: str) -> Wanted:
    return lambda a: a.verb == verb and a.kind in kinds and a.target.is_(name)


def _altered(kinds: set[str], name: str, actions: set[str], part: str | None = None) -> Wanted:
    """ALTER TABLE/VIEW ``name`` doing one of ``actions`` (to the column or constraint ``part``)."""
    return lambda a: (a.verb == "alter" and a.kind in kinds and a.target.is_(name) and a.action in actions
                      and (part is None or a.part == part))


def _dependency_drops(name: str) -> list[Wanted]:
    """Drops that take the object with them: its schema, then anything dropped with CASCADE."""
    schema = _schema(name)
    return [lambda a: a.verb == "drop" and a.kind == "schema" and a.target.name == schema,
            lambda a: a.verb == "drop" and a.cascade]


def _routine(verb: str, signature: str, actions: set[str] | None = None, *, any_arguments: bool = False) -> Wanted:
    """CREATE/DROP/ALTER FUNCTION (procedure, routine) of this overload: same name and argument types;
    with ``any_arguments``, also a statement that gives no list (DROP FUNCTION f) or another one."""
    wanted = catalog_arguments(signature)

    def match(a: Act) -> bool:
        if a.verb != verb or a.kind not in ROUTINES or not a.target.is_(signature):
            return False
        if actions is not None and a.action not in actions:
            return False
        return any_arguments or (a.target.args is not None and same_arguments(a.target.args, wanted))

    return match


def indexed(table: Table, constraint: Constraint) -> bool:
    """Some index of ``table`` (partial ones too) starts with the foreign key's columns, in any order."""
    return table.has_index_leading_with(constraint.columns, partial=True)


def locate(statements: Sequence[Statement], name: str, keywords: Iterable[str]) -> Statement | None:
    """The statement that most likely made the change: it names the object and says the keywords."""
    short = re.escape(name.split("(")[0].rsplit(".", 1)[-1].lower())
    pattern = re.compile(rf"(?<![\w$]){short}(?![\w$])")
    naming = [s for s in statements if pattern.search(s.text.lower())]
    words = [k.lower() for k in keywords]
    best = next((s for s in naming if all(re.search(rf"\b{re.escape(w)}\b", s.text.lower()) for w in words)), None)
    fallback = statements[0] if statements else None
    return best or next((s for s in naming if words and words[0] in s.text.lower()), None) or \
        (naming[0] if naming else fallback)
