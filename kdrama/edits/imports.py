"""Catalog files in and out: an import is one edit per show it adds or replaces.

What an import notifies is decided where every edit's events are (items.events_for).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kdrama import catalog as catalog_file
from kdrama.catalog import BUNDLED_CATALOG, CatalogError, ImportReport, show_to_dict
from kdrama.dates import Precision, as_of_text
from kdrama.edits.common import IMPORT_MAX_BYTES, EditError
from kdrama.edits.items import events_for, season_key, show_key
from kdrama.lookup import Catalog
from kdrama.models import Action, Actor, ChangeItem, Entity, ShowEntry, ShowRef, Status
from kdrama.store import Store

IMPORT_SOURCE = "catalog import"
_NEW_SEASON = {
    "status": {"value": "unconfirmed"},
    "release": {"date": "", "official": False},
    "cast": [],
    "trailers": [],
}


@dataclass(frozen=True, slots=True)
class ImportResult:
    report: ImportReport
    change_ids: list[int]


async def import_shows(store: Store, shows: list[ShowEntry], *, actor: Actor) -> ImportReport:
    """Apply validated entries in one transaction; a show in the file replaces its stored entry."""
    report = ImportReport()
    if not shows:
        return report
    # The state the import replaces (what its undo restores) is read in the same transaction
    # as its writes: an edit that commits in between would be missing from it and then lost.
    async with store.transaction():
        existing = await store.catalog.show_refs()
        by_slug = {ref.slug: ref for ref in existing.values()}
        file_slugs = {s.slug for s in shows}
        for s in shows:
            missing = [x for x in s.similar if x not in file_slugs and x not in by_slug]
            if missing:
                raise CatalogError(
                    "{title}: similar show {slug} is neither in the file nor in the catalog.",
                    title=s.title,
                    slug=repr(missing[0]),
                )
        old_dicts = await store.catalog.file_shows([by_slug[s.slug].id for s in shows if s.slug in by_slug])
        old_by_slug = {d["slug"]: d for d in old_dicts}
        new_by_slug = {s.slug: show_to_dict(s) for s in shows}
        todo = [s for s in shows if old_by_slug.get(s.slug) != new_by_slug[s.slug]]
        report.unchanged = len(shows) - len(todo)
        if not todo:
            return report
        ids = await store.catalog.import_shows(todo)
        await _record_status_history(store, todo, ids, old_by_slug, actor)
        for s in todo:
            old = old_by_slug.get(s.slug)
            (report.changed if old else report.added).append(s.title)
            items = [ChangeItem(Entity.SHOW, show_key(s.slug), "*", old, new_by_slug[s.slug])]
            await store.changes.record(
                actor=actor,
                action=Action.IMPORT,
                show=ShowRef(ids[s.slug], s.slug, s.title),
                season_number=None,
                source=IMPORT_SOURCE,
                items=items,
                events=events_for(items),
            )
    return report


async def _record_status_history(
    store: Store,
    shows: list[ShowEntry],
    ids: dict[str, int],
    old_by_slug: dict[str, dict[str, Any]],
    actor: Actor,
) -> None:
    """Record each step of a season's status history in the change log, dated when it happened.

    A step is the move from one official state to the next (the first from "no official word"),
    recorded at the day its source gave, with that source, and notifying no one: watchers hear
    about news, not about a file describing the past. Steps an earlier import recorded are skipped.
    """
    for s in shows:
        old_seasons = {x["number"]: x for x in (old_by_slug.get(s.slug) or {}).get("seasons", [])}
        for season in s.seasons:
            if not season.status.history:
                continue
            old_status = old_seasons.get(season.number, {}).get("status") or {}
            known = {(h["value"], h["as_of"]) for h in old_status.get("history") or []}
            known.add((old_status.get("value"), old_status.get("as_of")))
            before = Status.UNCONFIRMED
            for step in (*season.status.history, season.status):
                d = step.as_of
                if d is None or d.precision is not Precision.DAY or not (d.year and d.month and d.day):
                    before = step.value  # a step not known to the day has no place in a dated log
                    continue
                if (step.value.value, as_of_text(d)) not in known and step.value is not before:
                    await store.changes.record(
                        actor=actor,
                        action=Action.IMPORT_HISTORY,
                        show=ShowRef(ids[s.slug], s.slug, s.title),
                        season_number=season.number,
                        source=step.source,
                        items=[
                            ChangeItem(
                                Entity.SEASON, season_key(s.slug, season.number), "status", before, step.value
                            )
                        ],
                        at=datetime(d.year, d.month, d.day, tzinfo=UTC),
                    )
                before = step.value


async def load_starter_if_empty(store: Store, path: Path = BUNDLED_CATALOG) -> ImportReport | None:
    """Fill an empty database from the bundled starter catalog."""
    if not await store.catalog.is_empty():
        return None
    shows = catalog_file.load_file(path)
    return await import_shows(store, shows, actor=Actor(None, "starter catalog"))


async def import_catalog(
    catalog: Catalog, actor: Actor, data: bytes, *, hosts: tuple[str, ...] | None
) -> ImportResult:
    """Validate a whole catalog file, then apply it in one transaction; nothing is written if any entry is wrong."""
    if len(data) > IMPORT_MAX_BYTES:
        raise EditError(
            "The file is too big: {size} bytes, at most {limit}.",
            size=format(len(data), ","),
            limit=format(IMPORT_MAX_BYTES, ","),
        )
    try:
        shows = catalog_file.parse_text(data, trailer_hosts=hosts)
    except CatalogError as e:
        raise EditError("Nothing imported: {reason}", reason=e) from e
    store = catalog.store
    before = await store.changes.last_id()
    try:
        report = await import_shows(store, shows, actor=actor)
    except CatalogError as e:
        raise EditError("Nothing imported: {reason}", reason=e) from e
    ids = await store.changes.ids_since(before, action=Action.IMPORT, actor_id=actor.id)
    await catalog.refresh_since()  # the shows each imported change touched
    return ImportResult(report, ids)


async def export_text(store: Store) -> str:
    """The whole catalog as the JSON text of a catalog file."""
    return (await export_file(store))[0]


async def export_file(store: Store) -> tuple[str, int]:
    """The whole catalog as the JSON text of a catalog file, and how many shows it holds."""
    data = await catalog_file.export_catalog(store)
    return catalog_file.dumps(data), len(data["shows"])
