"""Which unlinked catalog show a TMDB show is: found only where nothing says otherwise, never guessed.

The starter catalog, imported files and hand-made shows are not linked to TMDB. Before the sync
adds a Korean drama TMDB lists, it looks for that drama among the catalog's unlinked shows. A
candidate is a show whose Korean title is TMDB's original name, or whose title is TMDB's
(English) name, compared folded: case, accents, punctuation and spaces aside. The sync links a
TMDB show to its candidate when it has exactly one, nothing contradicts it (the first season's
year and TMDB's first air date agree, and so do the Korean titles, wherever both sides know
them), and no other TMDB show in the run claims the same candidate. Anything less sure is held
for a curator: neither linked nor added, counted in the run's held shows (not its errors) and
listed in `/admin sync review`, where a curator links it or adds it as a show of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kdrama.i18n import N_
from kdrama.search import normalize
from kdrama.store.sync import UnlinkedShow
from kdrama.tmdb.models import ListedShow

_NAMED = 2  # candidates named in a held show's message
_NAME_MAX = 40

# Why a show is held: message ids, translated where a curator reads them.
SEVERAL = N_("several catalog shows have its title")
CATALOG_YEAR = N_("the catalog's show is from {year}")
KOREAN_TITLES = N_("the Korean titles differ")
CLAIMED = N_("another TMDB show matches the same catalog show")


@dataclass(frozen=True, slots=True)
class Held:
    """A TMDB show that may be a catalog show: a curator decides."""

    tmdb_id: int
    name: str
    year: int | None
    candidates: tuple[str, ...]  # catalog slugs
    why: str  # one of the reasons above (a message id)
    show_ids: tuple[int, ...] = ()  # the candidates' catalog ids, in the same order
    why_params: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """Why it is held, in English."""
        return self.why.format(**self.why_params)

    def message(self) -> str:
        """One line for the run's errors; /admin sync status shows 180 characters of it."""
        year = f" ({self.year})" if self.year else ""
        name = self.name if len(self.name) <= _NAME_MAX else self.name[: _NAME_MAX - 1] + "…"
        slugs = ", ".join(self.candidates[:_NAMED]) + (" …" if len(self.candidates) > _NAMED else "")
        return (
            f"TMDB {self.tmdb_id} “{name}”{year} not added, may be {slugs} ({self.reason}): "
            f"/admin sync show title:<slug> tmdb_id:{self.tmdb_id} links it, title:{self.tmdb_id} adds it"
        )


@dataclass(slots=True)
class Matches:
    """What to do with the TMDB shows the catalog has no link for."""

    new: set[int] = field(default_factory=set)  # add these
    link: dict[int, int] = field(default_factory=dict)  # TMDB id → the catalog show it is
    held: list[Held] = field(default_factory=list)


def _contradiction(tv: ListedShow, show: UnlinkedShow) -> tuple[str, dict[str, Any]] | None:
    """Why `show` may not be `tv` after all, though a title matches (a reason and its parameters)."""
    year = tv.first_air_date.year if tv.first_air_date else None
    if year is not None and show.year is not None and year != show.year:
        return CATALOG_YEAR, {"year": show.year}
    if show.korean_title and tv.original_name and normalize(show.korean_title) != normalize(tv.original_name):
        return KOREAN_TITLES, {}
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
            shows = sorted(candidates.values(), key=lambda s: s.slug)
            result.held.append(
                Held(tv.id, tv.name, year, tuple(s.slug for s in shows), SEVERAL, tuple(s.id for s in shows))
            )
        else:
            (show,) = candidates.values()
            why = _contradiction(tv, show)
            if why is None:
                sure[tv.id] = (tv, show)
            else:
                result.held.append(Held(tv.id, tv.name, year, (show.slug,), why[0], (show.id,), why[1]))
    claims = Counter(show.id for _, show in sure.values())
    for tmdb_id, (tv, show) in sure.items():
        if claims[show.id] > 1:
            year = tv.first_air_date.year if tv.first_air_date else None
            result.held.append(Held(tmdb_id, tv.name, year, (show.slug,), CLAIMED, (show.id,)))
        else:
            result.link[tmdb_id] = show.id
    return result
