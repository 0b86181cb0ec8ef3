"""The ``behaviour:`` list of the YAML: each entry is one item; this module owns its keys."""

from __future__ import annotations

from collections.abc import Mapping

KNOWN_KINDS: dict[str, tuple[str, ...]] = {
    "rls_isolation": ("table", "owner_column", "owner_from", "commands", "role", "fill"),
}
REQUIRED: dict[str, tuple[str, ...]] = {"rls_isolation": ("table", "owner_column")}
RLS_COMMANDS = ("select", "update", "delete")


def entry_problem(entry: Mapping[str, object]) -> str | None:
    """What is wrong with one ``behaviour:`` entry, or None."""
    if len(entry) != 1:
        return f"each behaviour entry has exactly one key (one of: {', '.join(KNOWN_KINDS)}), found {list(entry)}"
    ((kind, options),) = entry.items()
    if kind not in KNOWN_KINDS:
        return f"unknown behaviour check {kind!r}; allowed: {', '.join(KNOWN_KINDS)}"
    if not isinstance(options, Mapping):
        return f"{kind}: expected a mapping such as {{table: tasks, owner_column: sales_id}}"
    unknown = sorted(set(options) - set(KNOWN_KINDS[kind]))
    if unknown:
        return f"{kind}: unknown key(s) {', '.join(map(str, unknown))}; allowed: {', '.join(KNOWN_KINDS[kind])}"
    missing = [key for key in REQUIRED[kind] if key not in options]
    if missing:
        return f"{kind}: {', '.join(repr(k) for k in missing)} required"
    return _rls_problem(options) if kind == "rls_isolation" else None


def _rls_problem(options: Mapping[str, object]) -> str | None:
    owner_from = options.get("owner_from")
    if owner_from is not None and (not isinstance(owner_from, str) or "." not in owner_from):
        return ("rls_isolation: owner_from names the table and the column that holds the auth user id, "
                f"e.g. owner_from: sales.user_id; found {owner_from!r}")
    fill = options.get("fill", [])
    if not isinstance(fill, list) or not all(isinstance(c, str) for c in fill):
        return f"rls_isolation: fill must be a list of column names; found {fill!r}"
    commands = options.get("commands", ["select"])
    if not isinstance(commands, list) or not commands or any(c not in RLS_COMMANDS for c in commands):
        return f"rls_isolation: commands must be a list of {', '.join(RLS_COMMANDS)}; found {commands!r}"
    return None


def entry_name(entry: Mapping[str, object], index: int) -> str:
    """``rls_isolation public.tasks``; a malformed entry is named by its position."""
    if len(entry) == 1:
        ((kind, options),) = entry.items()
        if isinstance(options, Mapping) and isinstance(options.get("table"), str):
            table = str(options["table"])
            return f"{kind} {table if '.' in table else 'public.' + table}"
        return f"{kind} #{index + 1}"
    return f"entry #{index + 1}"
