"""TMDB settings: optional, masked, validated."""

from __future__ import annotations

import pytest

from kdrama.settings import DEFAULT_TMDB_BASE_URL, Settings, SettingsError
from kdrama.tmdb.client import is_v3_key


def test_without_a_token_tmdb_is_off_and_the_defaults_hold() -> None:
    s = Settings.from_env({})
    assert not s.tmdb_token
    assert s.tmdb_base_url == DEFAULT_TMDB_BASE_URL == "https://api.themoviedb.org/3"
    assert s.tmdb_sync_minutes == 360


def test_the_tmdb_token_never_shows_and_the_base_url_can_point_at_a_stand_in() -> None:
    s = Settings.from_env(
        {
            "TMDB_TOKEN": "eyJhbGciOi.secret-part.sig",
            "TMDB_BASE_URL": "http://127.0.0.1:8123/3/",
            "TMDB_SYNC_INTERVAL": "30",
        }
    )
    assert "secret" not in repr(s) and s.tmdb_token.value == "eyJhbGciOi.secret-part.sig"
    assert s.tmdb_base_url == "http://127.0.0.1:8123/3" and s.tmdb_sync_minutes == 30


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TMDB_BASE_URL": "ftp://example.com"}, "TMDB_BASE_URL must be an https:// URL"),
        ({"TMDB_BASE_URL": "http://api.example.com/3"}, "TMDB_BASE_URL must be an https:// URL"),
        ({"TMDB_SYNC_INTERVAL": "hourly"}, "TMDB_SYNC_INTERVAL must be a number of minutes"),
        ({"TMDB_SYNC_INTERVAL": "5"}, "at least 15 minutes"),
    ],
)
def test_malformed_tmdb_settings_are_refused_by_name(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_a_v3_key_and_a_read_access_token_are_told_apart_by_shape() -> None:
    assert is_v3_key("0123456789abcdef0123456789ABCDEF")
    assert not is_v3_key("eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiIxIn0.sig")
    assert not is_v3_key("0123456789abcdef")  # too short to be a key
