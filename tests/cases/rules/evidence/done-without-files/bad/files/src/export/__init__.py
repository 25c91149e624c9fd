"""The export package."""
