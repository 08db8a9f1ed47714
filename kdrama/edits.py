"""Curator edits of the catalog: each validated, run in one transaction, recorded for history and undo.

Every edit reads the current values inside its write transaction (so two curators editing the
same season at once both land, in order), writes the new values and records one `change` with
its items. An item carries enough to undo it: the entity, its key, the field, and the old and
new values; an add or a removal records the whole row (field "*") as new or old.

Keys: a show is its slug; a season `slug#2`; a credit `slug#2#Actor` (`slug#0#Actor` for the
whole show); a trailer `slug#2#url`; an alias `slug#alias`. A key under another (`slug#2#…`
under `slug#2`) belongs to it, which is how undo sees that a later edit touched the same thing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from kdrama import catalog as catalog_file
from kdrama.dates import DateError, PartialDate
from kdrama.lookup import Catalog, UnknownSeason, UserError
from kdrama.models import Actor, Change, ChangeItem, Event, Show, ShowRef, Status
from kdrama.store import Store, release_columns, status_columns, utcnow
from kdrama.validate import (
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    TITLE_MAX,
    ValidationError,
    clean_text,
    https_url,
    slugify,
)
from kdrama.validate import source as check_source

log = logging.getLogger(__name__)

# Why a subscription restored with its show (undoing the show's removal) waits for /watch add.
RESTORED_PAUSED = "the show was removed and restored: run /watch add here to resume"

CLEAR = "-"  # typed as an option value, empties an optional field
IMPORT_MAX_BYTES = 5_000_000
SEASON_MAX = 99
EPISODES_MAX = 1000
NAME_MAX = 100

SHOW_FIELDS = (
    "title",
    "korean_title",
    "romanized_title",
    "country",
    "platform",
    "platform_url",
    "genres",
    "synopsis",
    "poster_url",
)
SEASON_FIELDS = (
    "episodes",
    "notes",
    "status",
    "status_source",
    "status_as_of",
    "status_note",
    "release_date",
    "release_official",
    "release_source",
    "release_as_of",
    "release_note",
    "status_history",
    "release_history",
)
CREDIT_FIELDS = ("character", "billing", "official", "source")
TRAILER_FIELDS = ("title", "kind", "published")

FIELD_LABELS = {
    "title": "title",
    "korean_title": "Korean title",
    "romanized_title": "romanized title",
    "country": "country",
    "platform": "platform",
    "platform_url": "platform link",
    "genres": "genres",
    "synopsis": "synopsis",
    "poster_url": "poster link",
    "episodes": "episode count",
    "notes": "notes",
    "status": "status",
    "status_source": "status source",
    "status_as_of": "status as-of date",
    "status_note": "status note",
    "release_date": "release date",
    "release_official": "release date's officialness",
    "release_source": "release date source",
    "release_as_of": "release date as-of",
    "release_note": "release date note",
    "status_history": "earlier statuses",
    "release_history": "earlier release dates",
    "character": "character",
    "billing": "billing",
    "official": "officialness",
    "source": "source",
    "kind": "kind",
    "published": "published date",
}


class EditError(UserError):
    """An edit we refuse; str() is one sentence for the curator."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    report: catalog_file.ImportReport
    change_ids: list[int]


# --- keys, events and descriptions -----------------------------------------------------------


def season_key(slug: str, number: int) -> str:
    return f"{slug}#{number}"


def credit_key(slug: str, season: int | None, person: str) -> str:
    return f"{slug}#{season or 0}#{person}"


def trailer_key(slug: str, season: int, url: str) -> str:
    return f"{slug}#{season}#{url}"


def alias_key(slug: str, alias: str) -> str:
    return f"{slug}#{alias}"


def _key_parts(key: str) -> list[str]:
    return key.split("#", 2)


def events_for(items: Iterable[ChangeItem]) -> frozenset[Event]:
    """What watchers hear about: status, date, a trailer added, an official cast entry added."""
    items = list(items)
    # Cast and trailers that come back with their whole season (undoing its removal) are not news.
    whole = tuple(i.key + "#" for i in items if i.entity == "season" and i.field == "*")
    events: set[Event] = set()
    for i in items:
        if i.entity in ("credit", "trailer") and whole and i.key.startswith(whole):
            continue
        if i.entity == "season" and i.field == "status" and i.old != i.new:
            events.add(Event.STATUS)
            if i.new in (Status.AIRING.value, Status.RELEASED.value):
                events.add(Event.RELEASE)
        elif i.entity == "season" and i.field in ("release_date", "release_official") and i.old != i.new:
            events.add(Event.DATE)
        elif i.entity == "trailer" and i.field == "*" and i.old is None and i.new is not None:
            events.add(Event.TRAILER)
        elif i.entity == "credit" and i.field == "*" and i.old is None and isinstance(i.new, dict):
            if i.new.get("official"):
                events.add(Event.CAST)
        elif i.entity == "credit" and i.field == "official" and i.new is True and i.old is not True:
            events.add(Event.CAST)
    return frozenset(events)


def _value(field: str, value: object) -> str:
    """A stored value as a curator reads it."""
    if value is None or value == "" or value == []:
        return "none"
    if field == "status":
        try:
            return Status(str(value)).label
        except ValueError:
            return str(value)
    if field == "release_date":
        try:
            return PartialDate.parse(str(value)).human()
        except DateError:
            return str(value)
    if field in ("release_official", "official"):
        return "official" if value else "expected"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    if isinstance(value, str) and not text.startswith("https://"):
        text = f"“{_short(text)}”"
    return text


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_target(item: ChangeItem) -> str:
    """What an item is about, in words: "the status of season 2"."""
    parts = _key_parts(item.key)
    label = FIELD_LABELS.get(item.field, item.field.replace("_", " "))
    match item.entity:
        case "show":
            return "the show" if item.field == "*" else f"the {label}"
        case "season":
            n = parts[1] if len(parts) > 1 else "?"
            return f"season {n}" if item.field == "*" else f"the {label} of season {n}"
        case "credit":
            where = "the whole show" if len(parts) > 1 and parts[1] == "0" else f"season {parts[1]}"
            person = parts[2] if len(parts) > 2 else "?"
            what = f"the cast entry for {person} ({where})"
            return what if item.field == "*" else f"the {label} of {what}"
        case "trailer":
            url = parts[2] if len(parts) > 2 else "?"
            what = f"the trailer {url} of season {parts[1]}"
            return what if item.field == "*" else f"the {label} of {what}"
        case "alias":
            return f"the alias “{item.key.split('#', 1)[-1]}”"
        case "curator":
            return f"the curator <@{item.key}>"
    return f"{item.entity} {item.key} {item.field}"


def describe_item(item: ChangeItem) -> str:
    """One line saying what an item changed, old → new."""
    target = describe_target(item)
    if item.field == "*":
        if item.old is None:
            return f"added {target}"
        if item.new is None:
            return f"removed {target}"
        return f"replaced {target} (import)"
    return f"{target}: {_value(item.field, item.old)} → {_value(item.field, item.new)}"


def describe_change(change: Change) -> list[str]:
    """Every line of a change; repeated season/credit prefixes are kept, the curator reads them."""
    return [describe_item(i) for i in change.items]


# --- small validation helpers ----------------------------------------------------------------


def _text(
    value: str | None, field: str, max_len: int = SHORT_TEXT_MAX, *, multiline: bool = False
) -> str | None:
    return clean_text(value, field=field, max_len=max_len, multiline=multiline)


def _required_source(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise EditError(f"A {what} edit needs a source: an https:// link or a short citation.")
    found = check_source(value, field="source")
    assert found is not None
    return found


def _season_number(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= SEASON_MAX:
        raise EditError(f"A season number is a whole number from 1 to {SEASON_MAX}.")
    return n


def _status(value: Status | str) -> Status:
    try:
        return Status(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise EditError(f"The status must be one of {allowed}, not {value!r}.") from None


def _country(value: str | None) -> str | None:
    text = _text(value, "country", 2 + 10)
    if text is None:
        return None
    if not (len(text) == 2 and text.isalpha()):
        raise EditError(f"The country must be a two-letter code like KR, not {text!r}.")
    return text.upper()


def _genres(value: str | None) -> list[str]:
    text = _text(value, "genres", SHORT_TEXT_MAX) or ""
    genres = [g for g in (_text(x, "a genre", 40) for x in text.split(",")) if g]
    return list(dict.fromkeys(genres))


def _clearing(value: str | None) -> bool:
    return value is not None and value.strip() == CLEAR


# --- reading inside a transaction ------------------------------------------------------------


async def _one(db: aiosqlite.Connection, sql: str, args: Sequence[Any] = ()) -> Any:
    async with db.execute(sql, args) as cur:
        return await cur.fetchone()


async def _all(db: aiosqlite.Connection, sql: str, args: Sequence[Any] = ()) -> list[Any]:
    async with db.execute(sql, args) as cur:
        return list(await cur.fetchall())


async def _show_ref(db: aiosqlite.Connection, show_id: int) -> ShowRef:
    row = await _one(db, "SELECT id, slug, title FROM show WHERE id = ?", (show_id,))
    if row is None:
        raise EditError("That show was removed from the catalog a moment ago.")
    return ShowRef(row[0], row[1], row[2])


async def _show_id(db: aiosqlite.Connection, slug: str) -> int | None:
    row = await _one(db, "SELECT id FROM show WHERE slug = ?", (slug,))
    return row[0] if row else None


async def _show_fields(db: aiosqlite.Connection, show_id: int) -> dict[str, Any]:
    row = await _one(db, f"SELECT {', '.join(SHOW_FIELDS)} FROM show WHERE id = ?", (show_id,))
    values: dict[str, Any] = dict(zip(SHOW_FIELDS, row, strict=True))
    values["genres"] = json.loads(values["genres"] or "[]")
    return values


async def _season_row(db: aiosqlite.Connection, show_id: int, number: int) -> dict[str, Any] | None:
    row = await _one(
        db,
        f"SELECT {', '.join(SEASON_FIELDS)} FROM season WHERE show_id = ? AND number = ?",
        (show_id, number),
    )
    if row is None:
        return None
    values: dict[str, Any] = dict(zip(SEASON_FIELDS, row, strict=True))
    values["release_official"] = bool(values["release_official"])
    return values


async def _require_season(db: aiosqlite.Connection, ref: ShowRef, number: int) -> dict[str, Any]:
    row = await _season_row(db, ref.id, number)
    if row is None:
        numbers = [
            r[0]
            for r in await _all(db, "SELECT number FROM season WHERE show_id = ? ORDER BY number", (ref.id,))
        ]
        raise UnknownSeason(_ShowTitle(ref.title), number, numbers)  # type: ignore[arg-type]
    return row


@dataclass(frozen=True, slots=True)
class _ShowTitle:
    """Enough of a Show for UnknownSeason's message."""

    title: str


def _season_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    """Season fields as columns, with the release date's precision and instant derived."""
    cols = {f: values[f] for f in SEASON_FIELDS if f in values}
    if "release_official" in cols:
        cols["release_official"] = int(bool(cols["release_official"]))
    if "release_date" in cols:
        d = PartialDate.parse(cols["release_date"])
        span = d.span()
        cols["release_date"] = d.canonical()
        cols["release_precision"] = d.precision.value
        cols["release_at"] = span[0].timestamp() if span else None
    return cols


async def _update_season(
    db: aiosqlite.Connection, show_id: int, number: int, values: Mapping[str, Any]
) -> None:
    cols = _season_columns(values)
    if not cols:
        return
    await db.execute(
        f"UPDATE season SET {', '.join(f'{c} = ?' for c in cols)} WHERE show_id = ? AND number = ?",
        (*cols.values(), show_id, number),
    )


async def _insert_season(
    db: aiosqlite.Connection, show_id: int, number: int, values: Mapping[str, Any]
) -> None:
    cols = {"show_id": show_id, "number": number, **_season_columns(values)}
    await db.execute(
        f"INSERT INTO season ({', '.join(cols)}) VALUES ({','.join('?' * len(cols))})", tuple(cols.values())
    )


def _diff(entity: str, key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[ChangeItem]:
    return [ChangeItem(entity, key, f, old.get(f), new[f]) for f in new if old.get(f) != new[f]]


async def _person_id(db: aiosqlite.Connection, name: str, korean_name: str | None) -> int:
    """The person called `name` (and `korean_name` when given), created when new."""
    if korean_name:
        row = await _one(db, "SELECT id FROM person WHERE name = ? AND korean_name = ?", (name, korean_name))
    else:
        row = await _one(
            db, "SELECT id FROM person WHERE name = ? ORDER BY korean_name IS NOT NULL, id", (name,)
        )
    if row:
        return row[0]
    cur = await db.execute("INSERT INTO person (name, korean_name) VALUES (?, ?)", (name, korean_name))
    assert cur.lastrowid is not None
    return cur.lastrowid


async def _credit_rows(
    db: aiosqlite.Connection, show_id: int, season: int | None, person: str | None = None
) -> list[dict[str, Any]]:
    sql = (
        "SELECT c.id, c.season_number, p.name, p.korean_name, c.character, c.billing, c.official, c.source "
        "FROM credit c JOIN person p ON p.id = c.person_id WHERE c.show_id = ? AND c.season_number IS ?"
    )
    args: list[Any] = [show_id, season]
    if person is not None:
        sql += " AND p.name = ? COLLATE NOCASE"
        args.append(person)
    rows = await _all(db, sql + " ORDER BY c.billing IS NULL, c.billing, c.id", args)
    return [
        {
            "id": r[0],
            "season_number": r[1],
            "actor": r[2],
            "korean_name": r[3],
            "character": r[4],
            "billing": r[5],
            "official": bool(r[6]),
            "source": r[7],
        }
        for r in rows
    ]


def _credit_value(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("season_number", "actor", "korean_name", *CREDIT_FIELDS)}


async def _insert_credit(db: aiosqlite.Connection, show_id: int, value: Mapping[str, Any]) -> None:
    person_id = await _person_id(db, value["actor"], value.get("korean_name"))
    await db.execute(
        "INSERT INTO credit (show_id, season_number, person_id, character, billing, official, source) "
        "VALUES (?,?,?,?,?,?,?)",
        (
            show_id,
            value.get("season_number"),
            person_id,
            value.get("character"),
            value.get("billing"),
            int(bool(value.get("official", True))),
            value.get("source"),
        ),
    )


async def _trailer_row(
    db: aiosqlite.Connection, show_id: int, season: int, url: str
) -> dict[str, Any] | None:
    row = await _one(
        db,
        "SELECT id, season_number, title, url, kind, published FROM trailer "
        "WHERE show_id = ? AND season_number = ? AND url = ?",
        (show_id, season, url),
    )
    if row is None:
        return None
    return {
        "id": row[0],
        "season_number": row[1],
        "title": row[2],
        "url": row[3],
        "kind": row[4],
        "published": row[5],
    }


def _trailer_value(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("season_number", "url", *TRAILER_FIELDS)}


async def _insert_trailer(db: aiosqlite.Connection, show_id: int, value: Mapping[str, Any]) -> None:
    await db.execute(
        "INSERT INTO trailer (show_id, season_number, title, url, kind, published) VALUES (?,?,?,?,?,?)",
        (
            show_id,
            value["season_number"],
            value.get("title"),
            value["url"],
            value.get("kind") or "trailer",
            value.get("published"),
        ),
    )


# --- whole shows (add, remove, import undo) --------------------------------------------------


async def _snapshot_show(store: Store, db: aiosqlite.Connection, show_id: int) -> dict[str, Any]:
    """A show in the file format, plus what a removal would cascade away from other rows."""
    found = await catalog_file.export_shows(store, [show_id])
    snapshot = found[0]
    snapshot["_similar_of"] = [
        [r[0], r[1]]
        for r in await _all(
            db,
            "SELECT s.slug, x.position FROM show_similar x JOIN show s ON s.id = x.show_id "
            "WHERE x.similar_id = ? ORDER BY s.slug",
            (show_id,),
        )
    ]
    async with db.execute("SELECT * FROM subscription WHERE show_id = ? ORDER BY id", (show_id,)) as cur:
        names = [d[0] for d in cur.description]
        snapshot["_subscriptions"] = [dict(zip(names, r, strict=True)) for r in await cur.fetchall()]
    return snapshot


async def _write_show(db: aiosqlite.Connection, snapshot: Mapping[str, Any], prefer_id: int | None) -> int:
    """Write a show from its file-format dict: replace it when its slug exists, else insert it."""
    clean = {k: v for k, v in snapshot.items() if not k.startswith("_")}
    try:
        (entry,) = catalog_file.parse_catalog({"format": catalog_file.FORMAT, "shows": [clean]})
    except catalog_file.CatalogError as e:
        raise EditError(f"The recorded show can't be restored: {e}") from e
    values = (
        entry.title,
        entry.korean_title,
        entry.romanized_title,
        entry.country,
        entry.platform,
        entry.platform_url,
        json.dumps(list(entry.genres), ensure_ascii=False),
        entry.synopsis,
        entry.poster_url,
    )
    show_id = await _show_id(db, entry.slug)
    if show_id is not None:
        await db.execute(
            f"UPDATE show SET {', '.join(f'{c} = ?' for c in SHOW_FIELDS)} WHERE id = ?", (*values, show_id)
        )
        for table in ("show_alias", "show_similar", "credit", "trailer", "season"):
            await db.execute(f"DELETE FROM {table} WHERE show_id = ?", (show_id,))
    else:
        # Keep the old id when it is free, so the show's history stays with it.
        if prefer_id is not None and await _one(db, "SELECT 1 FROM show WHERE id = ?", (prefer_id,)):
            prefer_id = None
        cur = await db.execute(
            f"INSERT INTO show (id, slug, {', '.join(SHOW_FIELDS)}) VALUES (?, ?, {','.join('?' * len(SHOW_FIELDS))})",
            (prefer_id, entry.slug, *values),
        )
        assert cur.lastrowid is not None
        show_id = cur.lastrowid
    await db.executemany(
        "INSERT OR IGNORE INTO show_alias (show_id, alias, position) VALUES (?,?,?)",
        [(show_id, a, n) for n, a in enumerate(entry.aliases)],
    )
    for n, other in enumerate(entry.similar):
        other_id = await _show_id(db, other)
        if other_id is not None and other_id != show_id:
            await db.execute(
                "INSERT OR IGNORE INTO show_similar (show_id, similar_id, position) VALUES (?,?,?)",
                (show_id, other_id, n),
            )
    for slug_, position in snapshot.get("_similar_of") or []:
        other_id = await _show_id(db, slug_)
        if other_id is not None:
            await db.execute(
                "INSERT OR IGNORE INTO show_similar (show_id, similar_id, position) VALUES (?,?,?)",
                (other_id, show_id, position),
            )
    for season in entry.seasons:
        await _insert_season(
            db,
            show_id,
            season.number,
            {
                "episodes": season.episodes,
                "notes": season.notes,
                **status_columns(season.status),
                **{k: v for k, v in release_columns(season.release).items() if k in SEASON_FIELDS},
            },
        )
        for t in season.trailers:
            await _insert_trailer(
                db,
                show_id,
                {
                    "season_number": season.number,
                    "title": t.title,
                    "url": t.url,
                    "kind": t.kind,
                    "published": t.published.isoformat() if t.published else None,
                },
            )
    for number, cast in [(None, entry.cast), *((s.number, s.cast) for s in entry.seasons)]:
        for c in cast:
            await _insert_credit(
                db,
                show_id,
                {
                    "season_number": number,
                    "actor": c.actor,
                    "korean_name": c.korean_name,
                    "character": c.character,
                    "billing": c.billing,
                    "official": c.official,
                    "source": c.source,
                },
            )
    for sub in snapshot.get("_subscriptions") or []:
        # The channel may have been deleted, or the bot lost access to it, while the show was
        # gone: it comes back paused, until /watch add there checks it again and resumes it.
        row = {**sub, "show_id": show_id}
        if not row.get("paused_reason"):
            row["paused_reason"] = RESTORED_PAUSED
            row["paused_at"] = utcnow().isoformat(timespec="seconds")
        row.pop("id", None)
        await db.execute(
            f"INSERT OR IGNORE INTO subscription ({', '.join(row)}) VALUES ({','.join('?' * len(row))})",
            tuple(row.values()),
        )
    return show_id


# --- the edits -------------------------------------------------------------------------------


async def _finish(catalog: Catalog, change_id: int | None) -> Change | None:
    if change_id is None:
        return None
    catalog.forget_popular()  # a status or date edit can move a show in or out of "news"
    change = await catalog.store.change(change_id)
    if change is not None:
        log.info(
            "change #%d %s on %s by %s (%s): %d item(s), events %s",
            change.id,
            change.action,
            change.show_title,
            change.actor_name,
            change.actor_id,
            len(change.items),
            ",".join(sorted(change.events)) or "none",
        )
    return change


async def add_show(
    catalog: Catalog,
    actor: Actor,
    title: str,
    *,
    korean_title: str | None = None,
    romanized_title: str | None = None,
    platform: str | None = None,
    platform_url: str | None = None,
    country: str | None = None,
    genres: str | None = None,
    poster_url: str | None = None,
) -> Change:
    """Add a show (no seasons yet); its slug comes from the title."""
    clean_title = clean_text(title, field="The title", max_len=TITLE_MAX, required=True)
    assert clean_title is not None
    row = {
        "title": clean_title,
        "korean_title": _text(korean_title, "The Korean title", TITLE_MAX),
        "romanized_title": _text(romanized_title, "The romanized title", TITLE_MAX),
        "country": _country(country),
        "platform": _text(platform, "The platform", NAME_MAX),
        "platform_url": https_url(platform_url, field="The platform link"),
        "genres": _genres(genres),
        "synopsis": None,
        "poster_url": https_url(poster_url, field="The poster link"),
    }
    store = catalog.store
    async with store.transaction() as db:
        same = await _one(db, "SELECT slug FROM show WHERE title = ? COLLATE NOCASE", (clean_title,))
        if same:
            raise EditError(f"A show called “{clean_title}” is already in the catalog (slug {same[0]}).")
        base = slugify(clean_title)
        slug, n = base, 2
        while await _show_id(db, slug) is not None:
            slug, n = f"{base}-{n}", n + 1
        snapshot = {"slug": slug, **row, "aliases": [], "similar": [], "cast": [], "seasons": []}
        show_id = await _write_show(db, snapshot, None)
        change_id = await store.record_change(
            db,
            actor=actor,
            action="show.add",
            show=ShowRef(show_id, slug, clean_title),
            season_number=None,
            source=None,
            items=[ChangeItem("show", slug, "*", None, snapshot)],
        )
    await catalog.refresh_show(show_id)
    change = await _finish(catalog, change_id)
    assert change is not None
    return change


async def edit_show(
    catalog: Catalog, actor: Actor, title: str, changes: Mapping[str, str | None]
) -> Change | None:
    """Change a show's fields; an option given as "-" empties the field (never the title)."""
    unknown = set(changes) - set(SHOW_FIELDS)
    if unknown:
        raise EditError(f"Shows have no field {sorted(unknown)[0]!r}.")
    new: dict[str, Any] = {}
    for field, raw in changes.items():
        if raw is None:
            continue
        if _clearing(raw):
            if field == "title":
                raise EditError("A show always has a title; type the new one instead of -.")
            new[field] = [] if field == "genres" else None
            continue
        label = f"The {FIELD_LABELS[field]}"
        match field:
            case "title":
                new[field] = clean_text(raw, field=label, max_len=TITLE_MAX, required=True)
            case "korean_title" | "romanized_title":
                new[field] = _text(raw, label, TITLE_MAX)
            case "country":
                new[field] = _country(raw)
            case "platform":
                new[field] = _text(raw, label, NAME_MAX)
            case "platform_url" | "poster_url":
                new[field] = https_url(raw, field=label)
            case "genres":
                new[field] = _genres(raw)
            case "synopsis":
                new[field] = _text(raw, label, LONG_TEXT_MAX, multiline=True)
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction() as db:
        ref = await _show_ref(db, show.id)
        if "title" in new and new["title"] != ref.title:
            same = await _one(
                db, "SELECT slug FROM show WHERE title = ? COLLATE NOCASE AND id != ?", (new["title"], ref.id)
            )
            if same:
                raise EditError(f"Another show is already called “{new['title']}” (slug {same[0]}).")
        old = await _show_fields(db, ref.id)
        items = _diff("show", ref.slug, old, new)
        if items:
            cols = {
                i.field: (json.dumps(i.new, ensure_ascii=False) if i.field == "genres" else i.new)
                for i in items
            }
            await db.execute(
                f"UPDATE show SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                (*cols.values(), ref.id),
            )
        new_ref = ShowRef(ref.id, ref.slug, new.get("title") or ref.title)
        change_id = await store.record_change(
            db, actor=actor, action="show.edit", show=new_ref, season_number=None, source=None, items=items
        )
    if change_id is not None:
        await catalog.refresh_show(show.id)
    return await _finish(catalog, change_id)


async def remove_show(catalog: Catalog, actor: Actor, title: str) -> Change:
    """Remove a show with its seasons, cast and trailers (undo puts it all back)."""
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction() as db:
        ref = await _show_ref(db, show.id)
        snapshot = await _snapshot_show(store, db, ref.id)
        await db.execute("DELETE FROM show WHERE id = ?", (ref.id,))
        change_id = await store.record_change(
            db,
            actor=actor,
            action="show.remove",
            show=ref,
            season_number=None,
            source=None,
            items=[ChangeItem("show", ref.slug, "*", snapshot, None)],
        )
    await catalog.refresh_show(show.id)
    await catalog.refresh_people([show.id])
    change = await _finish(catalog, change_id)
    assert change is not None
    return change


async def alias(
    catalog: Catalog, actor: Actor, title: str, alias_text: str, *, remove: bool = False
) -> Change | None:
    """Add an alias to a show, or remove one."""
    text = clean_text(alias_text, field="The alias", max_len=TITLE_MAX, required=True)
    assert text is not None
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction() as db:
        ref = await _show_ref(db, show.id)
        rows = await _all(
            db, "SELECT alias, position FROM show_alias WHERE show_id = ? ORDER BY position", (ref.id,)
        )
        existing = next((r for r in rows if r[0].casefold() == text.casefold()), None)
        items: list[ChangeItem] = []
        if remove:
            if existing is None:
                listed = ", ".join(f"“{r[0]}”" for r in rows) or "none"
                raise EditError(f"{ref.title} has no alias “{text}” (its aliases: {listed}).")
            await db.execute("DELETE FROM show_alias WHERE show_id = ? AND alias = ?", (ref.id, existing[0]))
            items.append(
                ChangeItem(
                    "alias",
                    alias_key(ref.slug, existing[0]),
                    "*",
                    {"alias": existing[0], "position": existing[1]},
                    None,
                )
            )
        elif existing is None:
            if text.casefold() == ref.title.casefold():
                raise EditError(f"“{text}” is already the show's title.")
            position = max((r[1] for r in rows), default=-1) + 1
            await db.execute(
                "INSERT INTO show_alias (show_id, alias, position) VALUES (?,?,?)", (ref.id, text, position)
            )
            items.append(
                ChangeItem(
                    "alias", alias_key(ref.slug, text), "*", None, {"alias": text, "position": position}
                )
            )
        change_id = await store.record_change(
            db, actor=actor, action="show.alias", show=ref, season_number=None, source=None, items=items
        )
    if change_id is not None:
        await catalog.refresh_show(show.id)
    return await _finish(catalog, change_id)


async def add_season(
    catalog: Catalog, actor: Actor, title: str, season: int, episodes: int | None = None
) -> Change | None:
    """Add a season (status unconfirmed, date unknown); on an existing season, set its episode count."""
    number = _season_number(season)
    if episodes is not None and not 0 <= episodes <= EPISODES_MAX:
        raise EditError(f"The episode count is a whole number from 0 to {EPISODES_MAX}.")
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction() as db:
        ref = await _show_ref(db, show.id)
        key = season_key(ref.slug, number)
        current = await _season_row(db, ref.id, number)
        if current is None:
            await _insert_season(db, ref.id, number, {"episodes": episodes})
            row = await _season_row(db, ref.id, number)
            items = [ChangeItem("season", key, "*", None, row)]
            action = "season.add"
        else:
            items = _diff("season", key, current, {"episodes": episodes}) if episodes is not None else []
            await _update_season(db, ref.id, number, {i.field: i.new for i in items})
            action = "season.edit"
        change_id = await store.record_change(
            db, actor=actor, action=action, show=ref, season_number=number, source=None, items=items
        )
    return await _finish(catalog, change_id)


async def remove_season(catalog: Catalog, actor: Actor, title: str, season: int) -> Change:
    """Remove a season with its cast entries and trailers."""
    number = _season_number(season)
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction() as db:
        ref = await _show_ref(db, show.id)
        row = await _require_season(db, ref, number)
        items = [ChangeItem("season", season_key(ref.slug, number), "*", row, None)]
        for c in await _credit_rows(db, ref.id, number):
            items.append(
                ChangeItem("credit", credit_key(ref.slug, number, c["actor"]), "*", _credit_value(c), None)
            )
        for r in await _all(
            db,
            "SELECT url FROM trailer WHERE show_id = ? AND season_number = ? ORDER BY id",
            (ref.id, number),
        ):
            t = await _trailer_row(db, ref.id, number, r[0])
            assert t is not None
            items.append(
                ChangeItem("trailer", trailer_key(ref.slug, number, t["url"]), "*", _trailer_value(t), None)
            )
        await db.execute("DELETE FROM credit WHERE show_id = ? AND season_number = ?", (ref.id, number))
        await db.execute("DELETE FROM trailer WHERE show_id = ? AND season_number = ?", (ref.id, number))
        await db.execute("DELETE FROM season WHERE show_id = ? AND number = ?", (ref.id, number))
        change_id = await store.record_change(
            db, actor=actor, action="season.remove", show=ref, season_number=number, source=None, items=items
        )
    await catalog.refresh_people([ref.id])
    change = await _finish(catalog, change_id)
    assert change is not None
    return change


def _note(value: str | None) -> str | None:
    return (
        None if value is None or _clearing(value) else _text(value, "The note", LONG_TEXT_MAX, multiline=True)
    )


async def _edit_season_fact(
    catalog: Catalog,
    actor: Actor,
    show: Show,
    number: int,
    action: str,
    source: str,
    new_fields: Callable[[dict[str, Any]], dict[str, Any]],
) -> Change | None:
    """One status or date edit: read the season, write what `new_fields` returns, record it."""
    store = catalog.store
    async with store.transaction() as db:
        ref = await _show_ref(db, show.id)
        current = await _require_season(db, ref, number)
        items = _diff("season", season_key(ref.slug, number), current, new_fields(current))
        await _update_season(db, ref.id, number, {i.field: i.new for i in items})
        change_id = await store.record_change(
            db,
            actor=actor,
            action=action,
            show=ref,
            season_number=number,
            source=source,
            items=items,
            events=events_for(items),
        )
    return await _finish(catalog, change_id)


async def set_status(
    catalog: Catalog,
    actor: Actor,
    title: str,
    season: int,
    status: Status | str,
    source: str | None,
    note: str | None = None,
) -> Change | None:
    """Set a season's official status, with its source; as-of becomes today."""
    number = _season_number(season)
    value = _status(status)
    src = _required_source(source, "status")
    new_note = _note(note)
    show = await catalog.resolve(title)

    def new_fields(current: dict[str, Any]) -> dict[str, Any]:
        new: dict[str, Any] = {
            "status": value.value,
            "status_source": src,
            "status_as_of": utcnow().date().isoformat(),
        }
        # A note is about the status it was written for: keep it unless the status moves.
        if note is not None:
            new["status_note"] = new_note
        elif current["status"] != value.value:
            new["status_note"] = None
        return new

    return await _edit_season_fact(catalog, actor, show, number, "season.status", src, new_fields)


async def set_date(
    catalog: Catalog,
    actor: Actor,
    title: str,
    season: int,
    date_text: str,
    official: bool,
    source: str | None,
    note: str | None = None,
) -> Change | None:
    """Set a season's release date at the precision it was typed, official or expected; as-of today."""
    number = _season_number(season)
    try:
        when = PartialDate.parse(clean_text(date_text, field="The date", max_len=60))
    except DateError as e:
        raise EditError(str(e)) from e
    src = _required_source(source, "date")
    new_note = _note(note)
    show = await catalog.resolve(title)

    def new_fields(current: dict[str, Any]) -> dict[str, Any]:
        new: dict[str, Any] = {
            "release_date": when.canonical(),
            "release_official": bool(official),
            "release_source": src,
            "release_as_of": utcnow().date().isoformat(),
        }
        if note is not None:
            new["release_note"] = new_note
        elif current["release_date"] != when.canonical() or current["release_official"] != bool(official):
            new["release_note"] = None
        return new

    return await _edit_season_fact(catalog, actor, show, number, "season.date", src, new_fields)


def _expected_needs_source(official: bool, source: str | None) -> None:
    if not official and not source:
        raise EditError("An expected cast entry needs a source: an https:// link or a short citation.")


async def add_cast(
    catalog: Catalog,
    actor: Actor,
    title: str,
    person: str,
    character: str | None,
    *,
    season: int | None = None,
    official: bool | None = None,
    source: str | None = None,
    korean_name: str | None = None,
) -> Change | None:
    """Add a cast entry (or update an existing one) for a season, or the whole show without one.

    `official` None means: official for a new entry, unchanged for an existing one.
    """
    name = clean_text(person, field="The actor's name", max_len=NAME_MAX, required=True)
    assert name is not None
    role = _text(character, "The character", NAME_MAX)
    korean = _text(korean_name, "The Korean name", NAME_MAX)
    src = check_source(source, field="The source", required=False)
    number = _season_number(season) if season is not None else None
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction() as db:
        ref = await _show_ref(db, show.id)
        if number is not None:
            await _require_season(db, ref, number)
        key = credit_key(ref.slug, number, name)
        existing = await _credit_rows(db, ref.id, number, name)
        if existing:
            current = existing[0]
            key = credit_key(ref.slug, number, current["actor"])
            wanted: dict[str, Any] = {"character": role}
            if official is not None:
                wanted["official"] = official
            if src is not None:
                wanted["source"] = src
            _expected_needs_source(wanted.get("official", current["official"]), src or current["source"])
            items = _diff("credit", key, current, wanted)
            if items:
                cols = {i.field: (int(bool(i.new)) if i.field == "official" else i.new) for i in items}
                await db.execute(
                    f"UPDATE credit SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                    (*cols.values(), current["id"]),
                )
        else:
            _expected_needs_source(official is not False, src)
            row = await _one(
                db,
                "SELECT max(billing) FROM credit WHERE show_id = ? AND season_number IS ?",
                (ref.id, number),
            )
            value = {
                "season_number": number,
                "actor": name,
                "korean_name": korean,
                "character": role,
                "billing": (row[0] or 0) + 1 if row else 1,
                "official": official is not False,
                "source": src,
            }
            await _insert_credit(db, ref.id, value)
            items = [ChangeItem("credit", key, "*", None, value)]
        change_id = await store.record_change(
            db,
            actor=actor,
            action="cast.add",
            show=ref,
            season_number=number,
            source=src,
            items=items,
            events=events_for(items),
        )
    if change_id is not None:
        await catalog.refresh_people([ref.id])
    return await _finish(catalog, change_id)


async def remove_cast(
    catalog: Catalog, actor: Actor, title: str, person: str, *, season: int | None = None
) -> Change:
    """Remove an actor's cast entry from a season (or from the whole show)."""
    name = clean_text(person, field="The actor's name", max_len=NAME_MAX, required=True)
    assert name is not None
    number = _season_number(season) if season is not None else None
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction() as db:
        ref = await _show_ref(db, show.id)
        found = await _credit_rows(db, ref.id, number, name)
        if not found:
            where = f"season {number}" if number is not None else "the whole-show cast"
            elsewhere = await _all(
                db,
                "SELECT DISTINCT c.season_number FROM credit c JOIN person p ON p.id = c.person_id "
                "WHERE c.show_id = ? AND p.name = ? COLLATE NOCASE ORDER BY c.season_number",
                (ref.id, name),
            )
            hint = ""
            if elsewhere:
                places = ", ".join("the whole show" if r[0] is None else f"season {r[0]}" for r in elsewhere)
                hint = f"; they are credited in {places}"
            raise EditError(f"{name} is not in the cast of {ref.title} ({where}){hint}.")
        c = found[0]
        await db.execute("DELETE FROM credit WHERE id = ?", (c["id"],))
        items = [ChangeItem("credit", credit_key(ref.slug, number, c["actor"]), "*", _credit_value(c), None)]
        change_id = await store.record_change(
            db, actor=actor, action="cast.remove", show=ref, season_number=number, source=None, items=items
        )
    await catalog.refresh_people([ref.id])
    change = await _finish(catalog, change_id)
    assert change is not None
    return change


async def add_trailer(
    catalog: Catalog,
    actor: Actor,
    title: str,
    season: int,
    url: str,
    *,
    name: str | None = None,
    kind: str = "trailer",
    hosts: tuple[str, ...],
) -> Change | None:
    """Add a trailer (from an allowed video host) to a season; a known URL gets its name or kind updated."""
    number = _season_number(season)
    link = https_url(url, field="The trailer link", hosts=hosts)
    if link is None:
        raise EditError("Give the trailer's link.")
    if kind not in ("teaser", "trailer"):
        raise EditError(f"The kind is teaser or trailer, not {kind!r}.")
    label = _text(name, "The trailer's name", TITLE_MAX)
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction() as db:
        ref = await _show_ref(db, show.id)
        await _require_season(db, ref, number)
        key = trailer_key(ref.slug, number, link)
        current = await _trailer_row(db, ref.id, number, link)
        if current is None:
            value = {"season_number": number, "url": link, "title": label, "kind": kind, "published": None}
            await _insert_trailer(db, ref.id, value)
            items = [ChangeItem("trailer", key, "*", None, value)]
        else:
            wanted: dict[str, Any] = {"kind": kind}
            if label is not None:
                wanted["title"] = label
            items = _diff("trailer", key, current, wanted)
            for i in items:
                await db.execute(f"UPDATE trailer SET {i.field} = ? WHERE id = ?", (i.new, current["id"]))
        change_id = await store.record_change(
            db,
            actor=actor,
            action="trailer.add",
            show=ref,
            season_number=number,
            source=None,
            items=items,
            events=events_for(items),
        )
    return await _finish(catalog, change_id)


async def remove_trailer(catalog: Catalog, actor: Actor, title: str, season: int, url: str) -> Change:
    """Remove a trailer from a season."""
    number = _season_number(season)
    link = clean_text(url, field="The trailer link", max_len=500, required=True)
    assert link is not None
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction() as db:
        ref = await _show_ref(db, show.id)
        await _require_season(db, ref, number)
        current = await _trailer_row(db, ref.id, number, link)
        if current is None:
            urls = [
                r[0]
                for r in await _all(
                    db, "SELECT url FROM trailer WHERE show_id = ? AND season_number = ?", (ref.id, number)
                )
            ]
            listed = ", ".join(urls) if urls else "none"
            raise EditError(f"Season {number} of {ref.title} has no trailer {link} (its trailers: {listed}).")
        await db.execute("DELETE FROM trailer WHERE id = ?", (current["id"],))
        items = [
            ChangeItem("trailer", trailer_key(ref.slug, number, link), "*", _trailer_value(current), None)
        ]
        change_id = await store.record_change(
            db, actor=actor, action="trailer.remove", show=ref, season_number=number, source=None, items=items
        )
    change = await _finish(catalog, change_id)
    assert change is not None
    return change


# --- undo ------------------------------------------------------------------------------------


def _overlaps(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    """Whether two items touch the same thing (a whole show or season covers what is under it)."""
    (ea, ka, fa), (eb, kb, fb) = a, b
    if ea == eb and ka == kb:
        return fa == fb or "*" in (fa, fb)
    if fa == "*" and ea in ("show", "season") and kb.startswith(ka + "#"):
        return True
    return fb == "*" and eb in ("show", "season") and ka.startswith(kb + "#")


async def _later_conflict(db: aiosqlite.Connection, change: Change) -> tuple[int, ChangeItem] | None:
    """The first later change that touched what `change` touched, ignoring later edits since undone."""
    slugs = {i.key.split("#", 1)[0] for i in change.items}
    mine = [(i.entity, i.key, i.field) for i in change.items]
    later = {r[0]: r[1] for r in await _all(db, "SELECT id, undo_of FROM change WHERE id > ?", (change.id,))}
    undone = {undo_of for undo_of in later.values() if undo_of is not None}
    # A later edit undone by a later undo that still stands cancels out: neither counts.
    cancelled = {
        cid
        for cid, undo_of in later.items()
        if undo_of is not None and undo_of in later and cid not in undone
    }
    cancelled |= {later_undo_of for later_undo_of in (later[c] for c in list(cancelled)) if later_undo_of}
    for slug in sorted(slugs):
        rows = await _all(
            db,
            "SELECT c.id, i.entity, i.key, i.field FROM change_item i JOIN change c ON c.id = i.change_id "
            "WHERE c.id > ? AND (i.key = ? OR substr(i.key, 1, ?) = ?) ORDER BY c.id, i.id",
            (change.id, slug, len(slug) + 1, slug + "#"),
        )
        for cid, entity, key, field in rows:
            if cid in cancelled:
                continue
            if any(_overlaps(m, (entity, key, field)) for m in mine):
                return cid, ChangeItem(entity, key, field)
    return None


async def _restore(
    store: Store, db: aiosqlite.Connection, change: Change, item: ChangeItem
) -> list[ChangeItem]:
    """Put one item's old value back; return what that changed (old: now, new: restored)."""
    parts = _key_parts(item.key)
    slug = parts[0]
    if item.entity == "show" and item.field == "*":
        show_id = await _show_id(db, slug)
        current = await _snapshot_show(store, db, show_id) if show_id is not None else None
        if item.old is None:
            if show_id is not None:
                await db.execute("DELETE FROM show WHERE id = ?", (show_id,))
        else:
            assert isinstance(item.old, dict)
            await _write_show(db, item.old, change.show_id)
        return [ChangeItem("show", slug, "*", current, item.old)]
    show_id = await _show_id(db, slug)
    if show_id is None:
        raise EditError(
            f"The show {slug} is no longer in the catalog, so change #{change.id} can't be undone."
        )
    match item.entity:
        case "show":
            now = (await _show_fields(db, show_id))[item.field]
            stored = json.dumps(item.old or [], ensure_ascii=False) if item.field == "genres" else item.old
            await db.execute(f"UPDATE show SET {item.field} = ? WHERE id = ?", (stored, show_id))
            return [ChangeItem("show", slug, item.field, now, item.old)]
        case "season":
            number = int(parts[1])
            current = await _season_row(db, show_id, number)
            if item.field == "*":
                if item.old is None:
                    await db.execute("DELETE FROM season WHERE show_id = ? AND number = ?", (show_id, number))
                else:
                    assert isinstance(item.old, dict)
                    await _insert_season(db, show_id, number, item.old)
                return [ChangeItem("season", item.key, "*", current, item.old)]
            if current is None:
                raise EditError(f"Season {number} is gone, so change #{change.id} can't be undone.")
            await _update_season(db, show_id, number, {item.field: item.old})
            return [ChangeItem("season", item.key, item.field, current[item.field], item.old)]
        case "credit":
            number = int(parts[1]) or None
            rows = await _credit_rows(db, show_id, number, parts[2])
            now_value = _credit_value(rows[0]) if rows else None
            if item.field == "*":
                if rows:
                    await db.execute("DELETE FROM credit WHERE id = ?", (rows[0]["id"],))
                if item.old is not None:
                    assert isinstance(item.old, dict)
                    await _insert_credit(db, show_id, item.old)
                return [ChangeItem("credit", item.key, "*", now_value, item.old)]
            if not rows:
                raise EditError(f"That cast entry is gone, so change #{change.id} can't be undone.")
            stored = int(bool(item.old)) if item.field == "official" else item.old
            await db.execute(f"UPDATE credit SET {item.field} = ? WHERE id = ?", (stored, rows[0]["id"]))
            return [ChangeItem("credit", item.key, item.field, rows[0][item.field], item.old)]
        case "trailer":
            number, url = int(parts[1]), parts[2]
            row = await _trailer_row(db, show_id, number, url)
            if item.field == "*":
                if row is not None:
                    await db.execute("DELETE FROM trailer WHERE id = ?", (row["id"],))
                if item.old is not None:
                    assert isinstance(item.old, dict)
                    await _insert_trailer(db, show_id, item.old)
                return [ChangeItem("trailer", item.key, "*", _trailer_value(row) if row else None, item.old)]
            if row is None:
                raise EditError(f"That trailer is gone, so change #{change.id} can't be undone.")
            await db.execute(f"UPDATE trailer SET {item.field} = ? WHERE id = ?", (item.old, row["id"]))
            return [ChangeItem("trailer", item.key, item.field, row[item.field], item.old)]
        case "alias":
            text = item.key.split("#", 1)[1]
            row = await _one(
                db, "SELECT alias, position FROM show_alias WHERE show_id = ? AND alias = ?", (show_id, text)
            )
            await db.execute("DELETE FROM show_alias WHERE show_id = ? AND alias = ?", (show_id, text))
            if isinstance(item.old, dict):
                await db.execute(
                    "INSERT INTO show_alias (show_id, alias, position) VALUES (?,?,?)",
                    (show_id, item.old["alias"], item.old.get("position", 0)),
                )
            now = {"alias": row[0], "position": row[1]} if row else None
            return [ChangeItem("alias", item.key, "*", now, item.old)]
    raise EditError(f"Change #{change.id} holds an item this bot can't undo ({item.entity}).")


async def _undo_show_ref(db: aiosqlite.Connection, change: Change, slugs: set[str]) -> ShowRef | None:
    """The show an undo is filed under: the undone change's show, by its id now if it still exists."""
    if not slugs:
        return None
    slug = sorted(slugs)[0]
    show_id = await _show_id(db, slug)
    if show_id is not None:
        return await _show_ref(db, show_id)
    if change.show_id is None:
        return None
    return ShowRef(change.show_id, slug, change.show_title or slug)


async def undo(catalog: Catalog, actor: Actor, change_id: int) -> Change:
    """Restore what a change replaced, as a new recorded change that notifies like any edit."""
    store = catalog.store
    touched_shows: set[str] = set()
    async with store.transaction() as db:
        change = await store.change(change_id)
        if change is None:
            raise EditError(f"There is no change #{change_id}.")
        if change.action.startswith("curator."):
            raise EditError("Curator changes are not undone: use /admin curator add or remove.")
        done = await _one(db, "SELECT id FROM change WHERE undo_of = ? ORDER BY id LIMIT 1", (change_id,))
        if done:
            raise EditError(f"Change #{change_id} was already undone by change #{done[0]}.")
        conflict = await _later_conflict(db, change)
        if conflict:
            later, item = conflict
            raise EditError(f"Change #{later} later changed {describe_target(item)}; undo that first.")
        items: list[ChangeItem] = []
        for item in reversed(change.items):
            items.extend(await _restore(store, db, change, item))
            touched_shows.add(item.key.split("#", 1)[0])
        # Applied newest first; listed in the undone change's order.
        items = [i for i in reversed(items) if i.old != i.new]
        ref = await _undo_show_ref(db, change, touched_shows)
        new_id = await store.record_change(
            db,
            actor=actor,
            action="undo",
            show=ref,
            season_number=change.season_number,
            source=f"undo of change #{change_id}",
            items=items,
            events=events_for(items),
            undo_of=change_id,
        )
    if new_id is None:
        raise EditError(
            f"Change #{change_id} has nothing left to undo: the catalog already holds its old values."
        )
    refreshed = [] if change.show_id is None else [change.show_id]
    for slug in touched_shows:
        found = await store.show_by_slug(slug)
        if found is not None:
            refreshed.append(found.id)
    for show_id in dict.fromkeys(refreshed):
        await catalog.refresh_show(show_id)
    await catalog.refresh_people(refreshed)
    result = await _finish(catalog, new_id)
    assert result is not None
    return result


# --- curators --------------------------------------------------------------------------------


async def is_curator(store: Store, user_id: int) -> bool:
    """Whether `user_id` is on the curator list (owners are checked by the bot, not here)."""
    async with store.db.execute("SELECT 1 FROM curator WHERE user_id = ?", (user_id,)) as cur:
        return await cur.fetchone() is not None


async def list_curators(store: Store) -> list[tuple[int, int | None, str]]:
    """(user id, added by, added at ISO) of every curator, oldest first."""
    async with store.db.execute(
        "SELECT user_id, added_by, added_at FROM curator ORDER BY added_at, user_id"
    ) as cur:
        return [(r[0], r[1], r[2]) for r in await cur.fetchall()]


async def add_curator(store: Store, actor: Actor, user_id: int) -> int | None:
    """Put a user on the curator list; the change id, or None when they already were."""
    async with store.transaction() as db:
        if await _one(db, "SELECT 1 FROM curator WHERE user_id = ?", (user_id,)):
            return None
        at = utcnow().isoformat(timespec="seconds")
        await db.execute(
            "INSERT INTO curator (user_id, added_by, added_at) VALUES (?,?,?)", (user_id, actor.id, at)
        )
        return await store.record_change(
            db,
            actor=actor,
            action="curator.add",
            show=None,
            season_number=None,
            source=None,
            items=[ChangeItem("curator", str(user_id), "*", None, {"added_by": actor.id, "added_at": at})],
        )


async def remove_curator(store: Store, actor: Actor, user_id: int) -> int:
    """Take a user off the curator list; refuse when they are not on it."""
    async with store.transaction() as db:
        row = await _one(db, "SELECT added_by, added_at FROM curator WHERE user_id = ?", (user_id,))
        if row is None:
            raise EditError(f"<@{user_id}> is not a curator.")
        await db.execute("DELETE FROM curator WHERE user_id = ?", (user_id,))
        change_id = await store.record_change(
            db,
            actor=actor,
            action="curator.remove",
            show=None,
            season_number=None,
            source=None,
            items=[ChangeItem("curator", str(user_id), "*", {"added_by": row[0], "added_at": row[1]}, None)],
        )
    assert change_id is not None
    return change_id


# --- import and export -----------------------------------------------------------------------


async def import_catalog(
    catalog: Catalog, actor: Actor, data: bytes, *, hosts: tuple[str, ...] | None
) -> ImportResult:
    """Validate a whole catalog file, then apply it in one transaction; nothing is written if any entry is wrong."""
    if len(data) > IMPORT_MAX_BYTES:
        raise EditError(f"The file is too big: {len(data):,} bytes, at most {IMPORT_MAX_BYTES:,}.")
    try:
        shows = catalog_file.parse_text(data, trailer_hosts=hosts)
    except catalog_file.CatalogError as e:
        raise EditError(f"Nothing imported: {e}") from e
    store = catalog.store
    before = await _one(store.db, "SELECT ifnull(max(id), 0) FROM change")
    try:
        report = await catalog_file.import_catalog(store, shows, actor=actor)
    except catalog_file.CatalogError as e:
        raise EditError(f"Nothing imported: {e}") from e
    ids = [
        r[0]
        for r in await _all(
            store.db,
            "SELECT id FROM change WHERE id > ? AND action = 'import' AND actor_id IS ? ORDER BY id",
            (before[0] if before else 0, actor.id),
        )
    ]
    for s in shows:
        found = await store.show_by_slug(s.slug)
        if found is not None:
            await catalog.refresh_show(found.id)
    await catalog.refresh_people()
    return ImportResult(report, ids)


async def export_text(store: Store) -> str:
    """The whole catalog as the JSON text of a catalog file."""
    return (await export_file(store))[0]


async def export_file(store: Store) -> tuple[str, int]:
    """The whole catalog as the JSON text of a catalog file, and how many shows it holds."""
    data = await catalog_file.export_catalog(store)
    return catalog_file.dumps(data), len(data["shows"])


__all__ = [
    "CLEAR",
    "IMPORT_MAX_BYTES",
    "EditError",
    "ImportResult",
    "ValidationError",
    "add_cast",
    "add_curator",
    "add_season",
    "add_show",
    "add_trailer",
    "alias",
    "describe_change",
    "describe_item",
    "edit_show",
    "events_for",
    "export_file",
    "export_text",
    "import_catalog",
    "is_curator",
    "list_curators",
    "remove_cast",
    "remove_curator",
    "remove_season",
    "remove_show",
    "remove_trailer",
    "set_date",
    "set_status",
    "undo",
]
