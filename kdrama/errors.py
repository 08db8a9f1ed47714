"""The one error a user is shown: bad input, or a question the bot can't answer as asked."""

from __future__ import annotations

import dataclasses

from discord.utils import escape_markdown, escape_mentions


class Markup(str):
    """Markup the bot built itself from ids, such as a role or channel mention: shown as is.

    Only for text made by code (`role.mention`), never for what a user typed or the catalog
    holds; replies go out with mentions disabled, so a mention here displays and pings no one.
    """


def inert(value: object) -> object:
    """A sentence's parameter as plain text: no markdown, link or mention in it takes effect.

    Text is escaped; so is the text inside a parameter that localizes itself (kdrama.i18n's
    Title and Listing, frozen dataclasses of strings).
    """
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return escape_mentions(escape_markdown(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, object] = {}
        for f in dataclasses.fields(value):
            held = getattr(value, f.name)
            if isinstance(held, str):
                changes[f.name] = inert(held)
            elif isinstance(held, tuple) and all(isinstance(x, str) for x in held):
                changes[f.name] = tuple(inert(x) for x in held)
        return dataclasses.replace(value, **changes)
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
        # Escaped once here, so the English sentence and every translation get inert values.
        self.params = {k: inert(v) for k, v in params.items()}
        super().__init__(message.format(**self.params) if params else message)
