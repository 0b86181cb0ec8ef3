"""Small comparison and wording primitives shared by the per-object checks.

Every check words its findings the same way ("expected X, found Y"), so the helpers that build
those sentences live here rather than being repeated per object kind.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pytest_schemaguard.checks.normalise import (
    Normalisation,
    NormalisationError,
    Normaliser,
    loose_equal,
)


def expression_difference(
    normalised: Normalisation, expected: str, found: str | None, normaliser: Normaliser, what: str = ""
) -> str | None:
    """None when ``found`` is the expected expression; otherwise the sentence saying how not.

    ``what`` prefixes the expected value (``"default "`` gives "expected default ...").

    When the server could not compile the expected text, a loose textual match still passes
    (better than failing on an expression that is evidently the same), and otherwise the
    compiler's message is what the user needs to see.
    """
    if isinstance(normalised, NormalisationError):
        if found is not None and loose_equal(expected, found):
            return None
        return f"{normalised.describe()} (found: {shown(found)})"
    if normaliser.same(normalised, found):
        return None
    return f"expected {what}{normalised}, found {shown(found)}"


def shown(value: str | None) -> str:
    """How a found value that may be absent appears in a message."""
    return "none" if value is None else value


def comment_difference(expected: str | None, found: str | None, what: str = "") -> str | None:
    """None when no comment is declared or it is the one found; else "expected 'x', found none".

    ``what`` prefixes the expected value, as in :func:`expression_difference`.
    """
    if expected is None or expected == found:
        return None
    return f"expected {what}{expected!r}, found {'none' if found is None else repr(found)}"


def column_list(columns: Iterable[str]) -> str:
    """``(a, b)``: how column lists appear in messages."""
    return f"({', '.join(columns)})"


def similar(name: str, candidates: Iterable[str]) -> str:
    """A `` (similar: x, y)`` suffix naming close matches, or ``""`` when there are none.

    Helps with the commonest cause of "missing": a typo or a different schema.
    """
    pool = list(candidates)
    matches = difflib.get_close_matches(name, pool, n=3, cutoff=0.85)
    short = name.rsplit(".", 1)[-1]
    matches += [c for c in pool if c.rsplit(".", 1)[-1] == short and c not in matches]
    return f" (similar: {', '.join(matches[:3])})" if matches else ""


def missing(name: str, candidates: Iterable[str]) -> str:
    """The message for a declared object that does not exist."""
    return "missing" + similar(name, candidates)


def fold_choice(value: str) -> str:
    """``SET_NULL`` / ``set null`` -> ``set null``: the spelling used for enumerated options."""
    return " ".join(value.replace("_", " ").lower().split())
