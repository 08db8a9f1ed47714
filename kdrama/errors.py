"""The one error a user is shown: bad input, or a question the bot can't answer as asked."""

from __future__ import annotations


class UserError(Exception):
    """One friendly sentence, shown privately; never a traceback.

    `message` is the English sentence, with `{name}` placeholders filled from `params`. It is
    also the message id that translations look up, so it stays stable; `str()` gives the
    English text. Every error a user should read subclasses this.
    """

    def __init__(self, message: str, /, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message.format(**params) if params else message)
