"""The sync planner: which fields of a catalog show TMDB would change, and which a curator holds.

Pure: given the mapped TMDB entry and the show as the catalog has it now, list field-level
differences. Rules, so that a sync never makes the catalog say less or claim more:

- TMDB's silence is not a fact: an empty or unknown TMDB value never clears a catalog value.
- Lists that curators add to (aliases, trailers, similar shows) only grow from TMDB, and never
  by an alias or similar show a curator removed (its removal key in `curated`).
- A season's status moves only on TMDB's official facts (airing, released) and only forward;
  TMDB's "unconfirmed" never replaces what the catalog knows. Only the note of TMDB's own
  listing ("listed on TMDB for 15 January 2027") follows TMDB when the listing changes.
- An expected (TMDB-listed) date never replaces an official date.
- A field a curator set (its key in `curated`) is never planned: where TMDB disagrees, the
  difference is a conflict, for a curator to review.
- TMDB gives cast per season only. A whole-show cast that an older sync took from TMDB's
  show-level credits (its key in `tmdb_set`) is planned away; a curator's stays.

Field keys: `show.<field>` (title, korean_title, synopsis, platform, genres, poster_url, country,
aliases, cast, similar), `season.<n>` (a season the catalog lacks), `season.<n>.<field>`
(status, release, episodes, cast, trailers).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from kdrama.catalog import CreditEntry, SeasonEntry
from kdrama.models import Credit, ReleaseDate, Season, SeasonStatus, Show, Status, Trailer
from kdrama.store.provenance import REMOVED_ALIAS, REMOVED_SIMILAR, removed_names
from kdrama.tmdb.mapping import TmdbEntry

_PROGRESS = {
    Status.UNCONFIRMED: 0,
    Status.RENEWED: 1,
    Status.FILMING: 2,
    Status.POST_PRODUCTION: 3,
    Status.SCHEDULED: 4,
    Status.AIRING: 5,
    Status.RELEASED: 6,
    Status.CANCELLED: -1,
}


@dataclass(frozen=True, slots=True)
class CatalogShow:
    """A show as the catalog has it now (the store's models)."""

    show: Show
    seasons: tuple[Season, ...] = ()
    credits: tuple[Credit, ...] = ()
    trailers: tuple[Trailer, ...] = ()


@dataclass(frozen=True, slots=True)
class FieldDiff:
    key: str
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class SyncPlan:
    tmdb_id: int
    new_show: bool
    apply: tuple[FieldDiff, ...]
    conflicts: tuple[FieldDiff, ...]  # fields a curator set that TMDB now disagrees with

    @property
    def empty(self) -> bool:
        return not self.apply and not self.conflicts


def plan_sync(
    tmdb: TmdbEntry,
    current: CatalogShow | None,
    *,
    curated: Collection[str] = frozenset(),
    tmdb_set: Collection[str] = frozenset(),
    slugs_by_tmdb_id: Mapping[int, str] | None = None,
) -> SyncPlan:
    """The differences to apply to `current` (None: a show the catalog doesn't have yet).

    `curated` and `tmdb_set` are the field keys a curator, and the sync, set last.
    """
    entry = tmdb.entry
    similar = tuple(s for i in tmdb.similar_tmdb_ids if (s := (slugs_by_tmdb_id or {}).get(i)))
    if current is None:
        return SyncPlan(tmdb.tmdb_id, True, (FieldDiff("show", None, entry),), ())
    apply: list[FieldDiff] = []
    conflicts: list[FieldDiff] = []

    def offer(key: str, old: object, new: object, same: bool | None = None) -> None:
        if old == new if same is None else same:
            return
        (conflicts if key in curated else apply).append(FieldDiff(key, old, new))

    show = current.show
    for name in ("title", "korean_title", "synopsis", "platform", "poster_url", "country"):
        new = getattr(entry, name)
        if new:
            offer(f"show.{name}", getattr(show, name), new)
    if entry.genres:
        offer("show.genres", show.genres, entry.genres)
    gone_aliases = removed_names(curated, REMOVED_ALIAS)
    tmdb_aliases = tuple(a for a in entry.aliases if a.casefold() not in gone_aliases)
    offer("show.aliases", show.aliases, _grown(show.aliases, tmdb_aliases, exclude={show.title}))
    current_similar = tuple(r.slug for r in show.similar)
    gone_similar = removed_names(curated, REMOVED_SIMILAR)
    similar = tuple(x for x in similar if x.casefold() not in gone_similar)
    offer("show.similar", current_similar, _grown(current_similar, similar, exclude={show.slug}))
    show_cast = tuple(c for c in current.credits if c.season_number is None)
    if show_cast and "show.cast" in tmdb_set and "show.cast" not in curated:
        apply.append(FieldDiff("show.cast", show_cast, ()))

    seasons = {s.number: s for s in current.seasons}
    for season in entry.seasons:
        have = seasons.get(season.number)
        if have is None:
            # A season a curator removed (`season.<n>` curated) is not brought back: it goes to review.
            offer(f"season.{season.number}", None, season)
            continue
        _plan_season(season, have, current, offer, curated)
    return SyncPlan(tmdb.tmdb_id, False, tuple(apply), tuple(conflicts))


_Offer = Callable[..., None]


def _plan_season(
    season: SeasonEntry, have: Season, current: CatalogShow, offer: _Offer, curated: Collection[str]
) -> None:
    key = f"season.{season.number}"
    new_status = season.status.value
    if new_status.out and (
        _PROGRESS[new_status] > _PROGRESS[have.status.value] or have.status.value is Status.CANCELLED
    ):
        offer(f"{key}.status", have.status, season.status)
    elif (
        f"{key}.status" not in curated
        and _is_listing(have.status, season.status)
        and have.status.note != season.status.note
        and (season.release.date.known or not have.release.date.known)
    ):
        # TMDB's own "listed on TMDB for …" note follows TMDB's listing (a moved date, the show's
        # status); a note that would drop a date the catalog keeps is TMDB's silence, not news.
        offer(f"{key}.status", have.status, season.status)
    offer(f"{key}.release", have.release, _release(have.release, season.release))
    if season.episodes:
        offer(f"{key}.episodes", have.episodes, season.episodes)
    if season.cast:
        have_cast = tuple(c for c in current.credits if c.season_number == season.number)
        offer(f"{key}.cast", have_cast, season.cast, _cast_key(have_cast) == _entry_cast_key(season.cast))
    have_urls = tuple(t.url for t in current.trailers if t.season_number == season.number)
    new_trailers = tuple(t for t in season.trailers if t.url not in have_urls)
    if new_trailers:
        # Trailers only grow: `new` lists the ones to add.
        offer(f"{key}.trailers", have_urls, new_trailers)


def _is_listing(have: SeasonStatus, new: SeasonStatus) -> bool:
    """Both are TMDB's unconfirmed listing of the season (the note the mapping writes)."""
    return (
        have.value is Status.UNCONFIRMED
        and new.value is Status.UNCONFIRMED
        and have.source is not None
        and have.source == new.source
    )


def _release(have: ReleaseDate, new: ReleaseDate) -> ReleaseDate:
    """TMDB's release date where it says something new, never an expectation over a fact."""
    if not new.date.known:
        return have
    if have.official and not new.official:
        return have
    if have.date == new.date and have.official == new.official:
        return have  # the same fact: keep its source and as-of
    return new


def _grown(have: tuple[str, ...], new: tuple[str, ...], *, exclude: set[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*have, *(x for x in new if x not in exclude))))


def _cast_key(credits: tuple[Credit, ...]) -> tuple[tuple[str, str | None, str | None, bool], ...]:
    ordered = sorted(credits, key=lambda c: (c.billing is None, c.billing or 0, c.id))
    return tuple((c.actor, c.korean_name, c.character, c.official) for c in ordered)


def _entry_cast_key(credits: tuple[CreditEntry, ...]) -> tuple[tuple[str, str | None, str | None, bool], ...]:
    return tuple((c.actor, c.korean_name, c.character, c.official) for c in credits)
