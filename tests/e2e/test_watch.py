"""Channel subscriptions end to end: the real bot process, server staff, the Discord stand-in.

What a server would notice is asserted: each subscribed channel gets exactly one message per
change, whatever Discord answers in between (429, 5xx, 403, 404) and even when the bot is
SIGKILLed in the middle of a fan-out; a channel that can't be posted in is paused after one
request and `/watch list` says why.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kdrama import edits
from kdrama.lookup import Catalog
from kdrama.models import Actor
from kdrama.store import Store
from tests.standin.process import REPO_ROOT, BotProcess
from tests.standin.scenario import DiscordStandIn, Reply
from tests.standin.world import MANAGE_CHANNELS, SEND_MESSAGES, Channel, Guild, Member, Overwrite, Role

pytestmark = pytest.mark.asyncio

AOUAD = "all-of-us-are-dead"
POST = "POST /channels/{channel_id}/messages"
NETFLIX = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"
FAN_OUT = 200


@pytest.fixture(scope="module")
def guild(standin_server: DiscordStandIn) -> Guild:
    """A fan server with a channel per situation, made before the bot connects."""
    return standin_server.make_guild(
        "K-drama fans",
        channels=("aouad", "everything", "both", "squid", "quiet", "locked", "doomed", "release"),
    )


@pytest.fixture(scope="module")
def big_guild(standin_server: DiscordStandIn) -> Guild:
    """A server with FAN_OUT channels that all follow every show."""
    return standin_server.make_guild("Big server", channels=tuple(f"news-{i:03d}" for i in range(FAN_OUT)))


def channel(guild: Guild, name: str) -> Channel:
    return next(c for c in guild.channels.values() if c.name == name)


@pytest.fixture(scope="module")
def mod(standin_server: DiscordStandIn, guild: Guild) -> Member:
    return standin_server.manager_member(guild, "mod")


@pytest.fixture(scope="module")
def fans_role(standin_server: DiscordStandIn, guild: Guild) -> Role:
    return standin_server.make_role(guild, "AOUAD fans", 0, mentionable=True)


@pytest.fixture(scope="module")
def drama(guild: Guild, big_guild: Guild, bot_factory: Callable[..., BotProcess]) -> Iterator[BotProcess]:
    """The real bot (`python bot.py`) on a fresh database, for the whole module."""
    proc = bot_factory(
        script=REPO_ROOT / "bot.py", ready_marker="Drama bot ready", require_sync=True, name="drama"
    )
    proc.start()
    proc.require_sync = False
    yield proc


async def watch(standin: DiscordStandIn, path: str, *, by: Member, at: Channel, **options: Any) -> Reply:
    """Run a /watch command; staff replies are private and ping no one."""
    reply = await standin.slash(f"watch {path}", by=by, at=at, **options).reply(within=10)
    assert reply.ephemeral, reply.text()
    assert reply.pings() == set()
    return reply


def posts(standin: DiscordStandIn, ch: Channel) -> list[Any]:
    """Every POST the bot made to a channel's messages, whatever the answer."""
    return [r for r in standin.requests_to(POST) if int(r.params["channel_id"]) == ch.id]


Curate = Callable[..., Awaitable[None]]


@pytest.fixture(scope="module")
def curate(standin_server: DiscordStandIn, guild: Guild) -> Curate:
    """A curator's edit of All of Us Are Dead season 2, through /admin season status|date."""
    owner = standin_server.owner_member(guild)

    async def edit(what: str, **options: Any) -> None:
        options.setdefault("source", NETFLIX)
        reply = await standin_server.slash(
            f"admin season {what}", by=owner, at=channel(guild, "quiet"), title=AOUAD, season=2, **options
        ).reply(within=10)
        assert reply.ephemeral and reply.content.startswith("**Change #"), reply.content

    return edit


async def schedule_offline(db_path: Path, at: datetime) -> None:
    """While the bot is stopped: a curator schedules season 2 for an exact time (kdrama.edits,
    the code /admin season status and date run), so the bot finds it due when it starts."""
    async with await Store.open(db_path) as store:
        catalog = await Catalog.load(store)
        curator = Actor(1, "Curator Kim")
        await edits.set_status(catalog, curator, AOUAD, 2, "scheduled", NETFLIX)
        await edits.set_date(catalog, curator, AOUAD, 2, f"{at:%Y-%m-%d %H:%M:%S} +00:00", True, NETFLIX)


async def settle(seconds: float = 2.5) -> None:
    """Give the bot time to do anything more it might wrongly do (a duplicate, a retry)."""
    await asyncio.sleep(seconds)


# --- subscribing -------------------------------------------------------------------------------


async def test_staff_subscribe_channels_privately(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild, mod: Member, fans_role: Role
) -> None:
    general = channel(guild, "quiet")
    offered = await standin.autocomplete("watch add", by=mod, at=general, focused="title").choices(within=10)
    assert offered[0] == {"name": "Every show", "value": "*"}
    offered = await standin.autocomplete(
        "watch add", by=mod, at=general, focused="title", title="all of us"
    ).choices(within=10)
    assert offered[0] == {"name": "Every show", "value": "*"}
    assert {"name": "All of Us Are Dead", "value": AOUAD} in offered

    reply = await watch(standin, "add", by=mod, at=general, title=AOUAD, channel=channel(guild, "aouad"))
    assert reply.content == (
        f"Now posting news about **All of Us Are Dead** in {channel(guild, 'aouad').mention}: all events."
    )
    await watch(standin, "add", by=mod, at=general, title="*", channel=channel(guild, "everything"))
    both = channel(guild, "both")
    await watch(standin, "add", by=mod, at=general, title=AOUAD, channel=both, role=fans_role)
    await watch(standin, "add", by=mod, at=general, title="*", channel=both, events="trailer,status")
    await watch(standin, "add", by=mod, at=general, title="squid-game", channel=channel(guild, "squid"))
    reply = await watch(standin, "add", by=mod, at=general, title=AOUAD, channel=both, events="premiere")
    assert "I don't know the event “premiere”" in reply.content

    offered = await standin.autocomplete(
        "watch remove", by=mod, at=general, focused="title", channel=both
    ).choices(within=10)
    assert offered == [{"name": "Every show", "value": "*"}, {"name": "All of Us Are Dead", "value": AOUAD}]

    offered = await standin.autocomplete(
        "watch add", by=mod, at=general, focused="events", title=AOUAD, events="status,"
    ).choices(within=10)
    assert {"name": "status,date", "value": "status,date"} in offered
    # "Every show" typed in full, without picking it, means every show too.
    reply = await watch(standin, "add", by=mod, at=general, title="Every show", channel=general)
    assert reply.content.startswith(f"Now posting news about **every show** in {general.mention}")
    reply = await watch(standin, "remove", by=mod, at=general, title="*")
    assert reply.content == f"{general.mention} no longer follows **every show**."

    # Nothing is posted in a channel until there is news.
    assert standin.requests_to(POST) == []


async def test_a_channel_the_bot_cannot_post_in_is_refused_at_once(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild, mod: Member
) -> None:
    locked = channel(guild, "locked")
    standin.deny_bot(locked, SEND_MESSAGES)
    await settle(0.5)  # CHANNEL_UPDATE reaches the bot's cache
    reply = await watch(standin, "add", by=mod, at=channel(guild, "quiet"), title=AOUAD, channel=locked)
    assert reply.content.startswith(f"I can't post in {locked.mention}: I'm missing Send Messages there.")
    listed = await watch(standin, "list", by=mod, at=locked, channel=locked)
    assert "Nothing is followed" in listed.content


async def test_a_fan_without_manage_channels_cannot_subscribe(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild
) -> None:
    fan = standin.plain_member(guild, "fan")
    reply = await standin.slash("watch add", by=fan, at=channel(guild, "quiet"), title=AOUAD).reply(within=10)
    assert reply.ephemeral
    assert reply.content == "You need the Manage Channels permission to use this command."


async def test_staff_need_manage_channels_in_the_channel_they_change(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild, mod: Member
) -> None:
    quiet = channel(guild, "quiet")
    staff_room = standin.make_channel(guild, "staff-room")
    helpers = standin.make_role(guild, "Helpers", MANAGE_CHANNELS)
    helper = standin.make_member(guild, "helper", roles=[helpers])
    standin.set_overwrites(staff_room, [Overwrite(helpers.id, 0, deny=MANAGE_CHANNELS)])
    await settle(0.5)  # the role and the overwrite reach the bot's cache
    refusal = f"You need the Manage Channels permission in {staff_room.mention} to change what it follows."
    reply = await watch(standin, "add", by=helper, at=quiet, title=AOUAD, channel=staff_room)
    assert reply.content == refusal
    await watch(standin, "add", by=mod, at=quiet, title=AOUAD, channel=staff_room)
    reply = await watch(standin, "remove", by=helper, at=quiet, title=AOUAD, channel=staff_room)
    assert reply.content == refusal
    listed = await watch(standin, "list", by=mod, at=quiet, channel=staff_room)
    assert "All of Us Are Dead" in listed.text()  # still followed
    await watch(standin, "remove", by=mod, at=quiet, title=AOUAD, channel=staff_room)


async def test_a_role_is_pinged_only_if_mentionable_or_the_member_may_mention_everyone(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild, mod: Member
) -> None:
    quiet = channel(guild, "quiet")
    hidden = standin.make_role(guild, "Not mentionable", 0)
    await settle(0.5)
    reply = await watch(standin, "add", by=mod, at=quiet, title=AOUAD, channel=quiet, role=hidden)
    assert reply.content == (
        f"You can't have {hidden.mention} pinged in {quiet.mention}: the role isn't mentionable, and you "
        "don't have Mention @everyone, @here and All Roles there."
    )
    listed = await watch(standin, "list", by=mod, at=quiet, channel=quiet)
    assert "Nothing is followed" in listed.content
    admin = standin.admin_member(guild, "server admin")
    reply = await watch(standin, "add", by=admin, at=quiet, title=AOUAD, channel=quiet, role=hidden)
    assert reply.content.startswith("Now posting news about **All of Us Are Dead**"), reply.content
    await watch(standin, "remove", by=admin, at=quiet, title=AOUAD, channel=quiet)


# --- notifications -------------------------------------------------------------------------------


async def test_a_renewal_reaches_each_subscribed_channel_exactly_once(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild, fans_role: Role, curate: Curate
) -> None:
    await curate("status", status="renewed")
    for name in ("aouad", "everything", "both"):
        await standin.wait_channel_messages(channel(guild, name), 1, within=15)
    await settle()
    for name in ("aouad", "everything", "both"):
        (message,) = await standin.wait_channel_messages(channel(guild, name), 1)
        embed = message.embeds[0]
        assert embed["title"] == "All of Us Are Dead · Season 2"
        assert embed["description"] == "Season 2 of All of Us Are Dead: Renewed."
        assert {
            "name": "Status (official)",
            "value": "Filming → **Renewed**",
            "inline": False,
        } in embed["fields"]
        assert {"name": "Source", "value": f"<{NETFLIX}>", "inline": False} in embed["fields"]
        assert message.payload["nonce"].startswith("d") and message.payload["enforce_nonce"] is True
    both = (await standin.wait_channel_messages(channel(guild, "both"), 1))[0]
    assert both.content == f"<@&{fans_role.id}>"
    assert both.pings() == {f"role:{fans_role.id}"}
    assert both.allowed_mentions == {"parse": [], "roles": [str(fans_role.id)]} or both.allowed_mentions == {
        "parse": [],
        "roles": [fans_role.id],
    }
    aouad = (await standin.wait_channel_messages(channel(guild, "aouad"), 1))[0]
    assert aouad.content == "" and aouad.pings() == set()
    assert posts(standin, channel(guild, "squid")) == []
    assert posts(standin, channel(guild, "quiet")) == []


async def test_rate_limits_and_server_errors_still_deliver_exactly_once(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild, curate: Curate
) -> None:
    before = {n: len(standin.channel_messages(channel(guild, n))) for n in ("aouad", "everything", "both")}
    standin.inject(POST, status=429, times=4, retry_after=0.2)
    standin.inject(POST, status=500, times=2)
    standin.inject(POST, status=502, times=1)
    await curate("status", status="filming")
    for name, n in before.items():
        await standin.wait_channel_messages(channel(guild, name), n + 1, within=30)
    await settle(3)
    for name, n in before.items():
        messages = standin.channel_messages(channel(guild, name))
        assert len(messages) == n + 1, name
        assert "Renewed → **Filming**" in str(messages[-1]["embeds"])
    faults = [r.fault for r in standin.requests_to(POST) if r.fault]
    assert len(faults) == 7  # every injected failure was met, and retried


async def test_a_forbidden_or_deleted_channel_is_paused_after_one_request(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild, mod: Member, curate: Curate
) -> None:
    quiet = channel(guild, "quiet")
    doomed, release = channel(guild, "doomed"), channel(guild, "release")
    await watch(standin, "add", by=mod, at=quiet, title=AOUAD, channel=doomed)
    await watch(standin, "add", by=mod, at=quiet, title="*", channel=release, events="release")
    await watch(standin, "add", by=mod, at=quiet, title=AOUAD, channel=release)
    invalid_before = standin.invalid_requests
    standin.deny_bot(doomed, SEND_MESSAGES)  # 403 50013 from now on
    standin.delete_channel(release, notify=False)  # gone while the bot wasn't looking: 404 10003
    await curate("status", status="post_production")
    await standin.wait_channel_messages(channel(guild, "aouad"), 3, within=15)
    await settle()
    assert [r.status for r in posts(standin, doomed)] == [403]
    assert [r.status for r in posts(standin, release)] == [404]

    listed = await watch(standin, "list", by=mod, at=quiet)
    text = listed.text()
    assert "⏸ Paused" in text
    assert "the bot lacks permission to post here (Missing Permissions)" in text
    assert "the channel no longer exists" in text
    assert "Fix the channel, then run /watch add there again to resume it." in text

    # More news: the paused channels are not asked again.
    await curate("date", date="2027", official=False, source="a fan forum rumour")
    await standin.wait_channel_messages(channel(guild, "aouad"), 4, within=15)
    await settle()
    assert len(posts(standin, doomed)) == 1 and len(posts(standin, release)) == 1
    assert standin.invalid_requests - invalid_before == 1  # one 403 toward the ban counter, ever

    # Staff fix the permission and subscribe again: the channel resumes and gets what it missed.
    standin.set_overwrites(doomed, [])
    await settle(0.5)
    reply = await watch(standin, "add", by=mod, at=quiet, title=AOUAD, channel=doomed)
    assert "Resumed the channel's 1 paused subscription(s)." in reply.content
    assert "1 notification(s) it missed will be posted now." in reply.content
    (missed,) = await standin.wait_channel_messages(doomed, 1, within=15)
    assert "Filming → **In post-production**" in str(missed.embeds)


async def test_a_deleted_channel_loses_its_subscriptions(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild, mod: Member
) -> None:
    quiet = channel(guild, "quiet")
    temp = standin.make_channel(guild, "temporary")
    await settle(0.3)
    await watch(standin, "add", by=mod, at=quiet, title=AOUAD, channel=temp)
    standin.delete_channel(temp)  # CHANNEL_DELETE
    await settle(0.5)
    listed = await watch(standin, "list", by=mod, at=quiet)
    assert "temporary" not in listed.text() and str(temp.id) not in listed.text()


async def test_a_list_longer_than_one_message_pages_through_every_channel(
    standin: DiscordStandIn, drama: BotProcess
) -> None:
    busy = standin.make_guild("Busy server", channels=tuple(f"news-{i:02d}" for i in range(30)))
    await settle(0.5)  # GUILD_CREATE reaches the bot
    boss = standin.manager_member(busy, "boss")
    first = channel(busy, "news-00")
    for ch in busy.channels.values():
        await watch(standin, "add", by=boss, at=first, title="*", channel=ch)
    page = await watch(standin, "list", by=boss, at=first)
    listed: list[str] = []
    footers: list[str] = []
    while True:
        embed = page.embeds[0]
        listed += [f["name"] for f in embed["fields"]]
        footers.append(embed["footer"]["text"])
        following = next(b for b in page.buttons() if b["label"] == "Next ▶")
        if following.get("disabled"):
            break
        page = await standin.click(page, following["custom_id"], by=boss, at=first).reply(within=10)
        assert page.pings() == set()
    assert sorted(listed) == sorted(f"#{ch.name}" for ch in busy.channels.values())
    assert footers == [
        "Page 1 of 2 · 30 channels · 30 subscriptions",
        "Page 2 of 2 · 30 channels · 30 subscriptions",
    ]
    # A member without Manage Channels who got hold of the button reads nothing of the list.
    back = next(b for b in page.buttons() if b["label"] == "◀ Previous")
    fan = standin.plain_member(busy, "fan")
    peek = await standin.click(page, back["custom_id"], by=fan, at=first).reply(within=10)
    assert peek.ephemeral and peek.content == "You need the Manage Channels permission to use this command."


async def test_a_server_that_removes_the_bot_has_its_subscriptions_paused(
    standin: DiscordStandIn, drama: BotProcess, curate: Curate
) -> None:
    leaving = standin.make_guild("Leaving soon", channels=("news",))
    await settle(0.5)  # GUILD_CREATE reaches the bot
    news = channel(leaving, "news")
    boss = standin.manager_member(leaving, "boss")
    await watch(standin, "add", by=boss, at=news, title=AOUAD)
    standin.remove_bot(leaving)  # GUILD_DELETE
    await settle(0.5)
    await curate("status", status="cancelled")
    await settle()
    assert posts(standin, news) == []  # not even one forbidden request


# --- pacing, crashes and the clock -----------------------------------------------------------------


async def subscribe_all(standin: DiscordStandIn, guild: Guild) -> None:
    mod = standin.manager_member(guild, "big mod")
    first = next(iter(guild.channels.values()))
    for ch in guild.channels.values():
        reply = await standin.slash("watch add", by=mod, at=first, title="*", channel=ch).reply(within=10)
        assert reply.content.startswith("Now posting"), reply.content


async def test_a_fan_out_stays_under_the_global_limit(
    standin: DiscordStandIn, drama: BotProcess, big_guild: Guild, curate: Curate
) -> None:
    await subscribe_all(standin, big_guild)
    standin.enforce_global_limit = True
    channels = list(big_guild.channels.values())
    await curate("status", status="scheduled")
    started = time.monotonic()
    for ch in channels:
        await standin.wait_channel_messages(ch, 1, within=30)
    first = min(posts(standin, ch)[0].time for ch in channels)
    last = max(posts(standin, ch)[-1].time for ch in channels)
    rate = (FAN_OUT - 1) / (last - first)
    print(f"fan-out of {FAN_OUT}: {rate:.1f} messages/s, {time.monotonic() - started:.1f}s after the edit")
    assert standin.global_limit_violations == 0
    assert 35 <= rate <= 50
    await settle()
    assert all(len(standin.channel_messages(ch)) == 1 for ch in channels)


async def test_sigkill_in_the_middle_of_a_fan_out_posts_each_message_once(
    standin: DiscordStandIn, drama: BotProcess, big_guild: Guild, curate: Curate
) -> None:
    channels = list(big_guild.channels.values())
    before = {ch.id: len(standin.channel_messages(ch)) for ch in channels}
    # Slow answers keep sends in flight, so the kill lands between posting and recording.
    standin.inject(POST, delay=0.3, times=10_000)
    await curate("status", status="airing")
    await standin.wait_for(
        lambda: sum(len(standin.channel_messages(ch)) - before[ch.id] for ch in channels) >= 60,
        30,
        "60 messages of the fan-out",
    )
    assert drama.kill() != 0
    standin.clear_faults()
    done = sum(len(standin.channel_messages(ch)) - before[ch.id] for ch in channels)
    assert done < FAN_OUT
    drama.start()
    for ch in channels:
        await standin.wait_channel_messages(ch, before[ch.id] + 1, within=60)
    await settle(3)
    counts = {len(standin.channel_messages(ch)) - before[ch.id] for ch in channels}
    assert counts == {1}
    # Sends cut off by the kill were repeated with the same nonce; Discord returned the earlier
    # message instead of posting a second one.
    nonces = {standin.channel_messages(ch)[-1].get("nonce") for ch in channels}
    repeats = sum(1 for r in standin.requests_to(POST) if r.json and r.json.get("nonce") in nonces) - FAN_OUT
    print(
        f"killed after {done} of {FAN_OUT} messages; {repeats} sends repeated with their nonce after restart"
    )


async def test_sigterm_in_the_middle_of_a_fan_out_loses_nothing(
    standin: DiscordStandIn, drama: BotProcess, big_guild: Guild, curate: Curate
) -> None:
    channels = list(big_guild.channels.values())
    before = {ch.id: len(standin.channel_messages(ch)) for ch in channels}
    standin.inject(POST, delay=0.3, times=10_000)
    await curate("status", status="released")
    await standin.wait_for(
        lambda: sum(len(standin.channel_messages(ch)) - before[ch.id] for ch in channels) >= 40,
        30,
        "40 messages of the fan-out",
    )
    assert drama.stop() == 0  # sends in flight finish or stay queued; exit code 0
    standin.clear_faults()
    done = sum(len(standin.channel_messages(ch)) - before[ch.id] for ch in channels)
    assert done < FAN_OUT
    drama.start()
    for ch in channels:
        await standin.wait_channel_messages(ch, before[ch.id] + 1, within=60)
    await settle(3)
    assert {len(standin.channel_messages(ch)) - before[ch.id] for ch in channels} == {1}


async def test_a_release_time_passing_while_the_bot_is_down_is_announced_once(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild
) -> None:
    watchers = [channel(guild, n) for n in ("aouad", "everything", "both")]
    before = {ch.id: len(standin.channel_messages(ch)) for ch in watchers}
    assert drama.stop() == 0  # SIGTERM: a clean stop
    at = datetime.now(UTC) + timedelta(seconds=2)
    await schedule_offline(drama.database, at)
    await asyncio.sleep(max(0.0, (at - datetime.now(UTC)).total_seconds()) + 0.5)
    drama.start()
    for ch in watchers:
        await standin.wait_channel_messages(ch, before[ch.id] + 3, within=30)
    await settle(3)
    for ch in watchers:
        new = standin.channel_messages(ch)[before[ch.id] :]
        streaming = [m for m in new if "Now streaming" in (m["embeds"][0].get("description") or "")]
        # The curator's two edits (status, then date) and the clock's release, once.
        assert len(new) == 3 and len(streaming) == 1, [m["embeds"][0].get("description") for m in new]
        assert new[-1] is streaming[0]
        fields = {f["name"]: f["value"] for f in streaming[0]["embeds"][0]["fields"]}
        assert fields["Status (official)"] == "Date announced → **Released**"
    # Restarting again announces nothing more.
    drama.restart()
    await settle(3)
    for ch in watchers:
        assert len(standin.channel_messages(ch)) == before[ch.id] + 3


# --- when Discord says stop ----------------------------------------------------------------------


def requests_after(standin: DiscordStandIn, moment: float, until: float) -> list[Any]:
    return [r for r in standin.requests_to(POST) if moment < r.time < until]


async def test_a_cloudflare_ban_pauses_every_delivery_for_the_time_it_asks(
    standin: DiscordStandIn, drama: BotProcess, big_guild: Guild, curate: Curate
) -> None:
    channels = list(big_guild.channels.values())
    before = {ch.id: len(standin.channel_messages(ch)) for ch in channels}
    seen = len(standin.requests_to(POST))
    standin.inject(POST, status=429, cloudflare=True, retry_after=3, times=1)
    await curate("status", status="airing")
    for ch in channels:
        await standin.wait_channel_messages(ch, before[ch.id] + 1, within=60)
    await settle()
    (banned,) = [r for r in standin.requests_to(POST)[seen:] if r.status == 429]
    # Sends already past the budget may still land; after that, silence for the 3 s asked.
    assert requests_after(standin, banned.time + 0.5, banned.time + 2.9) == []
    assert {len(standin.channel_messages(ch)) - before[ch.id] for ch in channels} == {1}
    assert drama.log_since_start().count("every delivery is paused for 3.0s") == 1


async def test_a_401_stops_every_delivery_until_a_restart(
    standin: DiscordStandIn, drama: BotProcess, big_guild: Guild, curate: Curate
) -> None:
    channels = list(big_guild.channels.values())
    before = {ch.id: len(standin.channel_messages(ch)) for ch in channels}
    seen = len(standin.requests_to(POST))
    standin.inject(POST, status=401, times=1)
    await curate("status", status="released")
    await standin.wait_for(
        lambda: any(r.status == 401 for r in standin.requests_to(POST)[seen:]), 15, "the 401"
    )
    await settle(3)
    (refused,) = [r for r in standin.requests_to(POST)[seen:] if r.status == 401]
    assert requests_after(standin, refused.time + 0.5, time.monotonic()) == []
    assert (
        "every delivery is paused until the bot is restarted with a working token" in drama.log_since_start()
    )
    drama.restart()  # the token was fixed
    for ch in channels:
        await standin.wait_channel_messages(ch, before[ch.id] + 1, within=60)
    await settle()
    assert {len(standin.channel_messages(ch)) - before[ch.id] for ch in channels} == {1}
