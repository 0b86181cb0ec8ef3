"""What ``schemaguard init --force`` keeps from the file it replaces.

Init describes the database; it cannot know what a team wrote by hand on top: pinned grants,
rule opt-outs, behaviour checks, exhaustive lists, absent objects. Those entries are read from the
old file and written into the new one, under the same object when it still exists; an entry
whose object is gone is named in :attr:`Kept.dropped` so that the command can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .catalog.model import qualify

# per section: the keys a person writes and init never does
HAND_WRITTEN = {
    "tables": ("grants", "ignore_rules", "exhaustive", "soft_delete", "full_text_search"),
    "views": ("grants", "ignore_rules"),
    "materialized_views": ("grants", "ignore_rules"),
    "functions": ("grants", "ignore_rules"),
}
TOP_LEVEL = ("behaviour", "absent", "exhaustive")


@dataclass(frozen=True)
class Kept:
    """Hand-written entries of the replaced file: ``objects[(section, qualified key)] = {key: value}``."""

    objects: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)
    top_level: Mapping[str, Any] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()  # filled by :func:`placed`: entries whose object no longer exists

    def described(self) -> list[str]:
        """``tables.t0: grants, ignore_rules`` lines, for the command's report."""
        lines = [f"{section}.{name.removeprefix('public.')}: {', '.join(values)}"
                 for (section, name), values in self.objects.items()]
        return [*(f"{key} (top level)" for key in self.top_level), *lines]


def read_kept(path: Path) -> Kept:
    """The hand-written entries of ``path``; an unreadable file keeps nothing (init says why elsewhere)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return Kept()
    if not isinstance(data, dict):
        return Kept()
    objects: dict[tuple[str, str], dict[str, Any]] = {}
    for section, keys in HAND_WRITTEN.items():
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        for name, body in entries.items():
            if not isinstance(body, dict):
                continue
            values = {key: plain(body[key]) for key in keys if key in body}
            if values:
                objects[(section, qualified_key(str(name)))] = values
    top = {key: plain(data[key]) for key in TOP_LEVEL if data.get(key) is not None}
    return Kept(objects, top)


def qualified_key(name: str) -> str:
    """A section key with its schema: ``f(public.pair)`` -> ``public.f(public.pair)``."""
    head, paren, rest = name.partition("(")
    return qualify(head.strip()) + paren + rest


def plain(value: Any) -> Any:
    """YAML values as the emitter knows them (str, bool, int, None, lists, mappings)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)  # floats, dates: the loader reads these keys as text anyway


def placed(kept: Kept, present: Mapping[str, set[str]]) -> Kept:
    """``kept`` without (and naming in ``dropped``) entries of objects missing from ``present``
    (section -> qualified keys the new file has)."""
    objects, dropped = {}, []
    for (section, name), values in kept.objects.items():
        if name in present.get(section, set()):
            objects[(section, name)] = values
        else:
            dropped.append(f"{section}.{name.removeprefix('public.')}: {', '.join(values)} "
                           "(the object is no longer in the database)")
    return Kept(objects, kept.top_level, tuple(dropped))
