"""A refusal's parameters are data: escaped, unless the bot built the markup itself."""

from __future__ import annotations

from kdrama.errors import Markup, UserError


def test_typed_text_in_a_refusal_can_neither_format_nor_ping() -> None:
    e = UserError("No show called “{title}”.", title="**@everyone** [x](https://evil.example)")
    assert "@everyone" not in str(e).replace("@\u200beveryone", "")
    assert "\\*\\*" in str(e) and "\\[x](" in str(e)  # no bold, no masked link


def test_a_mention_the_bot_built_is_shown_as_a_mention() -> None:
    e = UserError("You can't have {role} pinged.", role=Markup("<@&123>"))
    assert str(e) == "You can't have <@&123> pinged."
