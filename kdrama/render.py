"""What every reply is made of: a `Reply`, catalog text made inert, links, sources, dates,
Discord's limits; and a reply as text.

One renderer for both: the cogs send a `Reply`; `bot.py ask` prints `to_text(reply)`.
Text from the catalog is data: it is escaped so it can never ping, link or format.
The lookup replies a fan reads are in lookup_render; a season's release in words, in season_words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import discord
from discord.utils import escape_markdown, escape_mentions, format_dt

from kdrama import i18n
from kdrama.dates import PartialDate, Precision
from kdrama.i18n import ENGLISH, N_, Text
from kdrama.models import ReleaseDate, Status
from kdrama.validate import ValidationError, https_url

COLOUR = discord.Colour(0xE50914)
# TMDB's watch providers are JustWatch's data, to be credited to JustWatch wherever shown.
JUSTWATCH = i18n.N_("Where-to-watch data from TMDB comes from JustWatch.")
EN = i18n.text(ENGLISH)

# Discord's limits (DISCORD_FACTS.md)
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
CONTENT_MAX = 2000


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(slots=True)
class Reply:
    """One message as Discord would show it."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    ephemeral: bool = False
    links: list[Link] = field(default_factory=list)
    page: int = 0
    pages: int = 1
    page_key: str | None = None  # "kind:ids": what a page button carries to show another page
    page_labels: tuple[str, str] = ("◀ Previous", "Next ▶")
    follow_show_id: int | None = None  # a "Notify me" button that follows this show by DM
    follow_label: str = "Notify me"  # its label, in the asker's language


# --- small pieces --------------------------------------------------------------------------


# What discord.py's escape_markdown or escape_mentions could change: a markdown character
# anywhere, a link's "[", an "@", or a quote, heading or list mark opening a line. Text
# without any (most names and titles) is returned as it is, without running their regexes.
_MARKUP = re.compile(r"[_\\~|*`@\[]|^\s*[->#]", re.MULTILINE)


def safe(text: str | None) -> str:
    """Catalog text as inert data: no control characters, markdown or mentions."""
    if not text:
        return ""
    # isprintable() is False for every control, format, private or unassigned character (and
    # for separators and newlines, which then take the careful path): one C loop for most text.
    if not text.isprintable():
        text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    if _MARKUP.search(text) is None:
        return text
    return escape_mentions(escape_markdown(text))


# A stored link that fails today's checks (a row written before they existed) is not shown.
LINK_WITHHELD = N_("(link not shown: not a valid web address)")


def sound_link(url: str | None) -> str | None:
    """A stored link if it passes the link checks now (re-assembled as they store it), else None.

    A stored link is in the form the checks produce, which they recognise in one match
    (0.5 µs: validate.https_url), so nothing is kept.
    """
    if not url:
        return None
    try:
        return https_url(url, field="link")
    except ValidationError:
        return None


def shown_link(url: str | None, t: Text = EN) -> str:
    """A link as text: <https://…> (a link, no preview that could pass for ours), or a notice."""
    checked = sound_link(url)
    return f"<{checked}>" if checked else t.gettext(LINK_WITHHELD)


def shown_source(source: str, t: Text = EN) -> str:
    """A source: its link in angle brackets, or the citation as inert text."""
    if "://" in source:
        return shown_link(source, t)
    return safe(source)


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def when(d: PartialDate, t: Text = EN) -> str:
    """A date at its precision; an exact time as Discord timestamps each reader sees locally."""
    if d.precision is Precision.EXACT and d.at is not None:
        return f"{format_dt(d.at, 'F')} ({format_dt(d.at, 'R')})"
    return t.date(d)


def on_or_in(d: PartialDate, t: Text = EN) -> str:
    if d.firm:
        return t.gettext("on {date}", date=when(d, t))
    return t.gettext("in {date}", date=when(d, t))


def day(d: date | None, t: Text = EN) -> str:
    return t.day(d) if d else t.gettext("an unknown date")


TMDB_SITE = "https://www.themoviedb.org/"


def tmdb_listed(release: ReleaseDate) -> bool:
    """A date only TMDB gives (community-edited): shown "as listed on TMDB", never as official."""
    return not release.official and (release.source or "").startswith(TMDB_SITE)


def cited(source: str, t: Text = EN) -> str:
    """A source in running text: TMDB's named as community-edited; a link only if it passes the checks."""
    if source.startswith(TMDB_SITE):
        return t.gettext("TMDB (community-edited), {source}", source=shown_source(source, t))
    return shown_source(source, t)


def status_label(status: Status, t: Text = EN) -> str:
    """The name of an official status ("Renewed"), in the reader's language."""
    return t.gettext(status.label)


def show_name(title: str, korean: str | None, t: Text = EN) -> str:
    """A show named in running text: its Korean title first for Korean readers (escaped)."""
    if korean and korean != title and t.lang == "ko":
        return f"{safe(korean)} ({safe(title)})"
    return safe(title)


def error_reply(message: str) -> Reply:
    """A private one-sentence answer to a question we can't answer as asked."""
    return Reply(content=cut(message, CONTENT_MAX), ephemeral=True)


def page_labels(t: Text = EN) -> tuple[str, str]:
    """The labels of the previous and next page buttons."""
    return (t.gettext("◀ Previous"), t.gettext("Next ▶"))


# --- limits --------------------------------------------------------------------------------


def fit(embed: discord.Embed) -> discord.Embed:
    """Cut an embed to Discord's limits, whatever the catalog holds."""
    if embed.title:
        embed.title = cut(embed.title, TITLE_MAX)
    if embed.description:
        embed.description = cut(embed.description, DESCRIPTION_MAX)
    fields = embed.fields[:FIELDS_MAX]
    embed.clear_fields()
    for f in fields:
        embed.add_field(
            name=cut(f.name or "\u200b", FIELD_NAME_MAX),
            value=cut(f.value or "\u200b", FIELD_VALUE_MAX),
            inline=bool(f.inline),
        )
    if embed.footer.text:
        embed.set_footer(text=cut(embed.footer.text, FOOTER_MAX), icon_url=embed.footer.icon_url)
    while len(embed) > EMBED_TOTAL_MAX:
        over = len(embed) - EMBED_TOTAL_MAX
        if embed.description and len(embed.description) > over + 100:
            embed.description = cut(embed.description, len(embed.description) - over)
        elif embed.fields:
            embed.remove_field(len(embed.fields) - 1)
        elif embed.description:
            embed.description = cut(embed.description, max(1, len(embed.description) - over))
        else:
            break
    return embed


# --- as text -------------------------------------------------------------------------------

_TIMESTAMP = re.compile(r"<t:(-?\d+):([tTdDfFR])>")
_ESCAPE = re.compile(r"\\([*_~`|>\\\[\]()#-])")


def _relative(moment: datetime, now: datetime) -> str:
    seconds = (moment - now).total_seconds()
    span = abs(seconds)
    for unit, size in (
        ("year", 31_557_600),
        ("month", 2_629_800),
        ("day", 86_400),
        ("hour", 3_600),
        ("minute", 60),
    ):
        if span >= size:
            n = int(span // size)
            text = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {text}" if seconds > 0 else f"{text} ago"
    return "now"


def plain(text: str, now: datetime | None = None, t: Text = EN) -> str:
    """Discord markup as a reader sees it: timestamps in UTC, no escapes, no bold markers."""
    now = now or datetime.now(UTC)

    def stamp(m: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(m[1]), UTC)
        if not t.english:  # Discord shows timestamps in each reader's language; so does Babel
            if m[2] == "R":
                return t.relative(moment - now)
            if m[2] in "dD":
                return t.long_day(moment.date())
            return t.moment(moment)
        if m[2] == "R":
            return _relative(moment, now)
        if m[2] in "dD":
            return f"{moment.day} {moment.strftime('%B %Y')}"
        return f"{moment.strftime('%A')}, {moment.day} {moment.strftime('%B %Y %H:%M')} UTC"

    text = _TIMESTAMP.sub(stamp, text)
    text = text.replace("**", "")
    text = _ESCAPE.sub(r"\1", text)
    return text.replace("@\u200b", "@")


def to_text(reply: Reply, now: datetime | None = None, locale: str = ENGLISH) -> str:
    """The reply as plain text, as `bot.py ask` prints it."""
    t = i18n.text(locale)
    out: list[str] = []
    if reply.ephemeral:
        out.append(t.gettext("(only you can see this)"))
    if reply.content:
        out.append(plain(reply.content, now, t))
    for e in reply.embeds:
        if e.title:
            out.append(plain(e.title, now, t))
            out.append("=" * min(len(plain(e.title, now, t)), 60))
        if e.description:
            out.append(plain(e.description, now, t))
        for f in e.fields:
            out.append("")
            out.append(f"{plain(f.name or '', now, t)}:")
            out.append(plain(f.value or "", now, t))
        if e.footer.text:
            out.append("")
            out.append(plain(e.footer.text, now, t))
    for link in reply.links:
        out.append(f"[{link.label}] {link.url}")
    if reply.pages > 1:
        out.append(
            t.gettext(
                "(page {page} of {pages}: more with the buttons)", page=reply.page + 1, pages=reply.pages
            )
        )
    return "\n".join(out)
