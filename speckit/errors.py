"""The one exception that reaches the user: unreadable input or bad usage (exit code 2)."""

from __future__ import annotations


class InputError(Exception):
    """Input that cannot be read at all: a missing path, undecodable bytes, a bad config file.

    The message is one line that names the path (and the line or byte offset where known).
    """
