"""Hypothesis strategies for the values the behaviour checks write."""

from __future__ import annotations

import string

from hypothesis import strategies as st

# Letters and digits only: no NUL, no blank strings, so CHECK (length(btrim(x)) > 0) style rules hold.
_UNIQUE_TEXT = st.text(alphabet=st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=12)
_SUFFIX = st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=8)


def text_value(max_length: int | None = None) -> st.SearchStrategy[str]:
    """Any short non-blank text, cut to the column's length limit."""
    if max_length is None:
        return _UNIQUE_TEXT
    return _UNIQUE_TEXT.map(lambda s: s[:max_length])


def search_word(tag: str) -> st.SearchStrategy[str]:
    """A lowercase word starting with ``tag``: distinct tags never stem to the same lexeme, and
    never produce an English stop word."""
    return _SUFFIX.map(lambda s: tag + s)
