"""What curators read about the TMDB sync (status, pulls, review) and what everyone reads in /about."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import discord

from kdrama import i18n
from kdrama.describe import field_label
from kdrama.edits.sync import ShowSync
from kdrama.i18n import N_, Text
from kdrama.models import ShowRef
from kdrama.render import COLOUR, JUSTWATCH, Reply, cut, safe
from kdrama.store.sync import HeldShow, ReviewItem, SyncRun
from kdrama.tmdb.sync import RunResult

ATTRIBUTION = "This product uses the TMDB API but is not endorsed or certified by TMDB."
REVIEW_PAGE = 5  # one row of buttons per item; Discord allows five rows
MAY_BE_SHOWN = 4  # candidates named (and given a Link button) per held show: five buttons a row
CONTENT_MAX = 2000
EN = i18n.text(i18n.ENGLISH)
# What a review key's last part names, where the describer's field names have no entry.
_REVIEW_FIELDS = {
    "aliases": N_("aliases"),
    "similar": N_("similar shows"),
    "cast": N_("cast"),
    "release": N_("release date"),
    "trailers": N_("trailers"),
}


def _when(moment: datetime | None, t: Text) -> str:
    return f"<t:{int(moment.timestamp())}:f>" if moment else t.gettext("never")


def _run_line(run: SyncRun, t: Text) -> str:
    if run.ok:
        state = t.gettext("finished")
    else:
        state = t.gettext("running") if run.finished_at is None else t.gettext("stopped")
    return t.gettext(
        "**#{id}** {mode}, started {when}, {state}: {seen} read, {added} added, {updated} updated, "
        "{reviews} for review, {held} held for a curator, {errors} errors",
        id=run.id,
        mode=run.mode,
        when=_when(run.started_at, t),
        state=state,
        seen=run.seen,
        added=run.added,
        updated=run.updated,
        reviews=run.reviews,
        held=run.held,
        errors=run.errors,
    )


def status_reply(
    configured: bool,
    interval_minutes: int,
    runs: Sequence[SyncRun],
    linked: int,
    open_reviews: int,
    t: Text = EN,
    held: int = 0,
) -> Reply:
    """/admin sync status: the last runs, what they did, the shows held for a curator, their errors."""
    lines = [t.gettext("**TMDB sync**")]
    if not configured:
        lines.append(t.gettext("TMDB is not set up (no `TMDB_TOKEN`): the catalog is curated by hand only."))
    else:
        lines.append(
            t.gettext(
                "Background sync every {minutes} minutes from TMDB's changes feed.", minutes=interval_minutes
            )
        )
    lines.append(
        t.gettext(
            "{linked} catalog shows are linked to TMDB; {reviews} disagreements wait in `/admin sync review`.",
            linked=linked,
            reviews=open_reviews,
        )
    )
    if held:
        lines.append(
            t.ngettext(
                "{count} TMDB show is waiting for a curator: it may be a catalog show. "
                "Link it or add it in `/admin sync review`.",
                "{count} TMDB shows are waiting for a curator: each may be a catalog show. "
                "Link or add them in `/admin sync review`.",
                held,
                count=held,
            )
        )
    if not runs:
        lines.append(t.gettext("No sync has run yet."))
    else:
        lines.append(t.gettext("Last runs:"))
        lines += [f"- {_run_line(r, t)}" for r in runs]
        errors = runs[0].error_text
        if errors:
            lines.append(t.gettext("Errors of run #{id}:", id=runs[0].id))
            lines += [f"- {cut(safe(e), 180)}" for e in errors[:8]]
    return Reply(content=cut("\n".join(lines), CONTENT_MAX), ephemeral=True)


def pull_reply(run: RunResult, result: ShowSync | None, t: Text = EN) -> Reply:
    """/admin sync show: what pulling one show did."""
    if result is None:
        why = run.stats.error_text[0] if run.stats.error_text else t.gettext("TMDB did not answer")
        return Reply(
            content=cut(
                t.gettext("Nothing changed: {why}. The catalog keeps what it had.", why=safe(why)),
                CONTENT_MAX,
            ),
            ephemeral=True,
        )
    title = safe(result.title)
    if result.added:
        head = t.gettext("Added **{title}** from TMDB (TMDB id {id}).", title=title, id=result.tmdb_id)
    elif result.change_ids:
        ids = ", ".join(f"#{i}" for i in result.change_ids[:15])
        head = t.gettext(
            "Updated **{title}** from TMDB: change {ids}. Undo any with `/admin undo`.", title=title, ids=ids
        )
    else:
        head = t.gettext("**{title}** already matches TMDB (TMDB id {id}).", title=title, id=result.tmdb_id)
    if result.link_change is not None:
        head = (
            t.gettext(
                "**Change #{change}**: linked **{title}** to TMDB {id} {link}. "
                "Undo it with `/admin undo change_id:{change}`.",
                change=result.link_change,
                title=title,
                id=result.tmdb_id,
                link=tmdb_page(result.tmdb_id),
            )
            + "\n"
            + head
        )
    if result.reviews:
        head += " " + t.gettext(
            "{count} field(s) a curator set differ on TMDB: see `/admin sync review`.", count=result.reviews
        )
    return Reply(content=head, ephemeral=True)


def _review_label(field: str, t: Text) -> str:
    label = _REVIEW_FIELDS.get(field)
    return t.gettext(label) if label else field_label(field, t)


def kept_reply(item: ReviewItem, t: Text = EN) -> Reply:
    """The answer to "Keep ours": which value of which show stays as a curator set it."""
    parts = item.key.split(".")
    if parts[0] == "show" and len(parts) == 2:
        what = t.gettext("the {label}", label=_review_label(parts[1], t))
    elif len(parts) == 2:
        what = t.gettext("season {season}", season=parts[1])
    else:
        what = t.gettext("the {label} of season {season}", label=_review_label(parts[-1], t), season=parts[1])
    text = t.gettext(
        "Kept ours: {what} of {show} stays as a curator set it.", what=what, show=safe(item.show_title)
    )
    return Reply(content=cut(text, CONTENT_MAX), ephemeral=True)


def tmdb_page(tmdb_id: int) -> str:
    """The show's page on themoviedb.org, in angle brackets (a link without a preview)."""
    return f"<https://www.themoviedb.org/tv/{tmdb_id}>"


def _candidate(ref: ShowRef | None, show_id: int) -> str:
    return f"{safe(ref.title)} ({safe(ref.slug)})" if ref else f"#{show_id}"


def held_lines(held: Sequence[HeldShow], total: int, refs: Mapping[int, ShowRef], t: Text = EN) -> list[str]:
    """The TMDB shows held for a curator: which TMDB show, which catalog shows it may be, and why."""
    if not held:
        return []
    lines = [
        t.gettext("**TMDB shows that may be catalog shows** ({total} waiting; oldest first)", total=total)
    ]
    for h in held:
        year = f" ({h.year})" if h.year else ""
        may_be = ", ".join(_candidate(refs.get(i), i) for i in h.candidates[:MAY_BE_SHOWN])
        if len(h.candidates) > MAY_BE_SHOWN:
            may_be += " …"
        lines.append(
            t.gettext(
                "- TMDB {id}: {name}{year} {link} may be {candidates}; held because {why}.",
                id=h.tmdb_id,
                name=cut(safe(h.name), 80),
                year=year,
                link=tmdb_page(h.tmdb_id),
                candidates=may_be or t.gettext("a show removed since"),
                why=t.gettext(h.why, **h.why_params),
            )
        )
    lines.append(
        t.gettext(
            '"Link" makes the catalog show that TMDB show (your change, undoable); '
            '"Add as a new show" adds TMDB\'s as a show of its own.'
        )
    )
    return lines


def review_reply(
    items: Sequence[ReviewItem],
    total: int,
    t: Text = EN,
    held: Sequence[HeldShow] = (),
    held_total: int = 0,
    refs: Mapping[int, ShowRef] | None = None,
) -> Reply:
    """/admin sync review: held TMDB shows, then the open disagreements, oldest first (the cog adds buttons)."""
    lines = held_lines(held, held_total, refs or {}, t)
    if not items and not lines:
        return Reply(
            content=t.gettext("Nothing to review: TMDB agrees with every value a curator set."),
            ephemeral=True,
        )
    if items:
        lines.append(
            t.gettext("**TMDB disagrees with a curator's value** ({total} open; oldest first)", total=total)
        )
        for item in items:
            lines.append(f"- **#{item.id}** {safe(item.show_title)}: {cut(safe(item.summary), 300)}")
        lines.append(
            t.gettext(
                '"Use TMDB\'s" applies TMDB\'s value as your edit (undoable); "Keep ours" keeps the catalog\'s.'
            )
        )
    elif total:
        lines.append(t.gettext("{total} disagreements with a curator's value wait after these.", total=total))
    return Reply(content=cut("\n".join(lines), CONTENT_MAX), ephemeral=True)


def about_reply(version: str, tmdb: bool, t: Text = EN) -> Reply:
    """/about: what the bot is and where its facts come from (TMDB's attribution stays as TMDB words it)."""
    embed = discord.Embed(
        title="Drama bot",
        colour=COLOUR,
        description=t.gettext(
            "Release dates, cast and trailers of Korean dramas, honest about what is official, "
            "what is only expected, and what nobody knows yet."
        ),
    )
    sources = t.gettext(
        "**Curators** keep the catalog true; every edit is recorded with its source and can be undone."
    )
    if tmdb:
        sources += "\n" + t.gettext(
            "**TMDB** (themoviedb.org) supplies titles, seasons, air dates, cast, trailers and posters. "
            "TMDB is community-edited: a date still to come, or a season known only from TMDB, is shown "
            '"as listed on TMDB", never as official. Where a curator set a value, the curator\'s stands.'
        )
        sources += "\n" + t.gettext(JUSTWATCH)
    embed.add_field(name=t.gettext("Where the facts come from"), value=sources, inline=False)
    embed.add_field(name=t.gettext("Version"), value=safe(version), inline=True)
    embed.set_footer(text=ATTRIBUTION)
    return Reply(embeds=[embed], ephemeral=True)
