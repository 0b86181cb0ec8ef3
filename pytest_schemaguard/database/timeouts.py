"""The statement timeout a build runs each migration statement under (``project.statement_timeout``).

Kept as PostgreSQL's own duration text (``30s``, ``5min``, ``0`` = off) because it goes to
``statement_timeout`` as written; checked here so a typo fails where it was written, not mid-build.
"""

from __future__ import annotations

import re

DEFAULT_STATEMENT_TIMEOUT = "5min"
# What PostgreSQL accepts for a time setting: a number, then optionally one of its units (case matters).
DURATION = re.compile(r"\d+(?:\.\d+)?\s*(?:us|ms|s|min|h|d)?")


def check_duration(value: str) -> str:
    """``value`` stripped, or ValueError saying what a duration looks like."""
    text = value.strip()
    if not DURATION.fullmatch(text):
        raise ValueError(f"must be a PostgreSQL duration such as 30s, 5min or 1h (0 turns the timeout off; "
                         f"units: us, ms, s, min, h, d); found {value!r}")
    return text
