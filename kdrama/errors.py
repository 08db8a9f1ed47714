"""The one error a user is shown: bad input, or a question the bot can't answer as asked."""

from __future__ import annotations

from discord.utils import escape_markdown, escape_mentions


def inert(value: object) -> object:
    """A sentence's parameter as plain text: no markdown, link or mention in it takes effect."""
    if isinstance(value, str):
        return escape_mentions(escape_markdown(value))
    return value


class UserError(Exception):
    """One friendly sentence, shown privately; never a traceback.

    `message` is the English sentence, with `{name}` placeholders filled from `params`. It is
    also the message id that translations look up, so it stays stable; `str()` gives the
    English text. Every error a user should read subclasses this. Text parameters (what the
    user typed, a title from the catalog) are data: they are escaped as they are filled in.
    """

    def __init__(self, message: str, /, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message.format(**{k: inert(v) for k, v in params.items()}) if params else message)
