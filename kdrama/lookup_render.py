"""The lookup replies a fan reads: /release, /show, /cast, /trailer, /upcoming and /search."""

from __future__ import annotations

from datetime import datetime

import discord

from kdrama import i18n
from kdrama.i18n import ENGLISH, Text
from kdrama.lookup import (
    CastAnswer,
    Overview,
    ReleaseAnswer,
    SearchAnswer,
    TrailerAnswer,
    UpcomingAnswer,
)
from kdrama.models import Credit, ReleaseDate, ShowRef, Status
from kdrama.render import (
    COLOUR,
    CONTENT_MAX,
    DESCRIPTION_MAX,
    EN,
    FIELD_VALUE_MAX,
    JUSTWATCH,
    LINK_WITHHELD,
    TITLE_MAX,
    Link,
    Reply,
    cited,
    cut,
    fit,
    on_or_in,
    page_labels,
    safe,
    show_name,
    sound_link,
    status_label,
    tmdb_listed,
    when,
)
from kdrama.season_words import (
    history_lines,
    release_sentence,
    report_ages,
    report_notes,
    season_summary,
    source_line,
)

CAST_PAGE_SIZE = 12
FOOTER_OFFICIAL = i18n.N_("Official: confirmed by the network or studio. Expected: reported, not confirmed.")


# --- titles and links ----------------------------------------------------------------------


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
