"""``speckit lsp`` as a command: without its extra, and kept off ``speckit check``'s start-up."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from lsp_feature import write_feature
from lsprotocol import types
from pygls.lsp.client import LanguageClient


def test_without_pygls_one_line_and_exit_2(tmp_path: Path) -> None:
    """No lsp extra installed: one line saying how to install it, exit 2 (pygls hidden from the import system)."""
    script = (
        "import sys\nsys.modules['pygls'] = sys.modules['lsprotocol'] = None\n"
        "from speckit.cli import main\nmain(['lsp'])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "speckit: error: speckit lsp needs pygls: pip install 'speckit-compiler[lsp]'"
    ]


def test_check_does_not_import_pygls(tmp_path: Path) -> None:
    folder = write_feature(tmp_path)
    script = (
        "import sys\nfrom speckit.cli import main\n"
        "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('pygls', 'lsprotocol') or m.startswith('speckit.lsp')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)], check=False, capture_output=True, text=True, cwd=tmp_path
    )
    assert "trace/" not in done.stderr and done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_shutdown_and_exit_end_the_process(tmp_path: Path) -> None:
    """pygls' own client: initialize, shutdown, exit; the server process ends with code 0."""

    async def session() -> int | None:
        client = LanguageClient("speckit-test", "1")
        await client.start_io(sys.executable, "-m", "speckit", "lsp", "--stdio")
        result = await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                                      root_uri=tmp_path.as_uri()))
        assert result.server_info is not None and result.server_info.name == "speckit"
        sync = result.capabilities.text_document_sync
        assert isinstance(sync, types.TextDocumentSyncOptions) and sync.change == types.TextDocumentSyncKind.Full
        assert result.capabilities.hover_provider and result.capabilities.definition_provider
        client.initialized(types.InitializedParams())
        await client.shutdown_async(None)
        client.exit(None)
        server = client._server
        assert server is not None
        code = await asyncio.wait_for(server.wait(), 10)
        await client.stop()
        return code

    assert asyncio.run(session()) == 0
