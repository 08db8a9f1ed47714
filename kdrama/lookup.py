"""What fans ask: the read side of the catalog, answering in domain terms (no Discord)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kdrama.errors import UserError
from kdrama.i18n import N_, Title, all_of, any_of
from kdrama.models import Credit, Name, Person, Season, Show, ShowRef, Trailer
from kdrama.search import Match, SearchIndex, handed_over, normalize
from kdrama.store import Store, utcnow

log = logging.getLogger(__name__)

SHOW_KINDS = frozenset({"title", "korean", "romanized", "alias"})
ACTOR_KINDS = frozenset({"actor"})
EVERY_SHOW = "*"
CHOICE_MAX = 100  # Discord: choice names and string values at most 100 characters
CHOICES_MAX = 25
POPULAR_TTL = 60.0  # seconds the list offered before anything is typed is kept
# More shows changed elsewhere than this (an import): rebuild the indexes instead of one by one.
CATCH_UP_REBUILD = 500


class UnknownShow(UserError):
    def __init__(self, title: str, suggestions: list[str]) -> None:
        self.title = title
        self.suggestions = suggestions
        shown = title if len(title) <= 80 else title[:79] + "…"
        if suggestions:
            super().__init__(
                N_("No show called “{title}”; did you mean {suggestions}?"),
                title=shown,
                suggestions=any_of(f"“{s}”" for s in suggestions),
            )
        else:
            super().__init__(N_("No show called “{title}”."), title=shown)


class UnknownSeason(UserError):
    def __init__(self, show: Show, number: int, existing: list[int]) -> None:
        if len(existing) > 1:
            super().__init__(
                N_("{show} has no season {number}; its seasons are {seasons}."),
                show=Title(show.title, getattr(show, "korean_title", None)),
                number=number,
                seasons=all_of(str(n) for n in existing),
            )
        elif existing:
            super().__init__(
                N_("{show} has no season {number}; its only season is {season}."),
                show=Title(show.title, getattr(show, "korean_title", None)),
                number=number,
                season=existing[0],
            )
        else:
            super().__init__(
                N_("{show} has no seasons in the catalog yet."),
                show=Title(show.title, getattr(show, "korean_title", None)),
            )


@dataclass(frozen=True, slots=True)
class Choice:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Overview:
    show: Show
    seasons: list[Season]
    trailer: Trailer | None


@dataclass(frozen=True, slots=True)
class ReleaseAnswer:
    show: Show
    season: Season
    seasons: list[Season]
    now: datetime


@dataclass(frozen=True, slots=True)
class CastAnswer:
    show: Show
    season_number: int | None
    credits: list[Credit]


@dataclass(frozen=True, slots=True)
class TrailerAnswer:
    show: Show
    asked: int | None  # the season asked for (None: the newest)
    season_number: int | None  # the season whose trailer this is
    trailer: Trailer | None


@dataclass(frozen=True, slots=True)
class UpcomingAnswer:
    days: int
    now: datetime
    dated: list[tuple[ShowRef, Season]]
    undated: list[tuple[ShowRef, Season]]


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    query: str
    shows: list[tuple[ShowRef, str]] = field(default_factory=list)  # (show, the name that matched)
    people: list[Person] = field(default_factory=list)


class Catalog:
    """The store plus in-memory search indexes, kept fresh after every edit."""

    def __init__(
        self,
        store: Store,
        titles: SearchIndex,
        people: SearchIndex,
        refs: dict[int, ShowRef] | None = None,
    ) -> None:
        self.store = store
        # Shows and actors in separate indexes: title autocomplete, the hot path, then never
        # walks past actors' names (60% of all names), 30% faster in bench/bench_latency.py.
        self.titles = titles
        self.people = people
        # Slug and title of every show by id, kept with the index: autocomplete labels its
        # matches without a database round trip (one per keystroke otherwise).
        self._refs: dict[int, ShowRef] = dict(refs or {})
        self._loading: asyncio.Future[None] | None = None
        self._popular: tuple[float, list[ShowRef]] | None = None  # (when read, shows)
        # What the indexes were built from: other processes' edits are caught up from here.
        self._data_version = 0
        self._seen_change = 0

    @classmethod
    async def load(cls, store: Store) -> Catalog:
        """The catalog with its search index built."""
        catalog = cls.loading(store)
        await catalog.loaded()
        return catalog

    @classmethod
    def loading(cls, store: Store) -> Catalog:
        """The catalog at once, its index being built meanwhile; lookups wait for it.

        Building the index of 10,000 shows is half a second of CPU. The bench/bench_startup.py
        profile showed it in series with a start-up that otherwise mostly waits on Discord
        (the handshake, then 2 s for the guilds), so it runs in a worker thread during that.
        """
        catalog = cls(store, SearchIndex(), SearchIndex())
        catalog._loading = asyncio.ensure_future(catalog._load())
        return catalog

    async def _load(self) -> None:
        # Read before the names, so an edit committed meanwhile is caught up, not missed.
        self._data_version = await self.store.data_version()
        self._seen_change = await self.store.changes.last_id()
        names = await self.store.catalog.search_names()
        refs = await self.store.catalog.show_refs()
        titles = [n for n in names if n.kind != "actor"]
        people = [n for n in names if n.kind == "actor"]
        del names
        counts = len(titles), len(people)
        # The larger index first: its temporary lists are gone before the second is built.
        # The index keeps no Name, and handed_over lets each go as soon as it is read.
        self.people = await asyncio.to_thread(SearchIndex, handed_over(people))
        self.titles = await asyncio.to_thread(SearchIndex, handed_over(titles))
        # prepare() builds now what the first typo after start-up would otherwise build on
        # a fan's keystroke (0.15-0.25 s for 100,000 names, bench/bench_search.py), here in
        # the loading thread while the bot waits on Discord. After both builds, it reuses
        # the memory their temporary lists freed instead of raising the peak.
        await asyncio.to_thread(self.people.prepare)
        await asyncio.to_thread(self.titles.prepare)
        self._refs.update(refs)
        await self._popular_shows()
        log.info("search indexes hold %d titles and %d actor names", *counts)

    async def loaded(self) -> None:
        """Wait until the search index is built (returns at once after that; raises if it failed)."""
        loading = self._loading
        if loading is not None:
            if not loading.done():
                await asyncio.shield(loading)
            loading.result()

    async def refresh_show(self, show_id: int) -> None:
        """Re-read one show's names into the index (after it was added, edited or removed)."""
        await self.loaded()
        self.titles.set_names(set(SHOW_KINDS), show_id, await self.store.catalog.show_names(show_id))
        ref = (await self.store.catalog.show_refs([show_id])).get(show_id)
        if ref is None:
            self._refs.pop(show_id, None)
        else:
            self._refs[show_id] = ref
        self._popular = None

    async def catch_up(self) -> int:
        """Refresh the shows changed since the last look (by another process, say); how many.

        Cheap when nothing changed: one `PRAGMA data_version`, which moves only when some
        other connection commits.
        """
        await self.loaded()
        version = await self.store.data_version()
        if version == self._data_version:
            return 0
        self._data_version = version
        newest, show_ids = await self.store.changes.shows_changed_since(self._seen_change)
        if len(show_ids) > CATCH_UP_REBUILD:
            await self._load()
            return len(show_ids)
        for show_id in sorted(show_ids):
            await self.refresh_show(show_id)
        if show_ids:
            await self.refresh_people(show_ids)
        self._seen_change = newest
        return len(show_ids)

    def forget_popular(self) -> None:
        """Drop the cached list offered before anything is typed (a season's news reorders it)."""
        self._popular = None

    async def _popular_shows(self) -> list[ShowRef]:
        """The shows offered before anything is typed, read at most every POPULAR_TTL seconds.

        Discord asks for them whenever a title option gets focus, and the query ranks every
        show (17 ms on 10,000 shows: the p99 of bench/bench_latency.py). Edits that call
        refresh_show show at once; a season's news reorders the list within the TTL.
        """
        now = time.monotonic()
        cached = self._popular
        if cached is None or now - cached[0] > POPULAR_TTL:
            cached = self._popular = (now, await self.store.catalog.popular_shows(CHOICES_MAX))
        return cached[1]

    async def show_refs(self, ids: list[int]) -> dict[int, ShowRef]:
        """Slug and title of the given shows, from memory (the store for any not yet seen)."""
        refs = self._refs
        found = {i: refs[i] for i in ids if i in refs}
        missing = [i for i in ids if i not in refs]
        if missing:
            fetched = await self.store.catalog.show_refs(missing)
            refs.update(fetched)
            found.update(fetched)
        return found

    async def refresh_people(self, show_ids: Iterable[int] | None = None) -> None:
        """Re-read actors' names into the index: of the given shows' credits, or of everyone.

        Only the people credited on the edited shows are re-read: a full pass holds the
        event loop for about 0.5 s on a 10,000-show catalog (bench/bench_latency.py).
        Someone no longer credited anywhere stays in the index but is never shown
        (`search` drops people without shows).
        """
        await self.loaded()
        wanted = None if show_ids is None else list(dict.fromkeys(show_ids))
        names = await self.store.catalog.actor_names(wanted)
        by_ref: dict[int, list[Name]] = {}
        for n in names:
            by_ref.setdefault(n.ref, []).append(n)
        for ref, group in by_ref.items():
            self.people.set_names({"actor"}, ref, group)

    # --- resolving titles ------------------------------------------------------------------
    async def resolve(self, title: str) -> Show:
        """The show a fan meant: an autocomplete value (slug) or any of its names, exactly."""
        text = (title or "").strip()
        if not text:
            raise UserError("Tell me which show: start typing its title and pick it from the list.")
        show = await self.store.catalog.show_by_slug(text)
        if show is not None:
            return show
        wanted = normalize(text)
        await self.loaded()
        matches = self.titles.search(text, limit=5)
        for m in matches:
            if normalize(m.text) == wanted:
                found = await self.store.catalog.show(m.ref)
                if found is not None:
                    return found
        refs = await self.show_refs([m.ref for m in matches[:3]])
        raise UnknownShow(text, [refs[m.ref].title for m in matches[:3] if m.ref in refs])

    async def season_of(self, show: Show, number: int | None) -> tuple[Season, list[Season]]:
        seasons = await self.store.catalog.seasons(show.id)
        if number is None:
            if not seasons:
                raise UserError(
                    "{show} has no seasons in the catalog yet.", show=Title(show.title, show.korean_title)
                )
            return seasons[-1], seasons
        for s in seasons:
            if s.number == number:
                return s, seasons
        raise UnknownSeason(show, number, [s.number for s in seasons])

    # --- autocomplete ----------------------------------------------------------------------
    async def title_choices(self, query: str, *, every_show: bool = False) -> list[Choice]:
        """Up to 25 title choices for what the fan has typed so far (value: the show's slug)."""
        q = query.strip()
        choices: list[Choice] = []
        if every_show and (not q or normalize(q).startswith(("every", "all")) or q == EVERY_SHOW):
            choices.append(Choice("Every show", EVERY_SHOW))
        if not q:
            refs = (await self._popular_shows())[: CHOICES_MAX - len(choices)]
            choices.extend(Choice(_cut(r.title), r.slug) for r in refs)
            return choices
        await self.loaded()
        matches = self.titles.search(q, limit=CHOICES_MAX - len(choices))
        refs = await self.show_refs([m.ref for m in matches])
        for m in matches:
            ref = refs.get(m.ref)
            if ref is None:
                continue
            label = ref.title if m.kind == "title" or m.text == ref.title else f"{ref.title} ({m.text})"
            choices.append(Choice(_cut(label), ref.slug))
        return choices[:CHOICES_MAX]

    async def seasons_for(self, title: str) -> list[Season]:
        """The seasons of the show chosen so far (none while the title matches no show)."""
        try:
            show = await self.resolve(title)
        except UserError:
            return []
        return await self.store.catalog.seasons(show.id)

    async def cast_choices(self, title: str, season: int | None, query: str) -> list[Choice]:
        """Actors credited on exactly that season (None: the whole show) of the chosen show."""
        try:
            show = await self.resolve(title)
        except UserError:
            return []
        credits = await self.store.catalog.credits(show.id, season)
        typed = query.casefold().strip()
        names = [c.actor for c in credits if c.season_number == season]
        return [
            Choice(n[:CHOICE_MAX], n[:CHOICE_MAX]) for n in dict.fromkeys(names) if typed in n.casefold()
        ][:CHOICES_MAX]

    async def trailer_choices(self, title: str, season: int | None, query: str) -> list[Choice]:
        """Trailers of the chosen show (of one season when given), by title; the value is the link."""
        try:
            show = await self.resolve(title)
        except UserError:
            return []
        trailers = [
            t
            for t in await self.store.catalog.trailers(show.id)
            if season is None or t.season_number == season
        ]
        typed = query.casefold()
        return [
            Choice((t.title or t.url)[:CHOICE_MAX], t.url)
            for t in trailers
            if len(t.url) <= CHOICE_MAX and typed in (t.title or t.url).casefold() + t.url.casefold()
        ][:CHOICES_MAX]

    # --- answers ---------------------------------------------------------------------------
    async def overview(self, title: str) -> Overview:
        show = await self.resolve(title)
        seasons = await self.store.catalog.seasons(show.id)
        trailers = await self.store.catalog.trailers(show.id)
        return Overview(show, seasons, _newest(trailers))

    async def release(self, title: str, season: int | None, *, now: datetime | None = None) -> ReleaseAnswer:
        show = await self.resolve(title)
        chosen, seasons = await self.season_of(show, season)
        return ReleaseAnswer(show, chosen, seasons, now or utcnow())

    async def cast(self, title: str, season: int | None) -> CastAnswer:
        show = await self.resolve(title)
        chosen, _ = await self.season_of(show, season)
        return CastAnswer(show, chosen.number, await self.store.catalog.credits(show.id, chosen.number))

    async def cast_for(self, show_id: int, season: int | None) -> CastAnswer | None:
        """The cast of a show by id (for page buttons); None when the show is gone."""
        show = await self.store.catalog.show(show_id)
        if show is None:
            return None
        return CastAnswer(show, season, await self.store.catalog.credits(show_id, season))

    async def trailer(self, title: str, season: int | None) -> TrailerAnswer:
        show = await self.resolve(title)
        seasons = await self.store.catalog.seasons(show.id)
        if season is not None and season not in {s.number for s in seasons}:
            raise UnknownSeason(show, season, [s.number for s in seasons])
        target = season if season is not None else (seasons[-1].number if seasons else None)
        trailers = await self.store.catalog.trailers(show.id)
        if target is None:
            return TrailerAnswer(show, season, None, None)
        # The asked season's newest trailer, else the nearest earlier season's.
        for number in range(target, 0, -1):
            found = _newest([t for t in trailers if t.season_number == number])
            if found:
                return TrailerAnswer(show, target, number, found)
        return TrailerAnswer(show, target, None, None)

    async def upcoming(self, days: int, *, now: datetime | None = None) -> UpcomingAnswer:
        if not 1 <= days <= 3660:
            raise UserError("Choose between 1 and 3660 days.")
        now = now or utcnow()
        # From a day back, so a bare day that is today in Korea still counts as upcoming.
        window = await self.store.catalog.seasons_with_dates_between(
            now - timedelta(days=1), now + timedelta(days=days)
        )
        dated = [(ref, s) for ref, s in window if s.release.date.firm and not s.release.date.has_passed(now)]
        undated = [
            (ref, s)
            for ref, s in await self.store.catalog.seasons_in_production()
            if not s.release.date.firm or s.release.date.has_passed(now)
        ]
        return UpcomingAnswer(days, now, dated, undated)

    async def search(self, query: str) -> SearchAnswer:
        q = query.strip()
        if not q:
            raise UserError("Type something to search for: a title, an alias or an actor.")
        await self.loaded()
        show_matches = self.titles.search(q, limit=10)
        actor_matches = self.people.search(q, limit=5)
        refs = await self.show_refs([m.ref for m in show_matches])
        shows = [(refs[m.ref], m.text) for m in show_matches if m.ref in refs]
        people = [p for p in [await self.store.catalog.person(m.ref) for m in actor_matches] if p and p.shows]
        return SearchAnswer(q, shows, people)


def _newest(trailers: list[Trailer]) -> Trailer | None:
    if not trailers:
        return None
    return max(trailers, key=lambda t: (t.season_number, t.published.toordinal() if t.published else 0, t.id))


def _cut(text: str, limit: int = CHOICE_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["EVERY_SHOW", "Catalog", "Choice", "Match", "UnknownSeason", "UnknownShow", "UserError"]
