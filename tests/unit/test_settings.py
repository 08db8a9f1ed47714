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


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OWNER_IDS": "12,abc"}, "OWNER_IDS must be Discord ids"),
        ({"DEV_GUILD_ID": "my-server"}, "DEV_GUILD_ID must be Discord ids"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be"),
    ],
)
def test_malformed_settings_are_refused_with_the_name(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)
