"""A DSN is needed to connect, never to be read: a string type whose repr hides the password.

pytest prints reprs everywhere (``-l`` locals, ``-vv`` diffs, dataclass reprs in INTERNALERROR,
JUnit XML), so masking at the edge is not enough; the value itself must refuse to show the
password. ``str(secret)`` is still the full text, for psycopg.
"""

from __future__ import annotations

import re

MASK = "********"
# postgresql://user:password@host  ->  postgresql://user:********@host
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^/:@\s]*:)(?P<secret>[^@\s]*)(?=@)", re.IGNORECASE)
# password=... as a keyword (key=value conninfo) or a URL query parameter; quoted values too
_KEYWORD_PASSWORD = re.compile(r"(?P<head>password\s*=\s*)(?P<secret>'(?:[^'\\]|\\.)*'|[^\s&]+)", re.IGNORECASE)


def mask_dsn(text: str, password: str | None = None) -> str:
    """The text with every password it may hold replaced by ********."""
    if password:
        text = text.replace(password, MASK)
    text = _URL_PASSWORD.sub(lambda m: m["head"] + MASK, text)
    return _KEYWORD_PASSWORD.sub(lambda m: m["head"] + MASK, text)


class Secret(str):
    """A connection string: the full value for connecting, the masked one for every repr."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(mask_dsn(str.__str__(self)))


def secret(value: str | None) -> Secret | None:
    return None if value is None else Secret(value)
