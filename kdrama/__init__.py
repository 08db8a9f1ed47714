"""Drama bot's domain: catalog models, storage, search, rendering and the watch engine.

Nothing in this package talks to Discord; the cogs adapt it.
"""


def version() -> str:
    """The installed package's version (from pyproject.toml), or "development" when run from a checkout."""
    from importlib import metadata  # here: ~0.8 MiB at start for a line /about alone shows

    try:
        return metadata.version("drama-bot")
    except metadata.PackageNotFoundError:
        return "development"
