"""The subscription rules: the events option, resuming a paused channel, deleted channels."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kdrama import edits, i18n
from kdrama.lookup import Catalog
from kdrama.models import ALL_EVENTS, Actor, Event, ShowRef, WatchedShow
from kdrama.store import Store
from kdrama.watch import subscriptions as watch
from kdrama.watch.engine import ChannelUnusable, RetryLater
from kdrama.watch.subscriptions import EventsError, event_choices, parse_events_option
from tests.unit.watch.helpers import (
    AOUAD,
    GUILD,
    OTHER_GUILD,
    Clock,
    FakeDiscord,
    add_trailer,
    engine_for,
    ref,
    renew,
    rows,
    subscribe,
)


async def test_watch_add_resumes_a_paused_channel_and_posts_what_it_missed(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await subscribe(store, 1, None)
    await renew(store, show)
    fake = FakeDiscord(gone={1: ChannelUnusable("the bot can't see this channel", status=403, code=50001)})
    engine = engine_for(store, fake)
    await engine.drain()
    assert all(s.paused for s in await watch.followed(store, GUILD, 1))
    del fake.gone[1]  # staff fixed the permissions
    result = await watch.subscribe(
        store, guild_id=GUILD, channel_id=1, show_id=show.id, events=ALL_EVENTS, role_id=None, created_by=5
    )
    assert (result.created, result.resumed, result.resent) == (False, 2, 1)
    assert not any(s.paused for s in await watch.followed(store, GUILD, 1))
    await engine.drain()
    assert len(fake.in_channel(1)) == 1
    await add_trailer(store, show)
    await engine.drain()
    assert len(fake.in_channel(1)) == 2


async def test_missed_news_older_than_a_day_is_dropped_on_resume(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await renew(store, show)
    await store.subscriptions.pause_channel(1, "the bot lacks permission to post here")
    result = await watch.subscribe(
        store,
        guild_id=GUILD,
        channel_id=1,
        show_id=show.id,
        events=ALL_EVENTS,
        role_id=None,
        created_by=5,
        now=datetime.now(UTC) + timedelta(days=2),
    )
    assert (result.resent, result.dropped) == (0, 1)
    assert [r[1] for r in await rows(store)] == ["failed"]


async def test_a_show_unfollowed_is_not_posted_about_afterwards(store: Store) -> None:
    aouad, squid = await ref(store, AOUAD), await ref(store, "squid-game")
    await subscribe(store, 1, aouad)
    await subscribe(store, 1, squid)
    await renew(store, aouad)
    await store.subscriptions.pause_channel(1, "the bot lacks permission to post here (Missing Permissions)")
    assert await watch.unsubscribe(store, 1, aouad.id)
    result = await watch.subscribe(
        store, guild_id=GUILD, channel_id=1, show_id=squid.id, events=ALL_EVENTS, role_id=None, created_by=5
    )
    assert result.resent == 0  # the reply does not promise the notice about the show removed
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    posted = [m.embeds[0].title for m in fake.in_channel(1)]
    assert not any("All of Us Are Dead" in (t or "") for t in posted)


async def test_a_notice_waiting_to_be_retried_is_dropped_when_its_show_is_unfollowed(store: Store) -> None:
    aouad, squid = await ref(store, AOUAD), await ref(store, "squid-game")
    await subscribe(store, 1, aouad)
    await subscribe(store, 1, squid)
    await renew(store, aouad)
    await renew(store, squid)
    clock = Clock()
    fake = FakeDiscord(
        faults={1: [RetryLater("HTTP 429: You are being rate limited", status=429, retry_after=30)]}
    )
    engine = engine_for(store, fake, wall=clock)
    await engine.drain()
    assert await watch.unsubscribe(store, 1, aouad.id)
    clock.now += 60
    await engine.drain()
    titles = [m.embeds[0].title or "" for m in fake.in_channel(1)]
    assert len(titles) == 1 and "Squid Game" in titles[0]


async def test_a_show_unfollowed_is_still_posted_about_while_the_channel_follows_every_show(
    store: Store,
) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show, role=501)
    await subscribe(store, 1, None, role=502)
    await renew(store, show)
    assert await watch.unsubscribe(store, 1, show.id)
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    assert len(fake.in_channel(1)) == 1
    # Only the role of the subscription that is left is pinged.
    assert [r[3] for r in await rows(store)] == ["[502]"]


async def test_a_channel_that_narrows_its_events_hears_no_more_of_the_ones_it_dropped(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await renew(store, show)
    await add_trailer(store, show)
    await subscribe(store, 1, show, events=frozenset({Event.TRAILER}))  # /watch add again, fewer events
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    titles = [m.embeds[0].description or "" for m in fake.in_channel(1)]
    assert len(titles) == 1 and "Renewed" not in titles[0]


async def test_channel_delete_drops_and_guild_remove_pauses(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await subscribe(store, 2, show)
    await subscribe(store, 3, show, guild=OTHER_GUILD)
    await renew(store, show)
    assert await watch.channel_deleted(store, 1) == 1
    assert await watch.bot_removed(store, OTHER_GUILD, "the bot was removed from this server") == 1
    assert await watch.followed(store, GUILD, 1) == []
    assert (await watch.followed(store, OTHER_GUILD))[
        0
    ].paused_reason == "the bot was removed from this server"
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    assert [ch for ch, _ in fake.requests] == [2]
    assert [r[1] for r in await rows(store)] == ["failed", "sent", "paused"]


def test_events_option_reads_what_staff_type() -> None:
    assert parse_events_option(None) == ALL_EVENTS
    assert parse_events_option(" all ") == ALL_EVENTS
    assert parse_events_option("status, date") == {Event.STATUS, Event.DATE}
    assert parse_events_option("Trailer cast") == {Event.TRAILER, Event.CAST}
    with pytest.raises(EventsError, match=r"“premiere”.*status, date, trailer, cast and release"):
        parse_events_option("status,premiere")


def test_events_autocomplete_builds_a_list_a_tap_at_a_time() -> None:
    assert event_choices("")[0][1] == "all"
    values = [v for _, v in event_choices("status,")]
    assert values[0] == "status" and "status,date" in values and "status,status" not in values
    assert [v for _, v in event_choices("status,tr")] == ["status,trailer"]


def test_korean_staff_read_the_event_choices_in_korean_and_type_every_show_in_korean() -> None:
    assert event_choices("", "ko")[0] == ("모든 소식 (상태, 공개일, 예고편, 출연진, 공개)", "all")
    assert event_choices("status,tr", "ko") == [("상태, 예고편 (status,trailer)", "status,trailer")]
    assert watch.is_every_show("모든 작품") and watch.is_every_show("Every show")
    assert not watch.is_every_show("모든")


TYPED = [
    "premiere,date",
    "premiere",
    "status,premiere",
    "status,premiere,da",
    "xyz",
    "status,status",
    "status,date,trailer,cast,release,x",
    ",,, ,",
    "예고",
    "예고편,상",
    "ㅇ" * 100,
]


@pytest.mark.parametrize("locale", ["en", "ko"])
@pytest.mark.parametrize("typed", TYPED)
def test_whatever_staff_type_in_events_the_choices_load_and_each_one_works(typed: str, locale: str) -> None:
    choices = event_choices(typed, locale)  # no exception: Discord would say "Loading options failed"
    assert 1 <= len(choices) <= 25, "no choices at all, for staff who mistyped one word"
    for name, value in choices:
        assert 1 <= len(name) <= 100 and 1 <= len(value) <= 100
        parse_events_option(value)  # a choice picked is never refused


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_an_unknown_word_typed_before_a_known_one_is_left_out_of_the_choices(locale: str) -> None:
    assert [v for _, v in event_choices("premiere,date", locale)] == ["date"]
    assert [v for _, v in event_choices("status,premiere,da", locale)] == ["status,date"]
    # The last word matching no event: what could go there instead, after what was typed right.
    assert [v for _, v in event_choices("status,premiere", locale)] == [
        "status",
        "status,date",
        "status,trailer",
        "status,cast",
        "status,release",
    ]


def test_korean_staff_may_type_the_korean_names_of_events() -> None:
    assert event_choices("예고", "ko") == [("예고편 (trailer)", "trailer")]
    assert event_choices("예고편,상", "ko") == [("예고편, 상태 (trailer,status)", "trailer,status")]


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_events_typed_without_picking_a_choice_still_get_the_one_sentence_refusal(locale: str) -> None:
    with pytest.raises(EventsError) as refused:
        parse_events_option("premiere,date")
    answer = i18n.text(locale).error(refused.value)  # what the cog answers, privately
    assert "“premiere”" in answer and "status" in answer and "\n" not in answer
    assert (locale == "en") == answer.startswith("I don't know the event “premiere”.")


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("지금", "All of Us Are Dead (지금 우리 학교는)"),
        ("ㅈㄱㅇㄹ", "All of Us Are Dead (지금 우리 학교는)"),
        ("jigeum", "All of Us Are Dead (Jigeum Uri Hakgyoneun)"),
        ("now at our", "All of Us Are Dead (Now at Our School)"),
        ("all of us", "All of Us Are Dead"),
        ("al of us are ded", "All of Us Are Dead"),  # a typo, as /release forgives it
    ],
)
async def test_watch_remove_finds_a_followed_show_by_any_of_its_names(
    store: Store, typed: str, offered: str
) -> None:
    aouad, squid = await ref(store, AOUAD), await ref(store, "squid-game")
    for show in (aouad, squid, None):
        await subscribe(store, 1, show)
    hellbound = await ref(store, "hellbound")  # 지옥: also starts with 지, but another channel's
    await subscribe(store, 2, hellbound)
    choices = await watch.followed_choices(store, GUILD, 1, typed)
    assert [(c.name, c.value) for c in choices] == [(offered, AOUAD)]


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("지금", "지금 우리 학교는 (All of Us Are Dead)"),
        ("ㅈㄱㅇㄹ", "지금 우리 학교는 (All of Us Are Dead)"),
        ("jigeum", "지금 우리 학교는 (All of Us Are Dead) (Jigeum Uri Hakgyoneun)"),
        ("now at our", "지금 우리 학교는 (All of Us Are Dead) (Now at Our School)"),
        ("all of us", "지금 우리 학교는 (All of Us Are Dead)"),
        ("al of us are ded", "지금 우리 학교는 (All of Us Are Dead)"),
    ],
)
async def test_korean_staff_read_the_korean_title_first_in_the_remove_choices(
    store: Store, typed: str, offered: str
) -> None:
    await subscribe(store, 1, await ref(store, AOUAD))
    await subscribe(store, 1, await ref(store, "squid-game"))
    choices = await watch.followed_choices(store, GUILD, 1, typed, "ko")
    assert [(c.name, c.value) for c in choices] == [(offered, AOUAD)]


def test_a_korean_first_choice_name_stays_within_discords_100_characters() -> None:
    ko = i18n.text("ko")
    sub = WatchedShow(ShowRef(7, "a-long-one", "A" * 80, "가" * 60), paused=False)
    choice = watch.show_choice(sub, "some alias", ko)
    assert (len(choice.name), choice.value) == (100, "a-long-one")
    assert choice.name.startswith("가" * 60 + " (AAA") and choice.name.endswith("…")
    short = replace(sub, show=ShowRef(7, "kingdom", "Kingdom", "킹덤"))
    assert watch.show_choice(short, None, ko).name == "킹덤 (Kingdom)"
    assert watch.show_choice(short, "킹덤", ko).name == "킹덤 (Kingdom)"
    assert watch.show_choice(short, "킹덤", i18n.text("en")).name == "Kingdom (킹덤)"
    assert (
        watch.show_choice(replace(short, show=ShowRef(7, "kingdom", "Kingdom")), None, ko).name == "Kingdom"
    )


async def test_watch_remove_offers_only_the_channels_shows_and_says_which_are_paused(store: Store) -> None:
    aouad, squid = await ref(store, AOUAD), await ref(store, "squid-game")
    for show in (aouad, squid, None):
        await subscribe(store, 1, show)
    await store.subscriptions.pause_channel(1, "the channel no longer exists")
    everything = [(c.name, c.value) for c in await watch.followed_choices(store, GUILD, 1, "", "ko")]
    assert everything == [
        ("모든 작품 (일시 중지됨)", "*"),
        ("지금 우리 학교는 (All of Us Are Dead) (일시 중지됨)", AOUAD),
        ("오징어 게임 (Squid Game) (일시 중지됨)", "squid-game"),
    ]
    assert [c.value for c in await watch.followed_choices(store, GUILD, 1, "오징어")] == ["squid-game"]
    assert [c.value for c in await watch.followed_choices(store, GUILD, 1, "모든", "ko")] == ["*"]
    assert await watch.followed_choices(store, GUILD, 1, "지옥") == []


async def test_the_language_is_the_channels_and_each_delivery_carries_it(catalog: Catalog) -> None:
    store = catalog.store
    await watch.subscribe(
        store,
        guild_id=1,
        channel_id=10,
        show_id=None,
        events=ALL_EVENTS,
        role_id=None,
        created_by=5,
        language="ko",
    )
    await watch.subscribe(
        store, guild_id=1, channel_id=11, show_id=None, events=ALL_EVENTS, role_id=None, created_by=5
    )
    await edits.set_status(catalog, Actor(1, "curator"), "All of Us Are Dead", 2, "renewed", "Netflix, 2026")
    due = {d.channel_id: d.language for d in await store.outbox.due(time.time() + 1, None)}
    assert due == {10: "ko", 11: None}
    # A later /watch add in the channel (another show, the server's language) sets it for all.
    await watch.subscribe(
        store,
        guild_id=1,
        channel_id=10,
        show_id=1,
        events=ALL_EVENTS,
        role_id=None,
        created_by=5,
        language="en",
    )
    assert {s.language for s in await watch.followed(store, 1, 10)} == {"en"}
