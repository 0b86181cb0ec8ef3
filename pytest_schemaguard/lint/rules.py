"""The lint rules (id, default level, why it is risky, the safe rewrite) and the findings they produce.

One table declares every rule, so docs/lint.md, the ``ignore`` comment check and the output all
read the same texts; rules themselves only say *where* and *what* (``Finding.message``).
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARN, INFO = "error", "warn", "info"
LEVEL_ORDER = {ERROR: 0, WARN: 1, INFO: 2}


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    kind: str  # "syntactic" | "semantic" | "meta"
    why: str
    fix: str


_RULES: tuple[Rule, ...] = (
    # ---------------------------------------------------------------- syntactic: locking risks
    Rule("index_without_concurrently", WARN, "syntactic",
         "CREATE/DROP INDEX without CONCURRENTLY blocks every write to the table (SHARE/ACCESS EXCLUSIVE "
         "lock) until the index is built or dropped",
         "CREATE INDEX CONCURRENTLY ... / DROP INDEX CONCURRENTLY ... in a file marked "
         "`-- schemaguard: no-transaction`"),
    Rule("concurrently_in_transaction", ERROR, "syntactic",
         "CONCURRENTLY cannot run inside a transaction block, and every migration file runs in one",
         "put the statement alone in its own file that starts with `-- schemaguard: no-transaction`"),
    Rule("constraint_without_not_valid", WARN, "syntactic",
         "adding a CHECK or FOREIGN KEY constraint validates every existing row while holding a lock that "
         "blocks writes (for a FOREIGN KEY, on the referenced table too)",
         "ADD CONSTRAINT ... NOT VALID; then, in a later statement or migration, "
         "ALTER TABLE ... VALIDATE CONSTRAINT ... (takes a weaker lock)"),
    Rule("volatile_default", WARN, "syntactic",
         "a column added with a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval(), "
         "serial/identity) rewrites the whole table under an ACCESS EXCLUSIVE lock; constant and STABLE "
         "defaults such as now() do not",
         "add the column without a default (or with a constant one), backfill in batches, then "
         "ALTER COLUMN ... SET DEFAULT ..."),
    Rule("set_not_null", WARN, "syntactic",
         "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock",
         "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c; then SET NOT NULL "
         "(PostgreSQL 12+ skips the scan thanks to the validated check) and DROP CONSTRAINT c"),
    Rule("missing_lock_timeout", WARN, "syntactic",
         "a statement that needs a strong lock on a busy table waits behind long transactions, and every "
         "query queued behind it waits too: the table is unavailable until it gets the lock",
         "start the file with SET lock_timeout = '5s'; (and retry the migration if it times out)"),
    Rule("update_without_where", WARN, "syntactic",
         "UPDATE without WHERE writes and locks every row of the table in one transaction",
         "backfill in batches (UPDATE ... WHERE id BETWEEN ... ) or, if the whole table is meant, say so "
         "with `-- schemaguard: ignore update_without_where`"),
    Rule("vacuum_full", WARN, "syntactic",
         "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock (and cannot run in a transaction)",
         "plain VACUUM, or pg_repack outside the migration"),
    Rule("cluster", WARN, "syntactic",
         "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock",
         "pg_repack outside the migration, or leave the physical order alone"),
    # ---------------------------------------------------------------- syntactic: destructive
    Rule("delete_without_where", ERROR, "syntactic",
         "DELETE without WHERE removes every row of an existing table",
         "add the WHERE clause you mean; if emptying the table is intended, say so with "
         "`-- schemaguard: ignore delete_without_where`"),
    Rule("truncate", ERROR, "syntactic",
         "TRUNCATE removes every row of an existing table (and takes an ACCESS EXCLUSIVE lock)",
         "DELETE ... WHERE ... for the rows you mean; if emptying the table is intended, say so with "
         "`-- schemaguard: ignore truncate`"),
    # ---------------------------------------------------------------- syntactic: info
    Rule("enum_value_without_position", INFO, "syntactic",
         "ALTER TYPE ... ADD VALUE without BEFORE/AFTER appends the label last, which decides how the "
         "enum sorts and compares; the new value cannot be used in the same transaction either",
         "ALTER TYPE ... ADD VALUE 'x' BEFORE 'y' (or AFTER 'y') to place it explicitly"),
    # ---------------------------------------------------------------- semantic (catalog diff)
    Rule("dropped_table", ERROR, "semantic",
         "dropping a table deletes its data, and code still reading it breaks",
         "stop using it first (deploy), then drop it in a later migration; keep a backup"),
    Rule("dropped_column", ERROR, "semantic",
         "dropping a column deletes its data, and code still selecting it breaks",
         "stop reading/writing the column first (deploy), then drop it in a later migration"),
    Rule("dropped_view", ERROR, "semantic",
         "code and API clients still querying the view break",
         "replace it (CREATE OR REPLACE VIEW) or drop it only after nothing uses it"),
    Rule("dropped_function", ERROR, "semantic",
         "callers of the function (application, triggers, policies, RPC clients) break; changing the "
         "argument list also drops the old overload",
         "keep the old signature as a wrapper until nothing calls it, then drop it in a later migration"),
    Rule("column_type_changed", ERROR, "semantic",
         "changing a column's type rewrites the table under an ACCESS EXCLUSIVE lock and can break clients "
         "that expect the old type",
         "add a new column, backfill it, switch readers and writers, then drop the old column"),
    Rule("renamed_table", ERROR, "semantic",
         "code using the old name breaks the moment the migration commits",
         "create the new table (or a view with the old name over it) and migrate readers first"),
    Rule("renamed_column", ERROR, "semantic",
         "code using the old column name breaks the moment the migration commits",
         "add the new column, write both, switch readers, then drop the old column"),
    Rule("exposed_table_without_rls", ERROR, "semantic",
         "a table in a schema exposed by the Data API without row level security can be read and written "
         "by anyone holding the anon key",
         "ALTER TABLE ... ENABLE ROW LEVEL SECURITY; and add policies"),
    Rule("security_definer_without_search_path", ERROR, "semantic",
         "a SECURITY DEFINER function without a pinned search_path can be hijacked by objects created in "
         "a schema the caller controls",
         "add SET search_path = '' to the function (and qualify the names it uses)"),
    Rule("foreign_key_without_index", WARN, "semantic",
         "without an index on the referencing columns, every delete/update of a referenced row scans the "
         "whole referencing table, and joins on the key are slow",
         "CREATE INDEX CONCURRENTLY ... ON the referencing table (the foreign key's columns first)"),
    # ---------------------------------------------------------------- about lint itself
    Rule("statement_not_analysed", INFO, "meta",
         "lint could not read this statement (an internal limit or error, named in the finding), so no "
         "syntactic rule looked at it; the semantic rules still see what it changed",
         "review the statement by hand; please report it if PostgreSQL accepts it"),
    Rule("unknown_ignored_rule", WARN, "meta",
         "an `-- schemaguard: ignore` comment names a rule that does not exist, so it suppresses nothing",
         "use one of the rule ids listed in docs/lint.md (schemaguard lint --help lists them too)"),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}


@dataclass(frozen=True)
class Finding:
    rule: str
    file: str  # migration file name
    line: int
    statement: str  # the statement's original text (shortened when rendered)
    message: str  # what exactly was found, naming the object

    @property
    def level(self) -> str:
        return RULES[self.rule].level

    @property
    def why(self) -> str:
        return RULES[self.rule].why

    @property
    def fix(self) -> str:
        return RULES[self.rule].fix

    def headline(self) -> str:
        return f"{self.file}:{self.line}: {self.level} [{self.rule}] {self.message}"

    def render(self) -> str:
        lines = [self.headline()]
        if self.statement:
            lines.append(f"    {shorten(self.statement)}")
        lines.append(f"  why: {self.why}")
        lines.append(f"  instead: {self.fix}")
        return "\n".join(lines)


def shorten(statement: str, width: int = 100) -> str:
    """One line: whitespace collapsed, cut at ``width`` characters."""
    flat = " ".join(statement.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line, LEVEL_ORDER[f.level], f.rule, f.message))
