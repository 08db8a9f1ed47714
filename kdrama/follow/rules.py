"""The follow rules: the events option, the per-person cap, following, unfollowing, forgetting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from kdrama import i18n
from kdrama.errors import UserError
from kdrama.followed_index import FollowedIndexes
from kdrama.hangul import initials, is_initials
from kdrama.i18n import Text
from kdrama.lookup import Choice, show_choice_name
from kdrama.models import Event, Follower, FollowResult, ShowRef
from kdrama.search import normalize, search_form
from kdrama.store import FollowLimitReached, Store, utcnow
from kdrama.watch.subscriptions import parse_events_option

# What a follow hears about unless the fan chooses: not every cast entry, which is chatty.
DEFAULT_EVENTS: frozenset[Event] = frozenset({Event.STATUS, Event.DATE, Event.RELEASE, Event.TRAILER})
# Resuming a paused person re-sends what they missed, if it is still news (as /watch add does).
RESEND_WINDOW = timedelta(hours=24)
EVERYTHING = "*"  # /follow remove title:* forgets the person
# What the command's description calls that choice ("“Everything” forgets you"; in Korean
# “전체”): typed in the fan's language or in English, it forgets them as `*` does.
EVERYTHING_WORD = i18n.N_("Everything")
CHOICES_MAX = 25
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


def is_everything(title: str, t: Text = EN) -> bool:
    """`*` (the "Everything" choice), or its name in the fan's language or English: forget the person."""
    text = title.strip()
    if text == EVERYTHING:
        return True
    typed = normalize(text)
    return bool(typed) and typed in {
        normalize(EN.gettext(EVERYTHING_WORD)),
        normalize(t.gettext(EVERYTHING_WORD)),
    }


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


def kept_follows(store: Store, generation: Callable[[], int]) -> FollowedIndexes[tuple[ShowRef, ...] | None]:
    """Each fan's followed shows and the index over their names, kept for /follow remove's keystrokes."""
    return FollowedIndexes(store, generation)


async def followed_choices(
    store: Store,
    user_id: int,
    current: str,
    t: Text = EN,
    *,
    kept: FollowedIndexes[tuple[ShowRef, ...] | None] | None = None,
) -> list[Choice]:
    """Autocomplete for /follow remove: what the person follows, and "Everything" to forget them.

    A follow is found by any of its show's names as the title autocomplete of /release finds
    shows (English, Hangul, romanized, aliases, initial consonants, typos), among the person's
    follows only. `kept` keeps the person's follows and that index between keystrokes (without
    it, both are read and built for this one).
    """
    kept = kept if kept is not None else kept_follows(store, lambda: 0)
    shows = await kept.listed(user_id, lambda: store.follows.shows_of(user_id), lambda s: len(s or ()))
    if shows is None:
        return []
    out: list[Choice] = []
    if current.strip():
        by_id = {show.id: show for show in shows}
        index = await kept.index(user_id, list(by_id))
        for m in index.search(current, limit=CHOICES_MAX):
            if (found := by_id.get(m.ref)) is not None:
                out.append(_choice(found, m.text if m.kind != "title" else None, t))
    else:
        out = [_choice(show, None, t) for show in shows]
    if _asks_for_everything(current, t):
        out.insert(0, Choice(t.gettext("Everything: forget all my follows"), EVERYTHING))
    return out[:CHOICES_MAX]


def _choice(show: ShowRef, matched: str | None = None, t: Text = EN) -> Choice:
    """A followed show as a choice (value: its slug)."""
    return Choice(show_choice_name(show.title, show.korean_title, matched, t), show.slug)


def _asks_for_everything(current: str, t: Text) -> bool:
    """Whether what was typed may be the start of the "Everything" choice, in English or the fan's words."""
    typed = search_form(current).replace(" ", "")
    if not typed or typed == "all":  # "*" folds to nothing
        return True
    word = t.gettext(EVERYTHING_WORD)
    starts = (search_form("everything forget me"), search_form(word))
    if any(start.replace(" ", "").startswith(typed) for start in starts):
        return True
    return is_initials(typed) and initials(normalize(word)).startswith(typed)
