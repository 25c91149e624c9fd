"""``speckit completion bash|zsh|fish``: the shell completion script, from click's shell completion.

The script calls speckit back on every Tab (``_SPECKIT_COMPLETE=bash_complete speckit ...``), so it
completes what is there now: commands, options, the feature folders under the specs root (by name,
number, slug or a part of the name) and rule ids for ``--explain``, ``--select``, ``--ignore``.
"""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion_command(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish). Install it with

    \b
      bash: eval "$(speckit completion bash)"   (in ~/.bashrc)
      zsh:  eval "$(speckit completion zsh)"    (in ~/.zshrc, after compinit)
      fish: speckit completion fish > ~/.config/fish/completions/speckit.fish
    """
    from click.shell_completion import get_completion_class

    from speckit.cli import cli

    cls = get_completion_class(shell)
    if cls is None:  # click knows the three shells of SHELLS; this guards a click that drops one
        raise click.UsageError(f"click has no completion for {shell}")
    click.echo(cls(cli, {}, "speckit", "_SPECKIT_COMPLETE").source(), nl=False)
