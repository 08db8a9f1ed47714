"""Drama bot's domain: catalog models, storage, search, rendering and the watch engine.

Nothing in this package talks to Discord; the cogs adapt it.
"""
