"""What every edit shares: its limits, its refusal, input checks, and how it finishes."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kdrama.errors import UserError
from kdrama.i18n import N_, Phrase
from kdrama.lookup import Catalog, UnknownSeason
from kdrama.models import Change, Season, ShowRef, Status
from kdrama.store import Store
from kdrama.validate import EPISODES_MAX, LONG_TEXT_MAX, SEASON_MAX, SHORT_TEXT_MAX, clean_text
from kdrama.validate import source as check_source

log = logging.getLogger(__name__)

__all__ = ["EPISODES_MAX", "SEASON_MAX"]  # re-exported: the limits live in kdrama.validate

CLEAR = "-"  # typed as an option value, empties an optional field
IMPORT_MAX_BYTES = 5_000_000
NAME_MAX = 100


class EditError(UserError):
    """An edit we refuse; str() is one sentence for the curator."""


def text(
    value: str | None, field: str, max_len: int = SHORT_TEXT_MAX, *, multiline: bool = False
) -> str | None:
    return clean_text(value, field=field, max_len=max_len, multiline=multiline)


def given(
    value: str | None, field: str, max_len: int = SHORT_TEXT_MAX, *, multiline: bool = False
) -> str | None:
    """Text typed for an option: None when not given, refused when it shows nothing.

    Discord lets through a zero-width space or blanks; read as "no text", they would
    silently wipe what the field held (emptying one is typed as CLEAR where allowed).
    """
    return clean_text(value, field=field, max_len=max_len, multiline=multiline, required=value is not None)


def required_source(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise EditError(
            "A {what} edit needs a source: an https:// link or a short citation.", what=Phrase.of(what)
        )
    found = check_source(value, field=N_("source"))
    assert found is not None
    return found


def season_number(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= SEASON_MAX:
        raise EditError("A season number is a whole number from 1 to {max}.", max=SEASON_MAX)
    return n


def status(value: Status | str) -> Status:
    try:
        return Status(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise EditError(
            "The status must be one of {allowed}, not {value}.", allowed=allowed, value=repr(value)
        ) from None


def country(value: str | None) -> str | None:
    found = text(value, N_("country"), 2 + 10)
    if found is None:
        return None
    if not (len(found) == 2 and found.isalpha()):
        raise EditError("The country must be a two-letter code like KR, not {country}.", country=repr(found))
    return found.upper()


def genres(value: str | None) -> list[str]:
    found = text(value, N_("genres"), SHORT_TEXT_MAX) or ""
    names = [g for g in (text(x, N_("a genre"), 40) for x in found.split(",")) if g]
    return list(dict.fromkeys(names))


def clearing(value: str | None) -> bool:
    return value is not None and value.strip() == CLEAR


def note(value: str | None) -> str | None:
    return (
        None
        if value is None or clearing(value)
        else given(value, N_("The note"), LONG_TEXT_MAX, multiline=True)
    )


# --- reading inside an edit's transaction ----------------------------------------------------


async def show_ref(store: Store, show_id: int) -> ShowRef:
    ref = await store.catalog.show_ref(show_id)
    if ref is None:
        raise EditError("That show was removed from the catalog a moment ago.")
    return ref


@dataclass(frozen=True, slots=True)
class _ShowTitle:
    """Enough of a Show for UnknownSeason's message."""

    title: str


async def require_season(store: Store, ref: ShowRef, number: int) -> Season:
    season = await store.catalog.season(ref.id, number)
    if season is None:
        numbers = await store.catalog.season_numbers(ref.id)
        raise UnknownSeason(_ShowTitle(ref.title), number, numbers)  # type: ignore[arg-type]
    return season


async def finish(catalog: Catalog, change_id: int | None) -> Change | None:
    """After an edit commits: bring the in-memory catalog up to it, log it, return the change."""
    if change_id is None:
        return None
    await catalog.refresh_since()  # only the shows changed since the last refresh
    change = await catalog.store.changes.change(change_id)
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
