"""End-to-end fixtures: the Discord stand-in, bot processes, and a fan server.

A module that needs another server layout defines its own `guild`, which overrides this one.
"""

from __future__ import annotations

import pytest

from tests.standin.fixtures import bot_factory, standin, standin_server  # noqa: F401
from tests.standin.scenario import DiscordStandIn
from tests.standin.world import Channel, Guild, Member


@pytest.fixture(scope="module")
def guild(standin_server: DiscordStandIn) -> Guild:
    """A fan server with #general, made before the bot connects."""
    return standin_server.make_guild("K-drama fans", channels=("general",))


@pytest.fixture(scope="module")
def general(guild: Guild) -> Channel:
    """#general."""
    return next(c for c in guild.channels.values() if c.name == "general")


@pytest.fixture(scope="module")
def fan(standin_server: DiscordStandIn, guild: Guild) -> Member:
    """A member with no special permissions."""
    return standin_server.plain_member(guild, "fan")
