"""Whether output gets colour: ``--color auto|always|never``, then ``NO_COLOR``, then ``FORCE_COLOR``.

Order, most specific first: the command line (``--color always`` or ``never``) wins; under ``auto``
``NO_COLOR`` turns colour off (set at all, even empty, as speckit always read it), ``FORCE_COLOR`` (force-color.org:
any value but ``0`` or ``false``) turns it on where there is no terminal (CI logs), and otherwise
colour goes only to a terminal. NO_COLOR wins over FORCE_COLOR: a person who asked for no colour is
never overruled by a CI template's environment.
"""

from __future__ import annotations

import os
import sys
from typing import Literal, TextIO

ColourChoice = Literal["auto", "always", "never"]
CHOICES: tuple[ColourChoice, ...] = ("auto", "always", "never")


def wanted(choice: str | None = "auto", stream: TextIO | None = None) -> bool:
    """Whether to colour text bound for ``stream`` (standard output by default)."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if "NO_COLOR" in os.environ:
        return False
    force = os.environ.get("FORCE_COLOR")
    if force is not None and force.strip().lower() not in ("0", "false"):
        return True
    stream = sys.stdout if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False
