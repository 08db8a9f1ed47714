"""Notices (channel posts and DMs) credit JustWatch for a platform from TMDB's watch providers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kdrama import edits
from kdrama.follow.rules import DEFAULT_EVENTS
from kdrama.lookup import Catalog
from kdrama.models import Delivery, Entity, Event, ShowRef, Status
from kdrama.notices import NoticeRenderer
from kdrama.render import EMBED_TOTAL_MAX, FOOTER_MAX, Reply
from kdrama.settings import DEFAULT_TRAILER_HOSTS
from kdrama.store import Store, utcnow
from kdrama.tmdb.sync import Syncer
from kdrama.watch.subscriptions import subscribe as watch_add
from tests.tmdbstandin.server import TmdbStandIn
from tests.tmdbstandin.world import Show as TmdbShow
from tests.unit.tmdb.sync_support import CURATOR, client, linked
from tests.unit.watch.helpers import GUILD, FakeDiscord, engine_for, subscribe

pytestmark = pytest.mark.asyncio

CHANNEL, KOREAN_CHANNEL = 1, 2
FAN, KOREAN_FAN = 9001, 9002
CREDIT_EN = "Stand-in Stream (where-to-watch data: JustWatch)"
CREDIT_KO = "Stand-in Stream (시청 가능한 곳 정보: JustWatch)"
FOOTER_EN = "Where-to-watch data from TMDB comes from JustWatch."
FOOTER_KO = "TMDB의 시청 가능한 곳 정보는 JustWatch에서 제공합니다."
SOURCE = "https://www.example.com/news"


async def synced(db: Store, standin: TmdbStandIn, show: TmdbShow) -> ShowRef:
    async with client(standin) as tmdb:
        await Syncer(db, tmdb).pull(show.id)
    _, ref = await linked(db, show.id)
    return ref


async def listeners(db: Store, show: ShowRef) -> None:
    """An English and a Korean channel watch the show; an English and a Korean fan follow it."""
    await subscribe(db, CHANNEL, show)
    await watch_add(
        db,
        guild_id=GUILD,
        channel_id=KOREAN_CHANNEL,
        show_id=show.id,
        events=frozenset(Event),
        role_id=None,
        created_by=99,
        language="ko",
    )
    now = utcnow()
    for user, language in ((FAN, None), (KOREAN_FAN, "ko")):
        await db.follows.add(
            user,
            show,
            DEFAULT_EVENTS | {Event.RELEASE},
            limit=200,
            resend_since=now - timedelta(days=1),
            now=now,
            language=language,
        )


async def first_season(db: Store, show: ShowRef) -> int:
    return min(s.number for s in await db.catalog.seasons(show.id))


async def not_streaming_yet(catalog: Catalog, show: ShowRef) -> None:
    """Before anyone listens: the show's first season is filming."""
    number = await first_season(catalog.store, show)
    await edits.set_status(catalog, CURATOR, show.slug, number, Status.FILMING, SOURCE)


async def start_streaming(catalog: Catalog, show: ShowRef, status: Status = Status.AIRING) -> None:
    """A curator says the show's first season is airing (or out): "now streaming" news."""
    number = await first_season(catalog.store, show)
    change = await edits.set_status(catalog, CURATOR, show.slug, number, status, SOURCE)
    assert change is not None and Event.RELEASE in change.events


def embed(reply: Reply) -> dict[str, Any]:
    assert len(reply.embeds) == 1
    return dict(reply.embeds[0].to_dict())


def where_to_watch(reply: Reply, label: str = "Where to watch") -> str:
    return next(f["value"] for f in embed(reply).get("fields", []) if f["name"] == label)


def shown(reply: Reply) -> str:
    """Everything a reader sees of a notice: the embed's text and the buttons' labels."""
    data = embed(reply)
    parts = [data.get("title", ""), data.get("description", ""), data.get("footer", {}).get("text", "")]
    parts += [f"{f['name']} {f['value']}" for f in data.get("fields", [])]
    parts += [link.label for link in reply.links]
    return "\n".join(parts)


def within_limits(reply: Reply) -> None:
    assert len(reply.embeds[0]) <= EMBED_TOTAL_MAX
    assert len(embed(reply).get("footer", {}).get("text", "")) <= FOOTER_MAX


async def delivered(db: Store) -> FakeDiscord:
    fake = FakeDiscord()
    await engine_for(db, fake).drain()
    return fake


async def test_now_streaming_notices_credit_justwatch_in_channels_and_dms_in_both_languages(
    standin: TmdbStandIn, db: Store
) -> None:
    streamed = next(s for s in standin.world.korean() if s.providers)
    show = await synced(db, standin, streamed)
    catalog = await Catalog.load(db)
    await not_streaming_yet(catalog, show)
    await listeners(db, show)
    await start_streaming(catalog, show)
    fake = await delivered(db)
    for to, credit in (
        (CHANNEL, CREDIT_EN),
        (FAN, CREDIT_EN),
        (KOREAN_CHANNEL, CREDIT_KO),
        (KOREAN_FAN, CREDIT_KO),
    ):
        [notice] = fake.in_channel(to)
        label = "Where to watch" if credit == CREDIT_EN else "시청 가능한 곳"
        assert where_to_watch(notice, label) == credit, to
        assert notice.content is None  # no mention of anyone; the DM line is the DM sender's
        within_limits(notice)

    # A curator gives the platform a link: news that is not "now streaming" names the platform
    # only on its Watch button, and its footer credits JustWatch, as /release's does.
    await edits.edit_show(catalog, CURATOR, show.slug, {"platform_url": "https://www.example.com/watch/1"})
    trailer = await edits.add_trailer(
        catalog,
        CURATOR,
        show.slug,
        await first_season(db, show),
        "https://www.youtube.com/watch?v=IN5TD4VRcSM",
        kind="teaser",
        hosts=DEFAULT_TRAILER_HOSTS,
    )
    assert trailer is not None and Event.TRAILER in trailer.events
    fake = await delivered(db)
    for to, footer in (
        (CHANNEL, FOOTER_EN),
        (FAN, FOOTER_EN),
        (KOREAN_CHANNEL, FOOTER_KO),
        (KOREAN_FAN, FOOTER_KO),
    ):
        [notice] = fake.in_channel(to)
        assert [link.url for link in notice.links][-1] == "https://www.example.com/watch/1"
        assert "Stand-in Stream" in notice.links[-1].label
        assert footer in embed(notice)["footer"]["text"], to
        within_limits(notice)

    # The curator sets the platform: it is the curator's now, and no notice credits JustWatch.
    await edits.edit_show(catalog, CURATOR, show.slug, {"platform": "Curated Flix"})
    await start_streaming(catalog, show, Status.RELEASED)
    fake = await delivered(db)
    for to in (CHANNEL, FAN, KOREAN_CHANNEL, KOREAN_FAN):
        [notice] = fake.in_channel(to)
        assert "Curated Flix" in where_to_watch(
            notice, "Where to watch" if to in (CHANNEL, FAN) else "시청 가능한 곳"
        )
        assert "JustWatch" not in shown(notice), to


async def test_a_networks_platform_is_not_credited_to_justwatch(standin: TmdbStandIn, db: Store) -> None:
    broadcast = next(
        s for s in standin.world.korean() if not s.providers and s.networks[0][1] != "Stand-in Stream"
    )
    show = await synced(db, standin, broadcast)
    catalog = await Catalog.load(db)
    await not_streaming_yet(catalog, show)
    await listeners(db, show)
    await start_streaming(catalog, show)
    fake = await delivered(db)
    for to in (CHANNEL, FAN, KOREAN_CHANNEL, KOREAN_FAN):
        [notice] = fake.in_channel(to)
        assert broadcast.networks[0][1] in shown(notice)
        assert "JustWatch" not in shown(notice), to


async def test_a_platform_change_to_justwatchs_data_credits_it(standin: TmdbStandIn, db: Store) -> None:
    # A platform change alone raises no watcher event (kdrama/edits/items.py events_for), so it
    # is rendered here as a delivery of it would be, by the renderer channel posts and DMs share.
    tv = next(s for s in standin.world.korean() if not s.providers and s.networks[0][1] != "Stand-in Stream")
    show = await synced(db, standin, tv)
    network = tv.networks[0][1]
    # TMDB now lists a streaming service for it: the sync takes JustWatch's data as its platform.
    tv.providers = {"KR": ["Stand-in Stream"]}
    standin.world.mark_changed(tv.id)
    async with client(standin) as tmdb:
        await Syncer(db, tmdb).pull(tv.id)
    [change] = [
        c
        for c in await db.changes.for_show(show.id, limit=50)
        if any(i.entity is Entity.SHOW and i.field == "platform" for i in c.items)
    ]
    renderer = NoticeRenderer(db)
    for language, footer in (("en", FOOTER_EN), ("ko", FOOTER_KO)):
        notice = await renderer(delivery_of(change.id, language))
        assert "Stand-in Stream" in shown(notice) and network in shown(notice)
        assert footer in embed(notice)["footer"]["text"]
        within_limits(notice)
    # A curator's platform change is the curator's: no credit.
    catalog = await Catalog.load(db)
    curated = await edits.edit_show(catalog, CURATOR, show.slug, {"platform": "Curated Flix"})
    assert curated is not None
    notice = await NoticeRenderer(db)(delivery_of(curated.id, "en"))
    assert "Curated Flix" in shown(notice) and "JustWatch" not in shown(notice)


def delivery_of(change_id: int, language: str) -> Delivery:
    """A channel's delivery of the change, in `language`, as the engine hands it to the renderer."""
    return Delivery(1, change_id, GUILD, CHANNEL, (), 0, utcnow(), language=language)
