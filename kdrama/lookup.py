"""What fans ask: the read side of the catalog, answering in domain terms (no Discord)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kdrama import i18n, loader
from kdrama.errors import UserError
from kdrama.i18n import N_, Title, all_of, any_of
from kdrama.models import Credit, Name, Person, Season, Show, ShowRecord, ShowRef, Trailer
from kdrama.search import Match, SearchIndex, normalize, search_form
from kdrama.snapshot import Snapshot
from kdrama.store import Store, utcnow
from kdrama.store.catalog import credit_record, show_record

log = logging.getLogger(__name__)

SHOW_KINDS = frozenset({"title", "korean", "romanized", "alias"})
ACTOR_KINDS = frozenset({"actor"})
EVERY_SHOW = "*"
EVERY_SHOW_NAME = N_("Every show")  # the choice whose value is EVERY_SHOW
CHOICE_MAX = 100  # Discord: choice names and string values at most 100 characters
CHOICES_MAX = 25
POPULAR_TTL = 60.0  # seconds the list offered before anything is typed is kept
CREDITS_CACHED = 128  # shows whose credits are kept decoded (about 7 KB each)
CHOICES_CACHED = 1024  # title autocomplete answers kept (up to 2 KB each)
WARM_AFTER = 1.0  # seconds after the last refresh before the first keystrokes are answered anew
# The warm-up works in slices with a pause between: a loop that always has work ready never
# waits in the selector, so it never lets go of the GIL, and the database thread (which
# needs it for every row) waited 5 ms a row: a /cast's credits read took 0.3 s, not 1 ms.
WARM_SLICE = 0.002  # seconds of warm-up work at most between two pauses
WARM_PAUSE = 0.001  # seconds the loop sleeps between two slices
REPLIES_CACHED = 256  # rendered replies kept (embeds: a few KB each)
# Shows re-read per step of a refresh: each step holds the event loop for a few ms at most,
# however many shows another process changed (an import elsewhere: thousands).
REFRESH_STEP = 64
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # what an autocomplete value looks like


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


def show_choice_name(title: str, korean_title: str | None, matched: str | None, t: i18n.Text) -> str:
    """A show in a choice list of its own (a fan's follows, a channel's shows): the Korean title
    first for Korean readers, as their lists name it, then the other name it was found by (as
    the title autocomplete labels it), within Discord's 100 characters."""
    if korean_title and korean_title != title and t.lang == "ko":
        name, shown = f"{korean_title} ({title})", (title, korean_title)
    else:
        name, shown = title, (title,)
    if matched is not None and matched not in shown:
        name += f" ({matched})"
    return _cut(name)


@dataclass(frozen=True, slots=True)
class Overview:
    show: Show
    seasons: list[Season]
    trailer: Trailer | None
    platform_from_justwatch: bool = False  # the platform is JustWatch's data: credit it where shown


@dataclass(frozen=True, slots=True)
class ReleaseAnswer:
    show: Show
    season: Season
    seasons: list[Season]
    now: datetime
    platform_from_justwatch: bool = False


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
    # What tells apart shows of one title in the list (show id -> year or slug).
    namesakes: dict[int, str] = field(default_factory=dict)


class ReplyCache:
    """Rendered replies by what was asked (command, options, locale), each valid for one catalog
    generation and, when it speaks of time ("has passed", "over a year ago"), until the first
    moment it would read differently."""

    def __init__(self, size: int = REPLIES_CACHED) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[int, datetime, datetime | None, Any]] = OrderedDict()

    def get(self, key: Hashable, generation: int, now: datetime) -> Any:
        """The reply kept for key, if it was made from this generation and still reads true at now."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        made_for, since, until, reply = entry
        if made_for != generation or now < since or (until is not None and now >= until):
            return None
        self._entries.move_to_end(key)
        return reply

    def put(
        self, key: Hashable, generation: int, since: datetime, until: datetime | None, reply: Any
    ) -> None:
        """Keep reply, made from `generation` at `since`, valid until `until` (None: while the catalog holds)."""
        if until is not None and until <= since:
            return
        self._entries[key] = (generation, since, until, reply)
        self._entries.move_to_end(key)
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)


class Catalog:
    """The catalog in memory: search indexes and a snapshot of every show, kept fresh by change id.

    Answers read the snapshot (kdrama/snapshot.py), never the database: a show and what hangs
    under it is decoded from a packed record. After an edit, or when another process wrote
    to the database, `refresh_since` re-reads only the shows changed since the last change
    it applied; it is the one way the in-memory catalog learns of changes.
    """

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
        self.snapshot = Snapshot()
        self.version = 0  # the last change id the in-memory catalog holds
        self.generation = 0  # bumped by every refresh: cached replies of older ones are stale
        self._refreshing = asyncio.Lock()
        self._refreshed_at: dict[int, int] = {}  # show id -> generation, while the snapshot fills
        self._data_version = 0  # PRAGMA data_version when last caught up (moves on others' commits)
        self._loading: asyncio.Future[None] | None = None
        self._filling: asyncio.Future[None] | None = None
        self._popular: tuple[float, list[ShowRef]] | None = None  # (when read, shows)
        # Credits of the shows asked about lately (the snapshot leaves them out: three
        # quarters of its bytes); refreshing a show drops its entry.
        self._credits: OrderedDict[int, tuple[Credit, ...]] = OrderedDict()
        # Title autocomplete answers by (search form of the query, with "Every show"):
        # (generation, choices). The first keystrokes' are kept ready (see keep_first_keystrokes_ready).
        self._choices: OrderedDict[tuple[str, bool], tuple[int, tuple[Choice, ...]]] = OrderedDict()
        # The first keystrokes' answers (keep_first_keystrokes_ready): the same, kept apart
        # from the LRU, so a few hundred other queries typed meanwhile never push them out.
        self._first: dict[tuple[str, bool], tuple[int, tuple[Choice, ...]]] = {}
        # Answers of the prefixes many names share, by their letters (search form without
        # spaces): (generation, choices). Made ahead with the first keystrokes'.
        self._crowded: dict[str, tuple[int, tuple[Choice, ...]]] = {}
        self._warm = False
        self._warmed = -1  # the generation whose first keystrokes are all ready
        self._warm_timer: asyncio.TimerHandle | None = None
        self._warming: set[asyncio.Task[None]] = set()
        # Rendered replies of the lookup commands (kdrama/answers.py keeps them).
        self.replies = ReplyCache()
        # Shows whose platform the TMDB sync took from JustWatch's streaming data, which must be
        # credited where shown. Kept here, not read per answer: /release is on the hot path.
        self._justwatch: set[int] = set()

    @classmethod
    async def load(cls, store: Store) -> Catalog:
        """The catalog with its search index built and its snapshot filled."""
        catalog = cls.loading(store)
        await catalog.loaded()
        if catalog._filling is not None:
            await catalog._filling
        return catalog

    @classmethod
    def loading(cls, store: Store) -> Catalog:
        """The catalog at once, its index being built meanwhile; lookups wait for it.

        Building the index of 10,000 shows is half a second of CPU. The bench/bench_startup.py
        profile showed it in series with a start-up that otherwise mostly waits on Discord
        (the handshake, then 2 s for the guilds), so it runs in a worker thread during that.
        The snapshot fills after it, in the background; until a show is in it, answers
        about that show read the database.
        """
        catalog = cls(store, SearchIndex(), SearchIndex())
        catalog._loading = asyncio.ensure_future(catalog._load())
        return catalog

    async def _load(self) -> None:
        # Read before the names, so an edit committed meanwhile is caught up, not missed.
        self._data_version = await self.store.data_version()
        self.version = await self.store.changes.last_id()
        # A large catalog in a database file is loaded by a child process (kdrama/loader.py):
        # the million temporary objects of its build never touch this process's heap. A
        # small one is built here: its garbage is small, and a process costs ~0.3 s of CPU.
        loaded = None
        if (
            str(self.store.path) != ":memory:"
            and await self.store.catalog.count_shows() >= loader.CHILD_FROM_SHOWS
        ):
            loaded = await loader.load_in_child(self.store.path)
        if loaded is not None:
            self.titles, self.people, self.snapshot = loaded.titles, loaded.people, loaded.snapshot
            self._refs.update(loaded.refs)
            counts = [loaded.title_names, loaded.actor_names]
            del loaded
            self._log_snapshot(None)
        else:
            # In a worker thread: the event loop answers meanwhile.
            self.titles, self.people, *counts = await loader.build_indexes(self.store, asyncio.to_thread)
            self._refs.update(await self.store.catalog.show_refs())
        await self._popular_shows()
        self._justwatch = await self.store.sync.justwatch_platforms()
        log.info("search indexes hold %d titles and %d actor names", *counts)
        if not self.snapshot.complete:
            self._filling = asyncio.ensure_future(self._fill())

    async def _fill(self) -> None:
        """Pack every show into the snapshot, a batch at a time, packing in a worker thread."""
        started = time.monotonic()
        batches = loader.packed_batches(self.store, self.snapshot, self._refs, asyncio.to_thread)
        while True:
            generation = self.generation  # before the batch is read
            try:
                packed = await anext(batches)
            except StopAsyncIteration:
                break
            # A show refreshed while its batch was read is newer in the snapshot already.
            self.snapshot.put({i: p for i, p in packed.items() if self._refreshed_at.get(i, -1) < generation})
        self.snapshot.complete = True
        self._refreshed_at.clear()
        self._log_snapshot(time.monotonic() - started)

    def _log_snapshot(self, took: float | None) -> None:
        log.info(
            "catalog snapshot holds %d shows in %.1f MiB%s",
            len(self.snapshot),
            self.snapshot.size / 2**20,
            "" if took is None else f" ({took:.1f} s)",
        )

    async def loaded(self) -> None:
        """Wait until the search index is built (returns at once after that; raises if it failed)."""
        loading = self._loading
        if loading is not None:
            if not loading.done():
                await asyncio.shield(loading)
            loading.result()

    # --- keeping it fresh ------------------------------------------------------------------
    async def refresh_since(self, change_id: int | None = None) -> int:
        """Re-read every show changed after `change_id` (default: the last change applied).

        Call it after an edit in this process, and whenever the database may have changed
        under us (another process wrote to it). Only the changed shows are read again, so
        a burst of edits never rebuilds the catalog. Returns the change id now held.
        """
        await self.loaded()
        async with self._refreshing:
            await self._refresh_since(change_id)
            return self.version

    async def catch_up(self) -> int:
        """Refresh the shows changed since the last look (by another process, say); how many.

        Cheap when nothing changed: one `PRAGMA data_version`, which moves only when some
        other connection commits. Then it is refresh_since().
        """
        await self.loaded()
        version = await self.store.data_version()
        if version == self._data_version:
            return 0
        self._data_version = version
        async with self._refreshing:
            return await self._refresh_since(None)

    async def _refresh_since(self, change_id: int | None) -> int:
        after = self.version if change_id is None else change_id
        last, show_ids = await self.store.changes.shows_changed_since(after)
        for at in range(0, len(show_ids), REFRESH_STEP):
            await self._refresh_shows(show_ids[at : at + REFRESH_STEP])
        self.version = max(self.version, last)
        return len(show_ids)

    async def refresh_shows(self, show_ids: Iterable[int]) -> None:
        """Re-read these shows (added, edited or removed) into the indexes and the snapshot."""
        await self.loaded()
        async with self._refreshing:
            await self._refresh_shows(list(show_ids))

    async def refresh_show(self, show_id: int) -> None:
        """Re-read one show (refresh_shows of one)."""
        await self.refresh_shows([show_id])

    async def _refresh_shows(self, show_ids: list[int]) -> None:
        ids = list(dict.fromkeys(show_ids))
        catalog = self.store.catalog
        rows = await catalog.show_rows(ids)
        names = await catalog.title_rows(ids)
        actors = await catalog.actor_names(ids)
        justwatch = await self.store.sync.justwatch_platforms(ids)
        # Nothing awaited from here on: readers see the shows before or after, never between.
        self.generation += 1
        self._schedule_warm_up()
        by_show: dict[int, list[Name]] = {i: [] for i in ids}
        for ref, kind, text in names:
            by_show[ref].append(Name(ref, kind, text))
        for show_id, group in by_show.items():
            self.titles.set_names(SHOW_KINDS, show_id, group)
        by_person: dict[int, list[Name]] = {}
        for n in actors:
            by_person.setdefault(n.ref, []).append(n)
        for ref, group in by_person.items():
            self.people.set_names(ACTOR_KINDS, ref, group)
        for show_id in ids:
            row = rows.get(show_id)
            if row is None:
                self._refs.pop(show_id, None)
            else:
                self._refs[show_id] = ShowRef(show_id, row[0][1], row[0][2])
        for show_id in ids:
            self._credits.pop(show_id, None)
        self._justwatch.difference_update(ids)
        self._justwatch.update(justwatch)
        self.snapshot.remove(i for i in ids if i not in rows)
        self.snapshot.put(self.snapshot.pack(rows))
        if not self.snapshot.complete:
            for show_id in ids:
                self._refreshed_at[show_id] = self.generation
        self._popular = None

    def forget_popular(self) -> None:
        """Drop the cached list offered before anything is typed (a season's news reorders it)."""
        self._popular = None

    async def _popular_shows(self) -> list[ShowRef]:
        """The shows offered before anything is typed, read at most every POPULAR_TTL seconds.

        Discord asks for them whenever a title option gets focus, and the query ranks every
        show (17 ms on 10,000 shows: the p99 of bench/bench_latency.py). Refreshes drop it
        at once; a season's news reorders the list within the TTL.
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

    async def record(self, show_id: int) -> ShowRecord | None:
        """A show with everything under it: from the snapshot, or the store while it fills."""
        found = self.snapshot.record(show_id)
        if found is not None or self.snapshot.complete:
            return found
        rows = (await self.store.catalog.show_rows([show_id])).get(show_id)
        return None if rows is None else show_record(rows)

    async def credits(self, show_id: int, season: int | None) -> list[Credit]:
        """Credits of one season plus the whole-show credits, in billing order."""
        found = self._credits.get(show_id)
        if found is None:
            generation = self.generation
            found = credit_record(await self.store.catalog.credit_rows(show_id))
            if generation == self.generation:  # not refreshed meanwhile: keep it
                self._credits[show_id] = found
                if len(self._credits) > CREDITS_CACHED:
                    self._credits.popitem(last=False)
        else:
            self._credits.move_to_end(show_id)
        return [c for c in found if c.season_number is None or c.season_number == season]

    async def _record_by_slug(self, slug: str) -> ShowRecord | None:
        show_id = self.snapshot.id_of(slug)
        if show_id is None:
            # Titles typed by fans rarely look like slugs: only those cost a database read.
            if self.snapshot.complete and not _SLUG.match(slug):
                return None
            ref = await self.store.catalog.show_ref_by_slug(slug)
            if ref is None:
                return None
            show_id = ref.id
            if self.snapshot.complete:
                # Written by a path that did not refresh this catalog (the sync engine, another
                # process before its catch-up): take the show in now.
                await self.refresh_shows([show_id])
        return await self.record(show_id)

    # --- resolving titles ------------------------------------------------------------------
    async def resolve(self, title: str) -> Show:
        """The show a fan meant: an autocomplete value (slug) or any of its names, exactly."""
        return (await self.resolve_record(title)).show

    async def resolve_record(self, title: str) -> ShowRecord:
        """resolve(), with the show's seasons, credits and trailers."""
        text = (title or "").strip()
        if not text:
            raise UserError("Tell me which show: start typing its title and pick it from the list.")
        found = await self._record_by_slug(text)
        if found is not None:
            return found
        wanted = normalize(text)
        await self.loaded()
        matches = self.titles.search(text, limit=5)
        for m in matches:
            if normalize(m.text) == wanted:
                found = await self.record(m.ref)
                if found is not None:
                    return found
        refs = await self.show_refs([m.ref for m in matches])
        # Shows may share a title (a remake, a namesake): each title is suggested once.
        titles = dict.fromkeys(refs[m.ref].title for m in matches if m.ref in refs)
        raise UnknownShow(text, list(titles)[:3])

    async def season_of(self, show: Show, number: int | None) -> tuple[Season, list[Season]]:
        found = await self.record(show.id)
        return _season_of(found.show if found else show, list(found.seasons) if found else [], number)

    # --- autocomplete ----------------------------------------------------------------------
    async def title_choices(
        self, query: str, *, every_show: bool = False, locale: str = i18n.ENGLISH
    ) -> list[Choice]:
        """Up to 25 title choices for what the fan has typed so far (value: the show's slug)."""
        q = query.strip()
        choices: list[Choice] = []
        if every_show:
            every = i18n.text(locale).gettext(EVERY_SHOW_NAME)
            if (
                not q
                or normalize(q).startswith(("every", "all", normalize(every)))
                or normalize(every).startswith(normalize(q))
                or q == EVERY_SHOW
            ):
                choices.append(Choice(every, EVERY_SHOW))
        if not q:
            refs = (await self._popular_shows())[: CHOICES_MAX - len(choices)]
            choices.extend(Choice(_cut(r.title), r.slug) for r in refs)
            return choices
        await self.loaded()
        return await self._choices_for(q, choices)

    async def _choices_for(
        self, q: str, choices: list[Choice], pool: dict[Choice, Choice] | None = None
    ) -> list[Choice]:
        """title_choices for a query typed (not empty), after the "Every show" choice if any."""
        # Fans type the same first letters: a keystroke another fan typed since the last
        # refresh is answered from memory (the short prefixes are the slowest to search).
        # Keyed by what the search looks for: "b" and "B", "가" and "ㄱㅏ" are one answer.
        form = search_form(q)
        key = (form, bool(choices))
        first = key in self._first  # a first keystroke: kept apart, never pushed out
        cached = self._first[key] if first else self._choices.get(key)
        if cached is not None and cached[0] == self.generation:
            if not first:
                self._choices.move_to_end(key)
            return list(cached[1])
        if not choices and not first:
            # A prefix many names share, answered ahead by its letters whatever its spaces.
            crowded = self._crowded.get(form.replace(" ", ""))
            if crowded is not None and crowded[0] == self.generation:
                return list(crowded[1])
        generation = self.generation
        choices += await self._labelled(self.titles.search(q, limit=CHOICES_MAX - len(choices)), pool)
        choices = choices[:CHOICES_MAX]
        if first:
            self._first[key] = (generation, tuple(choices))
            return choices
        self._choices[key] = (generation, tuple(choices))
        if len(self._choices) > CHOICES_CACHED:
            self._choices.popitem(last=False)
        return choices

    async def _labelled(self, matches: list[Match], pool: dict[Choice, Choice] | None = None) -> list[Choice]:
        """A choice per match: the show's title, and the name that matched if it is another.

        With a pool, a choice equal to one in it is that one: the answers kept ahead share
        their choices (a show is in the answers of every start of its names).
        """
        refs = await self.show_refs([m.ref for m in matches])
        labelled: list[tuple[str, ShowRef]] = []
        for m in matches:
            ref = refs.get(m.ref)
            if ref is None:
                continue
            label = ref.title if m.kind == "title" or m.text == ref.title else f"{ref.title} ({m.text})"
            labelled.append((label, ref))
        details: dict[int, str] = {}
        if len({label for label, _ in labelled}) < len(labelled):  # only then: the hot path
            details = await self._namesakes(labelled)
        choices: list[Choice] = []
        for label, ref in labelled:
            if (detail := details.get(ref.id)) is not None:
                label = f"{_cut(label, max(20, CHOICE_MAX - len(detail) - 3))} ({detail})"
            choice = Choice(_cut(label), ref.slug)
            choices.append(choice if pool is None else pool.setdefault(choice, choice))
        return choices

    async def _namesakes(self, named: Iterable[tuple[str, ShowRef]]) -> dict[int, str]:
        """For each name that more than one show goes by here (a remake, two shows of one
        title), what tells those shows apart: show id -> year or slug."""
        by_name: dict[str, dict[int, ShowRef]] = {}
        for name, ref in named:
            by_name.setdefault(name, {})[ref.id] = ref
        details: dict[int, str] = {}
        for same in by_name.values():
            if len(same) > 1:
                details.update(
                    zip(same.keys(), await self._namesake_details(list(same.values())), strict=True)
                )
        return details

    async def _namesake_details(self, refs: list[ShowRef]) -> list[str]:
        """What tells shows of one title apart in a list: the year each came out, officially,
        when every one of them has its own; else their slugs (the value a pick sends)."""
        years: list[str] = []
        for ref in refs:
            found = await self.record(ref.id)
            first = found.seasons[0].release if found and found.seasons else None
            if first is None or not first.official or first.date.year is None:
                break
            years.append(str(first.date.year))
        if len(years) == len(refs) and len(set(years)) == len(years):
            return years
        return [ref.slug for ref in refs]

    def keep_first_keystrokes_ready(self) -> None:
        """Have the first letters fans type answered from memory, now and after every refresh.

        A letter or two (a Hangul syllable is two jamo) matches a good part of the catalog:
        0.2 to 0.5 ms of search each, the slowest title autocompletes and a quarter of them
        (bench/bench_latency.py). Their answers are made here, off any fan's keystroke: 625
        at 10,000 shows. They are kept apart from the other answers (an LRU that queries
        typed meanwhile would push them out of). Then the answers of the longer prefixes
        that more names begin with than a list holds ("home", "백"; 1,692), kept by their
        letters whatever the spaces typed (SearchIndex.prefix_answer): another third. The
        answers share their choices: 3.0 MB in all, made in 0.64 s, in slices of
        WARM_SLICE between other work. A refresh makes every kept answer stale; WARM_AFTER
        seconds after the last one, they are made again.
        """
        self._warm = True
        self._schedule_warm_up(0.0)

    def _schedule_warm_up(self, delay: float = WARM_AFTER) -> None:
        if not self._warm:
            return
        if self._warm_timer is not None:
            self._warm_timer.cancel()
        self._warm_timer = asyncio.get_running_loop().call_later(delay, self._start_warm_up)

    def _start_warm_up(self) -> None:
        self._warm_timer = None
        task = asyncio.ensure_future(self._warm_up())
        self._warming.add(task)
        task.add_done_callback(self._warming.discard)

    async def _warm_up(self) -> None:
        await self.loaded()
        generation, started = self.generation, time.monotonic()
        if generation == self._warmed:
            return  # a refresh before the last warm-up started: that one had its answers
        pool: dict[Choice, Choice] = {}
        slice_ends = time.perf_counter() + WARM_SLICE

        async def pause() -> None:
            nonlocal slice_ends
            if time.perf_counter() < slice_ends:
                await asyncio.sleep(0)  # a fan's interaction waiting goes first
                return
            await asyncio.sleep(WARM_PAUSE)  # and other threads get the GIL
            slice_ends = time.perf_counter() + WARM_SLICE

        try:
            queries = self.titles.first_keystrokes()
            for query in queries:
                if generation != self.generation:
                    return  # refreshed meanwhile: the warm-up scheduled after it takes over
                self._first.setdefault((search_form(query), False), (-1, ()))  # kept apart from now
                await self._choices_for(query, [], pool)
                await pause()
            # Past the first keystrokes, the searches that walk the most names are those of
            # the prefixes many names share ("home", "cheons"). When names starting with
            # one fill the list, its answer holds whatever spaces the fan types: kept by
            # its letters.
            self._crowded.clear()
            for query in self.titles.crowded_starts(CHOICES_MAX, shortest=3):
                if generation != self.generation:
                    return
                matches = self.titles.prefix_answer(query, CHOICES_MAX)
                if matches is not None:
                    letters = search_form(query).replace(" ", "")
                    self._crowded[letters] = (generation, tuple(await self._labelled(matches, pool)))
                await pause()
        except Exception:
            log.exception("making title answers ahead failed; they are made when typed")
            return
        self._warmed = generation
        log.info(
            "%d first keystrokes and %d crowded prefixes answered ahead in %.2f s",
            len(queries),
            len(self._crowded),
            time.monotonic() - started,
        )

    async def seasons_for(self, title: str) -> list[Season]:
        """The seasons of the show chosen so far (none while the title matches no show)."""
        try:
            found = await self.resolve_record(title)
        except UserError:
            return []
        return list(found.seasons)

    async def cast_choices(self, title: str, season: int | None, query: str) -> list[Choice]:
        """Actors credited on exactly that season (None: the whole show) of the chosen show."""
        try:
            found = await self.resolve_record(title)
        except UserError:
            return []
        credits = await self.credits(found.show.id, season)
        typed = query.casefold().strip()
        names = [c.actor for c in credits if c.season_number == season]
        return [
            Choice(n[:CHOICE_MAX], n[:CHOICE_MAX]) for n in dict.fromkeys(names) if typed in n.casefold()
        ][:CHOICES_MAX]

    async def trailer_choices(self, title: str, season: int | None, query: str) -> list[Choice]:
        """Trailers of the chosen show (of one season when given), by title; the value is the link."""
        try:
            found = await self.resolve_record(title)
        except UserError:
            return []
        trailers = [t for t in found.trailers if season is None or t.season_number == season]
        typed = query.casefold()
        return [
            Choice((t.title or t.url)[:CHOICE_MAX], t.url)
            for t in trailers
            if len(t.url) <= CHOICE_MAX and typed in (t.title or t.url).casefold() + t.url.casefold()
        ][:CHOICES_MAX]

    # --- answers ---------------------------------------------------------------------------
    async def overview(self, title: str) -> Overview:
        found = await self.resolve_record(title)
        show = found.show
        return Overview(
            show, list(found.seasons), _newest(list(found.trailers)), self.platform_from_justwatch(show)
        )

    async def release(self, title: str, season: int | None, *, now: datetime | None = None) -> ReleaseAnswer:
        found = await self.resolve_record(title)
        chosen, seasons = _season_of(found.show, list(found.seasons), season)
        return ReleaseAnswer(
            found.show, chosen, seasons, now or utcnow(), self.platform_from_justwatch(found.show)
        )

    def platform_from_justwatch(self, show: Show) -> bool:
        """Whether the show's platform is JustWatch's streaming data (via TMDB), to be credited where shown."""
        return bool(show.platform) and show.id in self._justwatch

    async def cast(self, title: str, season: int | None) -> CastAnswer:
        found = await self.resolve_record(title)
        chosen, _ = _season_of(found.show, list(found.seasons), season)
        return CastAnswer(found.show, chosen.number, await self.credits(found.show.id, chosen.number))

    async def cast_for(self, show_id: int, season: int | None) -> CastAnswer | None:
        """The cast of a show by id (for page buttons); None when the show is gone."""
        found = await self.record(show_id)
        if found is None:
            return None
        return CastAnswer(found.show, season, await self.credits(show_id, season))

    async def trailer(self, title: str, season: int | None) -> TrailerAnswer:
        found = await self.resolve_record(title)
        show, seasons, trailers = found.show, found.seasons, found.trailers
        if season is not None and season not in {s.number for s in seasons}:
            raise UnknownSeason(show, season, [s.number for s in seasons])
        target = season if season is not None else (seasons[-1].number if seasons else None)
        if target is None:
            return TrailerAnswer(show, season, None, None)
        # The asked season's newest trailer, else the nearest earlier season's.
        for number in range(target, 0, -1):
            newest = _newest([t for t in trailers if t.season_number == number])
            if newest:
                return TrailerAnswer(show, target, number, newest)
        return TrailerAnswer(show, target, None, None)

    async def upcoming(self, days: int, *, now: datetime | None = None) -> UpcomingAnswer:
        if not 1 <= days <= 3660:
            raise UserError("Choose between 1 and 3660 days.")
        now = now or utcnow()
        # From a day back, so a bare day that is today in Korea still counts as upcoming.
        window = await self.store.catalog.seasons_with_dates_between(
            now - timedelta(days=1), now + timedelta(days=days)
        )
        # Only a season fans still wait for is coming up: a cancelled one keeps its old date,
        # and one airing or released since today (in Korea) is out, not coming.
        dated = [
            (ref, s)
            for ref, s in window
            if s.status.value.to_come and s.release.date.firm and not s.release.date.has_passed(now)
        ]
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
        # From the store, not the in-memory refs: these carry the Korean title (one query).
        refs = await self.store.catalog.show_refs([m.ref for m in show_matches])
        shows = [(refs[m.ref], m.text) for m in show_matches if m.ref in refs]
        people = [p for p in [await self.store.catalog.person(m.ref) for m in actor_matches] if p and p.shows]
        return SearchAnswer(q, shows, people, await self._namesakes((ref.title, ref) for ref, _ in shows))


def _season_of(show: Show, seasons: list[Season], number: int | None) -> tuple[Season, list[Season]]:
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


def _newest(trailers: list[Trailer]) -> Trailer | None:
    if not trailers:
        return None
    return max(trailers, key=lambda t: (t.season_number, t.published.toordinal() if t.published else 0, t.id))


def _cut(text: str, limit: int = CHOICE_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["EVERY_SHOW", "Catalog", "Choice", "Match", "UnknownSeason", "UnknownShow", "UserError"]
