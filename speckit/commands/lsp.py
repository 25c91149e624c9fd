"""``speckit lsp``: the language server for editors (needs the ``lsp`` extra: pygls)."""

from __future__ import annotations

import click

from speckit.errors import InputError


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk LSP over standard input and output (the default and only transport).")
def lsp_command(stdio: bool) -> None:
    """Run the language server over stdio: diagnostics as you type, hover, go to definition,
    references, completion of ids, code actions and symbols (docs/editors.md)."""
    try:
        from speckit.lsp.server import main
    except ImportError as error:
        if (error.name or "").split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        raise InputError("speckit lsp needs pygls: pip install 'speckit-compiler[lsp]'") from None
    main()
