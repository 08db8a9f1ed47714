"""What curators and import files may give as text, links and sources."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bench.gen_catalog import generate
from kdrama import validate
from kdrama.errors import UserError
from kdrama.validate import ValidationError, clean_text, https_url, slug, slugify, source

YOUTUBE = ("youtube.com", "youtu.be")


def test_text_is_trimmed_and_control_characters_become_spaces() -> None:
    assert clean_text("  Squid\x00Game \n", field="The title") == "Squid Game"
    assert clean_text("", field="The title") is None
    with pytest.raises(ValidationError, match=r"^The title can't be empty\.$"):
        clean_text("   ", field="The title", required=True)
    with pytest.raises(ValidationError, match="too long: 5 characters, at most 4"):
        clean_text("abcde", field="The note", max_len=4)


def test_a_plain_https_link_is_kept() -> None:
    url = "https://www.youtube.com/watch?v=IN5TD4VRcSM"
    assert https_url(url, field="The trailer link", hosts=YOUTUBE) == url


def test_a_link_is_stored_reassembled_with_its_host_lowercased() -> None:
    assert https_url("https://WWW.YouTube.com/watch?v=x", field="link") == "https://www.youtube.com/watch?v=x"
    assert https_url("https://www.netflix.com", field="link") == "https://www.netflix.com/"


def test_non_ascii_paths_are_percent_encoded_like_a_browser_does() -> None:
    got = https_url("https://ko.wikipedia.org/wiki/지금_우리_학교는", field="The source")
    assert (
        got
        == "https://ko.wikipedia.org/wiki/%EC%A7%80%EA%B8%88_%EC%9A%B0%EB%A6%AC_%ED%95%99%EA%B5%90%EB%8A%94"
    )


@pytest.mark.parametrize(
    "url",
    [
        # Browsers treat "\" as "/": this opens evil.example, while the host check saw youtube.com.
        "https://evil.example\\.youtube.com/x",
        # Markdown in a query string: a masked link that points somewhere else.
        "https://www.youtube.com/watch?v=<>[x](https://evil.example)",
        'https://www.youtube.com/watch?v="x"',
        "https://www.youtube.com/watch?v={x}",
        "https://www.youtube.com/watch?v=a|b",
        "https://www.youtube.com/watch?v=a^b",
        "https://www.youtube.com/watch?v=`x`",
    ],
)
def test_characters_outside_rfc_3986_are_refused(url: str) -> None:
    with pytest.raises(ValidationError, match=r"^The trailer link has characters a link can't contain \("):
        https_url(url, field="The trailer link", hosts=YOUTUBE)


def _full_checks(text: str) -> str | None:
    """https_url without its shortcut for links already in the form it re-assembles."""
    fast = validate._AS_REASSEMBLED
    validate._AS_REASSEMBLED = validate.re.compile(r"(?!)")  # matches nothing
    try:
        return https_url(text, field="link")
    except ValidationError:
        return None
    finally:
        validate._AS_REASSEMBLED = fast


def _links_of(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if "://" in value else []
    if isinstance(value, dict):
        return [link for v in value.values() for link in _links_of(v)]
    if isinstance(value, list):
        return [link for v in value for link in _links_of(v)]
    return []


def test_the_shortcut_for_stored_links_gives_what_the_full_checks_give() -> None:
    """Rendering checks each stored link by one match; it must never let through what the checks refuse."""
    data = Path(__file__).resolve().parents[2] / "data" / "catalog.json"
    stored = _links_of(json.loads(data.read_text(encoding="utf-8"))) + _links_of(generate(300))
    assert len(stored) > 500
    for url in stored:  # the catalog's own links take the shortcut, unchanged
        assert validate._AS_REASSEMBLED.fullmatch(url), url
        assert _full_checks(url) == url
    # Texts near the form: every one the shortcut takes, the full checks return unchanged.
    rng = random.Random(14)
    labels = ["www", "a-b", "k0", "xn--3e0b707e", "example", "4", "co", "kr"]
    odd = [*"Z_-.:@é", "", "-a", "a-", ":443", "[::1]", "%41", "a" * 64]
    valid = [*"aZ09-._~:/?#!$&'()*+,;=%@", "%20", "?", "#", "/", "//"]
    invalid = [*'[] \\<>"{}|^`\t\n', "é"]

    def draw(good: list[str], bad: list[str], n: int) -> list[str]:
        return [rng.choice(good) if rng.random() < 0.9 else rng.choice(bad) for _ in range(n)]

    taken = 0
    for _ in range(20_000):
        host = ".".join(draw(labels, odd, rng.randint(1, 4)))
        url = (
            "https://" + host + rng.choice(["/", "/", ""]) + "".join(draw(valid, invalid, rng.randint(0, 10)))
        )
        if validate._AS_REASSEMBLED.fullmatch(url):
            taken += 1
            assert _full_checks(url) == url, url
    assert taken > 1000  # the draw reaches the shortcut often enough to mean something


def test_user_info_is_refused_because_it_hides_the_real_host() -> None:
    with pytest.raises(ValidationError, match=r"^The trailer link can't contain a user name or password\.$"):
        https_url("https://www.youtube.com@evil.example/x", field="The trailer link")


def test_odd_ports_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"^The source can't name a port other than 443\.$"):
        https_url("https://www.youtube.com:8443/x", field="The source")
    assert https_url("https://www.youtube.com:443/x", field="The source") == "https://www.youtube.com/x"


@pytest.mark.parametrize(
    "url", ["https://[x", "https://[::1]/x", "https://1.2.3.4/x", "https://exa_mple.com/"]
)
def test_a_malformed_link_or_a_host_that_is_not_a_name_gets_a_clear_refusal(url: str) -> None:
    with pytest.raises(ValidationError, match=r"^The source must be a web address with a host name, not "):
        https_url(url, field="The source")


def test_only_https_links_with_allowed_hosts() -> None:
    with pytest.raises(ValidationError, match="must be an https:// link"):
        https_url("http://www.youtube.com/x", field="The trailer link", hosts=YOUTUBE)
    with pytest.raises(ValidationError, match="must be on a known video site"):
        https_url("https://notyoutube.com/x", field="The trailer link", hosts=YOUTUBE)
    assert https_url("https://m.youtube.com/x", field="The trailer link", hosts=YOUTUBE)


def test_a_source_is_a_link_or_a_short_citation() -> None:
    assert source("Netflix press release") == "Netflix press release"
    assert source("https://about.netflix.com/en/news/x") == "https://about.netflix.com/en/news/x"
    with pytest.raises(ValidationError, match="must be an https:// link or a short citation"):
        source("ftp://example.com/x")
    with pytest.raises(ValidationError, match="characters a link can't contain"):
        source("https://evil.example\\.netflix.com/x")
    with pytest.raises(ValidationError, match="must name where the fact comes from"):
        source("ab")


def test_slugs() -> None:
    assert slug("all-of-us-are-dead") == "all-of-us-are-dead"
    with pytest.raises(ValidationError, match="lowercase letters, digits and hyphens"):
        slug("All Of Us")
    assert slugify("It's Okay to Not Be Okay") == "its-okay-to-not-be-okay"
    assert slugify("지금 우리 학교는") == "show"


def test_refusals_name_the_field() -> None:
    with pytest.raises(ValidationError, match=r"^The title can't be empty\.$"):
        clean_text(" ", field="The title", required=True)
    with pytest.raises(ValidationError, match=r"^The alias is too long: 5 characters, at most 4\.$"):
        clean_text("abcde", field="The alias", max_len=4)


def test_a_refusal_is_a_user_error_the_command_tree_answers() -> None:
    assert issubclass(ValidationError, UserError)
