"""End-to-end fixtures: the Discord stand-in and bot processes."""

from tests.standin.fixtures import bot_factory, standin, standin_server  # noqa: F401
