"""Checks on what curators and files give us: each refusal is one sentence a curator can act on."""

from __future__ import annotations

import pytest

from kdrama.errors import UserError
from kdrama.validate import ValidationError, clean_text, https_url, slug, slugify, source

HOSTS = ("youtube.com", "youtu.be")


def test_text_is_tidied_and_control_characters_go() -> None:
    assert clean_text("  All \tof\u0000 Us  ", field="The title") == "All of Us"
    assert clean_text("one\n\n\n\ntwo  ", field="The synopsis", multiline=True) == "one\n\ntwo"
    assert clean_text("   ", field="The note") is None


def test_refusals_name_the_field() -> None:
    with pytest.raises(ValidationError, match=r"^The title can't be empty\.$"):
        clean_text(" ", field="The title", required=True)
    with pytest.raises(ValidationError, match=r"^The alias is too long: 5 characters, at most 4.$"):
        clean_text("abcde", field="The alias", max_len=4)


def test_a_refusal_is_a_user_error_the_command_tree_answers() -> None:
    assert issubclass(ValidationError, UserError)


def test_links_must_be_https_and_on_an_allowed_host() -> None:
    assert https_url("https://www.youtube.com/watch?v=x", field="The link", hosts=HOSTS)
    assert https_url(None, field="The link") is None
    with pytest.raises(ValidationError, match="must be an https:// link"):
        https_url("http://example.com", field="The link")
    with pytest.raises(ValidationError, match=r"known video site \(youtu.be, youtube.com\), not vimeo.com"):
        https_url("https://vimeo.com/1", field="The link", hosts=HOSTS)


def test_a_source_is_a_link_or_a_short_citation() -> None:
    assert source("Netflix press release") == "Netflix press release"
    with pytest.raises(ValidationError, match="must be an https:// link or a short citation"):
        source("ftp://example.com/x")
    with pytest.raises(ValidationError, match="must name where the fact comes from"):
        source("ab")
    assert source(None, required=False) is None


def test_slugs() -> None:
    assert slug("all-of-us-are-dead") == "all-of-us-are-dead"
    with pytest.raises(ValidationError, match="lowercase letters, digits and hyphens"):
        slug("All_Of_Us")
    assert slugify("It's Okay to Not Be Okay") == "its-okay-to-not-be-okay"
    assert slugify("지금 우리 학교는") == "show"
