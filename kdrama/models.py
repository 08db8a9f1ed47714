"""Typed models of the catalog, as the store returns them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from kdrama.dates import PartialDate
from kdrama.i18n import N_


class Status(StrEnum):
    """The official state of a season. A rumour never moves it: it stays `unconfirmed`."""

    UNCONFIRMED = "unconfirmed"
    RENEWED = "renewed"
    FILMING = "filming"
    POST_PRODUCTION = "post_production"
    SCHEDULED = "scheduled"
    AIRING = "airing"
    RELEASED = "released"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def out(self) -> bool:
        """Fans can watch it (at least partly)."""
        return self in (Status.AIRING, Status.RELEASED)

    @property
    def in_production(self) -> bool:
        return self in (Status.RENEWED, Status.FILMING, Status.POST_PRODUCTION, Status.SCHEDULED)

    @property
    def to_come(self) -> bool:
        """Fans are still waiting for it: neither out nor cancelled (its status and date can move)."""
        return not self.out and self is not Status.CANCELLED


STATUS_LABELS: dict[Status, str] = {
    Status.UNCONFIRMED: N_("No official word"),
    Status.RENEWED: N_("Renewed"),
    Status.FILMING: N_("Filming"),
    Status.POST_PRODUCTION: N_("In post-production"),
    Status.SCHEDULED: N_("Date announced"),
    Status.AIRING: N_("Airing"),
    Status.RELEASED: N_("Released"),
    Status.CANCELLED: N_("Cancelled"),
}


class Event(StrEnum):
    """What a subscription can ask to hear about."""

    STATUS = "status"
    DATE = "date"
    TRAILER = "trailer"
    CAST = "cast"
    RELEASE = "release"


ALL_EVENTS: frozenset[Event] = frozenset(Event)


def events_text(events: Iterable[Event]) -> str:
    """Events comma-separated in `Event` order, as a subscription stores and shows them."""
    chosen = set(events)
    return ",".join(e.value for e in Event if e in chosen)


def parse_events(text: str | None) -> frozenset[Event]:
    """Events from their stored comma-separated form."""
    return frozenset(Event(e) for e in (text or "").split(",") if e)


@dataclass(frozen=True, slots=True)
class SeasonStatus:
    value: Status = Status.UNCONFIRMED
    source: str | None = None
    as_of: PartialDate | None = None  # when the source said it, as precisely as known
    note: str | None = None
    history: tuple[SeasonStatus, ...] = ()  # earlier official states, oldest first


@dataclass(frozen=True, slots=True)
class ReleaseDate:
    date: PartialDate = field(default_factory=PartialDate)
    official: bool = False
    source: str | None = None
    as_of: PartialDate | None = None  # when the source said it, as precisely as known
    note: str | None = None
    history: tuple[ReleaseDate, ...] = ()  # earlier dates (e.g. expectations that passed), oldest first


@dataclass(frozen=True, slots=True)
class ShowRef:
    id: int
    slug: str
    title: str
    korean_title: str | None = None  # where a list names shows Korean-first for Korean readers


@dataclass(frozen=True, slots=True)
class Show:
    id: int
    slug: str
    title: str
    korean_title: str | None = None
    romanized_title: str | None = None
    aliases: tuple[str, ...] = ()
    country: str | None = None
    platform: str | None = None
    platform_url: str | None = None
    genres: tuple[str, ...] = ()
    synopsis: str | None = None
    poster_url: str | None = None
    similar: tuple[ShowRef, ...] = ()

    @property
    def ref(self) -> ShowRef:
        return ShowRef(self.id, self.slug, self.title, self.korean_title)


@dataclass(frozen=True, slots=True)
class Season:
    id: int
    show_id: int
    number: int
    episodes: int | None = None
    notes: str | None = None
    status: SeasonStatus = field(default_factory=SeasonStatus)
    release: ReleaseDate = field(default_factory=ReleaseDate)


@dataclass(frozen=True, slots=True)
class Credit:
    id: int
    show_id: int
    season_number: int | None  # None: the whole show
    person_id: int
    actor: str
    korean_name: str | None
    character: str | None
    billing: int | None
    official: bool
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Trailer:
    id: int
    show_id: int
    season_number: int
    title: str | None
    url: str
    kind: str  # "teaser" | "trailer"
    published: date | None = None


@dataclass(frozen=True, slots=True)
class ShowRecord:
    """A show with everything under it, as the snapshot of the catalog serves it."""

    show: Show
    seasons: tuple[Season, ...]  # by number
    trailers: tuple[Trailer, ...]  # by season, then published


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    korean_name: str | None
    shows: tuple[ShowRef, ...] = ()


class Entity(StrEnum):
    """What a change item is about."""

    SHOW = "show"
    ALIAS = "alias"
    SEASON = "season"
    CREDIT = "credit"
    TRAILER = "trailer"
    CURATOR = "curator"


class Action(StrEnum):
    """What a change did, as recorded (and shown in /admin history)."""

    SHOW_ADD = "show.add"
    SHOW_EDIT = "show.edit"
    SHOW_REMOVE = "show.remove"
    SHOW_ALIAS = "show.alias"
    SEASON_ADD = "season.add"
    SEASON_EDIT = "season.edit"
    SEASON_REMOVE = "season.remove"
    SEASON_STATUS = "season.status"
    SEASON_DATE = "season.date"
    CAST_ADD = "cast.add"
    CAST_REMOVE = "cast.remove"
    TRAILER_ADD = "trailer.add"
    TRAILER_REMOVE = "trailer.remove"
    UNDO = "undo"
    IMPORT = "import"
    IMPORT_HISTORY = "import.history"  # a step of a season's status history, from a file
    CURATOR_ADD = "curator.add"
    CURATOR_REMOVE = "curator.remove"

    @property
    def about_curators(self) -> bool:
        return self in (Action.CURATOR_ADD, Action.CURATOR_REMOVE)


@dataclass(frozen=True, slots=True)
class ItemKey:
    """Which thing an item changed. Stored as readable text: a show is its slug; a season
    `slug#2`; a credit `slug#2#Actor` (`slug#0#Actor` for the whole show); a trailer
    `slug#2#url`; an alias `slug#alias`; a curator their user id."""

    entity: Entity
    slug: str  # the show's slug (a curator: their user id)
    season: int | None = None  # None: the whole show
    name: str | None = None  # the actor, the trailer's url, or the alias

    def __str__(self) -> str:
        match self.entity:
            case Entity.SEASON:
                return f"{self.slug}#{self.season}"
            case Entity.CREDIT | Entity.TRAILER:
                return f"{self.slug}#{self.season or 0}#{self.name}"
            case Entity.ALIAS:
                return f"{self.slug}#{self.name}"
        return self.slug

    @classmethod
    def parse(cls, entity: Entity | str, text: str) -> ItemKey:
        entity = Entity(entity)
        match entity:
            case Entity.SEASON:
                slug, _, number = text.partition("#")
                return cls(entity, slug, int(number))
            case Entity.CREDIT | Entity.TRAILER:
                slug, number, name = [*text.split("#", 2), "", ""][:3]
                return cls(entity, slug, int(number or 0) or None, name)
            case Entity.ALIAS:
                slug, _, name = text.partition("#")
                return cls(entity, slug, None, name)
        return cls(entity, text)

    def covers(self, other: ItemKey) -> bool:
        """Whether `other` is under this show or season (a season's cast and trailers)."""
        if other.slug != self.slug or other.entity is Entity.CURATOR:
            return False
        if self.entity is Entity.SHOW:
            return other.entity is not Entity.SHOW
        return (
            self.entity is Entity.SEASON
            and other.entity in (Entity.CREDIT, Entity.TRAILER)
            and other.season == self.season
        )


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """One field of one thing a change touched, old and new ("*": the whole row added or removed)."""

    entity: Entity
    key: ItemKey
    field: str
    old: object = None
    new: object = None

    def __post_init__(self) -> None:
        # Accept the stored text forms too: ChangeItem("season", "slug#2", ...).
        entity = Entity(self.entity)
        object.__setattr__(self, "entity", entity)
        if not isinstance(self.key, ItemKey):
            object.__setattr__(self, "key", ItemKey.parse(entity, str(self.key)))


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded edit: who, when, which show, and every field it changed."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    show_id: int | None
    show_title: str | None
    season_number: int | None
    action: Action
    source: str | None
    events: frozenset[Event]
    items: tuple[ChangeItem, ...] = ()
    undo_of: int | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made an edit: a Discord user, or the bot itself (the clock, an import)."""

    id: int | None
    name: str


@dataclass(frozen=True, slots=True)
class Name:
    """One searchable name: a title, Korean title, romanized title, alias or actor name."""

    ref: int  # show id for the title kinds, person id for "actor"
    kind: str  # "title" | "korean" | "romanized" | "alias" | "actor"
    text: str  # as displayed


# --- a whole show, as a catalog file holds it (validated) ---------------------------------


@dataclass(frozen=True, slots=True)
class CreditEntry:
    actor: str
    korean_name: str | None
    character: str | None
    billing: int | None
    official: bool
    source: str | None


@dataclass(frozen=True, slots=True)
class TrailerEntry:
    title: str | None
    url: str
    kind: str
    published: date | None


@dataclass(frozen=True, slots=True)
class SeasonEntry:
    number: int
    episodes: int | None
    notes: str | None
    status: SeasonStatus
    release: ReleaseDate
    cast: tuple[CreditEntry, ...]
    trailers: tuple[TrailerEntry, ...]


@dataclass(frozen=True, slots=True)
class ShowEntry:
    slug: str
    title: str
    korean_title: str | None
    romanized_title: str | None
    aliases: tuple[str, ...]
    country: str | None
    platform: str | None
    platform_url: str | None
    genres: tuple[str, ...]
    synopsis: str | None
    poster_url: str | None
    similar: tuple[str, ...]
    cast: tuple[CreditEntry, ...]
    seasons: tuple[SeasonEntry, ...]


@dataclass(frozen=True, slots=True)
class Curator:
    """Someone trusted to edit the catalog."""

    user_id: int
    added_by: int | None
    added_at: str  # ISO UTC


# --- the watch engine's rows -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards this process serves: it delivers only to guilds on them."""

    count: int
    ids: frozenset[int]

    def owns(self, guild_id: int) -> bool:
        return (guild_id >> 22) % self.count in self.ids


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel following a show (or every show) for some kinds of news."""

    id: int
    guild_id: int
    channel_id: int
    show: ShowRef | None  # None: every show
    events: frozenset[Event]
    role_id: int | None
    created_by: int
    created_at: datetime
    paused_reason: str | None
    paused_at: datetime | None
    language: str | None = None  # its channel's notices; None: English

    @property
    def paused(self) -> bool:
        return self.paused_reason is not None

    @property
    def show_title(self) -> str:
        return self.show.title if self.show else "Every show"


@dataclass(frozen=True, slots=True)
class WatchedShow:
    """What a channel follows, as /watch remove offers it: the show (None: every show), paused or not."""

    show: ShowRef | None
    paused: bool


@dataclass(frozen=True, slots=True)
class AddResult:
    """What `/watch add` did: the subscription, and what resuming its channel brought back."""

    subscription: Subscription
    created: bool  # False: an existing subscription was updated
    resumed: int  # paused subscriptions of the channel that are active again
    resent: int  # paused deliveries put back in the queue
    dropped: int  # paused deliveries too old to be news, marked failed


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox row: a change to post in one channel (with the roles to ping), or to DM a follower."""

    id: int
    change_id: int
    guild_id: int
    channel_id: int
    role_ids: tuple[int, ...]
    attempts: int
    created_at: datetime
    user_id: int | None = None  # a DM to this follower (channel_id is then the user id too)
    language: str | None = None  # the channel's or the follower's, read when it is due; None: English

    @property
    def is_dm(self) -> bool:
        return self.user_id is not None

    @property
    def nonce(self) -> str:
        """What Discord deduplicates on: the same for every attempt, never another delivery's (ids never repeat)."""
        return f"d{self.id}"


@dataclass(frozen=True, slots=True)
class ChannelBacklog:
    """How many of a channel's notifications wait, are held, or failed."""

    pending: int
    paused: int
    failed: int


# --- fans following shows by DM -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Follow:
    """A person following one show for some kinds of news, by direct message."""

    show: ShowRef
    events: frozenset[Event]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Follower:
    """What the bot keeps about a person who follows shows: their follows and DM state."""

    user_id: int
    follows: tuple[Follow, ...]
    dm_channel_id: int | None
    paused_reason: str | None
    paused_at: datetime | None

    @property
    def paused(self) -> bool:
        return self.paused_reason is not None

    def follow_of(self, show_id: int) -> Follow | None:
        return next((f for f in self.follows if f.show.id == show_id), None)


@dataclass(frozen=True, slots=True)
class FollowResult:
    """What `/follow add` (or a Notify me click) did."""

    follow: Follow
    created: bool  # False: an existing follow was updated
    resumed: bool  # the person's follows were paused and are active again
    resent: int  # held DMs queued again
    count: int  # shows the person follows now
