"""The live catalog end to end: the real bot process, the Discord stand-in and the TMDB stand-in.

The bot starts with TMDB_TOKEN and TMDB_BASE_URL pointing at the TMDB stand-in, imports its
shows in the background, and then: a new air date on TMDB reaches each subscribed channel
exactly once; a field a curator set is not overwritten but listed for review, where "Use
TMDB's" applies it; a TMDB show that only may be a catalog show waits for a curator there (not
as an error) until "Link" links it; 429s and a 30 s TMDB outage lose nothing while lookups keep
answering.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from kdrama.dates import PartialDate
from kdrama.tmdb.mapping import show_slug
from tests.standin.process import REPO_ROOT, BotProcess
from tests.standin.scenario import DiscordStandIn, Reply
from tests.standin.world import Channel, Guild, Member
from tests.tmdbstandin.server import TOKEN, TmdbStandIn
from tests.tmdbstandin.world import Season, Show, World

pytestmark = pytest.mark.asyncio

OUTAGE_SECONDS = 30.0


@pytest.fixture(scope="module")
def tmdb_world() -> World:
    world = World(12, seed=3)
    # The watched show: its next season is listed on TMDB without a date yet.
    show = world.korean()[0]
    numbered = [s for s in show.seasons if s.number >= 1]
    show.seasons.append(Season(len(numbered) + 1, None, 12))
    remake(world)
    return world


def remake(world: World) -> Show:
    """The last Korean drama: the bundled All of Us Are Dead's titles, but aired in 2031 (held)."""
    tv = world.korean()[-1]
    tv.name, tv.original_name = "All of Us Are Dead", "지금 우리 학교는"
    tv.seasons = [s for s in tv.seasons if s.number == 1]
    tv.seasons[0].air_date = date(2031, 3, 1)
    return tv


@pytest.fixture(scope="module")
def tmdb_standin(tmdb_world: World) -> Iterator[TmdbStandIn]:
    server = TmdbStandIn(tmdb_world).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def guild(standin_server: DiscordStandIn) -> Guild:
    return standin_server.make_guild("K-drama fans", channels=("general", "news-a", "news-b", "other"))


def channel(guild: Guild, name: str) -> Channel:
    return next(c for c in guild.channels.values() if c.name == name)


@pytest.fixture(scope="module")
def owner(standin_server: DiscordStandIn, guild: Guild) -> Member:
    return standin_server.owner_member(guild)


@pytest.fixture(scope="module")
def mod(standin_server: DiscordStandIn, guild: Guild) -> Member:
    return standin_server.manager_member(guild, "mod")


@pytest.fixture(scope="module")
def drama(
    guild: Guild, tmdb_standin: TmdbStandIn, bot_factory: Callable[..., BotProcess]
) -> Iterator[BotProcess]:
    proc = bot_factory(
        script=REPO_ROOT / "bot.py",
        ready_marker="Drama bot ready",
        require_sync=True,
        name="drama-tmdb",
        env={"TMDB_TOKEN": TOKEN, "TMDB_BASE_URL": tmdb_standin.base_url, "TMDB_RETRY_SECONDS": "60"},
    )
    proc.start()
    proc.require_sync = False
    yield proc


async def admin(
    standin: DiscordStandIn, path: str, *, by: Member, at: Channel, within: float = 15, **options: Any
) -> Reply:
    reply = await standin.slash(f"admin {path}", by=by, at=at, **options).reply(within=within)
    assert reply.ephemeral, reply.text()
    assert reply.pings() == set()
    return reply


async def imported(standin: DiscordStandIn, owner: Member, at: Channel, within: float = 60) -> str:
    """Wait for the background sync's first run to finish; its status line."""
    deadline = time.monotonic() + within
    while True:
        status = await admin(standin, "sync status", by=owner, at=at)
        if re.search(r"full, started .*, finished", status.content):
            return status.content
        assert time.monotonic() < deadline, status.content
        await asyncio.sleep(1)


async def test_the_background_sync_imports_the_shows_and_about_credits_tmdb(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild, owner: Member, tmdb_world: World
) -> None:
    general = channel(guild, "general")
    status = await imported(standin, owner, general)
    korean = len(tmdb_world.korean())
    assert f"{korean - 1} added" in status, status  # one is held for a curator
    first = tmdb_world.korean()[0]
    show = await standin.slash("show", by=owner, at=general, title=show_slug(first.name, first.id)).reply(
        within=10
    )
    embed = show.embeds[0]
    assert embed["title"] == f"{first.name} ({first.original_name})"
    assert embed["thumbnail"]["url"].endswith(first.poster_path or "")
    about = await standin.slash("about", by=owner, at=general).reply(within=10)
    text = about.text()
    assert "This product uses the TMDB API but is not endorsed or certified by TMDB." in text
    assert "JustWatch" in text and "Curators" in text


async def test_a_new_air_date_on_tmdb_reaches_each_subscribed_channel_once(
    standin: DiscordStandIn,
    drama: BotProcess,
    guild: Guild,
    owner: Member,
    mod: Member,
    tmdb_world: World,
) -> None:
    general = channel(guild, "general")
    await imported(standin, owner, general)
    show = tmdb_world.korean()[0]
    slug = show_slug(show.name, show.id)
    for name in ("news-a", "news-b"):
        reply = await standin.slash(
            "watch add", by=mod, at=general, title=slug, channel=channel(guild, name)
        ).reply(within=10)
        assert reply.content.startswith("Now posting news"), reply.content
    season = show.seasons[-1]
    season.air_date = tmdb_world.today + timedelta(days=45)
    tmdb_world.mark_changed(show.id)
    pulled = await admin(standin, "sync show", by=owner, at=general, title=slug)
    assert pulled.content.startswith(f"Updated **{show.name}** from TMDB"), pulled.content
    for name in ("news-a", "news-b"):
        await standin.wait_channel_messages(channel(guild, name), 1, within=20)
    await asyncio.sleep(3)  # time for a wrong second notice to arrive
    day = PartialDate.from_day(season.air_date).human()
    for name in ("news-a", "news-b"):
        (message,) = standin.channel_messages(channel(guild, name))
        (embed,) = message["embeds"]
        assert embed["title"] == f"{show.name} · Season {season.number}"
        assert embed["description"] == f"Release date news for Season {season.number} of {show.name}."
        values = {f["name"]: f["value"] for f in embed["fields"]}
        assert values["Release date"] == f"unknown → **{day} (expected, not official)**"
        assert "As listed on TMDB" in values["Release date note"]
        assert embed["footer"]["text"].endswith("Edit by TMDB sync.")
    assert standin.channel_messages(channel(guild, "other")) == []
    # Fans read it as TMDB's listing, never as official.
    release = await standin.slash("release", by=owner, at=general, title=slug, season=season.number).reply(
        within=10
    )
    assert (
        f"as listed on TMDB, it comes out on {PartialDate.from_day(season.air_date).human()}"
        in release.text()
    )
    assert "(as listed on TMDB, not official)" in release.text()


async def test_a_curators_date_stands_until_a_curator_takes_tmdbs(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild, owner: Member, tmdb_world: World
) -> None:
    general = channel(guild, "general")
    await imported(standin, owner, general)
    show = tmdb_world.korean()[1]
    slug = show_slug(show.name, show.id)
    edited = await admin(
        standin,
        "season date",
        by=owner,
        at=general,
        title=slug,
        season=1,
        date="2031-05-01",
        official=False,
        source="A curator's source",
    )
    assert edited.content.startswith("**Change #"), edited.content
    pulled = await admin(standin, "sync show", by=owner, at=general, title=slug)
    assert "1 field(s) a curator set differ on TMDB" in pulled.content, pulled.content
    release = await standin.slash("release", by=owner, at=general, title=slug, season=1).reply(within=10)
    assert "1 May 2031" in release.text(), release.text()

    review = await admin(standin, "sync review", by=owner, at=general)
    assert f"{show.name}: season 1 release: ours 1 May 2031 (expected)" in review.content, review.content
    use = next(b for b in review.buttons() if b["label"].endswith("Use TMDB's"))
    click = standin.click(review, use["custom_id"], by=owner, at=general)
    (outcome,) = await click.followups(1, within=10)
    assert outcome.ephemeral and outcome.content.startswith("**Change #"), outcome.content
    aired = show.seasons[[s.number for s in show.seasons].index(1)].air_date
    assert aired is not None
    release = await standin.slash("release", by=owner, at=general, title=slug, season=1).reply(within=10)
    assert PartialDate.from_day(aired).human() in release.text(), release.text()
    assert "1 May 2031" not in release.text()
    again = await admin(standin, "sync review", by=owner, at=general)
    assert show.name not in again.content
    # TMDB's value is followed again: another pull leaves it be and opens nothing.
    pulled = await admin(standin, "sync show", by=owner, at=general, title=slug)
    assert "already matches TMDB" in pulled.content, pulled.content


async def test_429s_and_a_30_second_outage_lose_nothing_and_lookups_keep_answering(
    standin: DiscordStandIn,
    drama: BotProcess,
    guild: Guild,
    owner: Member,
    tmdb_standin: TmdbStandIn,
    tmdb_world: World,
) -> None:
    general = channel(guild, "general")
    await imported(standin, owner, general)
    show = tmdb_world.korean()[2]
    slug = show_slug(show.name, show.id)
    show.overview = "Rewritten on TMDB during the outage test."
    tmdb_world.mark_changed(show.id)
    tmdb_standin.inject("*", "429", times=3, retry_after=1)
    tmdb_standin.start_outage(OUTAGE_SECONDS)
    started = time.monotonic()
    pulling = standin.slash("admin sync show", by=owner, at=general, title=slug)
    # While TMDB is down the bot still answers from SQLite, in time.
    for _ in range(3):
        answer = await standin.slash("release", by=owner, at=general, title="all-of-us-are-dead").reply(
            within=5
        )
        assert answer.elapsed is not None and answer.elapsed < 3
        assert answer.embeds
        await asyncio.sleep(2)
    reply = await pulling.reply(within=OUTAGE_SECONDS + 40)
    assert time.monotonic() - started >= OUTAGE_SECONDS - 1
    assert reply.content.startswith(f"Updated **{show.name}** from TMDB"), reply.content
    shown = await standin.slash("show", by=owner, at=general, title=slug).reply(within=10)
    assert "Rewritten on TMDB during the outage test." in shown.text()
    assert [r for r in tmdb_standin.requests if r.status == 429]
    assert drama.proc is not None and drama.proc.poll() is None  # still running


async def test_a_tmdb_show_that_may_be_a_catalog_show_waits_for_a_curator_who_links_it(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild, owner: Member, mod: Member, tmdb_world: World
) -> None:
    general = channel(guild, "general")
    status = await imported(standin, owner, general)
    tv = tmdb_world.korean()[-1]
    assert tv.name == "All of Us Are Dead"
    # Not an error: counted apart, and the curator is told where to settle it.
    assert "1 held for a curator, 0 errors" in status, status
    assert (
        "1 TMDB show is waiting for a curator: it may be a catalog show. "
        "Link it or add it in `/admin sync review`."
    ) in status
    assert "Errors of run" not in status
    korean = await standin.slash("admin sync status", by=owner, at=general, locale="ko").reply(within=15)
    assert "큐레이터를 기다리는 TMDB 작품이 1개 있습니다" in korean.content, korean.content
    assert "큐레이터 확인 대기 1개, 오류 0개" in korean.content

    review = await admin(standin, "sync review", by=owner, at=general)
    assert (
        f"- TMDB {tv.id}: All of Us Are Dead (2031) <https://www.themoviedb.org/tv/{tv.id}> "
        "may be All of Us Are Dead (all-of-us-are-dead); held because the catalog's show is from 2022."
    ) in review.content, review.content
    labels = {b["label"]: b["custom_id"] for b in review.buttons()}
    assert f"TMDB {tv.id}: add as a new show" in labels
    link = labels["Link to all-of-us-are-dead"]

    # A server admin who is not a curator changes nothing.
    refused = standin.click(review, link, by=mod, at=general)
    assert (await refused.reply(within=10)).content == "Only Drama bot curators can edit the catalog."
    linked = standin.click(review, link, by=owner, at=general)
    (outcome,) = await linked.followups(1, within=30)
    assert outcome.ephemeral and outcome.pings() == set()
    found = re.match(
        r"\*\*Change #(\d+)\*\*: linked \*\*All of Us Are Dead\*\* to TMDB (\d+) ", outcome.content
    )
    assert found and int(found[2]) == tv.id, outcome.content
    change_id = int(found[1])
    assert f"Undo it with `/admin undo change_id:{change_id}`." in outcome.content

    # The item is gone, from the list and from the count.
    again = await admin(standin, "sync review", by=owner, at=general)
    assert f"TMDB {tv.id}:" not in again.content
    assert not [b for b in again.buttons() if b["custom_id"].startswith("held:")]
    status = await admin(standin, "sync status", by=owner, at=general)
    assert "waiting for a curator" not in status.content
    # /admin history shows the curator's link; undo takes it back.
    history = await admin(standin, "history", by=owner, at=general, title="all-of-us-are-dead")
    described = history.embeds[0]["description"]
    assert f"**#{change_id}** <t:" in described and f"the TMDB link: none → {tv.id}" in described, described
    undone = await admin(standin, "undo", by=owner, at=general, change_id=change_id)
    assert undone.content.startswith("**Change #"), undone.content
    assert f"the TMDB link: {tv.id} → none" in undone.content, undone.content
