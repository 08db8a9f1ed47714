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

from kdrama.dates import PartialDate, Precision
from kdrama.lookup import (
    CastAnswer,
    Overview,
    ReleaseAnswer,
    SearchAnswer,
    TrailerAnswer,
    UpcomingAnswer,
)
from kdrama.models import Credit, ReleaseDate, Season, Status

COLOUR = discord.Colour(0xE50914)
ERROR_COLOUR = discord.Colour(0x99AAB5)
CAST_PAGE_SIZE = 12
FOOTER_OFFICIAL = "Official: confirmed by the network or studio. Expected: reported, not confirmed."

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


# --- small pieces --------------------------------------------------------------------------


def safe(text: str | None) -> str:
    """Catalog text as inert data: no control characters, markdown or mentions."""
    if not text:
        return ""
    cleaned = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    return escape_mentions(escape_markdown(cleaned))


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def when(d: PartialDate) -> str:
    """A date at its precision; an exact time as Discord timestamps each reader sees locally."""
    if d.precision is Precision.EXACT and d.at is not None:
        return f"{format_dt(d.at, 'F')} ({format_dt(d.at, 'R')})"
    return d.human()


def on_or_in(d: PartialDate) -> str:
    return f"on {when(d)}" if d.firm else f"in {when(d)}"


def day(d: date | None) -> str:
    return f"{d.day} {d.strftime('%b %Y')}" if d else "an unknown date"


TMDB_SITE = "https://www.themoviedb.org/"
TMDB_LISTED = "as listed on TMDB, not official"


def tmdb_listed(release: ReleaseDate) -> bool:
    """A date only TMDB gives (community-edited): shown "as listed on TMDB", never as official."""
    return not release.official and (release.source or "").startswith(TMDB_SITE)


def date_kind(release: ReleaseDate) -> str:
    """How sure a date is, in the words every answer uses."""
    if release.official:
        return "official"
    return TMDB_LISTED if tmdb_listed(release) else "expected, not official"


def source_line(source: str | None, as_of: PartialDate | None) -> str:
    parts = []
    if source and source.startswith(TMDB_SITE):
        parts.append(f"Source: TMDB (community-edited), {source}")
    elif source:
        parts.append(f"Source: {source if source.startswith('https://') else safe(source)}")
    if as_of:
        parts.append(f"as of {as_of_words(as_of)}")
    return " · ".join(parts)


def season_label(season: Season) -> str:
    """Short label of a season for lists and autocomplete: "Season 2 · Renewed · expected 2024"."""
    parts = [f"Season {season.number}", season.status.value.label]
    r = season.release
    if r.date.known and not season.status.value.out:
        parts.append(("due " if r.official else "expected ") + (r.date.human()))
    elif r.date.known:
        parts.append(r.date.human())
    return " · ".join(parts)


def season_summary(season: Season, now: datetime) -> str:
    """One line per season for overviews: status, date, official or expected."""
    r = season.release
    text = f"**Season {season.number}**: {season.status.value.label}"
    if r.date.known:
        text += f" · {when(r.date)} ({date_kind(r)})"
        if not r.official and not season.status.value.out and r.date.has_passed(now):
            text += ", not released"
    if season.episodes:
        text += f" · {season.episodes} episodes"
    if notes := report_notes(season, now):
        text += f" · {notes}"
    return text


def release_sentence(season: Season, now: datetime) -> str:
    """The answer to "when does it come out?", in one honest sentence."""
    n, status, r = season.number, season.status.value, season.release
    d = r.date
    if status is Status.CANCELLED:
        return f"Season {n} was cancelled."
    if status is Status.RELEASED:
        if d.known and r.official:
            return f"Season {n} was released {on_or_in(d)}."
        return f"Season {n} has been released."
    if status is Status.AIRING:
        if d.known and r.official:
            return f"Season {n} is airing; it premiered {on_or_in(d)}."
        return f"Season {n} is airing."
    if d.known and r.official:
        if d.has_passed(now):
            return f"Season {n} was officially due {on_or_in(d)}, but it is not out yet."
        return f"Season {n} comes out {on_or_in(d)}."
    lead = {
        Status.UNCONFIRMED: f"There is no official word on season {n} yet",
        Status.RENEWED: f"Season {n} is officially renewed",
        Status.FILMING: f"Season {n} is filming",
        Status.POST_PRODUCTION: f"Season {n} is in post-production",
        Status.SCHEDULED: f"Season {n} is scheduled",
    }[status]
    if d.known and tmdb_listed(r):
        if d.has_passed(now):
            return f"{lead}; TMDB listed it for {when(d)}, which has passed without a release."
        return (
            f"{lead}, and there is no official release date; as listed on TMDB, it comes out {on_or_in(d)}."
        )
    if d.known:
        if d.has_passed(now):
            return (
                f"{lead}, and there is no official release date; reports expected it "
                f"{on_or_in(d)}, which has passed without a release."
            )
        return f"{lead}, and there is no official release date; reports expect it {on_or_in(d)}."
    return f"{lead}, and no release date has been announced."


# --- how old a report is -------------------------------------------------------------------
# An answer built on a report more than a year old says how old it is. Official facts that
# do not move (a season released in 2022) need no warning; the status and date of a season
# still to come do.

OLD_REPORT = timedelta(days=365)
_OFFICIALLY = {
    Status.RENEWED: "Officially renewed",
    Status.FILMING: "Officially filming",
    Status.POST_PRODUCTION: "Officially in post-production",
    Status.SCHEDULED: "Officially scheduled",
}


def as_of_words(as_of: PartialDate) -> str:
    """When a source said it, at its precision: "23 Jul 2025", "January 2024", "2022"."""
    if as_of.precision is Precision.DAY and as_of.year and as_of.month and as_of.day:
        return day(date(as_of.year, as_of.month, as_of.day))
    return as_of.human()


def is_old(as_of: PartialDate | None, now: datetime) -> bool:
    """Said more than a year before `now`, even on the last day its precision allows."""
    span = as_of.span() if as_of else None
    return span is not None and now - span[1] > OLD_REPORT


def said(verb: str, as_of: PartialDate) -> str:
    """ "reported in 2022", "announced on 23 Jul 2025"."""
    return f"{verb} {'on' if as_of.firm else 'in'} {as_of_words(as_of)}"


def _moves(season: Season) -> bool:
    """A season still to come: its status and date can change."""
    return not season.status.value.out and season.status.value is not Status.CANCELLED


def _passed_dates(season: Season, now: datetime) -> list[ReleaseDate]:
    """Earlier dates of a season still to come that passed without a release."""
    if not _moves(season):
        return []
    return [r for r in season.release.history if r.date.known and r.date.has_passed(now)]


def _earlier(r: ReleaseDate) -> str:
    """ "in 2023 (reported in 2022)"."""
    if r.as_of is None:
        return on_or_in(r.date)
    return f"{on_or_in(r.date)} ({said('announced' if r.official else 'reported', r.as_of)})"


def report_ages(season: Season, now: datetime) -> list[str]:
    """Sentences saying since when the status holds, and how old the reports behind it are."""
    if not _moves(season):
        return []
    out: list[str] = []
    st, r = season.status, season.release
    if st.as_of and st.value in _OFFICIALLY:
        text = f"{_OFFICIALLY[st.value]} since {as_of_words(st.as_of)}"
        out.append(
            text + ("; that was over a year ago, so it may be out of date." if is_old(st.as_of, now) else ".")
        )
    elif st.as_of and is_old(st.as_of, now):
        out.append(f"No official word as of {as_of_words(st.as_of)}, over a year ago; it may be out of date.")
    if r.date.known and r.as_of and is_old(r.as_of, now) and not r.date.has_passed(now):
        verb = "announced" if r.official else "reported"
        out.append(f"That date was {said(verb, r.as_of)}; it may be out of date.")
    passed = _passed_dates(season, now)
    if passed:
        lead = "It was expected " if not any(p.official for p in passed) else "Earlier dates: "
        dates = " and ".join(_earlier(p) for p in passed)
        tail = "it passed" if len(passed) == 1 else ("both" if len(passed) == 2 else "all") + " passed"
        out.append(f"{lead}{dates}; {tail} without a release.")
    return out


def report_notes(season: Season, now: datetime) -> str:
    """The same, short, for one line of /show or /upcoming ("" when nothing is old or passed)."""
    if not _moves(season):
        return ""
    parts: list[str] = []
    st, r = season.status, season.release
    if st.as_of and is_old(st.as_of, now):
        parts.append(f"status as of {as_of_words(st.as_of)}, may be out of date")
    if r.date.known and r.as_of and is_old(r.as_of, now) and not r.date.has_passed(now):
        parts.append(f"{said('announced' if r.official else 'reported', r.as_of)}, may be out of date")
    passed = _passed_dates(season, now)
    if passed:
        parts.append("expected " + " and ".join(_earlier(p) for p in passed) + ", not released")
    return "; ".join(parts)


def history_lines(season: Season, now: datetime) -> list[str]:
    """The earlier dates behind a release-date field, each with its source and age."""
    lines = []
    for r in season.release.history:
        kind = "official" if r.official else "expected"
        line = f"Earlier: {when(r.date)} ({kind}"
        if r.as_of:
            line += f", {said('announced' if r.official else 'reported', r.as_of)}"
        line += ")"
        if _moves(season) and r.date.has_passed(now):
            line += ", passed without a release"
        if r.source:
            line += f". Source: {r.source if r.source.startswith('https://') else safe(r.source)}"
        lines.append(line)
    return lines


def _title(show_title: str, korean: str | None = None, season: int | None = None) -> str:
    text = safe(show_title)
    if korean:
        text += f" ({safe(korean)})"
    if season is not None:
        text += f" · Season {season}"
    return cut(text, TITLE_MAX)


def _links(show_platform: str | None, platform_url: str | None, trailer_url: str | None) -> list[Link]:
    links = []
    if trailer_url:
        links.append(Link("Trailer", trailer_url))
    if platform_url:
        links.append(
            Link(cut(f"Watch on {show_platform}" if show_platform else "Where to watch", 80), platform_url)
        )
    return links


# --- replies -------------------------------------------------------------------------------


def error_reply(message: str) -> Reply:
    """A private one-sentence answer to a question we can't answer as asked."""
    return Reply(content=cut(message, CONTENT_MAX), ephemeral=True)


def release_reply(a: ReleaseAnswer) -> Reply:
    s = a.season
    description = " ".join([release_sentence(s, a.now), *report_ages(s, a.now)])
    embed = discord.Embed(title=_title(a.show.title, season=s.number), colour=COLOUR, description=description)
    st = s.status
    status_text = st.value.label
    if st.note:
        status_text += f"\n{safe(st.note)}"
    if line := source_line(st.source, st.as_of):
        status_text += f"\n{line}"
    embed.add_field(name="Status (official)", value=status_text, inline=False)
    r = s.release
    if r.date.known:
        kind = (
            date_kind(r)
            if tmdb_listed(r)
            else ("official" if r.official else "expected: reported, not official")
        )
        date_text = f"{when(r.date)} ({kind})"
        if not r.official and not st.value.out and r.date.has_passed(a.now):
            date_text += "\nThat date has passed without a release."
    else:
        date_text = "Not announced"
    if r.note:
        date_text += f"\n{safe(r.note)}"
    if line := source_line(r.source, r.as_of):
        date_text += f"\n{line}"
    for line in history_lines(s, a.now):
        date_text += f"\n{line}"
    embed.add_field(name="Release date", value=date_text, inline=False)
    if s.episodes:
        embed.add_field(name="Episodes", value=str(s.episodes), inline=True)
    if a.show.poster_url:
        embed.set_thumbnail(url=a.show.poster_url)
    if s.notes:
        embed.add_field(name="Notes", value=safe(s.notes), inline=False)
    others = [x for x in a.seasons if x.number != s.number]
    if others:
        embed.add_field(
            name="Other seasons", value="\n".join(season_summary(x, a.now) for x in others), inline=False
        )
    embed.set_footer(text=FOOTER_OFFICIAL)
    return Reply(embeds=[fit(embed)], links=_links(a.show.platform, a.show.platform_url, None))


def overview_reply(a: Overview, now: datetime) -> Reply:
    show = a.show
    embed = discord.Embed(
        title=_title(show.title, show.korean_title),
        colour=COLOUR,
        description=safe(show.synopsis) or "No synopsis yet.",
    )
    titles = [t for t in (show.romanized_title, *show.aliases) if t]
    if titles:
        embed.add_field(name="Also known as", value=safe(", ".join(titles)), inline=False)
    if show.platform:
        embed.add_field(name="Platform", value=safe(show.platform), inline=True)
    if show.genres:
        embed.add_field(name="Genres", value=safe(", ".join(show.genres)), inline=True)
    seasons = "\n".join(season_summary(s, now) for s in a.seasons) or "No seasons in the catalog yet."
    embed.add_field(name="Seasons", value=seasons, inline=False)
    if show.similar:
        embed.add_field(
            name="Similar shows", value=", ".join(safe(x.title) for x in show.similar), inline=False
        )
    if show.poster_url:
        embed.set_thumbnail(url=show.poster_url)
    embed.set_footer(text=FOOTER_OFFICIAL)
    return Reply(
        embeds=[fit(embed)],
        links=_links(show.platform, show.platform_url, a.trailer.url if a.trailer else None),
    )


def credit_line(c: Credit) -> str:
    name = f"**{safe(c.actor)}**" + (f" ({safe(c.korean_name)})" if c.korean_name else "")
    text = f"{name} as {safe(c.character)}" if c.character else name
    if not c.official:
        text += (
            " (expected, not official"
            + (f"; {source_line(c.source, None).removeprefix('Source: ')}" if c.source else "")
            + ")"
        )
    return text


def cast_reply(a: CastAnswer, page: int = 0) -> Reply:
    pages = max(1, -(-len(a.credits) // CAST_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = a.credits[page * CAST_PAGE_SIZE : (page + 1) * CAST_PAGE_SIZE]
    if chunk:
        description = "\n".join(credit_line(c) for c in chunk)
    else:
        description = f"No cast announced for season {a.season_number} yet."
    embed = discord.Embed(
        title=_title(a.show.title, season=a.season_number) + " · Cast", colour=COLOUR, description=description
    )
    footer = FOOTER_OFFICIAL
    if pages > 1:
        footer = f"Page {page + 1} of {pages} · {len(a.credits)} people. {footer}"
    embed.set_footer(text=footer)
    return Reply(
        embeds=[fit(embed)], page=page, pages=pages, page_key=f"cast:{a.show.id}:{a.season_number or 0}"
    )


def trailer_reply(a: TrailerAnswer) -> Reply:
    show = safe(a.show.title)
    t = a.trailer
    if t is None:
        if a.asked is None:
            return Reply(content=f"No trailer for {show} yet.")
        return Reply(content=f"No trailer for {show} season {a.asked} yet, nor for an earlier season.")
    name = safe(t.title) if t.title else f"{show} season {a.season_number} {t.kind}"
    if a.asked is not None and a.season_number != a.asked:
        head = f"No trailer for {show} season {a.asked} yet. Here is season {a.season_number}'s: {name}"
    else:
        head = f"{show} season {a.season_number} {t.kind}: {name}"
    # The bare URL in the content is what makes Discord show the player.
    return Reply(content=cut(head, CONTENT_MAX - len(t.url) - 1) + "\n" + t.url)


def upcoming_reply(a: UpcomingAnswer) -> Reply:
    lines: list[str] = []
    if a.dated:
        for ref, s in a.dated:
            kind = date_kind(s.release)
            lines.append(f"• {when(s.release.date)}: **{safe(ref.title)}** season {s.number} ({kind})")
    else:
        lines.append(f"Nothing has a firm date in the next {a.days} days.")
    if a.undated:
        lines.append("")
        lines.append("**Renewed or in production, no firm date yet**")
        for ref, s in a.undated:
            r = s.release
            line = f"• **{safe(ref.title)}** season {s.number}: {s.status.value.label}"
            if r.date.known:
                line += f"; {'due' if r.official else 'expected'} {when(r.date)}"
                if r.date.has_passed(a.now):
                    line += ", not released"
                elif not r.official:
                    line += " (not official)"
            if notes := report_notes(s, a.now):
                line += f"; {notes}"
            lines.append(line)
    embed = discord.Embed(
        title=f"Coming up in the next {a.days} days",
        colour=COLOUR,
        description=_fit_lines(lines, DESCRIPTION_MAX),
    )
    embed.set_footer(text=FOOTER_OFFICIAL)
    return Reply(embeds=[fit(embed)])


def search_reply(a: SearchAnswer) -> Reply:
    embed = discord.Embed(title=cut(f"Search: {safe(a.query)}", TITLE_MAX), colour=COLOUR)
    if a.shows:
        lines = [
            f"• **{safe(ref.title)}**" + (f" ({safe(matched)})" if matched != ref.title else "")
            for ref, matched in a.shows
        ]
        embed.add_field(name="Shows", value=_fit_lines(lines, FIELD_VALUE_MAX), inline=False)
    if a.people:
        lines = [
            f"• **{safe(p.name)}**"
            + (f" ({safe(p.korean_name)})" if p.korean_name else "")
            + (": " + ", ".join(safe(s.title) for s in p.shows[:5]) if p.shows else "")
            for p in a.people
        ]
        embed.add_field(name="People", value=_fit_lines(lines, FIELD_VALUE_MAX), inline=False)
    if not a.shows and not a.people:
        embed.description = "Nothing matches. Try fewer letters, the Korean title, or an actor's name."
    return Reply(embeds=[fit(embed)])


# --- limits --------------------------------------------------------------------------------


def _fit_lines(lines: list[str], limit: int) -> str:
    """Whole lines up to `limit` characters, then "… and N more"."""
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        line = cut(line, limit)
        extra = len(line) + (1 if out else 0)
        rest = len(lines) - i
        tail = f"\n… and {rest} more"
        if used + extra + (len(tail) if rest > 1 else 0) > limit:
            out.append(f"… and {rest} more")
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


def plain(text: str, now: datetime | None = None) -> str:
    """Discord markup as a reader sees it: timestamps in UTC, no escapes, no bold markers."""
    now = now or datetime.now(UTC)

    def stamp(m: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(m[1]), UTC)
        if m[2] == "R":
            return _relative(moment, now)
        if m[2] in "dD":
            return f"{moment.day} {moment.strftime('%B %Y')}"
        return f"{moment.strftime('%A')}, {moment.day} {moment.strftime('%B %Y %H:%M')} UTC"

    text = _TIMESTAMP.sub(stamp, text)
    text = text.replace("**", "")
    text = _ESCAPE.sub(r"\1", text)
    return text.replace("@\u200b", "@")


def to_text(reply: Reply, now: datetime | None = None) -> str:
    """The reply as plain text, as `bot.py ask` prints it."""
    out: list[str] = []
    if reply.ephemeral:
        out.append("(only you can see this)")
    if reply.content:
        out.append(plain(reply.content, now))
    for e in reply.embeds:
        if e.title:
            out.append(plain(e.title, now))
            out.append("=" * min(len(plain(e.title, now)), 60))
        if e.description:
            out.append(plain(e.description, now))
        for f in e.fields:
            out.append("")
            out.append(f"{plain(f.name or '', now)}:")
            out.append(plain(f.value or "", now))
        if e.footer.text:
            out.append("")
            out.append(plain(e.footer.text, now))
    for link in reply.links:
        out.append(f"[{link.label}] {link.url}")
    if reply.pages > 1:
        out.append(f"(page {reply.page + 1} of {reply.pages}: more with the buttons)")
    return "\n".join(out)
