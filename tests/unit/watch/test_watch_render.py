"""What staff read from /watch list: paused channels first, why, and how to fix them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

from kdrama.models import ChannelBacklog, Event, ShowRef, Subscription
from kdrama.render import EMBED_TOTAL_MAX, FIELD_VALUE_MAX, FIELDS_MAX, Reply, safe, to_text
from kdrama.store import Store
from kdrama.watch.render import watch_list_reply
from kdrama.watch.subscriptions import WatchedChannel, WatchList, watch_list
from tests.unit.watch.helpers import AOUAD, GUILD, ref, renew, subscribe


def names(channel_id: int) -> str:
    return f"channel-{channel_id}"


async def test_the_list_puts_paused_channels_first_with_the_reason_and_the_fix(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show, events=frozenset({Event.TRAILER, Event.CAST}), role=501)
    await subscribe(store, 2, None)
    await renew(store, show)  # channel 2 wants status news: one notice waits for it
    await subscribe(store, 3, show)
    await store.subscriptions.pause_channel(3, "the bot can't see this channel (Missing Access)")
    reply = watch_list_reply(
        await watch_list(store, GUILD), "this server", one_channel=False, channel_name=names
    )
    (embed,) = reply.embeds
    assert reply.ephemeral
    assert [f.name for f in embed.fields] == ["#channel-3", "#channel-1", "#channel-2"]
    paused, trailers, every = (f.value or "" for f in embed.fields)
    assert paused.startswith("• **All of Us Are Dead** · all events\n  ⏸ Paused <t:")
    assert paused.endswith(
        ":R>: the bot can't see this channel (Missing Access).\n"
        "Fix the channel, then run /watch add there again to resume it."
    )
    assert trailers == "• **All of Us Are Dead** · trailer, cast · pings <@&501>"
    assert every == "• **Every show** · all events\n1 notification(s) waiting to be posted."
    assert embed.description is None and embed.footer.text is None
    assert "Followed shows" in to_text(reply)


async def test_a_server_with_more_channels_than_fit_one_embed_pages_them(store: Store) -> None:
    for channel in range(1, FIELDS_MAX + 4):
        await subscribe(store, channel, None)
    replies = every_page(await watch_list(store, GUILD))
    assert [len(r.embeds[0].fields) for r in replies] == [FIELDS_MAX, 3]
    assert replies[0].embeds[0].footer.text == "Page 1 of 2 · 28 channels · 28 subscriptions"
    assert replies[0].page_key == "watch:0"
    one = watch_list_reply(await watch_list(store, GUILD, 2), "<#2>", one_channel=True, channel_name=names)
    assert one.embeds[0].description == "In <#2>:"
    assert [f.name for f in one.embeds[0].fields] == ["#channel-2"]
    assert (one.pages, one.page_key, one.embeds[0].footer.text) == (1, "watch:2", None)


def every_page(answer: WatchList, where: str = "this server", *, one_channel: bool = False) -> list[Reply]:
    """Each page of /watch list, as its buttons would show them."""
    first = watch_list_reply(answer, where, one_channel=one_channel, channel_name=names)
    return [first] + [
        watch_list_reply(answer, where, one_channel=one_channel, channel_name=names, page=page)
        for page in range(1, first.pages)
    ]


def listed(replies: list[Reply]) -> Counter[tuple[str, str]]:
    """(channel, show) for every subscription line on every page, as staff read them."""
    seen: Counter[tuple[str, str]] = Counter()
    for reply in replies:
        (embed,) = reply.embeds
        # Within Discord's limits, so nothing was cut or dropped on the way.
        assert len(embed) <= EMBED_TOTAL_MAX and len(embed.fields) <= FIELDS_MAX
        for f in embed.fields:
            value = f.value or ""
            assert len(value) <= FIELD_VALUE_MAX and not value.endswith("…"), value[-50:]
            channel = (f.name or "").removesuffix(" (continued)")
            for line in value.split("\n"):
                if line.startswith("• **"):
                    seen[channel, line[4:].split("**", 1)[0]] += 1
    return seen


async def test_watch_list_never_leaves_out_a_channel_without_saying_so(store: Store) -> None:
    shows = list((await store.catalog.show_refs()).values())
    for channel in range(1, 9):
        for show in shows:
            await subscribe(store, channel, show, role=123456789012345678)
    replies = every_page(await watch_list(store, GUILD))
    expected = {(f"#channel-{ch}", safe(show.title)) for ch in range(1, 9) for show in shows}
    assert listed(replies) == Counter(expected)  # every channel and show, each once
    assert len(replies) > 1
    for number, reply in enumerate(replies, 1):
        assert reply.ephemeral and reply.pages == len(replies) and reply.page_key
        footer = reply.embeds[0].footer.text or ""
        assert footer.startswith(
            f"Page {number} of {len(replies)} · 8 channels · {len(expected)} subscriptions"
        )


def _busy_channel(count: int, channel: int = 5) -> WatchedChannel:
    """A channel following `count` shows with long titles, some paused, each pinging a role."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    subs = tuple(
        Subscription(
            id=n,
            guild_id=GUILD,
            channel_id=channel,
            show=ShowRef(n, f"show-{n}", f"Show number {n} with a rather long title: a drama of {'x' * 60}"),
            events=frozenset({Event.TRAILER, Event.CAST}),
            role_id=123456789012345678,
            created_by=99,
            created_at=at,
            paused_reason="the bot can't see this channel (Missing Access)" if n % 7 == 0 else None,
            paused_at=at if n % 7 == 0 else None,
        )
        for n in range(1, count + 1)
    )
    return WatchedChannel(channel, subs, ChannelBacklog(pending=4, paused=0, failed=0))


def test_a_busy_channels_whole_list_can_be_read_page_by_page() -> None:
    busy = _busy_channel(300)
    replies = every_page(WatchList((busy,), channel_id=5), "<#5>", one_channel=True)
    shows = {("#channel-5", s.show_title) for s in busy.subscriptions}
    assert listed(replies) == Counter(shows)
    assert len(replies) > 1
    for reply in replies:
        assert reply.embeds[0].description == "In <#5>:"
        # A page that goes on with the channel of the page before says so.
        assert reply.embeds[0].fields[0].name == (
            "#channel-5" if reply.page == 0 else "#channel-5 (continued)"
        )
        assert (reply.embeds[0].footer.text or "").startswith(f"Page {reply.page + 1} of {len(replies)} · ")
    last = replies[-1].embeds[0].fields[-1].value or ""
    assert last.endswith(
        "Fix the channel, then run /watch add there again to resume it.\n"
        "4 notification(s) waiting to be posted."
    )


def test_a_server_at_its_subscription_limit_lists_every_channel() -> None:
    channels = tuple(
        WatchedChannel(ch, (replace(_busy_channel(1, ch).subscriptions[0], id=ch),), ChannelBacklog(0, 0, 0))
        for ch in range(1, 501)
    )
    replies = every_page(WatchList(channels))
    assert sorted(channel for channel, _ in listed(replies)) == sorted(
        f"#channel-{ch}" for ch in range(1, 501)
    )


async def test_korean_staff_read_the_korean_title_first_in_the_list(store: Store) -> None:
    from kdrama import i18n

    await subscribe(store, 1, await ref(store, AOUAD))
    await subscribe(store, 1, None)
    answer = await watch_list(store, GUILD)
    (korean,) = watch_list_reply(
        answer, "this server", one_channel=False, channel_name=names, t=i18n.text("ko")
    ).embeds
    assert (korean.fields[0].value or "").splitlines() == [
        "• **모든 작품** · 모든 소식",
        "• **지금 우리 학교는 (All of Us Are Dead)** · 모든 소식",
    ]
    (english,) = watch_list_reply(answer, "this server", one_channel=False, channel_name=names).embeds
    assert (english.fields[0].value or "").splitlines() == [
        "• **Every show** · all events",
        "• **All of Us Are Dead** · all events",
    ]
