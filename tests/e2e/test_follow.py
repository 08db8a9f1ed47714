"""Fans following shows by DM, end to end: the real bot process, the Discord stand-in.

What a fan would notice is asserted: the Notify me button follows and unfollows privately; a
curator's edit reaches each follower as exactly one DM (even when the bot is SIGKILLed in the
middle) while subscribed channels get their post as before; a fan whose DMs are closed is
paused after one refused request and `/follow list` says why; the lookup commands and
/follow answer from a user install, where there is no guild.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import pytest

from kdrama import i18n
from kdrama.follow.render import DM_LINE
from kdrama.follow.rules import DEFAULT_EVENTS
from kdrama.models import ShowRef
from kdrama.store import Store, utcnow
from tests.standin.process import REPO_ROOT, BotProcess
from tests.standin.scenario import DiscordStandIn, Reply
from tests.standin.world import Channel, Guild, Member, User

pytestmark = pytest.mark.asyncio

AOUAD = "all-of-us-are-dead"
NETFLIX = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"
OPEN_DM = "POST /users/@me/channels"
POST = "POST /channels/{channel_id}/messages"
FOLLOW_LIMIT = 3
CROWD = 120
# Season 2's status goes back and forth, so every edit is a change that notifies.
STATUSES = itertools.cycle(["post_production", "filming"])


@pytest.fixture(scope="module")
def guild(standin_server: DiscordStandIn) -> Guild:
    return standin_server.make_guild("K-drama fans", channels=("news", "curators", "lobby"))


def channel(guild: Guild, name: str) -> Channel:
    return next(c for c in guild.channels.values() if c.name == name)


@pytest.fixture(scope="module")
def drama(guild: Guild, bot_factory: Callable[..., BotProcess]) -> Iterator[BotProcess]:
    """The real bot on a fresh database, with a small follow cap so the cap can be met."""
    proc = bot_factory(
        script=REPO_ROOT / "bot.py",
        ready_marker="Drama bot ready",
        require_sync=True,
        name="drama",
        env={"FOLLOW_LIMIT": str(FOLLOW_LIMIT)},
    )
    proc.start()
    proc.require_sync = False
    yield proc


async def curate(standin: DiscordStandIn, guild: Guild) -> None:
    """A curator's edit of All of Us Are Dead season 2 (/admin season status)."""
    reply = await standin.slash(
        "admin season status",
        by=standin.owner_member(guild),
        at=channel(guild, "curators"),
        title=AOUAD,
        season=2,
        status=next(STATUSES),
        source=NETFLIX,
    ).reply(within=10)
    assert reply.ephemeral and reply.content.startswith("**Change #"), reply.content


async def private(
    standin: DiscordStandIn, path: str, *, by: Member | User, at: Channel, **options: Any
) -> Reply:
    """Run a /follow command: the answer is private and pings no one."""
    reply = await standin.slash(f"follow {path}", by=by, at=at, **options).reply(within=10)
    assert reply.ephemeral, reply.text()
    assert reply.pings() == set()
    return reply


def dm_requests(standin: DiscordStandIn, user: User) -> list[Any]:
    """Every message request the bot made to its DM channel with user, whatever the answer."""
    channel_id = standin.dm_channels.get(user.id)
    return [r for r in standin.requests_to(POST) if channel_id and int(r.params["channel_id"]) == channel_id]


def opens(standin: DiscordStandIn, user: User) -> int:
    return sum(
        1 for r in standin.requests_to(OPEN_DM) if str((r.json or {}).get("recipient_id")) == str(user.id)
    )


async def wait_dms(
    standin: DiscordStandIn, user: User, count: int, within: float = 15
) -> list[dict[str, Any]]:
    await standin.wait_for(
        lambda: len(standin.dm_messages(user)) >= count, within, f"{count} DM(s) to {user.username}"
    )
    return standin.dm_messages(user)


async def settle(seconds: float = 2.5) -> None:
    """Give the bot time to do anything more it might wrongly do (a duplicate, a retry)."""
    await asyncio.sleep(seconds)


# --- the command tree --------------------------------------------------------------------------


async def test_synced_commands_say_where_they_can_be_installed_and_used(
    standin: DiscordStandIn, drama: BotProcess
) -> None:
    commands = standin.global_commands
    for name in ("show", "release", "cast", "trailer", "upcoming", "search", "follow"):
        assert commands[name]["integration_types"] == [0, 1], name
        assert commands[name]["contexts"] == [0, 1, 2], name
    for name in ("watch", "admin"):
        assert commands[name]["integration_types"] == [0], name
        assert commands[name]["contexts"] == [0], name
    follow = {o["name"] for o in commands["follow"]["options"]}
    assert follow == {"add", "remove", "list"}
    assert commands["follow"]["default_member_permissions"] is None  # open to everyone


# --- the button, one DM per edit --------------------------------------------------------------


async def test_a_fan_follows_with_the_button_and_gets_exactly_one_dm_per_edit(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild
) -> None:
    mod = standin.manager_member(guild, "mod")
    news = channel(guild, "news")
    added = await standin.slash("watch add", by=mod, at=news, title=AOUAD).reply(within=10)
    assert added.ephemeral and "Now posting news about **All of Us Are Dead**" in added.content
    fan = standin.plain_member(guild, "button-fan")

    answer = await standin.slash("release", by=fan, at=channel(guild, "lobby"), title=AOUAD, season=2).reply()
    assert not answer.ephemeral
    notify = [b for b in answer.buttons() if (b.get("custom_id") or "").startswith("follow:")]
    assert [b["label"] for b in notify] == ["Notify me"]
    assert any(b.get("url") for b in answer.buttons()), "the link buttons stay"
    click = await standin.click(answer, notify[0]["custom_id"], by=fan, at=channel(guild, "lobby")).reply()
    assert click.ephemeral and click.pings() == set()
    assert click.content.startswith("Following **All of Us Are Dead** (status, date, trailer, release).")
    assert answer.message["content"] == standin.messages[int(answer.message["id"])]["content"]  # untouched

    posts_before = len(standin.channel_messages(news))
    await curate(standin, guild)
    dms = await wait_dms(standin, fan.user, 1)
    await standin.wait_channel_messages(news, posts_before + 1, within=15)
    await settle()
    assert len(standin.dm_messages(fan.user)) == 1 and len(dm_requests(standin, fan.user)) == 1
    assert len(standin.channel_messages(news)) == posts_before + 1
    dm = dms[0]
    assert dm["content"] == DM_LINE
    assert dm["embeds"][0]["title"] == "All of Us Are Dead · Season 2"
    assert "guild_id" not in dm
    body = dm_requests(standin, fan.user)[0].json
    assert body["allowed_mentions"] == {"parse": []}
    assert body["nonce"].startswith("d") and body["enforce_nonce"] is True
    assert opens(standin, fan.user) == 1

    # A second edit: one more DM, through the DM channel remembered from the first.
    await curate(standin, guild)
    await wait_dms(standin, fan.user, 2)
    await settle()
    assert len(standin.dm_messages(fan.user)) == 2 and opens(standin, fan.user) == 1

    # Another click unfollows; the next edit reaches the channel and not the fan.
    again = await standin.click(answer, notify[0]["custom_id"], by=fan, at=channel(guild, "lobby")).reply()
    assert again.ephemeral and again.content.startswith("You no longer follow **All of Us Are Dead**.")
    posts_before = len(standin.channel_messages(news))
    await curate(standin, guild)
    await standin.wait_channel_messages(news, posts_before + 1, within=15)
    await settle()
    assert len(standin.dm_messages(fan.user)) == 2


async def test_the_button_works_after_a_restart(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild
) -> None:
    fan = standin.plain_member(guild, "restart-fan")
    answer = await standin.slash("show", by=fan, at=channel(guild, "lobby"), title=AOUAD).reply()
    custom_id = next(
        b["custom_id"] for b in answer.buttons() if (b.get("custom_id") or "").startswith("follow:")
    )
    drama.restart()
    click = await standin.click(answer, custom_id, by=fan, at=channel(guild, "lobby")).reply(within=10)
    assert click.ephemeral and click.content.startswith("Following **All of Us Are Dead**")
    listed = await private(standin, "list", by=fan, at=channel(guild, "lobby"))
    assert "All of Us Are Dead" in listed.text()


async def test_a_korean_fan_reads_follow_in_korean(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild
) -> None:
    fan = standin.plain_member(guild, "korean-fan")
    lobby = channel(guild, "lobby")
    answer = await standin.slash("release", by=fan, at=lobby, locale="ko", title=AOUAD).reply()
    assert "알림 받기" in [b.get("label") for b in answer.buttons()]
    empty = await standin.slash("follow list", by=fan, at=lobby, locale="ko").reply()
    assert empty.ephemeral and empty.content.startswith("팔로우 중인 작품이 없습니다.")
    offered = await standin.autocomplete(
        "follow add", by=fan, at=lobby, locale="ko", focused="events", title=AOUAD
    ).choices()
    assert offered[0] == {"name": "모든 소식 (상태, 공개일, 예고편, 출연진, 공개)", "value": "all"}
    followed = await standin.slash("follow add", by=fan, at=lobby, locale="ko", title=AOUAD).reply()
    assert followed.ephemeral
    assert followed.content.startswith(
        "**지금 우리 학교는 (All of Us Are Dead)** 팔로우 중(상태, 공개일, 예고편, 공개)."
    ), followed.content
    listed = await standin.slash("follow list", by=fan, at=lobby, locale="ko").reply()
    assert "• **지금 우리 학교는 (All of Us Are Dead)**: 상태, 공개일, 예고편, 공개" in listed.text()
    # Their DMs are in Korean too, the notice and the line above it, whatever the server's language.
    await curate(standin, guild)
    dm = (await wait_dms(standin, fan.user, 1))[0]
    assert dm["content"] == i18n.text("ko").gettext(DM_LINE) != DM_LINE
    assert dm["embeds"][0]["title"].startswith("지금 우리 학교는 (All of Us Are Dead)"), dm["embeds"][0]

    # /follow remove finds the follow by its Korean title, and the word “전체” forgets them.
    for typed in ("지금", "ㅈㄱㅇㄹ"):
        offered = await standin.autocomplete(
            "follow remove", by=fan, at=lobby, locale="ko", focused="title", title=typed
        ).choices()
        assert [c["value"] for c in offered] == [AOUAD], (typed, offered)
        assert offered[0]["name"].startswith("지금 우리 학교는 (All of Us Are Dead)"), offered
    # A show followed or unfollowed between keystrokes is in (or out of) the next choices.
    await standin.slash("follow add", by=fan, at=lobby, locale="ko", title="hellbound").reply()
    offered = await standin.autocomplete(
        "follow remove", by=fan, at=lobby, locale="ko", focused="title", title="지"
    ).choices()
    assert {c["value"] for c in offered} == {AOUAD, "hellbound"}, offered
    await standin.slash("follow remove", by=fan, at=lobby, locale="ko", title="hellbound").reply()
    offered = await standin.autocomplete(
        "follow remove", by=fan, at=lobby, locale="ko", focused="title", title="지"
    ).choices()
    assert [c["value"] for c in offered] == [AOUAD], offered
    offered = await standin.autocomplete(
        "follow remove", by=fan, at=lobby, locale="ko", focused="title", title="전체"
    ).choices()
    assert offered == [{"name": "전체: 내 팔로우를 모두 지우기", "value": "*"}]
    gone = await standin.slash("follow remove", by=fan, at=lobby, locale="ko", title="전체").reply()
    assert gone.ephemeral and gone.content.startswith("완료: "), gone.content
    empty = await standin.slash("follow list", by=fan, at=lobby, locale="ko").reply()
    assert empty.content.startswith("팔로우 중인 작품이 없습니다.")
    offered = await standin.autocomplete(
        "follow remove", by=fan, at=lobby, locale="ko", focused="title", title="지"
    ).choices()
    assert offered == []


# --- closed DMs -------------------------------------------------------------------------------


async def test_closed_dms_pause_the_fan_after_one_refusal_and_follow_list_says_why(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild
) -> None:
    fan = standin.plain_member(guild, "closed-fan")
    lobby = channel(guild, "lobby")
    reply = await private(standin, "add", by=fan, at=lobby, title=AOUAD)
    assert reply.content.startswith("Following **All of Us Are Dead**")
    standin.close_dms(fan.user)
    invalid_before = standin.invalid_requests

    await curate(standin, guild)
    await standin.wait_for(lambda: len(dm_requests(standin, fan.user)) >= 1, 15, "the DM attempt")
    await settle()
    refused = dm_requests(standin, fan.user)
    assert [(r.status, r.response["code"]) for r in refused] == [(403, 50007)]
    listed = await private(standin, "list", by=fan, at=lobby)
    text = listed.text()
    assert "Paused" in text and "Cannot send messages to this user" in text, text
    assert "/follow add" in text

    # Nothing more goes to them: not for this edit, not for the next (it is held for them).
    await curate(standin, guild)
    await settle()
    assert len(dm_requests(standin, fan.user)) == 1
    assert standin.invalid_requests - invalid_before == 1

    # They open their DMs and follow again: resumed, and both DMs they missed are sent, the one
    # held when they were paused and the one of the news that came while they were.
    standin.close_dms(fan.user, closed=False)
    resumed = await private(standin, "add", by=fan, at=lobby, title=AOUAD)
    assert "active again" in resumed.content and "2 message(s) you missed" in resumed.content
    dms = await wait_dms(standin, fan.user, 2)
    await settle()
    assert len(dms) == 2 and len(standin.dm_messages(fan.user)) == 2
    listed = await private(standin, "list", by=fan, at=lobby)
    assert "Paused" not in listed.text()


# --- a user install: no guild -------------------------------------------------------------------


async def test_lookups_and_follow_answer_a_user_install_in_a_group_dm(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild
) -> None:
    fan, friend = standin.make_user("installer"), standin.make_user("friend")
    group = standin.make_private_channel(fan, friend)
    offered = await standin.autocomplete(
        "release", by=fan, at=group, focused="title", title="all of us"
    ).choices()
    assert {"name": "All of Us Are Dead", "value": AOUAD} in offered
    handle = standin.slash("release", by=fan, at=group, title=AOUAD, season=2)
    assert handle.record.payload["context"] == 2 and "guild_id" not in handle.record.payload
    answer = await handle.reply()
    assert not answer.ephemeral
    assert answer.embeds[0]["title"] == "All of Us Are Dead · Season 2"
    for command, options in (
        ("show", {"title": AOUAD}),
        ("cast", {"title": AOUAD}),
        ("upcoming", {}),
        ("search", {"query": "dead"}),
    ):
        reply = await standin.slash(command, by=fan, at=group, **options).reply()
        assert reply.embeds or reply.content, command
    # The answer went through the interaction: the bot never posted in the group DM itself.
    assert not [r for r in standin.requests_to(POST) if int(r.params["channel_id"]) == group.id]

    followed = await private(standin, "add", by=fan, at=group, title=AOUAD)
    assert followed.content.startswith("Following **All of Us Are Dead**")
    with pytest.raises(AssertionError, match="not offer /watch"):
        standin.slash("watch add", by=fan, at=group, title=AOUAD)
    with pytest.raises(AssertionError, match="not offer /admin"):
        standin.slash("admin history", by=fan, at=group, title=AOUAD)


# --- privacy and limits -------------------------------------------------------------------------


async def test_a_fan_is_capped_and_can_be_forgotten_entirely(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild
) -> None:
    fan = standin.plain_member(guild, "busy-fan")
    lobby = channel(guild, "lobby")
    titles = [AOUAD, "squid-game", "kingdom", "goblin"]
    for title in titles[:FOLLOW_LIMIT]:
        reply = await private(standin, "add", by=fan, at=lobby, title=title)
        assert reply.content.startswith("Following"), reply.content
    refused = await private(standin, "add", by=fan, at=lobby, title=titles[FOLLOW_LIMIT])
    assert refused.content == (
        f"You already follow {FOLLOW_LIMIT} shows, the most one person can. Remove one with /follow remove first."
    )
    offered = await standin.autocomplete("follow remove", by=fan, at=lobby, focused="title").choices()
    assert offered[0] == {"name": "Everything: forget all my follows", "value": "*"}
    assert {c["value"] for c in offered[1:]} == set(titles[:FOLLOW_LIMIT])

    one = await private(standin, "remove", by=fan, at=lobby, title="kingdom")
    assert one.content.startswith("You no longer follow **Kingdom**")

    # News about a show they follow: the bot now keeps their DM channel and the DM's row.
    await curate(standin, guild)
    await wait_dms(standin, fan.user, 1)
    dm_channel = standin.dm_channels[fan.user.id]

    def kept() -> tuple[int, ...]:
        """The fan's follower row, follows, DM rows, and follower rows naming their DM channel."""
        with closing(sqlite3.connect(drama.database)) as db:
            return tuple(
                db.execute(sql, args).fetchone()[0]
                for sql, args in (
                    ("SELECT count(*) FROM follower WHERE user_id = ?", (fan.id,)),
                    ("SELECT count(*) FROM follow WHERE user_id = ?", (fan.id,)),
                    ("SELECT count(*) FROM delivery WHERE user_id = ?", (fan.id,)),
                    ("SELECT count(*) FROM follower WHERE dm_channel_id = ?", (dm_channel,)),
                )
            )

    await standin.wait_for(lambda: kept() == (1, 2, 1, 1), 10, "the DM channel remembered, the DM row kept")

    gone = await private(standin, "remove", by=fan, at=lobby, title="*")
    assert gone.content.startswith("Done: I forgot everything about you")
    listed = await private(standin, "list", by=fan, at=lobby)
    assert listed.content.startswith("You follow no shows.")
    assert kept() == (0, 0, 0, 0)


# --- a crash in the middle of a DM fan-out ------------------------------------------------------


async def test_sigkill_in_the_middle_of_a_dm_fan_out_sends_each_fan_one_dm(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild
) -> None:
    crowd = [standin.make_user(f"crowd-{i:03d}") for i in range(CROWD)]
    async with await Store.open(drama.database) as store:
        show = await store.catalog.show_by_slug(AOUAD)
        assert show is not None
        for user in crowd:
            await store.follows.add(
                user.id, ShowRef(show.id, show.slug, show.title), DEFAULT_EVENTS,
                limit=FOLLOW_LIMIT, resend_since=utcnow(), now=utcnow(),
            )  # fmt: skip
    before = {u.id: len(standin.dm_messages(u)) for u in crowd}
    # Slow answers keep sends in flight, so the kill lands between sending and recording.
    standin.inject(POST, delay=0.3, times=10_000)
    await curate(standin, guild)

    def sent() -> int:
        return sum(len(standin.dm_messages(u)) - before[u.id] for u in crowd)

    await standin.wait_for(lambda: sent() >= 30, 30, "30 DMs of the fan-out")
    assert drama.kill() != 0
    standin.clear_faults()
    done = sent()
    assert done < CROWD
    reached = [u for u in crowd if len(standin.dm_messages(u)) > before[u.id]]
    drama.start()
    await standin.wait_for(
        lambda: all(len(standin.dm_messages(u)) > before[u.id] for u in crowd), 60, "a DM to every fan"
    )
    await settle(3)
    assert {len(standin.dm_messages(u)) - before[u.id] for u in crowd} == {1}
    # The DM channels opened before the kill were remembered: the restart opened none again.
    assert {opens(standin, u) for u in reached} == {1}
