"""What curators read: an edit's outcome, a show's history page, the curator list. No Discord calls."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

import discord
from discord.utils import format_dt

from kdrama import i18n
from kdrama.describe import EVENT_NAMES, describe_change
from kdrama.edits import ImportResult
from kdrama.i18n import Text
from kdrama.models import Action, Change, Show
from kdrama.render import COLOUR, CONTENT_MAX, DESCRIPTION_MAX, Reply, cut, day, safe, show_name, shown_link

EN = i18n.text(i18n.ENGLISH)

HISTORY_PAGE_SIZE = 8
LINE_MAX = 400


def inert(text: str) -> str:
    """Catalog or user text for a curator: no control character, ping or markdown; links stay clickable.

    Escaped as the fans' answers escape it (render.safe), so a masked link or bold in a name,
    a source or a title reads as typed; a backtick becomes a quote so no escape can open code.
    """
    return safe(text.replace("`", "'"))


_BARE_LINK = re.compile(r"(?<!<)https://[^\s”<>]+")


def bracket_links(text: str) -> str:
    """Links in a line as <https://…>: shown as the address they are, with no preview."""
    return _BARE_LINK.sub(lambda m: f"<{m[0]}>", text)


def _where(change: Change, t: Text) -> str:
    title = safe(change.show_title) if change.show_title else t.gettext("the catalog")
    if change.season_number:
        return t.gettext("{show}, season {number}", show=title, number=change.season_number)
    return title


def events_words(change: Change, t: Text) -> str:
    return ", ".join(t.gettext(EVENT_NAMES[e]) for e in sorted(change.events, key=lambda e: e.value))


def _events(change: Change, t: Text) -> str:
    if not change.events:
        return t.gettext("Notifies no one.")
    return t.gettext("Watchers of {events} will hear about it.", events=events_words(change, t))


def change_reply(change: Change | None, nothing: str, t: Text = EN) -> Reply:
    """The private answer to an edit: exactly what changed, its id, and how to undo it.

    `nothing` (already in the curator's language) says why nothing changed, if it didn't.
    """
    if change is None:
        return Reply(
            content=cut(t.gettext("Nothing changed: {why}", why=nothing), CONTENT_MAX), ephemeral=True
        )
    head = t.gettext("**Change #{id}**", id=change.id)
    if change.undo_of:
        head += " " + t.gettext("(undid change #{id})", id=change.undo_of)
    lines = [f"{head} · {_where(change, t)}"]
    # describe_change makes the catalog's text in each line inert already: escaped twice, it would show.
    lines += [f"- {cut(line, LINE_MAX)}" for line in describe_change(change, t)]
    lines.append(_events(change, t))
    lines.append(t.gettext("Undo it with `/admin undo change_id:{id}`.", id=change.id))
    return Reply(content=_fit(lines, CONTENT_MAX, t), ephemeral=True)


def _fit(lines: Sequence[str], limit: int, t: Text = EN) -> str:
    """Join lines, dropping middle ones (with a count) so the head and the undo hint always show."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    head, tail, middle = [lines[0]], list(lines[-2:]), list(lines[1:-2])
    while middle:
        middle.pop()
        more = "- " + t.gettext("… and {count} more", count=len(lines) - 3 - len(middle))
        text = "\n".join([*head, *middle, more, *tail])
        if len(text) <= limit:
            return text
    return cut("\n".join([*head, *tail]), limit)


def history_line(change: Change, t: Text = EN) -> str:
    """#id, when, who, what old → new, source."""
    what = "; ".join(describe_change(change, t)) or change.action
    # A step of a season's history is known to the day only: no invented time, no time-zone shift.
    moment = day(change.at.date(), t) if change.action is Action.IMPORT_HISTORY else format_dt(change.at, "f")
    line = f"**#{change.id}** {moment} · {inert(change.actor_name)}"
    if change.actor_id:
        line += f" (<@{change.actor_id}>)"
    line += f" · {bracket_links(cut(what, LINE_MAX))}"
    if change.source:
        source = change.source
        shown = shown_link(source, t) if "://" in source else inert(source)
        line += " · " + t.gettext("source: {source}", source=cut(shown, 200))
    if change.events:
        line += " · " + t.gettext("notified: {events}", events=events_words(change, t))
    return line


def history_reply(show: Show, changes: Sequence[Change], page: int, total: int, t: Text = EN) -> Reply:
    """One page of a show's history, newest first."""
    pages = max(1, -(-total // HISTORY_PAGE_SIZE))
    name = show_name(show.title, show.korean_title, t)
    embed = discord.Embed(title=cut(t.gettext("History of {show}", show=name), 256), colour=COLOUR)
    if changes:
        embed.description = _fit([history_line(c, t) for c in changes], DESCRIPTION_MAX, t)
    else:
        embed.description = t.gettext("No recorded changes yet.")
    count = t.ngettext("{count} change", "{count} changes", total, count=total)
    embed.set_footer(
        text=t.gettext(
            "Page {page} of {pages} · {changes} · newest first", page=page + 1, pages=pages, changes=count
        )
    )
    return Reply(
        embeds=[embed],
        ephemeral=True,
        page=page,
        pages=pages,
        page_key=f"history:{show.id}",
        page_labels=(t.gettext("◀ Newer"), t.gettext("Older ▶")),
    )


def import_reply(result: ImportResult, t: Text = EN) -> Reply:
    text = inert(result.report.summary(t))
    ids = result.change_ids
    if ids:
        if len(ids) == 1:
            text += " " + t.gettext(
                "Recorded as change #{first}; each can be undone with `/admin undo`.", first=ids[0]
            )
        else:
            text += " " + t.gettext(
                "Recorded as change #{first} to #{last}; each can be undone with `/admin undo`.",
                first=ids[0],
                last=ids[-1],
            )
    else:
        text += " " + t.gettext("Nothing changed.")
    return Reply(content=cut(text, CONTENT_MAX), ephemeral=True)


def curators_reply(
    curators: Iterable[tuple[int, int | None, str]], owner_ids: Iterable[int], t: Text = EN
) -> Reply:
    lines = []
    owners = sorted(owner_ids)
    if owners:
        named = ", ".join(f"<@{o}>" for o in owners)
        lines.append(
            t.gettext("Owners (always curators): the application's owner or team, and {owners}", owners=named)
        )
    else:
        lines.append(t.gettext("Owners (always curators): the application's owner or team."))
    listed = list(curators)
    if not listed:
        lines.append(t.gettext("No other curators yet: add one with `/admin curator add`."))
    for user_id, added_by, added_at in listed:
        when = format_dt(datetime.fromisoformat(added_at), "D")
        if added_by:
            line = t.gettext(
                "- <@{user}> ({user}), added {when} by <@{by}>", user=user_id, when=when, by=added_by
            )
        else:
            line = t.gettext("- <@{user}> ({user}), added {when}", user=user_id, when=when)
        lines.append(line)
    return Reply(content=_fit(lines, CONTENT_MAX, t), ephemeral=True)
