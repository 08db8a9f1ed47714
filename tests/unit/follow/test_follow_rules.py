"""The follow rules and replies: events, the Notify me toggle, the cap's sentence, /follow list."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any, cast

import discord
import pytest

from kdrama import i18n
from kdrama.errors import UserError
from kdrama.follow import render
from kdrama.follow.rules import (
    DEFAULT_EVENTS,
    follow,
    followed_choices,
    parse_follow_events,
    toggle,
)
from kdrama.lookup import Catalog
from kdrama.models import Event
from kdrama.store import Store
from kdrama.watch.subscriptions import EventsError
from tests.unit.watch.helpers import AOUAD, ref

FAN = 9001
KO = i18n.text("ko")
ENGLISH_EVENT = re.compile(r"\b(status|date|trailer|cast|release)\b")


def test_events_default_to_status_date_release_and_trailer() -> None:
    assert parse_follow_events(None) == parse_follow_events("  ") == DEFAULT_EVENTS
    assert Event.CAST not in DEFAULT_EVENTS
    assert parse_follow_events("cast, trailer") == {Event.CAST, Event.TRAILER}
    assert parse_follow_events("all") == frozenset(Event)
    with pytest.raises(EventsError, match="I don't know the event “gossip”"):
        parse_follow_events("gossip")


async def test_notify_me_follows_then_unfollows(store: Store) -> None:
    show = await ref(store, AOUAD)
    first = await toggle(store, FAN, show, limit=200)
    assert first is not None and first.created and first.follow.events == DEFAULT_EVENTS
    assert await toggle(store, FAN, show, limit=200) is None
    assert (await store.follows.follower(FAN)).follows == ()  # type: ignore[union-attr]


async def test_a_paused_fan_clicking_a_show_they_follow_is_resumed_not_unfollowed(store: Store) -> None:
    show = await ref(store, AOUAD)
    await follow(store, FAN, show, frozenset({Event.CAST}), limit=200)
    await store.follows.pause(FAN, "DMs closed")
    resumed = await toggle(store, FAN, show, limit=200)
    assert resumed is not None and resumed.resumed and not resumed.created
    assert resumed.follow.events == {Event.CAST}  # kept as the fan chose it
    person = await store.follows.follower(FAN)
    assert person is not None and not person.paused and len(person.follows) == 1
    assert await toggle(store, FAN, show, limit=200) is None  # active again: the next click unfollows


async def test_the_cap_is_one_clear_sentence(store: Store) -> None:
    await follow(store, FAN, await ref(store, AOUAD), DEFAULT_EVENTS, limit=1)
    with pytest.raises(UserError) as refused:
        await follow(store, FAN, await ref(store, "squid-game"), DEFAULT_EVENTS, limit=1)
    assert str(refused.value) == (
        "You already follow 1 shows, the most one person can. Remove one with /follow remove first."
    )
    assert refused.value.message.startswith("You already follow {count} shows")


async def test_remove_offers_what_the_fan_follows_and_everything(store: Store) -> None:
    assert await followed_choices(store, FAN, "") == []
    await follow(store, FAN, await ref(store, AOUAD), DEFAULT_EVENTS, limit=200)
    await follow(store, FAN, await ref(store, "squid-game"), DEFAULT_EVENTS, limit=200)
    names = [(c.name, c.value) for c in await followed_choices(store, FAN, "")]
    assert names == [
        ("Everything: forget all my follows", "*"),
        ("All of Us Are Dead", AOUAD),
        ("Squid Game", "squid-game"),
    ]
    assert [c.value for c in await followed_choices(store, FAN, "squid")] == ["squid-game"]


async def test_follow_list_puts_the_pause_and_its_reason_first(store: Store) -> None:
    await follow(store, FAN, await ref(store, AOUAD), frozenset({Event.CAST}), limit=200)
    await store.follows.pause(FAN, "Discord won't let me message you.")
    reply = render.follow_list_reply(await store.follows.follower(FAN), 200)
    assert reply.ephemeral
    embed = reply.embeds[0]
    assert embed.title == "You follow 1 show(s) (paused)"
    assert (embed.description or "").startswith("**Paused**: Discord won't let me message you.")
    assert "• **All of Us Are Dead**: cast" in (embed.description or "")
    nothing = render.follow_list_reply(None, 200)
    assert nothing.ephemeral and (nothing.content or "").startswith("You follow no shows.")


async def test_follow_replies_in_korean_name_the_news_and_the_show_in_korean(store: Store) -> None:
    show = await ref(store, AOUAD)
    result = await follow(store, FAN, show, DEFAULT_EVENTS, limit=200, language="ko")
    added = render.followed_text(result, show.title, KO, korean_title=show.korean_title)
    assert added.startswith(
        "**지금 우리 학교는 (All of Us Are Dead)** 팔로우 중(상태, 공개일, 예고편, 공개)."
    ), added
    listed = render.follow_list_reply(await store.follows.follower(FAN), 200, KO).embeds[0].description or ""
    assert "• **지금 우리 학교는 (All of Us Are Dead)**: 상태, 공개일, 예고편, 공개" in listed, listed
    for text in (added, listed):
        assert not ENGLISH_EVENT.search(text), text
    removed = render.unfollowed_text(show.title, KO, korean_title=show.korean_title)
    missing = render.not_followed_text(show.title, KO, korean_title=show.korean_title)
    for text in (removed, missing):
        assert "**지금 우리 학교는 (All of Us Are Dead)**" in text, text
    # English readers read what they always did.
    english = render.followed_text(result, show.title, korean_title=show.korean_title)
    assert english.startswith("Following **All of Us Are Dead** (status, date, trailer, release).")


async def test_follow_events_autocomplete_speaks_korean() -> None:
    from cogs.follow import Follow

    fan = cast(Any, SimpleNamespace(locale=discord.Locale.korean))
    choices = await Follow.events_autocomplete(Follow.__new__(Follow), fan, "")
    assert choices[0].name == "모든 소식 (상태, 공개일, 예고편, 출연진, 공개)"
    assert choices[0].value == "all"  # what the option reads stays English
    typed = await Follow.events_autocomplete(Follow.__new__(Follow), fan, "tr")
    assert [(c.name, c.value) for c in typed] == [("예고편 (trailer)", "trailer")]


async def test_follow_remove_autocomplete_finds_a_follow_by_its_korean_title(store: Store) -> None:
    await follow(store, FAN, await ref(store, AOUAD), DEFAULT_EVENTS, limit=200, language="ko")
    await follow(store, FAN, await ref(store, "squid-game"), DEFAULT_EVENTS, limit=200, language="ko")
    # Hangul (also mid-syllable), initial consonants, a romanization, and a typo, as /release finds them.
    for typed in ("지금", "지그", "ㅈㄱㅇㄹ", "jigeum", "all of su"):
        offered = [c.value for c in await followed_choices(store, FAN, typed, KO)]
        assert offered == [AOUAD], (typed, offered)
    # Korean title first for a Korean fan (as /follow list names it); English readers as before.
    named = await followed_choices(store, FAN, "지금", KO)
    assert named[0].name == "지금 우리 학교는 (All of Us Are Dead)"
    assert [c.name for c in await followed_choices(store, FAN, "", KO)][1:] == [
        "지금 우리 학교는 (All of Us Are Dead)",
        "오징어 게임 (Squid Game)",
    ]
    by_alias = await followed_choices(store, FAN, "jigeum", KO)
    assert by_alias[0].name.startswith("지금 우리 학교는 (All of Us Are Dead) (")
    english = await followed_choices(store, FAN, "지금")
    assert english[0].name == "All of Us Are Dead (지금 우리 학교는)"  # as the /release title list names it
    assert [c.value for c in await followed_choices(store, FAN, "오징어", KO)] == ["squid-game"]


async def test_follow_remove_offers_everything_to_a_korean_fan_typing_the_word_it_is_called(
    store: Store,
) -> None:
    await follow(store, FAN, await ref(store, AOUAD), DEFAULT_EVENTS, limit=200, language="ko")
    everything = ("전체: 내 팔로우를 모두 지우기", "*")
    for typed in ("전체", "전", "저"):  # "저" is 전 still being typed
        assert [(c.name, c.value) for c in await followed_choices(store, FAN, typed, KO)] == [everything], (
            typed
        )
    assert [c.value for c in await followed_choices(store, FAN, "everything", KO)] == ["*"]


class FakeResponse:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def is_done(self) -> bool:
        return bool(self.sent)

    async def send_message(self, **kwargs: Any) -> None:
        self.sent.append(kwargs)


async def test_a_korean_fan_submitting_the_word_for_everything_is_forgotten(
    store: Store, catalog: Catalog
) -> None:
    from cogs.follow import Follow

    await follow(store, FAN, await ref(store, AOUAD), DEFAULT_EVENTS, limit=200, language="ko")
    cog = Follow.__new__(Follow)
    cog.bot = cast(Any, SimpleNamespace(store=store, catalog=catalog))
    fan = SimpleNamespace(locale=discord.Locale.korean, user=SimpleNamespace(id=FAN), response=FakeResponse())
    await Follow.remove.callback(cog, cast(Any, fan), "전체")
    assert [m["content"] for m in fan.response.sent] == [
        "완료: 팔로우, DM 채널, 아직 보내지 않은 메시지까지 내 정보를 모두 지웠습니다."
    ]
    assert await store.follows.follower(FAN) is None
