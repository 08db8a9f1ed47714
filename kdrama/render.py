"""Answers into what Discord shows: embeds, content and link buttons, and the same as text.

One renderer for both: the cogs send a `Reply`; `bot.py ask` prints `to_text(reply)`.
Text from the catalog is data: it is escaped so it can never ping, link or format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import discord
from discord.utils import escape_markdown, escape_mentions, format_dt

from kdrama import i18n
from kdrama.dates import PartialDate, Precision
from kdrama.i18n import ENGLISH, N_, Text
from kdrama.lookup import (
    CastAnswer,
    Overview,
    ReleaseAnswer,
    SearchAnswer,
    TrailerAnswer,
    UpcomingAnswer,
)
from kdrama.models import Credit, ReleaseDate, Season, ShowRef, Status
from kdrama.validate import ValidationError, https_url

COLOUR = discord.Colour(0xE50914)
ERROR_COLOUR = discord.Colour(0x99AAB5)
CAST_PAGE_SIZE = 12
FOOTER_OFFICIAL = i18n.N_("Official: confirmed by the network or studio. Expected: reported, not confirmed.")
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


def source_line(source: str | None, as_of: PartialDate | None, t: Text = EN) -> str:
    parts = []
    if source and source.startswith(TMDB_SITE):
        parts.append(t.gettext("Source: TMDB (community-edited), {source}", source=shown_source(source, t)))
    elif source:
        parts.append(t.gettext("Source: {source}", source=shown_source(source, t)))
    if as_of:
        parts.append(t.gettext("as of {day}", day=as_of_words(as_of, t)))
    return " · ".join(parts)


def cited(source: str, t: Text = EN) -> str:
    """A source in running text: TMDB's named as community-edited; a link only if it passes the checks."""
    if source.startswith(TMDB_SITE):
        return t.gettext("TMDB (community-edited), {source}", source=shown_source(source, t))
    return shown_source(source, t)


def status_label(status: Status, t: Text = EN) -> str:
    """The name of an official status ("Renewed"), in the reader's language."""
    return t.gettext(status.label)


def season_label(season: Season, locale: str = ENGLISH, now: datetime | None = None) -> str:
    """Short label of a season for lists and autocomplete: "Season 2 · Renewed · expected 2024"."""
    t = i18n.text(locale)
    parts = [t.gettext("Season {number}", number=season.number), status_label(season.status.value, t)]
    r = season.release
    if r.date.known and season.status.value is Status.CANCELLED:
        # The date it had no longer stands: never "due" next to "Cancelled".
        if r.official:
            parts.append(t.gettext("was due {date}", date=t.date(r.date)))
        else:
            parts.append(t.gettext("was expected {date}", date=t.date(r.date)))
    elif r.date.known and not season.status.value.out:
        if r.official:
            label = t.gettext("due {date}", date=t.date(r.date))
        else:
            label = t.gettext("expected {date}", date=t.date(r.date))
        # A date that came and went without a release (official ones too: the clock moves
        # only exact official times) says so, as /release and /upcoming do.
        if r.date.has_passed(now or datetime.now(UTC)):
            label += t.gettext(", not released")
        parts.append(label)
    elif r.date.known:
        parts.append(t.date(r.date))
    return " · ".join(parts)


def season_summary(season: Season, now: datetime, t: Text = EN) -> str:
    """One line per season for overviews: status, date, official or expected."""
    r = season.release
    text = t.gettext(
        "**Season {number}**: {status}", number=season.number, status=status_label(season.status.value, t)
    )
    if r.date.known and season.status.value is Status.CANCELLED:
        text += " · " + _cancelled_date(season, t)
    elif r.date.known:
        if r.official:
            text += " · " + t.gettext("{date} (official)", date=when(r.date, t))
        elif tmdb_listed(r):
            text += " · " + t.gettext("{date} (as listed on TMDB, not official)", date=when(r.date, t))
        else:
            text += " · " + t.gettext("{date} (expected, not official)", date=when(r.date, t))
        if not season.status.value.out and r.date.has_passed(now):
            # An official day stays "scheduled" after it passes until a curator acts: never
            # let it read as still ahead (/release says "officially due …, but it is not out yet").
            if r.official:
                text += t.gettext(", passed without a release")
            else:
                text += t.gettext(", not released")
    if season.episodes:
        text += " · " + t.gettext("{count} episodes", count=season.episodes)
    if notes := report_notes(season, now, t):
        text += f" · {notes}"
    return text


def _cancelled_date(season: Season, t: Text) -> str:
    """The date a cancelled season had, for one line of /show: what it was, and that it no longer stands."""
    r = season.release
    if r.official:
        return t.gettext("was officially due {when}; that date no longer stands", when=on_or_in(r.date, t))
    if tmdb_listed(r):
        return t.gettext("was listed on TMDB for {date}; that date no longer stands", date=when(r.date, t))
    return t.gettext(
        "was expected {when} (not official); that date no longer stands", when=on_or_in(r.date, t)
    )


def _cancelled_sentence(season: Season, t: Text) -> str:
    """ "Season 2 was cancelled", with the date it had, which no longer stands."""
    n, r = season.number, season.release
    if not r.date.known:
        return t.gettext("Season {number} was cancelled.", number=n)
    if r.official:
        return t.gettext(
            "Season {number} was cancelled; it was officially due {when}, and that date no longer stands.",
            number=n,
            when=on_or_in(r.date, t),
        )
    if tmdb_listed(r):
        return t.gettext(
            "Season {number} was cancelled; TMDB listed it for {date}, and that date no longer stands.",
            number=n,
            date=when(r.date, t),
        )
    return t.gettext(
        "Season {number} was cancelled; reports expected it {when} (not official), "
        "and that date no longer stands.",
        number=n,
        when=on_or_in(r.date, t),
    )


def _cancelled_date_field(r: ReleaseDate, t: Text) -> str:
    """The Release date field of a cancelled season: the date it had no longer stands."""
    if not r.date.known:
        return t.gettext("None: the season was cancelled.")
    if r.official:
        return t.gettext(
            "Was officially due {when}; no longer stands, as the season was cancelled.",
            when=on_or_in(r.date, t),
        )
    if tmdb_listed(r):
        return t.gettext(
            "Was listed on TMDB for {date} (not official); no longer stands, as the season was cancelled.",
            date=when(r.date, t),
        )
    return t.gettext(
        "Was expected {when} (reported, not official); no longer stands, as the season was cancelled.",
        when=on_or_in(r.date, t),
    )


def release_sentence(season: Season, now: datetime, t: Text = EN) -> str:
    """The answer to "when does it come out?", in one honest sentence."""
    n, status, r = season.number, season.status.value, season.release
    d = r.date
    if status is Status.CANCELLED:
        return _cancelled_sentence(season, t)
    if status is Status.RELEASED:
        if d.known and r.official:
            return t.gettext("Season {number} was released {when}.", number=n, when=on_or_in(d, t))
        return t.gettext("Season {number} has been released.", number=n)
    if status is Status.AIRING:
        if d.known and r.official:
            return t.gettext("Season {number} is airing; it premiered {when}.", number=n, when=on_or_in(d, t))
        return t.gettext("Season {number} is airing.", number=n)
    if d.known and r.official:
        if d.has_passed(now):
            return t.gettext(
                "Season {number} was officially due {when}, but it is not out yet.",
                number=n,
                when=on_or_in(d, t),
            )
        return t.gettext("Season {number} comes out {when}.", number=n, when=on_or_in(d, t))
    lead = {
        Status.UNCONFIRMED: t.gettext("There is no official word on season {number} yet", number=n),
        Status.RENEWED: t.gettext("Season {number} is officially renewed", number=n),
        Status.FILMING: t.gettext("Season {number} is filming", number=n),
        Status.POST_PRODUCTION: t.gettext("Season {number} is in post-production", number=n),
        Status.SCHEDULED: t.gettext("Season {number} is scheduled", number=n),
    }[status]
    if d.known and tmdb_listed(r):
        if d.has_passed(now):
            return t.gettext(
                "{lead}; TMDB listed it for {date}, which has passed without a release.",
                lead=lead,
                date=when(d, t),
            )
        return t.gettext(
            "{lead}, and there is no official release date; as listed on TMDB, it comes out {when}.",
            lead=lead,
            when=on_or_in(d, t),
        )
    if d.known:
        if d.has_passed(now):
            return t.gettext(
                "{lead}, and there is no official release date; reports expected it "
                "{when}, which has passed without a release.",
                lead=lead,
                when=on_or_in(d, t),
            )
        return t.gettext(
            "{lead}, and there is no official release date; reports expect it {when}.",
            lead=lead,
            when=on_or_in(d, t),
        )
    return t.gettext("{lead}, and no release date has been announced.", lead=lead)


# --- how old a report is -------------------------------------------------------------------
# An answer built on a report more than a year old says how old it is. Official facts that
# do not move (a season released in 2022) need no warning; the status and date of a season
# still to come do.

OLD_REPORT = timedelta(days=365)
_OFFICIALLY = {
    Status.RENEWED: N_("Officially renewed"),
    Status.FILMING: N_("Officially filming"),
    Status.POST_PRODUCTION: N_("Officially in post-production"),
    Status.SCHEDULED: N_("Officially scheduled"),
}


def as_of_words(as_of: PartialDate, t: Text = EN) -> str:
    """When a source said it, at its precision: "23 Jul 2025", "January 2024", "2022"."""
    if as_of.precision is Precision.DAY and as_of.year and as_of.month and as_of.day:
        return day(date(as_of.year, as_of.month, as_of.day), t)
    return t.date(as_of)


def is_old(as_of: PartialDate | None, now: datetime) -> bool:
    """Said more than a year before `now`, even on the last day its precision allows."""
    span = as_of.span() if as_of else None
    return span is not None and now - span[1] > OLD_REPORT


def said(official: bool, as_of: PartialDate, t: Text = EN) -> str:
    """ "reported in 2022", "announced on 23 Jul 2025"."""
    words = as_of_words(as_of, t)
    if official:
        if as_of.firm:
            return t.gettext("announced on {date}", date=words)
        return t.gettext("announced in {date}", date=words)
    if as_of.firm:
        return t.gettext("reported on {date}", date=words)
    return t.gettext("reported in {date}", date=words)


def _and(items: list[str], t: Text) -> str:
    """ "A and B and C" in English (as before translations); the language's own list elsewhere."""
    return " and ".join(items) if t.english else i18n.all_of(items).localize(t)


def _moves(season: Season) -> bool:
    """A season still to come: its status and date can change."""
    return season.status.value.to_come


def _passed_dates(season: Season, now: datetime) -> list[ReleaseDate]:
    """Earlier dates of a season still to come that passed without a release."""
    if not _moves(season):
        return []
    return [r for r in season.release.history if r.date.known and r.date.has_passed(now)]


def _earlier(r: ReleaseDate, t: Text = EN) -> str:
    """ "in 2023 (reported in 2022)"."""
    if r.as_of is None:
        return on_or_in(r.date, t)
    return t.gettext("{when} ({said})", when=on_or_in(r.date, t), said=said(r.official, r.as_of, t))


def report_ages(season: Season, now: datetime, t: Text = EN) -> list[str]:
    """Sentences saying since when the status holds, and how old the reports behind it are."""
    if not _moves(season):
        return []
    out: list[str] = []
    st, r = season.status, season.release
    if st.as_of and st.value in _OFFICIALLY:
        status = t.gettext(_OFFICIALLY[st.value])
        if is_old(st.as_of, now):
            out.append(
                t.gettext(
                    "{status} since {date}; that was over a year ago, so it may be out of date.",
                    status=status,
                    date=as_of_words(st.as_of, t),
                )
            )
        else:
            out.append(t.gettext("{status} since {date}.", status=status, date=as_of_words(st.as_of, t)))
    elif st.as_of and is_old(st.as_of, now):
        out.append(
            t.gettext(
                "No official word as of {date}, over a year ago; it may be out of date.",
                date=as_of_words(st.as_of, t),
            )
        )
    if r.date.known and r.as_of and is_old(r.as_of, now) and not r.date.has_passed(now):
        out.append(
            t.gettext("That date was {said}; it may be out of date.", said=said(r.official, r.as_of, t))
        )
    passed = _passed_dates(season, now)
    if passed:
        dates = _and([_earlier(p, t) for p in passed], t)
        if not any(p.official for p in passed):
            if len(passed) == 1:
                out.append(t.gettext("It was expected {dates}; it passed without a release.", dates=dates))
            elif len(passed) == 2:
                out.append(t.gettext("It was expected {dates}; both passed without a release.", dates=dates))
            else:
                out.append(t.gettext("It was expected {dates}; all passed without a release.", dates=dates))
        elif len(passed) == 1:
            out.append(t.gettext("Earlier dates: {dates}; it passed without a release.", dates=dates))
        elif len(passed) == 2:
            out.append(t.gettext("Earlier dates: {dates}; both passed without a release.", dates=dates))
        else:
            out.append(t.gettext("Earlier dates: {dates}; all passed without a release.", dates=dates))
    return out


def report_notes(season: Season, now: datetime, t: Text = EN) -> str:
    """The same, short, for one line of /show or /upcoming ("" when nothing is old or passed)."""
    if not _moves(season):
        return ""
    parts: list[str] = []
    st, r = season.status, season.release
    if st.as_of and is_old(st.as_of, now):
        parts.append(t.gettext("status as of {date}, may be out of date", date=as_of_words(st.as_of, t)))
    if r.date.known and r.as_of and is_old(r.as_of, now) and not r.date.has_passed(now):
        parts.append(t.gettext("{said}, may be out of date", said=said(r.official, r.as_of, t)))
    passed = _passed_dates(season, now)
    if passed:
        parts.append(
            t.gettext("expected {dates}, not released", dates=_and([_earlier(p, t) for p in passed], t))
        )
    return "; ".join(parts)


def history_lines(season: Season, now: datetime, t: Text = EN) -> list[str]:
    """The earlier dates behind a release-date field, each with its source and age."""
    lines = []
    for r in season.release.history:
        date_ = when(r.date, t)
        if r.as_of:
            said_ = said(r.official, r.as_of, t)
            if r.official:
                line = t.gettext("Earlier: {date} (official, {said})", date=date_, said=said_)
            else:
                line = t.gettext("Earlier: {date} (expected, {said})", date=date_, said=said_)
        elif r.official:
            line = t.gettext("Earlier: {date} (official)", date=date_)
        else:
            line = t.gettext("Earlier: {date} (expected)", date=date_)
        if _moves(season) and r.date.has_passed(now):
            line += t.gettext(", passed without a release")
        if r.source:
            line += t.gettext(". Source: {source}", source=shown_source(r.source, t))
        lines.append(line)
    return lines


def _title(show_title: str, korean: str | None = None, season: int | None = None, t: Text = EN) -> str:
    """The show's title in the reader's script first: "지금 우리 학교는 (All of Us Are Dead)" for ko."""
    if korean and korean != show_title and t.lang == "ko":
        text = f"{safe(korean)} ({safe(show_title)})"
    else:
        text = safe(show_title)
        if korean:
            text += f" ({safe(korean)})"
    if season is not None:
        text += " · " + t.gettext("Season {number}", number=season)
    return cut(text, TITLE_MAX)


def show_name(title: str, korean: str | None, t: Text = EN) -> str:
    """A show named in running text: its Korean title first for Korean readers (escaped)."""
    if korean and korean != title and t.lang == "ko":
        return f"{safe(korean)} ({safe(title)})"
    return safe(title)


def _korean_first(ref: ShowRef, t: Text) -> str | None:
    """The Korean title where a Korean reader's list already shows it first."""
    return ref.korean_title if t.lang == "ko" else None


def _links(
    show_platform: str | None, platform_url: str | None, trailer_url: str | None, t: Text = EN
) -> list[Link]:
    links = []
    if trailer := sound_link(trailer_url):
        links.append(Link(t.gettext("Trailer"), trailer))
    if platform := sound_link(platform_url):
        label = (
            t.gettext("Watch on {platform}", platform=show_platform)
            if show_platform
            else t.gettext("Where to watch")
        )
        links.append(Link(cut(label, 80), platform))
    return links


# --- replies -------------------------------------------------------------------------------


def error_reply(message: str) -> Reply:
    """A private one-sentence answer to a question we can't answer as asked."""
    return Reply(content=cut(message, CONTENT_MAX), ephemeral=True)


def release_reply(a: ReleaseAnswer, locale: str = ENGLISH) -> Reply:
    t = i18n.text(locale)
    s = a.season
    description = " ".join([release_sentence(s, a.now, t), *report_ages(s, a.now, t)])
    embed = discord.Embed(
        title=_title(a.show.title, a.show.korean_title if t.lang == "ko" else None, s.number, t),
        colour=COLOUR,
        description=description,
    )
    st = s.status
    status_text = status_label(st.value, t)
    if st.note:
        status_text += f"\n{safe(st.note)}"
    if line := source_line(st.source, st.as_of, t):
        status_text += f"\n{line}"
    embed.add_field(name=t.gettext("Status (official)"), value=status_text, inline=False)
    r = s.release
    if st.value is Status.CANCELLED:
        date_text = _cancelled_date_field(r, t)
    elif r.date.known:
        if r.official:
            date_text = t.gettext("{date} (official)", date=when(r.date, t))
        elif tmdb_listed(r):
            date_text = t.gettext("{date} (as listed on TMDB, not official)", date=when(r.date, t))
        else:
            date_text = t.gettext("{date} (expected: reported, not official)", date=when(r.date, t))
        if not r.official and not st.value.out and r.date.has_passed(a.now):
            date_text += "\n" + t.gettext("That date has passed without a release.")
    else:
        date_text = t.gettext("Not announced")
    if r.note:
        date_text += f"\n{safe(r.note)}"
    if line := source_line(r.source, r.as_of, t):
        date_text += f"\n{line}"
    for line in history_lines(s, a.now, t):
        date_text += f"\n{line}"
    embed.add_field(name=t.gettext("Release date"), value=date_text, inline=False)
    if s.episodes:
        embed.add_field(name=t.gettext("Episodes"), value=str(s.episodes), inline=True)
    if a.show.poster_url:
        embed.set_thumbnail(url=a.show.poster_url)
    if s.notes:
        embed.add_field(name=t.gettext("Notes"), value=safe(s.notes), inline=False)
    others = [x for x in a.seasons if x.number != s.number]
    if others:
        embed.add_field(
            name=t.gettext("Other seasons"),
            value="\n".join(season_summary(x, a.now, t) for x in others),
            inline=False,
        )
    links = _links(a.show.platform, a.show.platform_url, None, t)
    footer = t.gettext(FOOTER_OFFICIAL)
    if a.platform_from_justwatch and links:
        footer += " " + t.gettext(JUSTWATCH)  # the Watch button names JustWatch's platform
    embed.set_footer(text=footer)
    return Reply(
        embeds=[fit(embed)],
        links=links,
        follow_show_id=a.show.id,
        follow_label=t.gettext("Notify me"),
    )


def overview_reply(a: Overview, now: datetime, locale: str = ENGLISH) -> Reply:
    t = i18n.text(locale)
    show = a.show
    embed = discord.Embed(
        title=_title(show.title, show.korean_title, t=t),
        colour=COLOUR,
        description=safe(show.synopsis) or t.gettext("No synopsis yet."),
    )
    titles = [x for x in (show.romanized_title, *show.aliases) if x]
    if titles:
        embed.add_field(name=t.gettext("Also known as"), value=safe(", ".join(titles)), inline=False)
    if show.platform:
        platform = safe(show.platform)
        if a.platform_from_justwatch:
            platform = t.gettext("{platform} (where-to-watch data: JustWatch)", platform=platform)
        embed.add_field(name=t.gettext("Platform"), value=platform, inline=True)
    if show.genres:
        embed.add_field(name=t.gettext("Genres"), value=safe(", ".join(show.genres)), inline=True)
    seasons = "\n".join(season_summary(s, now, t) for s in a.seasons) or t.gettext(
        "No seasons in the catalog yet."
    )
    embed.add_field(name=t.gettext("Seasons"), value=seasons, inline=False)
    if show.similar:
        embed.add_field(
            name=t.gettext("Similar shows"),
            value=", ".join(show_name(x.title, x.korean_title, t) for x in show.similar),
            inline=False,
        )
    if show.poster_url:
        embed.set_thumbnail(url=show.poster_url)
    embed.set_footer(text=t.gettext(FOOTER_OFFICIAL))
    return Reply(
        embeds=[fit(embed)],
        links=_links(show.platform, show.platform_url, a.trailer.url if a.trailer else None, t),
        follow_show_id=show.id,
        follow_label=t.gettext("Notify me"),
    )


def credit_line(c: Credit, t: Text = EN) -> str:
    name = f"**{safe(c.actor)}**" + (f" ({safe(c.korean_name)})" if c.korean_name else "")
    text = (
        t.gettext("{actor} as {character}", actor=name, character=safe(c.character)) if c.character else name
    )
    if not c.official:
        if c.source:
            text += " " + t.gettext("(expected, not official; {source})", source=cited(c.source, t))
        else:
            text += " " + t.gettext("(expected, not official)")
    return text


def cast_reply(a: CastAnswer, page: int = 0, locale: str = ENGLISH) -> Reply:
    t = i18n.text(locale)
    pages = max(1, -(-len(a.credits) // CAST_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = a.credits[page * CAST_PAGE_SIZE : (page + 1) * CAST_PAGE_SIZE]
    if chunk:
        description = "\n".join(credit_line(c, t) for c in chunk)
    else:
        description = t.gettext("No cast announced for season {number} yet.", number=a.season_number)
    korean = a.show.korean_title if t.lang == "ko" else None
    embed = discord.Embed(
        title=_title(a.show.title, korean, a.season_number, t) + " · " + t.gettext("Cast"),
        colour=COLOUR,
        description=description,
    )
    footer = t.gettext(FOOTER_OFFICIAL)
    if pages > 1:
        footer = t.gettext(
            "Page {page} of {pages} · {count} people. {footer}",
            page=page + 1,
            pages=pages,
            count=len(a.credits),
            footer=footer,
        )
    embed.set_footer(text=footer)
    return Reply(
        embeds=[fit(embed)],
        page=page,
        pages=pages,
        page_key=f"cast:{a.show.id}:{a.season_number or 0}",
        page_labels=page_labels(t),
    )


TRAILER_KINDS = (i18n.N_("trailer"), i18n.N_("teaser"))  # Trailer.kind, as a reader sees it


def page_labels(t: Text = EN) -> tuple[str, str]:
    """The labels of the previous and next page buttons."""
    return (t.gettext("◀ Previous"), t.gettext("Next ▶"))


def trailer_reply(a: TrailerAnswer, locale: str = ENGLISH) -> Reply:
    t = i18n.text(locale)
    show = show_name(a.show.title, a.show.korean_title, t)
    trailer = a.trailer
    if trailer is None:
        if a.asked is None:
            return Reply(
                content=t.gettext("No trailer for {show} yet.", show=show),
                follow_show_id=a.show.id,
                follow_label=t.gettext("Notify me"),
            )
        return Reply(
            content=t.gettext(
                "No trailer for {show} season {number} yet, nor for an earlier season.",
                show=show,
                number=a.asked,
            ),
            follow_show_id=a.show.id,
            follow_label=t.gettext("Notify me"),
        )
    kind = t.gettext(trailer.kind) if trailer.kind in TRAILER_KINDS else safe(trailer.kind)
    if trailer.title:
        name = safe(trailer.title)
    else:
        name = t.gettext("{show} season {number} {kind}", show=show, number=a.season_number, kind=kind)
    if a.asked is not None and a.season_number != a.asked:
        head = t.gettext(
            "No trailer for {show} season {asked} yet. Here is season {number}'s: {name}",
            show=show,
            asked=a.asked,
            number=a.season_number,
            name=name,
        )
    else:
        head = t.gettext(
            "{show} season {number} {kind}: {name}", show=show, number=a.season_number, kind=kind, name=name
        )
    # The bare URL in the content is what makes Discord show the player: only for a link that
    # passes the checks now (a row from before them may hold one that is not what it looks like).
    url = sound_link(trailer.url) or t.gettext(LINK_WITHHELD)
    return Reply(
        content=cut(head, CONTENT_MAX - len(url) - 1) + "\n" + url,
        follow_show_id=a.show.id,
        follow_label=t.gettext("Notify me"),
    )


def upcoming_reply(a: UpcomingAnswer, locale: str = ENGLISH) -> Reply:
    t = i18n.text(locale)
    lines: list[str] = []
    if a.dated:
        for ref, s in a.dated:
            args = {
                "date": when(s.release.date, t),
                "show": show_name(ref.title, ref.korean_title, t),
                "number": s.number,
            }
            if s.release.official:
                lines.append(t.gettext("• {date}: **{show}** season {number} (official)", **args))
            elif tmdb_listed(s.release):
                lines.append(
                    t.gettext(
                        "• {date}: **{show}** season {number} (as listed on TMDB, not official)", **args
                    )
                )
            else:
                lines.append(
                    t.gettext("• {date}: **{show}** season {number} (expected, not official)", **args)
                )
    else:
        lines.append(t.gettext("Nothing has a firm date in the next {days} days.", days=a.days))
    if a.undated:
        lines.append("")
        lines.append(t.gettext("**Renewed or in production, no firm date yet**"))
        for ref, s in a.undated:
            r = s.release
            line = t.gettext(
                "• **{show}** season {number}: {status}",
                show=show_name(ref.title, ref.korean_title, t),
                number=s.number,
                status=status_label(s.status.value, t),
            )
            if r.date.known:
                if r.official:
                    line += t.gettext("; due {date}", date=when(r.date, t))
                else:
                    line += t.gettext("; expected {date}", date=when(r.date, t))
                if r.date.has_passed(a.now):
                    line += t.gettext(", not released")
                elif not r.official:
                    line += " " + t.gettext("(not official)")
            if notes := report_notes(s, a.now, t):
                line += f"; {notes}"
            lines.append(line)
    embed = discord.Embed(
        title=t.gettext("Coming up in the next {days} days", days=a.days),
        colour=COLOUR,
        description=_fit_lines(lines, DESCRIPTION_MAX, t),
    )
    embed.set_footer(text=t.gettext(FOOTER_OFFICIAL))
    return Reply(embeds=[fit(embed)])


def search_reply(a: SearchAnswer, locale: str = ENGLISH) -> Reply:
    t = i18n.text(locale)
    embed = discord.Embed(
        title=cut(t.gettext("Search: {query}", query=safe(a.query)), TITLE_MAX), colour=COLOUR
    )
    if a.shows:
        lines = [
            f"• **{show_name(ref.title, ref.korean_title, t)}**"
            + (f" ({safe(a.namesakes[ref.id])})" if ref.id in a.namesakes else "")
            + (f" ({safe(matched)})" if matched not in (ref.title, _korean_first(ref, t)) else "")
            for ref, matched in a.shows
        ]
        embed.add_field(name=t.gettext("Shows"), value=_fit_lines(lines, FIELD_VALUE_MAX, t), inline=False)
    if a.people:
        lines = [
            f"• **{safe(p.name)}**"
            + (f" ({safe(p.korean_name)})" if p.korean_name else "")
            + (
                ": " + ", ".join(show_name(s.title, s.korean_title, t) for s in p.shows[:5])
                if p.shows
                else ""
            )
            for p in a.people
        ]
        embed.add_field(name=t.gettext("People"), value=_fit_lines(lines, FIELD_VALUE_MAX, t), inline=False)
    if not a.shows and not a.people:
        embed.description = t.gettext(
            "Nothing matches. Try fewer letters, the Korean title, or an actor's name."
        )
    return Reply(embeds=[fit(embed)])


# --- limits --------------------------------------------------------------------------------


def _fit_lines(lines: list[str], limit: int, t: Text = EN) -> str:
    """Whole lines up to `limit` characters, then "… and N more"."""
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        line = cut(line, limit)
        extra = len(line) + (1 if out else 0)
        rest = len(lines) - i
        more = t.gettext("… and {count} more", count=rest)
        tail = "\n" + more
        if used + extra + (len(tail) if rest > 1 else 0) > limit:
            out.append(more)
            break
        out.append(line)
        used += extra
    return "\n".join(out)


def _embed_size(e: discord.Embed) -> int:
    return len(e)


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
