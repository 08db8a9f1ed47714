"""The subscription rules: what staff may type, who follows what, and what a channel's list says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kdrama import i18n
from kdrama.describe import EVENT_NAMES
from kdrama.errors import UserError
from kdrama.followed_index import FollowedIndexes
from kdrama.i18n import N_, Phrase, Text
from kdrama.lookup import EVERY_SHOW, EVERY_SHOW_NAME, Choice, show_choice_name
from kdrama.models import ALL_EVENTS, AddResult, ChannelBacklog, Event, Subscription, WatchedShow
from kdrama.search import normalize
from kdrama.store import Store, utcnow
from kdrama.store.subscriptions import SubscriptionLimit

# /watch add on a paused channel re-posts what it missed, if it is still news.
RESEND_WINDOW = timedelta(hours=24)
CHOICE_NAME_MAX = 100
CHOICES_MAX = 25  # Discord's most for an autocomplete


class EventsError(UserError):
    """The events option could not be read."""


def parse_events_option(text: str | None) -> frozenset[Event]:
    """Read the /watch add events option: "status,date", "status date", "all" or empty (all)."""
    raw = (text or "").strip().lower()
    if not raw or raw in {"all", "*", "every", "everything", "all events"}:
        return ALL_EVENTS
    tokens = [t for t in raw.replace("+", ",").replace("/", ",").replace(" ", ",").split(",") if t]
    known = {e.value: e for e in Event}
    aliases = {"dates": "date", "trailers": "trailer", "releases": "release", "statuses": "status"}
    found: set[Event] = set()
    unknown: list[str] = []
    for t in tokens:
        if t in {"all", "*"}:
            return ALL_EVENTS
        name = aliases.get(t, t)
        if name in known:
            found.add(known[name])
        else:
            unknown.append(t)
    if unknown or not found:
        shown: object = ", ".join(f"“{u[:30]}”" for u in unknown[:3]) or Phrase.of(N_("nothing"))
        raise EventsError(
            "I don't know the event {events}. Choose from status, date, trailer, cast and release, "
            "separated by commas (for example status,date), or leave it empty for all of them.",
            events=shown,
        )
    return frozenset(found)


def event_choices(current: str, locale: str = i18n.ENGLISH) -> list[tuple[str, str]]:
    """Autocomplete for the events option: (name, value) pairs that extend what was typed.

    The values stay English (they are what the option reads); the names say them in the
    reader's language, whose words for the events may be typed too. Every value offered is
    one the option accepts: a word that names no event is left out (typed and sent as it is,
    it gets the option's refusal), and a last word that starts no event's name is offered the
    events that could go there instead.
    """
    t = i18n.text(locale)
    words = {e.value: e for e in Event} | {t.gettext(EVENT_NAMES[e]).lower(): e for e in Event}

    def named(events: list[Event]) -> tuple[str, str]:
        value = ",".join(e.value for e in events)
        if t.english:
            return value, value
        return f"{', '.join(t.gettext(EVENT_NAMES[e]) for e in events)} ({value})", value

    *done, partial = current.strip().lower().replace(" ", ",").split(",")
    # What was typed right so far, once each.
    chosen = list(dict.fromkeys(words[w] for w in done if w in words))
    if words.get(partial) in chosen:
        partial = ""  # a repeat adds nothing
    left = [e for e in Event if e not in chosen]
    starting = [e for e in left if any(w.startswith(partial) for w, x in words.items() if x is e)]
    offers_all = not chosen and "all".startswith(partial)
    unknown = bool(partial) and not starting and not offers_all
    if unknown:  # the last word names no event: offer what could go there instead
        starting, offers_all = left, not chosen
    out: list[tuple[str, str]] = []
    if offers_all:
        out.append((t.gettext("All events (status, date, trailer, cast, release)"), "all"))
    if chosen and (not partial or unknown):
        out.append(named(chosen))
    out += [named([*chosen, e]) for e in starting]
    return out[:25]


def is_every_show(title: str) -> bool:
    """The "Every show" choice, or those words (in any of our languages) typed without picking it."""
    names = {i18n.text(lang).gettext(EVERY_SHOW_NAME) for lang in i18n.LANGUAGES}
    return title.strip() == EVERY_SHOW or normalize(title) in {
        normalize(w) for w in ("every show", "all shows", "every", "all", *names)
    }


# --- following and unfollowing ------------------------------------------------------------------


async def subscribe(
    store: Store,
    *,
    guild_id: int,
    channel_id: int,
    show_id: int | None,
    events: frozenset[Event],
    role_id: int | None,
    created_by: int,
    language: str | None = None,
    now: datetime | None = None,
    max_per_server: int | None = None,
) -> AddResult:
    """Subscribe a channel (or update its subscription) and resume it if it was paused.

    The caller has just checked that the bot can post there again, so every paused
    subscription of the channel resumes, and what it missed in the last RESEND_WINDOW is
    queued again; older paused deliveries are marked failed as stale. A server already at
    `max_per_server` subscriptions gets a UserError for a new one. `language` (one of
    i18n.LANGUAGES) becomes the language of every notice the channel receives.
    """
    now = now or utcnow()
    try:
        return await store.subscriptions.add(
            guild_id=guild_id,
            channel_id=channel_id,
            show_id=show_id,
            events=events,
            role_id=role_id,
            created_by=created_by,
            resend_since=now - RESEND_WINDOW,
            now=now,
            max_per_guild=max_per_server,
            language=language,
        )
    except SubscriptionLimit as e:
        raise UserError(
            "This server already has {limit} subscriptions, the most one server may have: remove one "
            "with /watch remove, then try again.",
            limit=e.limit,
        ) from None


async def unsubscribe(store: Store, channel_id: int, show_id: int | None) -> bool:
    """Unsubscribe a channel from a show (or from every show); False if it wasn't."""
    return await store.subscriptions.remove(channel_id, show_id)


async def followed(store: Store, guild_id: int, channel_id: int | None = None) -> list[Subscription]:
    """A server's subscriptions (or one channel's), by channel, every-show first, then title."""
    return await store.subscriptions.for_guild(guild_id, channel_id)


def kept_subscriptions(store: Store, generation: Callable[[], int]) -> FollowedIndexes[list[WatchedShow]]:
    """Each channel's subscriptions and the index over their shows' names, kept for /watch remove."""
    return FollowedIndexes(store, generation)


async def followed_choices(
    store: Store,
    guild_id: int,
    channel_id: int,
    current: str,
    locale: str = i18n.ENGLISH,
    *,
    kept: FollowedIndexes[list[WatchedShow]] | None = None,
) -> list[Choice]:
    """Autocomplete for /watch remove: what the channel follows, matching what was typed.

    A show is found by any of its names as the title autocomplete of /release finds shows
    (English, Hangul, romanized, aliases, initial consonants, typos), among the channel's
    subscriptions only. `kept` keeps the channel's subscriptions and that index between
    keystrokes (without it, both are read and built for this one).
    """
    t = i18n.text(locale)
    kept = kept if kept is not None else kept_subscriptions(store, lambda: 0)
    owner = (guild_id, channel_id)
    subs = await kept.listed(owner, lambda: store.subscriptions.shows_of(guild_id, channel_id), len)
    typed = normalize(current)
    every = t.gettext(EVERY_SHOW_NAME)
    out = [_choice(s, every, t) for s in subs if s.show is None and typed in normalize(every)]
    if not current.strip():
        out += [show_choice(s, None, t) for s in subs if s.show is not None]
        return out[:CHOICES_MAX]
    by_id = {s.show.id: s for s in subs if s.show is not None}
    index = await kept.index(owner, list(by_id))
    for m in index.search(current, limit=CHOICES_MAX):
        if (found := by_id.get(m.ref)) is not None:
            out.append(show_choice(found, m.text if m.kind != "title" else None, t))
    return out[:CHOICES_MAX]


def show_choice(sub: WatchedShow, matched: str | None, t: Text) -> Choice:
    """A subscription to a show as a choice (value: its slug), marked when paused."""
    show = sub.show
    assert show is not None
    return _choice(sub, show_choice_name(show.title, show.korean_title, matched, t), t)


def _choice(sub: WatchedShow, label: str, t: Text) -> Choice:
    name = t.gettext("{title} (paused)", title=label) if sub.paused else label
    name = name if len(name) <= CHOICE_NAME_MAX else name[: CHOICE_NAME_MAX - 1].rstrip() + "…"
    return Choice(name, sub.show.slug if sub.show else EVERY_SHOW)


async def channel_deleted(store: Store, channel_id: int) -> int:
    """A deleted channel loses its subscriptions and its queue; returns subscriptions removed."""
    return await store.subscriptions.delete_channel(channel_id)


async def bot_removed(store: Store, guild_id: int, reason: str) -> int:
    """The bot left a server: pause its subscriptions until /watch add resumes a channel."""
    return await store.subscriptions.pause_guild(guild_id, reason)


# --- /watch list ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WatchedChannel:
    channel_id: int
    subscriptions: tuple[Subscription, ...]
    backlog: ChannelBacklog

    @property
    def paused(self) -> bool:
        return any(s.paused for s in self.subscriptions)


@dataclass(frozen=True, slots=True)
class WatchList:
    """What a server (or one channel) follows: every channel, paused ones first."""

    channels: tuple[WatchedChannel, ...]
    channel_id: int | None = None  # the one channel asked about; None: the whole server


async def watch_list(store: Store, guild_id: int, channel_id: int | None = None) -> WatchList:
    """The /watch list answer: each channel's subscriptions and how many notices wait."""
    by_channel: dict[int, list[Subscription]] = {}
    for s in await followed(store, guild_id, channel_id):
        by_channel.setdefault(s.channel_id, []).append(s)
    # Paused channels first: they are what staff must act on.
    ordered = sorted(by_channel.items(), key=lambda kv: not any(s.paused for s in kv[1]))
    channels = [WatchedChannel(ch, tuple(group), await store.outbox.backlog(ch)) for ch, group in ordered]
    return WatchList(tuple(channels), channel_id)
