"""Build-time generators of the docs site (loaded by `docs/gen/hook.py`)."""
