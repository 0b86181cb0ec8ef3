"""Where the plugin keeps the run's session: only set when the plugin is enabled.

A module of its own, importing pytest and nothing heavy: the plugin, the items and the fixtures
share the key, while ``config.py`` stays importable without pytest for the ``schemaguard`` command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .session import SchemaguardSession

SESSION_KEY: pytest.StashKey[SchemaguardSession] = pytest.StashKey()
