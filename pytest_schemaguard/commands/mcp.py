"""``schemaguard mcp``: serve the schemaguard tools to a coding agent over MCP (stdio).

The SDK is the optional ``[mcp]`` extra: it is looked for only here, when the command runs, so
every other command works without it.
"""

from __future__ import annotations

import argparse
import sys

NAME = "mcp"
HELP = "serve the schemaguard tools to coding agents over MCP (stdio); needs pytest-schemaguard[mcp]"
INSTALL_HINT = "pip install 'pytest-schemaguard[mcp]'"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own: --file/--dsn/--pg-bin become the tools' defaults."""


def sdk_available() -> bool:
    """True when the SDK's 2.x server API imports (1.x has no ``mcp.server.mcpserver``)."""
    try:
        import mcp.server.mcpserver  # noqa: F401  (an import statement: it checks the parent packages too)
    except ImportError:
        return False
    return True


def run(args: argparse.Namespace) -> int:
    if not sdk_available():
        print("schemaguard mcp: the MCP Python SDK (package `mcp`, version 2 or newer) is not installed; "
              f"install it with: {INSTALL_HINT}", file=sys.stderr)
        return 2
    from ..agents.mcp_server import serve_stdio
    from ..agents.tools import Defaults, Toolbox

    serve_stdio(Toolbox(Defaults.from_environment(args.file, args.dsn, args.pg_bin)))
    return 0
