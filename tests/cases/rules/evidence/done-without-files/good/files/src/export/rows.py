"""Rows of an export."""
