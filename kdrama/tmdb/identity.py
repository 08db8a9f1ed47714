"""Which unlinked catalog show a TMDB show is: found only where nothing says otherwise, never guessed.

The starter catalog, imported files and hand-made shows are not linked to TMDB. Before the sync
adds a Korean drama TMDB lists, it looks for that drama among the catalog's unlinked shows. A
candidate is a show whose Korean title is TMDB's original name, or whose title is TMDB's
(English) name, compared folded: case, accents, punctuation and spaces aside. The sync links a
TMDB show to its candidate when it has exactly one, nothing contradicts it (the first season's
year and TMDB's first air date agree, and so do the Korean titles, wherever both sides know
them), and no other TMDB show in the run claims the same candidate. Anything less sure is held
for a curator: neither linked nor added, and listed in the run's errors with the command that
settles it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kdrama.search import normalize
from kdrama.store.sync import UnlinkedShow
from kdrama.tmdb.models import ListedShow

_NAMED = 2  # candidates named in a held show's message
_NAME_MAX = 40


@dataclass(frozen=True, slots=True)
class Held:
    """A TMDB show that may be a catalog show: a curator decides."""

    tmdb_id: int
    name: str
    year: int | None
    candidates: tuple[str, ...]  # catalog slugs
    why: str

    def message(self) -> str:
        """One line for the run's errors; /admin sync status shows 180 characters of it."""
        year = f" ({self.year})" if self.year else ""
        name = self.name if len(self.name) <= _NAME_MAX else self.name[: _NAME_MAX - 1] + "…"
        slugs = ", ".join(self.candidates[:_NAMED]) + (" …" if len(self.candidates) > _NAMED else "")
        return (
            f"TMDB {self.tmdb_id} “{name}”{year} not added, may be {slugs} ({self.why}): "
            f"/admin sync show title:<slug> tmdb_id:{self.tmdb_id} links it, title:{self.tmdb_id} adds it"
        )


@dataclass(slots=True)
class Matches:
    """What to do with the TMDB shows the catalog has no link for."""

    new: set[int] = field(default_factory=set)  # add these
    link: dict[int, int] = field(default_factory=dict)  # TMDB id → the catalog show it is
    held: list[Held] = field(default_factory=list)


def _contradiction(tv: ListedShow, show: UnlinkedShow) -> str | None:
    """Why `show` may not be `tv` after all, though a title matches."""
    year = tv.first_air_date.year if tv.first_air_date else None
    if year is not None and show.year is not None and year != show.year:
        return f"catalog year {show.year}"
    if show.korean_title and tv.original_name and normalize(show.korean_title) != normalize(tv.original_name):
        return "Korean titles differ"
    return None


def match(listed: Iterable[ListedShow], unlinked: Sequence[UnlinkedShow]) -> Matches:
    """Sort TMDB shows without a link into new ones, ones to link, and ones a curator must place."""
    by_name: dict[str, list[UnlinkedShow]] = {}
    for show in unlinked:
        keys = {normalize(show.title), normalize(show.korean_title or "")} - {""}
        for key in keys:
            by_name.setdefault(key, []).append(show)
    result = Matches()
    sure: dict[int, tuple[ListedShow, UnlinkedShow]] = {}
    for tv in listed:
        keys = {normalize(tv.name), normalize(tv.original_name)} - {""}
        candidates = {s.id: s for key in keys for s in by_name.get(key, ())}
        year = tv.first_air_date.year if tv.first_air_date else None
        if not candidates:
            result.new.add(tv.id)
        elif len(candidates) > 1:
            slugs = tuple(sorted(s.slug for s in candidates.values()))
            result.held.append(Held(tv.id, tv.name, year, slugs, "several catalog shows match"))
        else:
            (show,) = candidates.values()
            why = _contradiction(tv, show)
            if why is None:
                sure[tv.id] = (tv, show)
            else:
                result.held.append(Held(tv.id, tv.name, year, (show.slug,), why))
    claims = Counter(show.id for _, show in sure.values())
    for tmdb_id, (tv, show) in sure.items():
        if claims[show.id] > 1:
            year = tv.first_air_date.year if tv.first_air_date else None
            result.held.append(Held(tmdb_id, tv.name, year, (show.slug,), "other TMDB shows match it too"))
        else:
            result.link[tmdb_id] = show.id
    return result
