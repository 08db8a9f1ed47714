from __future__ import annotations

import pytest

from kdrama.settings import Settings, SettingsError


def test_the_token_never_shows_in_reprs() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": "MTIz.secret-token"})
    assert "secret" not in repr(settings) and "secret" not in str(settings.token)
    assert settings.token.value == "MTIz.secret-token"


def test_defaults_and_lists_are_read() -> None:
    s = Settings.from_env({"OWNER_IDS": "1, 2,3", "DEV_GUILD_ID": "42", "TRAILER_HOSTS": "Example.com"})
    assert s.owner_ids == {1, 2, 3} and s.dev_guild_id == 42
    assert str(s.database_path) == "data/kdrama.db"
    assert "example.com" in s.trailer_hosts and "youtube.com" in s.trailer_hosts
    assert not s.token
    assert s.follow_limit == 200 and Settings.from_env({"FOLLOW_LIMIT": "50"}).follow_limit == 50


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OWNER_IDS": "12,abc"}, "OWNER_IDS must be Discord ids"),
        ({"DEV_GUILD_ID": "my-server"}, "DEV_GUILD_ID must be Discord ids"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be"),
        ({"SHARD_IDS": "0,1"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "every id must be below it"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT must be at least 1"),
        ({"OUTBOX_RETENTION_DAYS": "0"}, "OUTBOX_RETENTION_DAYS must be a whole number of at least 1"),
        ({"MAX_SUBSCRIPTIONS_PER_SERVER": "lots"}, "MAX_SUBSCRIPTIONS_PER_SERVER must be a whole number"),
        ({"FOLLOW_LIMIT": "lots"}, "FOLLOW_LIMIT must be a number of shows"),
        ({"FOLLOW_LIMIT": "0"}, "FOLLOW_LIMIT must be at least 1"),
    ],
)
def test_malformed_settings_are_refused_with_the_name(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_a_process_can_run_some_of_the_shards() -> None:
    s = Settings.from_env({"SHARD_COUNT": "4", "SHARD_IDS": "2,3"})
    assert (s.shard_count, s.shard_ids) == (4, (2, 3))
    assert Settings.from_env({}).shard_ids is None


def test_the_outbox_retention_and_the_subscription_cap_have_defaults() -> None:
    s = Settings.from_env({})
    assert (s.outbox_retention_days, s.max_subscriptions_per_server) == (30, 500)
    s = Settings.from_env({"OUTBOX_RETENTION_DAYS": "7", "MAX_SUBSCRIPTIONS_PER_SERVER": "50"})
    assert (s.outbox_retention_days, s.max_subscriptions_per_server) == (7, 50)
