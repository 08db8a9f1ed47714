"""The follow rules: the events option, the per-person cap, following, unfollowing, forgetting."""

from __future__ import annotations

from datetime import datetime, timedelta

from kdrama import i18n
from kdrama.errors import UserError
from kdrama.i18n import Text
from kdrama.lookup import Choice
from kdrama.models import Event, Follower, FollowResult, ShowRef
from kdrama.search import normalize
from kdrama.store import FollowLimitReached, Store, utcnow
from kdrama.watch.subscriptions import parse_events_option

# What a follow hears about unless the fan chooses: not every cast entry, which is chatty.
DEFAULT_EVENTS: frozenset[Event] = frozenset({Event.STATUS, Event.DATE, Event.RELEASE, Event.TRAILER})
# Resuming a paused person re-sends what they missed, if it is still news (as /watch add does).
RESEND_WINDOW = timedelta(hours=24)
EVERYTHING = "*"  # /follow remove title:* forgets the person
CHOICE_NAME_MAX = 100
# Why a person's follows pause when Discord answers 403 50007 to a DM.
DMS_CLOSED = i18n.N_(
    "Discord won't let me message you (“Cannot send messages to this user”): your direct messages "
    "from this app or from server members are off, or you blocked me."
)
EN = i18n.text(i18n.ENGLISH)


def parse_follow_events(text: str | None) -> frozenset[Event]:
    """The /follow add events option: as /watch's, but empty means DEFAULT_EVENTS."""
    if not (text or "").strip():
        return DEFAULT_EVENTS
    return parse_events_option(text)


def is_everything(title: str) -> bool:
    """`*` (the "Everything" choice): forget the person."""
    return title.strip() == EVERYTHING


async def follow(
    store: Store,
    user_id: int,
    show: ShowRef,
    events: frozenset[Event],
    *,
    limit: int,
    now: datetime | None = None,
    language: str | None = None,
) -> FollowResult:
    """Follow a show by DM (or change its events); resumes a person who was paused.

    `language`, the fan's as they follow, is the language of all their DMs from then on.
    """
    now = now or utcnow()
    try:
        return await store.follows.add(
            user_id,
            show,
            events,
            limit=limit,
            resend_since=now - RESEND_WINDOW,
            now=now,
            language=language,
        )
    except FollowLimitReached as e:
        raise UserError(
            "You already follow {count} shows, the most one person can. "
            "Remove one with /follow remove first.",
            count=e.count,
        ) from e


async def unfollow(store: Store, user_id: int, show_id: int) -> bool:
    """Stop following a show; DMs about it not sent yet are cancelled. False if not followed."""
    return await store.follows.remove(user_id, show_id)


async def toggle(
    store: Store, user_id: int, show: ShowRef, *, limit: int, language: str | None = None
) -> FollowResult | None:
    """The Notify me button: follow the show, or unfollow it (None).

    A person whose follows are paused (their DMs were closed) who clicks a show they follow
    wants it back, not gone: that click resumes them and keeps the follow as it was.
    """
    person = await store.follows.follower(user_id)
    current = person.follow_of(show.id) if person is not None else None
    if current is None:
        return await follow(store, user_id, show, DEFAULT_EVENTS, limit=limit, language=language)
    if person is not None and person.paused:
        return await follow(store, user_id, show, current.events, limit=limit, language=language)
    await unfollow(store, user_id, show.id)
    return None


async def forget(store: Store, user_id: int) -> bool:
    """Forget everything about a person; False if nothing was kept."""
    return await store.follows.forget(user_id)


async def follower(store: Store, user_id: int) -> Follower | None:
    return await store.follows.follower(user_id)


async def followed_choices(store: Store, user_id: int, current: str, t: Text = EN) -> list[Choice]:
    """Autocomplete for /follow remove: what the person follows, and "Everything" to forget them."""
    typed = normalize(current)
    person = await store.follows.follower(user_id)
    out: list[Choice] = []
    if person is None:
        return out
    for f in person.follows:
        if typed and typed not in normalize(f.show.title):
            continue
        name = f.show.title
        name = name if len(name) <= CHOICE_NAME_MAX else name[: CHOICE_NAME_MAX - 1].rstrip() + "…"
        out.append(Choice(name, f.show.slug))
    if not typed or normalize("everything forget me").startswith(typed) or typed in {"*", "all"}:
        out.insert(0, Choice(t.gettext("Everything: forget all my follows"), EVERYTHING))
    return out[:25]
