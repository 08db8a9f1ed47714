"""What staff read from /watch list: paused channels first, why, and how to fix them."""

from __future__ import annotations

from kdrama.models import Event
from kdrama.render import to_text
from kdrama.store import Store
from kdrama.watch.render import watch_list_reply
from kdrama.watch.subscriptions import LIST_CHANNELS_MAX, watch_list
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


async def test_a_server_with_too_many_channels_says_how_many_more(store: Store) -> None:
    for channel in range(1, LIST_CHANNELS_MAX + 4):
        await subscribe(store, channel, None)
    answer = await watch_list(store, GUILD)
    reply = watch_list_reply(answer, "this server", one_channel=False, channel_name=names)
    assert len(reply.embeds[0].fields) == LIST_CHANNELS_MAX
    assert reply.embeds[0].footer.text == "… and 3 more channels: pick one with the channel option."
    one = watch_list_reply(await watch_list(store, GUILD, 2), "<#2>", one_channel=True, channel_name=names)
    assert one.embeds[0].description == "In <#2>:"
    assert [f.name for f in one.embeds[0].fields] == ["#channel-2"]
