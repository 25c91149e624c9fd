"""``speckit mcp``: speckit's checks as tools for coding agents, over the Model Context Protocol.

``workspace.py`` does the work with the library the CLI uses and needs no SDK; ``server.py`` puts it
behind the official ``mcp`` SDK (the ``mcp`` extra). docs/agents.md says how to add it to an agent.
"""

from __future__ import annotations

import os
from pathlib import Path


def serve(root: Path) -> None:
    """Serve the repository at ``root`` over stdio until the client closes the connection."""
    from speckit.mcp.server import build
    from speckit.mcp.workspace import Workspace

    workspace = Workspace.open(root)
    # Feature names and paths resolve as the CLI resolves them, against the working directory:
    # the server's is the root, whatever folder the client started it in.
    os.chdir(workspace.root)
    build(workspace).run("stdio")
