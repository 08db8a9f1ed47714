"""Drama bot's domain: catalog models, storage, search, rendering and the watch engine.

Nothing in this package talks to Discord; the cogs adapt it.
"""

from importlib import metadata


def version() -> str:
    """The installed package's version (from pyproject.toml), or "development" when run from a checkout."""
    try:
        return metadata.version("drama-bot")
    except metadata.PackageNotFoundError:
        return "development"
