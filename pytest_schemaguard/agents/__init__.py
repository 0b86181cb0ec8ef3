"""What coding agents reach schemaguard through: JSON-returning tools and the MCP server exposing them.

``tools`` holds the tool bodies (plain functions returning dicts, no MCP import), so they are
usable and testable without the optional ``mcp`` SDK; ``mcp_server`` wraps them for the SDK.
"""
