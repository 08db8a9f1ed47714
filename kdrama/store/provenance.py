"""Provenance: who set each sync field of a show, as keys the sync planner and the store share.

Provenance keys are the sync planner's field keys (`show.title`, `show.cast`, `season.2`,
`season.2.status`, `season.2.release`, `season.2.episodes`, `season.2.cast`,
`season.2.trailers`), plus one key per alias or similar show a curator removed.
`provenance_keys` says which keys a recorded change's items set; `store.sync.mark_change`
marks them 'tmdb' for the sync's own changes and 'curator' for everything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kdrama.models import Actor, ChangeItem, Entity

SYNC_ACTOR_NAME = "TMDB sync"
CURATOR = "curator"
TMDB = "tmdb"
JUSTWATCH = "justwatch"  # set by the sync from TMDB's watch providers: JustWatch's streaming data
_SHOW_KEYS = {"title", "korean_title", "synopsis", "platform", "poster_url", "country", "genres"}
# A curator's removal of one alias or similar show: `show.aliases.removed:<alias>`,
# `show.similar.removed:<slug>`. TMDB never adds that one back; its others still come in.
REMOVED_ALIAS = "show.aliases.removed:"
REMOVED_SIMILAR = "show.similar.removed:"


def is_sync_actor(actor: Actor) -> bool:
    return actor.id is None and actor.name == SYNC_ACTOR_NAME


def _season_dict_keys(prefix: str, season: dict[str, Any]) -> set[str]:
    """The keys a whole season (as an item or a file entry records it) sets."""
    keys: set[str] = set()
    status = season.get("status")
    if isinstance(status, dict):  # a catalog file's season
        status, vouched = status.get("value"), status.get("source") or status.get("note")
    else:  # a season row's item values
        vouched = season.get("status_source") or season.get("status_note")
    # "unconfirmed" with a source or a note is a statement (nothing announced) like any status.
    if status not in (None, "unconfirmed") or (status is not None and vouched):
        keys.add(f"{prefix}.status")
    release = season.get("release")
    if isinstance(release, dict):  # a catalog file's season
        date, said = release.get("date"), release.get("source") or release.get("note")
    else:  # a season row's item values
        date, said = season.get("release_date"), season.get("release_source") or season.get("release_note")
    # "unknown" with a source or a note says no date is announced: that is a curator's statement
    # too. Only a bare unknown (no source, no note) is left for TMDB to fill.
    if date not in (None, "", "unknown") or said:
        keys.add(f"{prefix}.release")
    if season.get("episodes"):
        keys.add(f"{prefix}.episodes")
    if season.get("cast"):
        keys.add(f"{prefix}.cast")
    return keys


def removed_names(keys: Iterable[str], prefix: str) -> set[str]:
    """The aliases (REMOVED_ALIAS) or slugs (REMOVED_SIMILAR) that `keys` say a curator removed, casefolded."""
    return {k[len(prefix) :].casefold() for k in keys if k.startswith(prefix)}


def _removed_from_lists(old: object, new: object, prefix: str) -> set[str]:
    """Keys for the names in list `old` that list `new` no longer has."""
    kept = {str(x).casefold() for x in new} if isinstance(new, list | tuple) else set()
    gone = [str(x) for x in old] if isinstance(old, list | tuple) else []
    return {prefix + x for x in gone if x.casefold() not in kept}


def provenance_keys(items: Iterable[ChangeItem]) -> set[str]:
    """The sync field keys a change's items set."""
    keys: set[str] = set()
    for i in items:
        n = i.key.season
        match i.entity:
            case Entity.SHOW if i.field == "*":
                if isinstance(i.new, dict):
                    keys |= {f"show.{f}" for f in _SHOW_KEYS if i.new.get(f)}
                    if i.new.get("cast"):
                        keys.add("show.cast")
                    for s in i.new.get("seasons") or []:
                        keys |= _season_dict_keys(f"season.{s['number']}", s)
                    if isinstance(i.old, dict):  # a file replacing the show: what it left out
                        keys |= _removed_from_lists(i.old.get("aliases"), i.new.get("aliases"), REMOVED_ALIAS)
                        keys |= _removed_from_lists(
                            i.old.get("similar"), i.new.get("similar"), REMOVED_SIMILAR
                        )
            case Entity.SHOW if i.field == "similar":
                keys |= _removed_from_lists(i.old, i.new, REMOVED_SIMILAR)
            case Entity.SHOW if i.field in _SHOW_KEYS:
                keys.add(f"show.{i.field}")
            case Entity.SEASON if i.field == "*":
                if isinstance(i.new, dict):
                    keys |= _season_dict_keys(f"season.{n}", i.new)
                else:
                    keys.add(f"season.{n}")  # removed: TMDB must not bring it back unasked
            case Entity.SEASON if i.field.startswith("status"):
                keys.add(f"season.{n}.status")
            case Entity.SEASON if i.field.startswith("release"):
                keys.add(f"season.{n}.release")
            case Entity.SEASON if i.field == "episodes":
                keys.add(f"season.{n}.episodes")
            case Entity.CREDIT:
                keys.add(f"season.{n}.cast" if n else "show.cast")
            case Entity.ALIAS if i.field == "*" and i.new is None and i.key.name:
                keys.add(REMOVED_ALIAS + i.key.name)  # a removed alias stays removed
            case Entity.TRAILER if i.field == "*" and i.new is None:
                keys.add(f"season.{n}.trailers")  # a removed trailer stays removed
    return keys
