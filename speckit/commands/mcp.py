"""``speckit mcp``: the MCP server for coding agents (stdio)."""

from __future__ import annotations

from pathlib import Path

import click

from speckit.errors import InputError


@click.command("mcp")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="The repository the server answers for (default: the working directory). Nothing outside it "
                   "is read or written.")
def mcp_command(root: Path | None) -> None:
    """Serve speckit's tools (check, show, graph, next, done, explain) and the features' documents
    to a coding agent over the Model Context Protocol, on stdin and stdout."""
    try:
        import mcp.server.mcpserver  # noqa: F401 - the SDK is the 'mcp' extra
    except ImportError:
        raise InputError("speckit mcp needs the MCP SDK: pip install 'speckit-compiler[mcp]'") from None
    from speckit.mcp import serve

    top = root if root is not None else Path.cwd()
    if not top.is_dir():
        raise InputError(f"{top}: no such folder (--root)")
    serve(top)
