"""speckit: the deterministic compiler for spec-driven development documents."""

__version__ = "0.1.0"
