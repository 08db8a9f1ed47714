"""What curators read about the TMDB sync (status, pulls, review) and what everyone reads in /about."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from kdrama.edits.sync import ShowSync
from kdrama.render import COLOUR, Reply, cut, safe
from kdrama.store.sync import ReviewItem, SyncRun
from kdrama.tmdb.sync import RunResult

ATTRIBUTION = "This product uses the TMDB API but is not endorsed or certified by TMDB."
JUSTWATCH = "Where-to-watch data from TMDB comes from JustWatch."
REVIEW_PAGE = 5  # one row of two buttons per item; Discord allows five rows
CONTENT_MAX = 2000


def _when(moment: datetime | None) -> str:
    return f"<t:{int(moment.timestamp())}:f>" if moment else "never"


def _run_line(run: SyncRun) -> str:
    state = "finished" if run.ok else ("running" if run.finished_at is None else "stopped")
    line = (
        f"**#{run.id}** {run.mode}, started {_when(run.started_at)}, {state}: {run.seen} read, "
        f"{run.added} added, {run.updated} updated, {run.reviews} for review, {run.errors} errors"
    )
    return line


def status_reply(
    configured: bool, interval_minutes: int, runs: Sequence[SyncRun], linked: int, open_reviews: int
) -> Reply:
    """/admin sync status: the last runs, what they did, their errors."""
    lines = ["**TMDB sync**"]
    if not configured:
        lines.append("TMDB is not set up (no `TMDB_TOKEN`): the catalog is curated by hand only.")
    else:
        lines.append(f"Background sync every {interval_minutes} minutes from TMDB's changes feed.")
    lines.append(
        f"{linked} catalog shows are linked to TMDB; {open_reviews} disagreements wait in `/admin sync review`."
    )
    if not runs:
        lines.append("No sync has run yet.")
    else:
        lines.append("Last runs:")
        lines += [f"- {_run_line(r)}" for r in runs]
        errors = runs[0].error_text
        if errors:
            lines.append(f"Errors of run #{runs[0].id}:")
            lines += [f"- {cut(safe(e), 180)}" for e in errors[:8]]
    return Reply(content=cut("\n".join(lines), CONTENT_MAX), ephemeral=True)


def pull_reply(run: RunResult, result: ShowSync | None) -> Reply:
    """/admin sync show: what pulling one show did."""
    if result is None:
        why = run.stats.error_text[0] if run.stats.error_text else "TMDB did not answer"
        return Reply(
            content=cut(f"Nothing changed: {safe(why)}. The catalog keeps what it had.", CONTENT_MAX),
            ephemeral=True,
        )
    title = safe(result.title)
    if result.added:
        head = f"Added **{title}** from TMDB (TMDB id {result.tmdb_id})."
    elif result.change_ids:
        ids = ", ".join(f"#{i}" for i in result.change_ids[:15])
        head = f"Updated **{title}** from TMDB: change {ids}. Undo any with `/admin undo`."
    else:
        head = f"**{title}** already matches TMDB (TMDB id {result.tmdb_id})."
    if result.reviews:
        head += f" {result.reviews} field(s) a curator set differ on TMDB: see `/admin sync review`."
    return Reply(content=head, ephemeral=True)


def review_reply(items: Sequence[ReviewItem], total: int) -> Reply:
    """/admin sync review: the open disagreements, oldest first (buttons are added by the cog)."""
    if not items:
        return Reply(content="Nothing to review: TMDB agrees with every value a curator set.", ephemeral=True)
    lines = [f"**TMDB disagrees with a curator's value** ({total} open; oldest first)"]
    for item in items:
        lines.append(f"- **#{item.id}** {safe(item.show_title)}: {cut(safe(item.summary), 300)}")
    lines.append(
        '"Use TMDB\'s" applies TMDB\'s value as your edit (undoable); "Keep ours" keeps the catalog\'s.'
    )
    return Reply(content=cut("\n".join(lines), CONTENT_MAX), ephemeral=True)


def about_reply(version: str, tmdb: bool) -> Reply:
    """/about: what the bot is and where its facts come from."""
    embed = discord.Embed(
        title="Drama bot",
        colour=COLOUR,
        description=(
            "Release dates, cast and trailers of Korean dramas, honest about what is official, "
            "what is only expected, and what nobody knows yet."
        ),
    )
    sources = "**Curators** keep the catalog true; every edit is recorded with its source and can be undone."
    if tmdb:
        sources += (
            "\n**TMDB** (themoviedb.org) supplies titles, seasons, air dates, cast, trailers and posters. "
            "TMDB is community-edited: a date still to come, or a season known only from TMDB, is shown "
            '"as listed on TMDB", never as official. Where a curator set a value, the curator\'s stands.'
            f"\n{JUSTWATCH}"
        )
    embed.add_field(name="Where the facts come from", value=sources, inline=False)
    embed.add_field(name="Version", value=safe(version), inline=True)
    embed.set_footer(text=ATTRIBUTION)
    return Reply(embeds=[embed], ephemeral=True)
