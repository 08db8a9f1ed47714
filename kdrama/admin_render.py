"""What curators read: an edit's outcome, a show's history page, the curator list. No Discord calls."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime

import discord
from discord.utils import format_dt

from kdrama.edits import ImportResult, describe_change
from kdrama.models import Action, Change, Show
from kdrama.render import COLOUR, CONTENT_MAX, DESCRIPTION_MAX, Reply, cut, day, safe, shown_link

HISTORY_PAGE_SIZE = 8
LINE_MAX = 400


def inert(text: str) -> str:
    """Curator-facing text without control characters or pings; links stay clickable."""
    cleaned = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    return cleaned.replace("@", "@\u200b").replace("`", "'")


_BARE_LINK = re.compile(r"(?<!<)https://[^\s”<>]+")


def bracket_links(text: str) -> str:
    """Links in a line as <https://…>: shown as the address they are, with no preview."""
    return _BARE_LINK.sub(lambda m: f"<{m[0]}>", text)


def _where(change: Change) -> str:
    title = safe(change.show_title) if change.show_title else "the catalog"
    return f"{title}, season {change.season_number}" if change.season_number else title


def _events(change: Change) -> str:
    if not change.events:
        return "Notifies no one."
    return "Watchers of " + ", ".join(sorted(e.value for e in change.events)) + " will hear about it."


def change_reply(change: Change | None, nothing: str) -> Reply:
    """The private answer to an edit: exactly what changed, its id, and how to undo it."""
    if change is None:
        return Reply(content=cut(f"Nothing changed: {nothing}", CONTENT_MAX), ephemeral=True)
    head = f"**Change #{change.id}**"
    if change.undo_of:
        head += f" (undid change #{change.undo_of})"
    lines = [f"{head} · {_where(change)}"]
    lines += [f"- {cut(inert(line), LINE_MAX)}" for line in describe_change(change)]
    lines.append(_events(change))
    lines.append(f"Undo it with `/admin undo change_id:{change.id}`.")
    return Reply(content=_fit(lines, CONTENT_MAX), ephemeral=True)


def _fit(lines: Sequence[str], limit: int) -> str:
    """Join lines, dropping middle ones (with a count) so the head and the undo hint always show."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    head, tail, middle = [lines[0]], list(lines[-2:]), list(lines[1:-2])
    while middle:
        middle.pop()
        more = f"- … and {len(lines) - 3 - len(middle)} more"
        text = "\n".join([*head, *middle, more, *tail])
        if len(text) <= limit:
            return text
    return cut("\n".join([*head, *tail]), limit)


def history_line(change: Change) -> str:
    """#id, when, who, what old → new, source."""
    what = "; ".join(describe_change(change)) or change.action
    # A step of a season's history is known to the day only: no invented time, no time-zone shift.
    moment = day(change.at.date()) if change.action is Action.IMPORT_HISTORY else format_dt(change.at, "f")
    line = f"**#{change.id}** {moment} · {inert(change.actor_name)}"
    if change.actor_id:
        line += f" (<@{change.actor_id}>)"
    line += f" · {bracket_links(cut(inert(what), LINE_MAX))}"
    if change.source:
        source = change.source
        shown = shown_link(source) if "://" in source else inert(source)
        line += f" · source: {cut(shown, 200)}"
    if change.events:
        line += " · notified: " + ", ".join(sorted(e.value for e in change.events))
    return line


def history_reply(show: Show, changes: Sequence[Change], page: int, total: int) -> Reply:
    """One page of a show's history, newest first."""
    pages = max(1, -(-total // HISTORY_PAGE_SIZE))
    embed = discord.Embed(title=cut(f"History of {safe(show.title)}", 256), colour=COLOUR)
    if changes:
        embed.description = _fit([history_line(c) for c in changes], DESCRIPTION_MAX)
    else:
        embed.description = "No recorded changes yet."
    embed.set_footer(text=f"Page {page + 1} of {pages} · {total} change{'s' * (total != 1)} · newest first")
    return Reply(
        embeds=[embed],
        ephemeral=True,
        page=page,
        pages=pages,
        page_key=f"history:{show.id}",
        page_labels=("◀ Newer", "Older ▶"),
    )


def import_reply(result: ImportResult) -> Reply:
    text = inert(result.report.summary())
    ids = result.change_ids
    if ids:
        span = f"#{ids[0]}" if len(ids) == 1 else f"#{ids[0]} to #{ids[-1]}"
        text += f" Recorded as change {span}; each can be undone with `/admin undo`."
    else:
        text += " Nothing changed."
    return Reply(content=cut(text, CONTENT_MAX), ephemeral=True)


def curators_reply(curators: Iterable[tuple[int, int | None, str]], owner_ids: Iterable[int]) -> Reply:
    lines = []
    owners = sorted(owner_ids)
    if owners:
        named = ", ".join(f"<@{o}>" for o in owners)
        lines.append(f"Owners (always curators): the application's owner or team, and {named}")
    else:
        lines.append("Owners (always curators): the application's owner or team.")
    listed = list(curators)
    if not listed:
        lines.append("No other curators yet: add one with `/admin curator add`.")
    for user_id, added_by, added_at in listed:
        line = f"- <@{user_id}> ({user_id})"
        line += f", added {format_dt(datetime.fromisoformat(added_at), 'D')}"
        if added_by:
            line += f" by <@{added_by}>"
        lines.append(line)
    return Reply(content=_fit(lines, CONTENT_MAX), ephemeral=True)
