"""Languages: Discord locale codes to ours, the message catalogs, and locale-aware dates and lists.

Messages are gettext catalogs (`kdrama/locales/<lang>/LC_MESSAGES/messages.po`, managed with
Babel, and the `messages.mo` compiled from it, read with the standard library's gettext;
README, Development). The English sentence is the message id, with `{name}`
placeholders filled from named parameters. English is the source language and the fallback
for every locale we have no catalog for.
"""

from __future__ import annotations

import gettext as _gettext
import logging
import string
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import IO, Any, Literal, Protocol, cast, runtime_checkable

from kdrama.dates import PartialDate, Precision
from kdrama.errors import UserError, inert

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
ENGLISH = "en"
# Our languages, as Discord's locale codes (a region-less code serves every region).
LANGUAGES: tuple[str, ...] = (ENGLISH, "ko")

# English keeps the code and house style it had before translations ("6 October 2023",
# "25 Nov 2026", "A, B or C"): byte for byte the same, and no CLDR data loaded for it
# (Babel's English locale data is ~5 MiB of the bot's memory budget), nor Babel itself: its
# date and list modules are imported where another language's date or list is formatted. Babel's en_GB would
# differ anyway: it abbreviates September "Sept".
_SKELETONS = {
    Precision.YEAR: "y",
    Precision.QUARTER: "yQQQ",
    Precision.MONTH: "yMMMM",
    Precision.DAY: "yMMMMd",
}


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it where it is shown."""
    return message


# Each language's name, as the language option of /watch add offers it (translated there).
LANGUAGE_NAMES = {ENGLISH: N_("English"), "ko": N_("Korean")}


def resolve(locale: object) -> str:
    """Our language for a Discord locale ("ko", "en-US", "en-GB", …); English when we have none."""
    return _resolve(str(locale or ""))


@cache  # a few dozen locale codes exist; this runs for every answer
def _resolve(locale: str) -> str:
    code = locale.strip().replace("_", "-").lower()
    ours = {lang.lower(): lang for lang in LANGUAGES}
    if code in ours:
        return ours[code]
    return ours.get(code.split("-", 1)[0], ENGLISH)


@dataclass(frozen=True, slots=True)
class Listing:
    """A list parameter ("A, B or C"), joined in the reader's language when the message is."""

    items: tuple[str, ...]
    style: Literal["standard", "or"] = "standard"  # "A, B and C" or "A, B or C"

    def localize(self, text: Text) -> str:
        if not self.items:
            return ""
        if text.english:
            if len(self.items) == 1:
                return self.items[0]
            word = " or " if self.style == "or" else " and "
            return ", ".join(self.items[:-1]) + word + self.items[-1]
        from babel.lists import format_list  # here: English lists never load Babel (_SKELETONS)

        return format_list(list(self.items), style=self.style, locale=text.babel_locale)

    def __format__(self, spec: str) -> str:
        return format(self.localize(text(ENGLISH)), spec)

    def __str__(self) -> str:
        return self.localize(text(ENGLISH))


@dataclass(frozen=True, slots=True)
class Title:
    """A show's title parameter: the Korean title first for Korean readers, with the English."""

    english: str
    korean: str | None = None

    def localize(self, text: Text) -> str:
        if self.korean and text.lang == "ko":
            return f"{self.korean} ({self.english})"
        return self.english

    def __format__(self, spec: str) -> str:
        return format(self.english, spec)

    def __str__(self) -> str:
        return self.english


@dataclass(frozen=True, slots=True)
class Phrase:
    """A message as another message's parameter ("season 2" inside a refusal), in its language."""

    message: str  # marked N_ where it is written
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, message: str, /, **params: object) -> Phrase:
        return cls(message, tuple(params.items()))

    def __inert__(self) -> Phrase:
        """Its parameters escaped as data; the message is code's own (a message id)."""
        return Phrase(self.message, tuple((k, inert(v)) for k, v in self.params))

    def localize(self, text: Text) -> str:
        return text.gettext(self.message, **dict(self.params))

    def __format__(self, spec: str) -> str:
        return format(self.localize(_text(ENGLISH)), spec)

    def __str__(self) -> str:
        return self.localize(_text(ENGLISH))


@dataclass(frozen=True, slots=True)
class Phrases:
    """Phrases joined with commas, each in the message's language."""

    items: tuple[Phrase, ...]

    def __inert__(self) -> Phrases:
        return Phrases(tuple(p.__inert__() for p in self.items))

    def localize(self, text: Text) -> str:
        return ", ".join(p.localize(text) for p in self.items)

    def __format__(self, spec: str) -> str:
        return format(self.localize(_text(ENGLISH)), spec)


def any_of(items: Iterable[str]) -> Listing:
    return Listing(tuple(items), "or")


def all_of(items: Iterable[str]) -> Listing:
    return Listing(tuple(items), "standard")


def placeholders(message: str) -> set[str]:
    """The `{name}` placeholders of a message (what every translation of it must keep)."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}


# --- extraction (babel.cfg) ------------------------------------------------------------------

# Calls whose first argument is a message besides gettext's own: a user error's English
# sentence is its message id. The subclasses raised with a sentence are listed; one that
# builds its own sentence marks it with N_ where it passes it up.
ERROR_KEYWORDS = (
    "UserError",
    "EditError",
    "ValidationError",
    "DateError",
    "CatalogError",
    "EventsError",
    "SyncError",
)


def extract(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: dict[str, Any]
) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel extraction method for our Python: gettext calls, N_ marks and `UserError("…")`."""
    from babel.messages.extract import extract_python

    wanted: dict[str, Any] = dict.fromkeys([*keywords, *ERROR_KEYWORDS])  # only the names are read
    found = cast(Iterator[Any], extract_python(fileobj, wanted, comment_tags, cast(Any, options)))
    for line, funcname, messages, comments in found:
        yield line, "gettext" if funcname in ERROR_KEYWORDS else funcname, messages, comments


@runtime_checkable
class Localized(Protocol):
    """A parameter that takes the reader's language itself (a list, a title, a described item)."""

    def localize(self, text: Text) -> str: ...


@cache
def _translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of a language: its messages.mo, which `pybabel compile` writes."""
    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if lang == ENGLISH:
        return _gettext.NullTranslations()
    if not path.exists():
        log.warning("no compiled catalog for %r (%s): answering in English", lang, path.name)
        return _gettext.NullTranslations()
    with path.open("rb") as f:
        return _gettext.GNUTranslations(f)


class Text:
    """Messages, dates and lists in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.english = lang == ENGLISH
        self.babel_locale = lang.replace("-", "_")  # Babel's spelling: "pt_BR" for Discord's "pt-BR"
        self._catalog = _translations(lang)

    # --- messages ------------------------------------------------------------------------
    def gettext(self, message: str, /, **params: object) -> str:
        """The message in this language, its placeholders filled."""
        text = message if self.english else self._catalog.gettext(message)
        return self._fill(text, message, params)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """The singular or plural message for `n`, in this language's plural rules."""
        english = singular if n == 1 else plural
        return self._fill(self._catalog.ngettext(singular, plural, n), english, params)

    def pgettext(self, context: str, message: str, /, **params: object) -> str:
        """A message that means something else in another context (command names, …)."""
        return self._fill(self._catalog.pgettext(context, message), message, params)

    def translated(self, message: str, context: str | None = None) -> str | None:
        """The translation of `message`, or None where this language has none."""
        if self.english:
            return None
        found = (
            self._catalog.gettext(message) if context is None else self._catalog.pgettext(context, message)
        )
        return found if found != message else None

    def error(self, error: UserError) -> str:
        """A user error's sentence in this language (its English sentence where none is translated)."""
        if self.english or self.translated(error.message) is None:
            return str(error)
        return self.gettext(error.message, **error.params)

    def _value(self, value: object) -> object:
        kind = type(value)
        if kind is str or kind is int or kind is float:  # most parameters: nothing to translate
            return value
        # isinstance(value, Localized) without typing's protocol check, ~10 µs a call (it walks
        # the protocol's attributes each time): a Localized's class has a localize method
        if getattr(kind, "localize", None) is not None:
            return cast(Localized, value).localize(self)
        if isinstance(value, UserError):  # a refusal quoted in another ("Nothing imported: …")
            return self.error(value)
        return value

    def _fill(self, text: str, english: str, params: Mapping[str, object]) -> str:
        if not params:
            return text
        values = {k: self._value(v) for k, v in params.items()}
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            # A broken translation must not cost the answer: the test suite catches these.
            log.exception("bad placeholders in the %s translation of %r", self.lang, english)
            return english.format(**values)

    # --- dates ---------------------------------------------------------------------------
    def date(self, d: PartialDate) -> str:
        """A date at its precision: "Q4 2023" / "2023년 4분기"; an exact time in UTC."""
        if self.english:
            return d.human()
        if d.precision is Precision.UNKNOWN or d.year is None:
            return self.gettext("unknown")
        # Babel is imported here and below, never for English (see _SKELETONS)
        from babel.dates import format_datetime, format_skeleton

        if d.precision is Precision.EXACT:
            assert d.at is not None
            text = format_skeleton("yMMMMd", d.at, locale=self.babel_locale)
            text += " " + format_datetime(d.at, "HH:mm", tzinfo=d.at.tzinfo, locale=self.babel_locale)
            return text + " UTC"
        first = date(d.year, d.month or (3 * (d.quarter or 1) - 2), d.day or 1)
        return format_skeleton(_SKELETONS[d.precision], first, locale=self.babel_locale)

    def day(self, d: date) -> str:
        """A day in short form, for "as of": "25 Nov 2026" / "2026년 11월 25일"."""
        if self.english:
            return f"{d.day} {d.strftime('%b %Y')}"
        from babel.dates import format_skeleton

        return format_skeleton("yMMMd", d, locale=self.babel_locale)

    def long_day(self, d: date) -> str:
        """A day in full: "6 October 2023" / "2023년 10월 6일"."""
        return self.date(PartialDate.from_day(d))

    def moment(self, at: datetime) -> str:
        """A UTC time with its weekday: "Friday, 6 October 2023 08:00 UTC"."""
        if self.english:
            return f"{at.strftime('%A')}, {at.day} {at.strftime('%B %Y %H:%M')} UTC"
        from babel.dates import format_date, format_datetime

        return (
            format_date(at, "full", locale=self.babel_locale)
            + " "
            + format_datetime(at, "HH:mm", tzinfo=at.tzinfo, locale=self.babel_locale)
            + " UTC"
        )

    def relative(self, delta: timedelta) -> str:
        """How far a moment is from now: "in 3 days" / "3일 후"."""
        from babel.dates import format_timedelta

        return format_timedelta(delta, add_direction=True, locale=self.babel_locale)


def text(locale: object = ENGLISH) -> Text:
    """Messages, dates and lists for a Discord locale (English when unsupported)."""
    return _text(resolve(locale))


@cache
def _text(lang: str) -> Text:
    return Text(lang)
