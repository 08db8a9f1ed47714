"""What a fan reads from /follow and the Notify me button, and the DM's own line (no Discord calls)."""

from __future__ import annotations

import discord

from kdrama.models import Event, Follower, FollowResult, events_text
from kdrama.render import COLOUR, Reply, cut, fit, safe

DESCRIPTION_MAX = 4096
# The content line of every DM: why this person gets it, and how to stop.
DM_LINE = "News about a show you follow. Stop with /follow remove, or see all with /follow list."
RESUME_HINT = "Use /follow add (or a Notify me button) once I can message you, and I'll resume."


def events_label(events: frozenset[Event]) -> str:
    """The news a follow asked for, as a fan reads it."""
    return "all news" if len(events) == len(Event) else events_text(events).replace(",", ", ")


def followed_text(result: FollowResult, title: str) -> str:
    """The reply to /follow add and to a Notify me click that followed."""
    verb = "Following" if result.created else "Updated: following"
    lines = [
        f"{verb} **{safe(title)}** ({events_label(result.follow.events)}). "
        "I'll send you a direct message when it changes."
    ]
    if result.resumed:
        lines.append("Your follows were paused because I couldn't message you; they are active again.")
    if result.resent:
        lines.append(f"{result.resent} message(s) you missed will be sent now.")
    lines.append("Make sure direct messages from this app are allowed, or I can't reach you.")
    return "\n".join(lines)


def unfollowed_text(title: str, *, button: bool = False) -> str:
    """The reply to /follow remove, and to a Notify me click that unfollowed."""
    text = f"You no longer follow **{safe(title)}**."
    if button:
        text += " Click Notify me again to follow it."
    return text


def not_followed_text(title: str) -> str:
    return f"You don't follow **{safe(title)}**; /follow list shows what you follow."


def forgotten_text(forgotten: bool) -> str:
    """The reply to /follow remove title:*."""
    if not forgotten:
        return "I keep nothing about you: you follow no shows."
    return "Done: I forgot everything about you: your follows, your DM channel, and any message not sent yet."


def follow_list_reply(person: Follower | None, limit: int) -> Reply:
    """The /follow list answer: paused first with why, then each show and its news."""
    if person is None or not person.follows:
        text = (
            "You follow no shows. Use /follow add, or the Notify me button under /release, /show or /trailer."
        )
        if person is not None and person.paused:
            text += f"\nYour follows are paused: {safe(person.paused_reason)}"
        return Reply(content=text, ephemeral=True)
    lines: list[str] = []
    if person.paused:
        lines.append(f"**Paused**: {safe(person.paused_reason)}\n{RESUME_HINT}\n")
    shown = 0
    for f in person.follows:
        line = f"• **{safe(f.show.title)}**: {events_label(f.events)}"
        if sum(len(x) + 1 for x in lines) + len(line) + 40 > DESCRIPTION_MAX:
            break
        lines.append(line)
        shown += 1
    if shown < len(person.follows):
        lines.append(f"… and {len(person.follows) - shown} more")
    embed = discord.Embed(
        title=f"You follow {len(person.follows)} show(s)" + (" (paused)" if person.paused else ""),
        colour=COLOUR,
        description=cut("\n".join(lines), DESCRIPTION_MAX),
    )
    embed.set_footer(text=f"At most {limit} shows. News comes by direct message.")
    return Reply(embeds=[fit(embed)], ephemeral=True)
