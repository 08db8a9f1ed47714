"""TMDB's facts into the catalog as edits: one show per transaction, curators' fields untouched.

The sync's changes are ordinary edits by the actor "TMDB sync": recorded with the same items a
curator's edit records (so history, undo and watchers' notices read the same), one change per
difference. A show new to the catalog is one import change that notifies no one. Where TMDB
disagrees with a field a curator set, nothing is written: a review item is opened instead, and
`accept_review` applies TMDB's value later as the curator's own edit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from kdrama.catalog import CatalogError, parse_catalog, show_to_dict
from kdrama.dates import as_of_text
from kdrama.edits.common import EditError, finish
from kdrama.edits.items import (
    alias_key,
    credit_key,
    credit_value,
    diff,
    events_for,
    season_key,
    season_values,
    show_key,
    show_values,
    trailer_key,
)
from kdrama.lookup import Catalog
from kdrama.models import (
    Action,
    Actor,
    Change,
    ChangeItem,
    CreditEntry,
    Entity,
    ReleaseDate,
    SeasonEntry,
    SeasonStatus,
    ShowEntry,
    ShowRef,
    TrailerEntry,
)
from kdrama.store import Store
from kdrama.store.history import release_history_json, status_history_json
from kdrama.store.provenance import CURATOR, JUSTWATCH, REMOVED_SIMILAR, SYNC_ACTOR_NAME, TMDB, removed_names
from kdrama.tmdb.mapping import TmdbEntry
from kdrama.tmdb.plan import CatalogShow, FieldDiff, SyncPlan, plan_sync

log = logging.getLogger(__name__)

SYNC_ACTOR = Actor(None, SYNC_ACTOR_NAME)
SYNC_SOURCE = "TMDB"
LINK_FIELD = "tmdb_id"  # a show item's field: the show's TMDB link (None: unlinked)
_SHOW_TEXT = ("title", "korean_title", "synopsis", "platform", "poster_url", "country", "genres")


@dataclass(frozen=True, slots=True)
class ShowSync:
    """What syncing one TMDB show did."""

    tmdb_id: int
    show_id: int
    title: str
    added: bool
    change_ids: tuple[int, ...]
    reviews: int
    # Similar shows (TMDB ids) not in the catalog yet: resolve_similar links them once they are.
    similar_pending: tuple[int, ...] = ()
    link_change: int | None = None  # the curator's recorded link, when they linked the show

    @property
    def updated(self) -> bool:
        return not self.added and bool(self.change_ids)


# --- reading the catalog's side ------------------------------------------------------------------


async def catalog_show(store: Store, show_id: int) -> CatalogShow | None:
    """The show as the planner compares it (read inside the caller's transaction)."""
    show = await store.catalog.show(show_id)
    if show is None:
        return None
    seasons = await store.catalog.seasons(show_id)
    credits = [*await store.catalog.season_credits(show_id, None)]
    for s in seasons:
        credits += await store.catalog.season_credits(show_id, s.number)
    trailers = await store.catalog.trailers(show_id)
    return CatalogShow(show, tuple(seasons), tuple(credits), tuple(trailers))


# --- values a review keeps: TMDB's side, in the catalog file's terms -----------------------------


def _mini(entry: SeasonEntry | None = None, cast: tuple[CreditEntry, ...] = ()) -> ShowEntry:
    return ShowEntry(
        "x", "x", None, None, (), None, None, None, (), None, None, (), cast, (entry,) if entry else ()
    )


def _season_entry(number: int, **fields: Any) -> SeasonEntry:
    base = SeasonEntry(number, None, None, SeasonStatus(), ReleaseDate(), (), ())
    return replace(base, **fields)


def encode(key: str, value: object) -> object:
    """TMDB's value for a field as JSON (file-format parts), so a review can apply it later."""
    parts = key.split(".")
    if parts[0] == "show":
        if key == "show.cast":
            assert isinstance(value, tuple)
            return show_to_dict(_mini(cast=value))["cast"]
        return list(value) if isinstance(value, tuple) else value
    number = int(parts[1])
    if len(parts) == 2:
        assert isinstance(value, SeasonEntry)
        return show_to_dict(_mini(value))["seasons"][0]
    field = parts[2]
    if field == "episodes":
        return value
    fields = {"status": "status", "release": "release", "cast": "cast", "trailers": "trailers"}
    season = _season_entry(number, **{fields[field]: value})
    return show_to_dict(_mini(season))["seasons"][0][field]


def decode(key: str, raw: Any) -> object:
    """The model `encode` wrote (validated like a catalog file)."""
    parts = key.split(".")
    if parts[0] == "show":
        if key == "show.cast":
            return parse_catalog({"shows": [{"slug": "x", "title": "x", "cast": raw}]})[0].cast
        return tuple(raw) if isinstance(raw, list) else raw
    number = int(parts[1])
    if len(parts) == 2:
        return parse_catalog({"shows": [{"slug": "x", "title": "x", "seasons": [raw]}]})[0].seasons[0]
    field = parts[2]
    if field == "episodes":
        return raw
    season = {"number": number, field: raw}
    parsed = parse_catalog({"shows": [{"slug": "x", "title": "x", "seasons": [season]}]})[0].seasons[0]
    return getattr(parsed, field)


def describe(key: str, value: object) -> str:
    """One side of a review item in words."""
    match value:
        case None | "" | ():
            return "none"
        case SeasonStatus():
            return value.value.label
        case ReleaseDate():
            kind = "official" if value.official else "expected"
            return f"{value.date.human()} ({kind})" if value.date.known else "unknown"
        case SeasonEntry():
            return f"season {value.number}"
        case tuple() if value and isinstance(value[0], CreditEntry | TrailerEntry):
            names = [c.actor if isinstance(c, CreditEntry) else (c.title or c.url) for c in value]
            return ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        case tuple() if value and hasattr(value[0], "actor"):
            names = [getattr(c, "actor", "?") for c in value]
            return ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        case tuple() | list():
            return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 120 else text[:119] + "…"


def field_label(key: str) -> str:
    parts = key.split(".")
    if parts[0] == "show":
        return {"korean_title": "Korean title", "poster_url": "poster"}.get(
            parts[1], parts[1].replace("_", " ")
        )
    if len(parts) == 2:
        return f"season {parts[1]}"
    return f"season {parts[1]} {parts[2]}"


# --- applying one difference as an edit -----------------------------------------------------------


def _season_item_values(season: SeasonEntry) -> dict[str, Any]:
    """A season entry as the item values (and columns) a season row takes."""
    return {
        "episodes": season.episodes,
        "notes": season.notes,
        **_status_values(season.status),
        **_release_values(season.release),
    }


def _status_values(status: SeasonStatus) -> dict[str, Any]:
    return {
        "status": status.value.value,
        "status_source": status.source,
        "status_as_of": as_of_text(status.as_of),
        "status_note": status.note,
    }


def _release_values(release: ReleaseDate) -> dict[str, Any]:
    return {
        "release_date": release.date.canonical(),
        "release_official": release.official,
        "release_source": release.source,
        "release_as_of": as_of_text(release.as_of),
        "release_note": release.note,
    }


def _credit_values(c: CreditEntry, season: int | None) -> dict[str, Any]:
    return {
        "season_number": season,
        "actor": c.actor,
        "korean_name": c.korean_name,
        "character": c.character,
        "billing": c.billing,
        "official": c.official,
        "source": c.source,
    }


def _trailer_values(t: TrailerEntry, season: int) -> dict[str, Any]:
    return {
        "season_number": season,
        "url": t.url,
        "title": t.title,
        "kind": t.kind,
        "published": t.published.isoformat() if t.published else None,
    }


async def _replace_cast(
    store: Store, ref: ShowRef, season: int | None, cast: tuple[CreditEntry, ...]
) -> list[ChangeItem]:
    """Make a season's (None: the show's) cast what TMDB lists; items as cast edits record them."""
    have = {c.actor.casefold(): c for c in await store.catalog.season_credits(ref.id, season)}
    items: list[ChangeItem] = []
    wanted = {c.actor.casefold() for c in cast}
    for name, c in have.items():
        if name not in wanted:
            await store.catalog.delete_credit(c.id)
            items.append(
                ChangeItem(Entity.CREDIT, credit_key(ref.slug, season, c.actor), "*", credit_value(c), None)
            )
    for c in cast:
        new = _credit_values(c, season)
        old = have.get(c.actor.casefold())
        key = credit_key(ref.slug, season, c.actor)
        if old is None:
            await store.catalog.insert_credit(ref.id, new)
            items.append(ChangeItem(Entity.CREDIT, key, "*", None, new))
            continue
        old_values = credit_value(old)
        changed = {
            f: new[f] for f in ("character", "billing", "official", "source") if old_values[f] != new[f]
        }
        if changed:
            await store.catalog.update_credit(old.id, changed)
            items += [ChangeItem(Entity.CREDIT, key, f, old_values[f], v) for f, v in changed.items()]
    return items


async def _apply(store: Store, ref: ShowRef, d: FieldDiff, actor: Actor) -> int | None:
    """Write one planned difference and record it as its own change (inside the caller's transaction)."""
    parts = d.key.split(".")
    number = int(parts[1]) if parts[0] == "season" else None
    field = parts[-1] if len(parts) > (2 if number is not None else 1) else None
    items: list[ChangeItem] = []
    action: Action
    source: str | None = None
    if number is None and field in _SHOW_TEXT:
        show = await store.catalog.show(ref.id)
        assert show is not None
        new = list(d.new) if isinstance(d.new, tuple) else d.new
        items = diff(show_key(ref.slug), show_values(show), {field: new})
        await store.catalog.update_show(ref.id, {i.field: i.new for i in items})
        action = Action.SHOW_EDIT
    elif number is None and field == "aliases":
        have = [a for a, _ in await store.catalog.aliases(ref.id)]
        assert isinstance(d.new, tuple)
        for position, alias in enumerate(d.new):
            if alias not in have:
                await store.catalog.add_alias(ref.id, alias, position)
                items.append(
                    ChangeItem(
                        Entity.ALIAS,
                        alias_key(ref.slug, alias),
                        "*",
                        None,
                        {"alias": alias, "position": position},
                    )
                )
        action = Action.SHOW_ALIAS
    elif number is None and field == "similar":
        assert isinstance(d.new, tuple)
        old = list(d.old) if isinstance(d.old, tuple) else []
        await store.catalog.set_similar(ref.id, list(d.new))
        items = [ChangeItem(Entity.SHOW, show_key(ref.slug), "similar", old, list(d.new))]
        action = Action.SHOW_EDIT
    elif number is None and field == "cast":
        assert isinstance(d.new, tuple)
        items = await _replace_cast(store, ref, None, d.new)
        action = Action.CAST_ADD if d.new else Action.CAST_REMOVE
    elif number is not None and field is None:
        assert isinstance(d.new, SeasonEntry)
        values = _season_item_values(d.new)
        await store.catalog.insert_season(ref.id, number, values)
        added = await store.catalog.season(ref.id, number)
        assert added is not None
        items = [ChangeItem(Entity.SEASON, season_key(ref.slug, number), "*", None, season_values(added))]
        for c in d.new.cast:
            value = _credit_values(c, number)
            await store.catalog.insert_credit(ref.id, value)
            items.append(ChangeItem(Entity.CREDIT, credit_key(ref.slug, number, c.actor), "*", None, value))
        for t in d.new.trailers:
            value = _trailer_values(t, number)
            await store.catalog.insert_trailer(ref.id, value)
            items.append(ChangeItem(Entity.TRAILER, trailer_key(ref.slug, number, t.url), "*", None, value))
        action = Action.SEASON_ADD
    elif number is not None:
        current = await store.catalog.season(ref.id, number)
        if current is None:
            raise EditError(
                "Season {number} of {title} was removed a moment ago.", number=number, title=ref.title
            )
        key = season_key(ref.slug, number)
        if field == "status":
            assert isinstance(d.new, SeasonStatus)
            new_values = _status_values(d.new) | {"status_history": status_history_json(current.status)}
            action, source = Action.SEASON_STATUS, d.new.source
        elif field == "release":
            assert isinstance(d.new, ReleaseDate)
            new_values = _release_values(d.new) | {"release_history": release_history_json(current.release)}
            action, source = Action.SEASON_DATE, d.new.source
        elif field == "episodes":
            new_values = {"episodes": d.new}
            action = Action.SEASON_EDIT
        elif field == "cast":
            assert isinstance(d.new, tuple)
            items = await _replace_cast(store, ref, number, d.new)
            new_values, action = {}, Action.CAST_ADD
        elif field == "trailers":
            assert isinstance(d.new, tuple)
            have = {t.url for t in await store.catalog.season_trailers(ref.id, number)}
            for t in d.new:
                if t.url in have:
                    continue
                value = _trailer_values(t, number)
                await store.catalog.insert_trailer(ref.id, value)
                items.append(
                    ChangeItem(Entity.TRAILER, trailer_key(ref.slug, number, t.url), "*", None, value)
                )
            new_values, action = {}, Action.TRAILER_ADD
        else:
            raise ValueError(f"unknown sync field {d.key!r}")
        if new_values:
            items = diff(key, season_values(current), new_values)
            await store.catalog.update_season(ref.id, number, {i.field: i.new for i in items})
    else:
        raise ValueError(f"unknown sync field {d.key!r}")
    return await store.changes.record(
        actor=actor,
        action=action,
        show=ref,
        season_number=number,
        source=source or (SYNC_SOURCE if actor == SYNC_ACTOR else None),
        items=items,
        events=events_for(items),
    )


# --- one show -------------------------------------------------------------------------------


class RemovedByCurator(Exception):
    """A run would add a TMDB show again that a curator took out of the catalog: nothing is written."""


async def sync_show(
    store: Store,
    tmdb: TmdbEntry,
    *,
    show_id: int | None = None,
    unlinked_only: bool = False,
    keep_removed_out: bool = False,
    linked_by: Actor | None = None,
) -> ShowSync:
    """Bring one TMDB show into the catalog in one transaction; `show_id` links a hand-made show.

    `unlinked_only`: the sync found `show_id` unlinked; refuse if it is gone or linked since.
    `keep_removed_out`: a run, not a curator, is adding it; raise RemovedByCurator if a
    curator removed it (even while the run was under way).
    `linked_by`: the curator who links `show_id`; a new link is recorded as their change.
    """
    async with store.transaction():
        if show_id is not None and unlinked_only:
            ref = await store.catalog.show_ref(show_id)
            if ref is None:
                raise EditError("That show was removed from the catalog.")
            if await store.sync.tmdb_id(show_id) not in (None, tmdb.tmdb_id):
                raise EditError(
                    "A show with the slug {slug} is already in the catalog and linked elsewhere.",
                    slug=ref.slug,
                )
        links = await store.sync.links_for((tmdb.tmdb_id, *tmdb.similar_tmdb_ids))
        linked = links.get(tmdb.tmdb_id)
        target = show_id if show_id is not None else linked
        current = await catalog_show(store, target) if target is not None else None
        slugs: dict[int, str] = {}
        if tmdb.similar_tmdb_ids:
            refs = await store.catalog.show_refs([links[i] for i in tmdb.similar_tmdb_ids if i in links])
            slugs = {i: refs[links[i]].slug for i in tmdb.similar_tmdb_ids if i in links and links[i] in refs}
        link_change = None
        if current is not None and linked_by is not None and linked != current.show.id:
            link_change = await _record_link(store, current.show.ref, tmdb.tmdb_id, linked_by)
        sources = await store.sync.sources(current.show.id) if current is not None else {}
        curated = {k for k, v in sources.items() if v == CURATOR}
        tmdb_set = {k for k, v in sources.items() if v == TMDB}
        plan = plan_sync(tmdb, current, curated=curated, tmdb_set=tmdb_set, slugs_by_tmdb_id=slugs)
        if current is None:
            if keep_removed_out and show_id is None and await store.sync.is_removed(tmdb.tmdb_id):
                raise RemovedByCurator(tmdb.tmdb_id)
            similar = tuple(slugs[i] for i in tmdb.similar_tmdb_ids if i in slugs)
            result = await _add_show(store, tmdb, plan, similar)
        else:
            result = await _update_show(store, tmdb, plan, current)
        if tmdb.entry.platform and "show.platform" not in curated:
            # The platform now holds TMDB's value (set here or already equal): say whether it is
            # JustWatch's streaming data, which answers credit to JustWatch, or TMDB's network.
            source = JUSTWATCH if tmdb.platform_from_justwatch else TMDB
            await store.sync.mark(result.show_id, ["show.platform"], source)
        await store.sync.link(result.show_id, tmdb.tmdb_id, tmdb.fetched_at)
    if link_change is not None:
        result = replace(result, link_change=link_change)
    pending = tuple(i for i in tmdb.similar_tmdb_ids if i not in links)
    return replace(result, similar_pending=pending) if pending else result


async def _record_link(store: Store, ref: ShowRef, tmdb_id: int, actor: Actor) -> int | None:
    """A curator's link of a catalog show to a TMDB show, as their change (undo unlinks it)."""
    old = await store.sync.tmdb_id(ref.id)
    item = ChangeItem(Entity.SHOW, show_key(ref.slug), LINK_FIELD, old, tmdb_id)
    return await store.changes.record(
        actor=actor,
        action=Action.SHOW_EDIT,
        show=ref,
        season_number=None,
        source=f"https://www.themoviedb.org/tv/{tmdb_id}",
        items=[item],
        events=events_for([item]),
    )


async def resolve_similar(store: Store, show_id: int, similar_tmdb_ids: tuple[int, ...]) -> int | None:
    """Add the similar shows that came into the catalog after this one (e.g. later in one run)."""
    async with store.transaction():
        show = await store.catalog.show(show_id)
        links = await store.sync.links_for(similar_tmdb_ids)
        if show is None or not links:
            return None
        refs = await store.catalog.show_refs(links.values())
        have = tuple(r.slug for r in show.similar)
        gone = removed_names(await store.sync.curated(show_id), REMOVED_SIMILAR)
        new = tuple(refs[links[i]].slug for i in similar_tmdb_ids if i in links and links[i] in refs)
        new = tuple(x for x in new if x.casefold() not in gone)
        grown = tuple(dict.fromkeys((*have, *(x for x in new if x != show.slug))))
        if grown == have:
            return None
        return await _apply(store, show.ref, FieldDiff("show.similar", have, grown), SYNC_ACTOR)


async def _add_show(store: Store, tmdb: TmdbEntry, plan: SyncPlan, similar: tuple[str, ...]) -> ShowSync:
    entry = plan.apply[0].new
    assert isinstance(entry, ShowEntry)
    entry = replace(entry, similar=similar)
    clash = await store.catalog.show_ref_by_slug(entry.slug)
    if clash is not None:
        raise EditError(
            "A show with the slug {slug} is already in the catalog and linked elsewhere.", slug=entry.slug
        )
    ids = await store.catalog.import_shows([entry])
    ref = ShowRef(ids[entry.slug], entry.slug, entry.title)
    items = [ChangeItem(Entity.SHOW, show_key(entry.slug), "*", None, show_to_dict(entry))]
    change_id = await store.changes.record(
        actor=SYNC_ACTOR, action=Action.IMPORT, show=ref, season_number=None, source=SYNC_SOURCE, items=items
    )
    return ShowSync(tmdb.tmdb_id, ref.id, ref.title, True, (change_id,) if change_id else (), 0)


async def _update_show(store: Store, tmdb: TmdbEntry, plan: SyncPlan, current: CatalogShow) -> ShowSync:
    ref = current.show.ref
    change_ids: list[int] = []
    for d in plan.apply:
        change_id = await _apply(store, ref, d, SYNC_ACTOR)
        if change_id is not None:
            change_ids.append(change_id)
        await store.sync.close_review(ref.id, d.key)
    opened = 0
    conflict_keys = set()
    for d in plan.conflicts:
        conflict_keys.add(d.key)
        summary = f"{field_label(d.key)}: ours {describe(d.key, d.old)}; TMDB {describe(d.key, d.new)}"
        if await store.sync.put_review(ref.id, d.key, describe(d.key, d.old), encode(d.key, d.new), summary):
            opened += 1
    # What TMDB no longer disputes (it agrees now, or says nothing) is nothing left to review.
    await store.sync.close_reviews_besides(ref.id, conflict_keys)
    return ShowSync(tmdb.tmdb_id, ref.id, ref.title, False, tuple(change_ids), opened)


# --- review --------------------------------------------------------------------------------


async def accept_review(catalog: Catalog, actor: Actor, review_id: int) -> Change | None:
    """Apply TMDB's value of a review item as `actor`'s edit; the field follows TMDB from now on."""
    store = catalog.store
    async with store.transaction():
        item = await store.sync.review(review_id)
        if item is None or item.state != "open":
            raise EditError("That review item was already decided.")
        ref = await store.catalog.show_ref(item.show_id)
        if ref is None:
            raise EditError("That show was removed from the catalog.")
        try:
            value = decode(item.key, item.theirs)
        except CatalogError as e:
            raise EditError("TMDB's value can't be applied: {reason}", reason=e) from e
        change_id = await _apply(store, ref, FieldDiff(item.key, None, value), actor)
        await store.sync.mark(ref.id, [item.key], TMDB)
        await store.sync.resolve_review(review_id, "accepted", actor.id)
    await catalog.refresh_show(item.show_id)
    return await finish(catalog, change_id)


async def keep_review(store: Store, actor: Actor, review_id: int) -> str:
    """Keep the curator's value; the item stays closed until TMDB's value changes again."""
    async with store.transaction():
        item = await store.sync.review(review_id)
        if item is None or not await store.sync.resolve_review(review_id, "kept", actor.id):
            raise EditError("That review item was already decided.")
    return f"Kept the catalog's {field_label(item.key)} of {item.show_title}."
