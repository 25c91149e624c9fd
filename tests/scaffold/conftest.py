from scaffold_helpers import project  # noqa: F401  (fixture)
